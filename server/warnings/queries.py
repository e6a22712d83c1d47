"""The warnings' SQL: who a message must reach (the fan-out's two reads and its bulk insert), a recipient's receipt,
and the coverage counts (indicator 8)."""

import uuid
from collections import defaultdict

from sqlalchemy import case, func, or_, select, update

from server.areas.models import Area, path_ids, subtree_ids
from server.core.db import db, insert_rows
from server.people.models import RoleAssignment, User
from server.sites.models import Site
from server.warnings.models import RECIPIENT_ROLES, WarningClock, WarningRecipient

_ORDER = {role: n for n, role in enumerate(RECIPIENT_ROLES)}


def areas(area_ids) -> list:
    """The areas a message names (id, path, level, name), those that exist."""
    return db.session.execute(select(Area.id, Area.path, Area.level, Area.name).where(Area.id.in_(area_ids))).all()


def concerned(paths: list[str]) -> list[dict]:
    """The people a message over these area paths must reach, one row each (warning_recipients' columns but the
    message's): grid workers and station officers holding a role at, under or above (but the district) one of the
    areas, and the safety leads of enterprises with a site there. Two queries, whatever the number of people."""
    above = {area_id for path in paths for area_id in path_ids(path)[1:-1]}  # streets and communities over them
    held = db.session.execute(
        select(RoleAssignment.user_id, RoleAssignment.role, Area.id, Area.path, Area.level)
        .join(User, User.id == RoleAssignment.user_id)
        .join(Area, Area.id == RoleAssignment.area_id)
        .where(
            User.is_active.is_(True),
            RoleAssignment.role.in_(("grid_worker", "station_officer")),
            or_(RoleAssignment.area_id.in_(subtree_ids(paths)), RoleAssignment.area_id.in_(above)),
        )
    ).all()
    leads = db.session.execute(
        select(RoleAssignment.user_id, func.min(Site.grid_id))
        .join(User, User.id == RoleAssignment.user_id)
        .join(Site, Site.enterprise_id == RoleAssignment.enterprise_id)
        .where(
            User.is_active.is_(True),
            RoleAssignment.role == "enterprise_user",
            Site.grid_id.in_(subtree_ids(paths)),
        )
        .group_by(RoleAssignment.user_id)
    ).all()
    grids = _paths({grid_id for _user, grid_id in leads})
    people = {}
    for user_id, role, area_id, path, level in sorted(held, key=lambda row: (_ORDER[row.role], row.path)):
        if user_id not in people:
            people[user_id] = _row(user_id, role, path, area_id if level == "grid" else None)
    for user_id, grid_id in leads:
        people.setdefault(user_id, _row(user_id, "enterprise_user", grids[grid_id], grid_id))
    return list(people.values())


def _row(user_id, role: str, path: str, grid_id) -> dict:
    ids = path_ids(path)
    return {"user_id": user_id, "role": role, "street_id": ids[1] if len(ids) > 1 else None, "grid_id": grid_id}


def _paths(area_ids: set) -> dict:
    if not area_ids:
        return {}
    return dict(db.session.execute(select(Area.id, Area.path).where(Area.id.in_(area_ids))).all())


def add_recipients(rows: list[dict]) -> None:
    """A new message's recipients, all at once (core.db.insert_rows: one statement on PostgreSQL)."""
    insert_rows(WarningRecipient, rows)


def recipients_of(warning_id: uuid.UUID) -> list[dict]:
    """A message's recipients as rows to copy (a cancellation reaches whoever its message reached)."""
    return [
        {"user_id": r.user_id, "role": r.role, "street_id": r.street_id, "grid_id": r.grid_id}
        for r in db.session.execute(
            select(
                WarningRecipient.user_id, WarningRecipient.role, WarningRecipient.street_id, WarningRecipient.grid_id
            ).where(WarningRecipient.warning_id == warning_id)
        )
    ]


def receipt(warning_id: uuid.UUID, user_id: uuid.UUID, *, lock: bool = False) -> WarningRecipient | None:
    """One recipient's row of a message, locked for a change (its 已阅 or 已传达) when asked."""
    stmt = select(WarningRecipient).where(
        WarningRecipient.warning_id == warning_id, WarningRecipient.user_id == user_id
    )
    return db.session.scalars(stmt.with_for_update() if lock else stmt).first()


