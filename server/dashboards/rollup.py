"""The trend's frozen months: freezing a month that has ended (the maintenance round), and reading its counts.

A month is frozen once: its hazards counted into hazard_months and the month marked (frozen_months) in one
transaction that no write to hazards or sites can interleave with (PostgreSQL: a SHARE lock on both, which waits for
the writers under way and holds back new ones until the commit; SQLite: the write lock, taken as the transaction
begins). From then on the triggers (dashboards.models) apply every change of an old hazard to it in the writer's
own transaction, so a frozen month's counts are always those of the table. The months the rollup does not serve, the
current one always among them, are counted from the table (dashboards.services.trend).
"""

import logging
from datetime import date, timedelta

from sqlalchemy import Column, and_, delete, func, insert, literal, select, text, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import visitors

from server.core.db import db
from server.core.time import local_days, utcnow
from server.dashboards.models import NONE, FrozenMonth, HazardMonth
from server.hazards.models import Hazard
from server.jobs import periodic
from server.plans.periods import Period, containing, local_date
from server.sites.models import Site

log = logging.getLogger("safegrid.dashboards")

# The hazards' columns the rollup keeps, as its own: a clause that reads no other column of hazards it can answer.
KEPT = {"grid_id": HazardMonth.grid_id, "sector": func.nullif(HazardMonth.sector, NONE)}


def on_rollup(clause):
    """`clause`, written over hazards, as the same clause over the rollup's rows; None if it reads a column of
    hazards the rollup does not keep (a reporter, an enterprise), which only the table can answer."""
    unkept = []

    def swap(element):
        if isinstance(element, Column) and element.table is Hazard.__table__:
            if element.key not in KEPT:
                unkept.append(element.key)
            return KEPT.get(element.key)
        return None

    found = visitors.replacement_traverse(clause, {}, swap)
    return None if unkept else found


def counts(where: list, months: list[Period]) -> dict[str, tuple[int, int]]:
    """(found, closed) of each frozen month among `months`, within `where` (clauses over the rollup's rows)."""
    rows = db.session.execute(
        select(FrozenMonth.month, func.sum(HazardMonth.found), func.sum(HazardMonth.closed))
        .outerjoin(HazardMonth, and_(HazardMonth.month == FrozenMonth.month, *where))
        .where(FrozenMonth.month.in_([month.key for month in months]))
        .group_by(FrozenMonth.month)
    ).all()
    return {month: (int(found or 0), int(closed or 0)) for month, found, closed in rows}


# ---- freezing ---------------------------------------------------------------------------------------------------


def month_of(day: date) -> Period:
    return containing("monthly", day)


def freeze(months: list[Period]) -> list[str]:
    """Count each of these months (ended ones) into the rollup and mark it frozen, in the session's transaction
    (the caller commits); a month frozen already, by an earlier round or another process, is left as it is.
    The months frozen now."""
    if db.session.get_bind().dialect.name == "postgresql":
        # no write to what the rollup counts between these counts and the commit that marks them frozen: the writers
        # under way finish first, and those after it see the mark (and their triggers count them)
        # (a writer that holds on for long makes this round give up, and the next one try again)
        db.session.execute(text("SET LOCAL lock_timeout = '10s'"))
        db.session.execute(text("LOCK TABLE hazards, sites IN SHARE MODE"))
    frozen = []
    for month in months:
        if _mark(month.key):
            db.session.execute(delete(HazardMonth).where(HazardMonth.month == month.key))
            db.session.execute(_count(month))
            frozen.append(month.key)
    return frozen


def _mark(key: str) -> bool:
    dialect = db.session.get_bind().dialect.name
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(FrozenMonth)
    stmt = stmt.values(month=key, frozen_at=utcnow()).on_conflict_do_nothing().returning(FrozenMonth.month)
    return db.session.execute(stmt).first() is not None


def _count(month: Period):
    """INSERT … SELECT of a month's hazards, received in it (found) and closed in it, by grid, sector, site type."""
    start, end = local_days(month.start, month.end)
    key = (Hazard.grid_id, Hazard.sector, Hazard.site_id)
    change = union_all(
        select(*key, literal(1).label("found"), literal(0).label("closed")).where(
            Hazard.received_at >= start, Hazard.received_at < end
        ),
        select(*key, literal(0), literal(1)).where(Hazard.closed_at >= start, Hazard.closed_at < end),
    ).subquery("change")
    sector, site_type = func.coalesce(change.c.sector, NONE), func.coalesce(Site.type, NONE)
    found, closed = func.sum(change.c.found), func.sum(change.c.closed)
    counted = (
        select(literal(month.key), change.c.grid_id, sector, site_type, found, closed)
        .select_from(change.outerjoin(Site, Site.id == change.c.site_id))
        .group_by(change.c.grid_id, sector, site_type)
    )
    columns = ("month", "grid_id", "sector", "site_type", "found", "closed")
    return insert(HazardMonth).from_select(columns, counted)


def freeze_ended_months(now=None) -> list[str]:
    """The maintenance round's part: freeze every month that has ended, from the first hazard's month, that is not
    frozen yet (the months since the last one frozen; the months before the first one, where older hazards were
    loaded since), and commit. The months frozen stay one run: the first frozen to the last. One statement when
    there is nothing to do."""
    last = month_of(local_date(now or utcnow()).replace(day=1) - timedelta(days=1))
    earliest, latest, oldest = db.session.execute(
        select(
            select(func.min(FrozenMonth.month)).scalar_subquery(),
            select(func.max(FrozenMonth.month)).scalar_subquery(),
            select(func.min(Hazard.received_at)).scalar_subquery(),
        )
    ).one()
    first = month_of(local_date(oldest)) if oldest is not None else last
    months = [first if first.key < last.key else last]
    while months[-1].key < last.key:
        months.append(month_of(months[-1].end + timedelta(days=1)))
    if earliest is not None:
        months = [month for month in months if not earliest <= month.key <= latest]
    if not months:
        return []
    frozen = freeze(months)
    db.session.commit()
    if frozen:
        log.info("froze the dashboards' months %s", ", ".join(frozen))
    return frozen


periodic(freeze_ended_months)
