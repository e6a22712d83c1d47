"""Fanning out what needs action to the right people's inboxes, once per thing however often it is asked."""
import uuid
from collections import defaultdict
from typing import Protocol

from sqlalchemy import bindparam, select

from server.core.db import db, insert_rows
from server.notifications.models import Notification
from server.people.models import RoleAssignment, User


class Hazard(Protocol):
    """What the inbox reads of a hazard, the model or a row of a few of its columns (a clock tick's): which it is,
    and the street, enterprise and sector it goes to. A protocol, not the model: the hazard loop stands on the inbox."""

    id: uuid.UUID
    street_id: int
    enterprise_id: uuid.UUID | None
    sector: str | None


# Who holds a role, among the active users; narrowed by role and scope below.
_ACTIVE_HOLDERS = select(RoleAssignment.user_id).join(User).where(User.is_active.is_(True))
# Asked on every report: a statement built once, run straight through the driver (Database.fetch_hot).
_STATION_OFFICERS = _ACTIVE_HOLDERS.where(RoleAssignment.role == "station_officer",
                                          RoleAssignment.area_id == bindparam("street_id"))


def station_officers(hazard: Hazard) -> set[uuid.UUID]:
    return {row.user_id for row in db.fetch_hot(_STATION_OFFICERS, {"street_id": hazard.street_id})}


def supervisors() -> set[uuid.UUID]:
    return _holders(RoleAssignment.role == "supervisor")


def enterprise_users(hazard: Hazard) -> set[uuid.UUID]:
    if hazard.enterprise_id is None:
        return set()
    return _holders(RoleAssignment.role == "enterprise_user", RoleAssignment.enterprise_id == hazard.enterprise_id)


def department_officers(hazard: Hazard) -> set[uuid.UUID]:
    if hazard.sector is None:
        return set()
    return _holders(RoleAssignment.role == "department_officer", RoleAssignment.sector == hazard.sector)


def _holders(*conditions) -> set[uuid.UUID]:
    return set(db.session.scalars(_ACTIVE_HOLDERS.where(*conditions)))


class Recipients:
    """Who gets what about many hazards at once (a clock tick's batch): each group read once for the batch."""

    def __init__(self, hazards: list[Hazard]):
        self._station = _grouped(RoleAssignment.area_id, "station_officer", {h.street_id for h in hazards})
        enterprises = {h.enterprise_id for h in hazards if h.enterprise_id is not None}
        self._enterprise = _grouped(RoleAssignment.enterprise_id, "enterprise_user", enterprises)
        self._supervisors = None

    def station_officers(self, hazard: Hazard) -> set[uuid.UUID]:
        return self._station.get(hazard.street_id, set())

    def enterprise_users(self, hazard: Hazard) -> set[uuid.UUID]:
        return self._enterprise.get(hazard.enterprise_id, set())

    def supervisors(self) -> set[uuid.UUID]:
        if self._supervisors is None:
            self._supervisors = supervisors()
        return self._supervisors


def _grouped(column, role: str, values: set) -> dict:
    if not values:
        return {}
    grouped = defaultdict(set)
    for user_id, value in db.session.execute(select(RoleAssignment.user_id, column).join(User).where(
            User.is_active.is_(True), RoleAssignment.role == role, column.in_(values))):
        grouped[value].add(user_id)
    return grouped


def entries(kind: str, hazard: Hazard, users: set[uuid.UUID], *, key: str = "") -> list[dict]:
    """The inbox rows that put `kind` about `hazard` before each user; `key` tells one occasion from another."""
    key = f"{kind}:{hazard.id}:{key}"[:120]
    return [{"user_id": user, "key": key, "kind": kind, "hazard_id": hazard.id} for user in sorted(users)]


def notify(kind: str, hazard: Hazard, users: set[uuid.UUID], *, key: str = "", fresh: bool = False) -> None:
    """Put `kind` about `hazard` in each user's inbox, unless it is there already (keyed by kind, hazard and `key`).
    `fresh`: the hazard is new in this transaction, so no inbox holds anything about it yet."""
    rows = entries(kind, hazard, users, key=key)
    if fresh:
        insert_rows(Notification, rows)
    else:
        add(rows)


def add(rows: list[dict]) -> None:
    """Insert inbox rows, skipping those already there: a clock tick on another worker may fan out the same thing."""
    insert_rows(Notification, rows, skip_conflicts_on=("user_id", "key"))