def mark_acknowledged(warning_id: uuid.UUID, user_id: uuid.UUID, at, client_id: uuid.UUID, done_at):
    """已阅 in one statement: the recipient's row if this marked it read, else None (read already, or not theirs).
    `at` is its arrival, `done_at` when it was read."""
    table = WarningRecipient.__table__
    return db.session.execute(
        update(table)
        .where(table.c.warning_id == warning_id, table.c.user_id == user_id, table.c.acknowledged_at.is_(None))
        .values(acknowledged_at=at, ack_client_id=client_id, ack_done_at=done_at)
        .returning(*table.c)
    ).first()


def receipt_row(warning_id: uuid.UUID, user_id: uuid.UUID):
    table = WarningRecipient.__table__
    return db.session.execute(select(table).where(table.c.warning_id == warning_id, table.c.user_id == user_id)).first()


def receipts(warning_ids, user_id) -> dict:
    """The caller's rows of these messages, by message."""
    if not warning_ids or user_id is None:
        return {}
    return {
        r.warning_id: r
        for r in db.session.scalars(
            select(WarningRecipient).where(
                WarningRecipient.warning_id.in_(warning_ids), WarningRecipient.user_id == user_id
            )
        )
    }


def unacknowledged(warning_ids) -> dict:
    """The recipients of each message who have not acknowledged it, by message: a reminder's batch, one query."""
    if not warning_ids:
        return {}
    grouped = defaultdict(set)
    for warning_id, user_id in db.session.execute(
        select(WarningRecipient.warning_id, WarningRecipient.user_id).where(
            WarningRecipient.warning_id.in_(warning_ids), WarningRecipient.acknowledged_at.is_(None)
        )
    ):
        grouped[warning_id].add(user_id)
    return grouped


def add_clocks(rows: list[dict]) -> None:
    insert_rows(WarningClock, rows)


def _counts(in_time=None):
    """The counts of a group of recipients; with `in_time` (the first reminder's due time), also how many read it
    before then, by when they read it (an offline 已阅 counts from when it was made, not when it arrived)."""
    read = func.coalesce(WarningRecipient.ack_done_at, WarningRecipient.acknowledged_at)
    timely = () if in_time is None else (func.sum(case((read <= in_time, 1), else_=0)).label("read_in_time"),)
    return (
        *timely,
        func.count().label("recipients"),
        func.count(WarningRecipient.acknowledged_at).label("acknowledged"),
        func.count(WarningRecipient.relayed_at).label("relayed"),
        func.sum(case((WarningRecipient.role == "grid_worker", 1), else_=0)).label("relayers"),
        func.coalesce(func.sum(WarningRecipient.households), 0).label("households"),
    )


def totals(warning_ids, in_time=None) -> dict:
    """Recipients, acknowledged, relayed (and how many were to relay), households reached, by message; read in
    time with `in_time` (one message's coverage)."""
    if not warning_ids:
        return {}
    return {
        row.warning_id: row
        for row in db.session.execute(
            select(WarningRecipient.warning_id, *_counts(in_time))
            .where(WarningRecipient.warning_id.in_(warning_ids))
            .group_by(WarningRecipient.warning_id)
        )
    }


def coverage_by(warning_id: uuid.UUID, column, in_time=None) -> list:
    """A message's counts by street or by grid (those with recipients there), with the area's name."""
    return db.session.execute(
        select(column.label("area_id"), Area.name, *_counts(in_time))
        .join(Area, Area.id == column)
        .where(WarningRecipient.warning_id == warning_id)
        .group_by(column, Area.name)
        .order_by(Area.name)
    ).all()


def coverage_by_role(warning_id: uuid.UUID, in_time=None) -> list:
    return db.session.execute(
        select(WarningRecipient.role, *_counts(in_time))
        .where(WarningRecipient.warning_id == warning_id)
        .group_by(WarningRecipient.role)
    ).all()
