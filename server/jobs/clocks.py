"""The clocks' engine: rows with due times, in any domain's table, fired once each by whoever ticks.

A domain keeps its clocks in a table of its own (the hazards' `hazard_clocks`, the incidents' `incident_clocks`),
each row with `id`, `kind`, `due_at`, `state`, `fired_at` and `outcome` and a partial index of the rows still to fire,
and registers it here with the function that fires a batch of due rows (`register`). `tick(now)` fires, table by
table, every clock that is due and still applies, once each however many tickers run at once: every long-running
process (each web worker and each job worker) ticks in its maintenance round (server.jobs.maintenance), so no single
process or job can take the clocks down with it; tests tick with a controlled `now`. Several tickers share a backlog:
each takes the clocks no other has locked (SKIP LOCKED), in batches committed one by one, until none is due.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, select, update

from server.core.db import db
from server.core.time import utcnow
from server.jobs.maintenance import periodic

log = logging.getLogger("safegrid.clocks")

# Clocks fired per transaction: enough to amortise the queries, few enough that the event chain's lock (taken by the
# escalations, last in each batch) is held briefly and reports do not queue behind a backlog.
BATCH = 200


@dataclass(frozen=True)
class ClockTable:
    """A domain's clocks: its model, the column naming the record timed, and what fires a batch of due rows (rows
    with id, the record column, kind, due_at and state) and returns the ids of those that still applied."""

    model: type
    record: str
    fire: Callable[[list], list]


_TABLES: list[ClockTable] = []


def register(model, record: str, fire: Callable[[list], list]) -> ClockTable:
    """Let `tick` fire this table's clocks (once per model, however often its module is imported)."""
    for table in _TABLES:
        if table.model is model:
            return table
    table = ClockTable(model, record, fire)
    _TABLES.append(table)
    return table


def tick(now: datetime | None = None, batch: int = BATCH) -> int:
    """Fire every clock that is due, in every table, once each even with several tickers at work: how many fired.
    Commits each batch.

    A batch that fails is rolled back and its clocks fired one by one, so that one clock that cannot fire (logged,
    tried again next round) never holds the others back.
    """
    now = now or utcnow()
    return sum(_tick_table(table, now, batch) for table in list(_TABLES))


def _tick_table(table: ClockTable, now: datetime, batch: int) -> int:
    fired, stuck = 0, set()
    while True:
        try:
            count, due = _tick_batch(table, now, batch, stuck)
        except Exception:
            db.session.rollback()
            log.exception("a batch of %s failed: firing them one at a time", table.model.__tablename__)
            count, due = _tick_singly(table, now, batch, stuck)
        fired += count
        if due < batch:
            return fired


def _due(table: ClockTable, now: datetime, skip: set):
    """The clocks due at `now` and not yet fired, earliest first, but those that could not fire this tick."""
    model = table.model
    stmt = (
        select(model.id, getattr(model, table.record), model.kind, model.due_at, model.state)
        .where(model.fired_at.is_(None), model.due_at <= now)
        .order_by(model.due_at)
    )
    return stmt.where(model.id.not_in(skip)) if skip else stmt


def _tick_batch(table: ClockTable, now: datetime, batch: int, skip: set) -> tuple[int, int]:
    """Fire up to `batch` due clocks in one transaction: (how many fired, how many were due)."""
    due = db.session.execute(_due(table, now, skip).limit(batch).with_for_update(skip_locked=True)).all()
    if not due:
        return 0, 0
    fired = table.fire(due)
    rows = table.model.__table__  # Core, not the ORM's bulk update: the tick read the clocks as rows, not objects
    db.session.execute(
        update(rows)
        .where(rows.c.id.in_([clock.id for clock in due]))
        .values(fired_at=now, outcome=case((rows.c.id.in_(fired), "fired"), else_="moot") if fired else "moot")
    )
    db.session.commit()
    return len(fired), len(due)


def _tick_singly(table: ClockTable, now: datetime, batch: int, stuck: set) -> tuple[int, int]:
    fired, due = 0, 0
    for _ in range(batch):
        try:
            count, found = _tick_batch(table, now, 1, stuck)
        except Exception:
            db.session.rollback()
            clock = db.session.execute(_due(table, now, stuck).limit(1)).first()
            if clock is None:
                break
            log.exception("clock %s (%s of %s) could not fire", clock.id, clock.kind, clock[1])
            stuck.add(clock.id)
            count, found = 0, 1
        if not found:
            break
        fired, due = fired + count, due + found
    return fired, due


periodic(tick)
