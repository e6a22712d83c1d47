"""Fanning out what needs action to the right people's inboxes, once per thing however often it is asked."""
import uuid

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from server.core.db import db, insert_rows
from server.hazards.models import Hazard
from server.notifications.models import Notification
from server.people.models import RoleAssignment, User


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


def notify(kind: str, hazard: Hazard, users: set[uuid.UUID], *, key: str = "", fresh: bool = False) -> int:
    """Put `kind` about `hazard` in each user's inbox, unless it is there already: how many were added.
    `fresh`: the hazard is new in this transaction, so no inbox holds anything about it yet."""
    key = f"{kind}:{hazard.id}:{key}"[:120]
    if fresh:
        insert_rows(Notification, [{"user_id": user, "key": key, "kind": kind, "hazard_id": hazard.id}
                                   for user in sorted(users)])
        return len(users)
    present = set(db.session.scalars(select(Notification.user_id).where(Notification.key == key,
                                                                        Notification.user_id.in_(users))))
    new = [Notification(user_id=user, key=key, kind=kind, hazard_id=hazard.id) for user in users - present]
    try:
        with db.session.begin_nested():  # a clock tick on another worker may fan out the same thing
            db.session.add_all(new)
    except IntegrityError:
        return 0
    return len(new)
