"""The inbox's SQL: who holds a role (the station's officers on every report, through the driver), and inbox rows
inserted without the unit of work (core.db.insert_rows), several at once."""

import uuid
from collections import defaultdict

from sqlalchemy import bindparam, select

from server.core.db import db, insert_rows
from server.notifications.models import Notification
from server.people.models import RoleAssignment, User

# Who holds a role, among the active users; narrowed by role and scope below.
_ACTIVE_HOLDERS = select(RoleAssignment.user_id).join(User).where(User.is_active.is_(True))
_STATION_OFFICERS = _ACTIVE_HOLDERS.where(
    RoleAssignment.role == "station_officer", RoleAssignment.area_id == bindparam("street_id")
)


def station_officers(street_id: int) -> set[uuid.UUID]:
    """The active officers of a street's station: asked on every report (core.db.fetch_hot)."""
    return {row.user_id for row in db.fetch_hot(_STATION_OFFICERS, {"street_id": street_id})}


def holders(*conditions) -> set[uuid.UUID]:
    """The active users holding a role assignment that meets the conditions."""
    return set(db.session.scalars(_ACTIVE_HOLDERS.where(*conditions)))


def holders_by(column, role: str, values: set) -> dict:
    """The active holders of `role` whose assignment's `column` is one of `values`, by that value: one query for a
    clock tick's batch."""
    if not values:
        return {}
    grouped = defaultdict(set)
    for user_id, value in db.session.execute(
        select(RoleAssignment.user_id, column)
        .join(User)
        .where(User.is_active.is_(True), RoleAssignment.role == role, column.in_(values))
    ):
        grouped[value].add(user_id)
    return grouped


def add_entries(rows: list[dict]) -> None:
    """Insert inbox rows, skipping those already there (the same user and key)."""
    insert_rows(Notification, rows, skip_conflicts_on=("user_id", "key"))


def add_first_entries(rows: list[dict]) -> None:
    """Insert inbox rows about a hazard new in this transaction, which no inbox holds anything about yet: nothing to
    skip, so nothing is looked for."""
    insert_rows(Notification, rows)
