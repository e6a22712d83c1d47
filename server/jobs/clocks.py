"""The one clock engine: tables of rows with due times, fired once each by whoever ticks, in batches.

A domain keeps its clocks in its own table (hazards: `hazard_clocks`; incidents: `incident_clocks`; warnings:
`warning_clocks`; disasters: `disaster_clocks`), a `ClockRow`: an id, the record it times, a `kind`, a `due_at`, and
`fired_at`/`outcome` once it is past, with a partial index of the rows still to fire. It registers the table here with
the function that fires a batch of due rows (`ClockTable`); `tick` does the rest for every table alike: it takes the due
clocks no other ticker holds (FOR UPDATE SKIP LOCKED) in batches of `BATCH`, one transaction each, marks each fired or
moot, and fires a failing batch clock by clock, so that one clock that cannot fire never holds the others back. Every
web and job worker process ticks in its maintenance round (server.jobs.maintenance); tests tick with a controlled `now`.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Index, String, UniqueConstraint, case, select, text, update
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from server.core.db import UTCDateTime, UUIDPrimaryKey, db
from server.core.time import utcnow

log = logging.getLogger("safegrid.clocks")

# Clocks fired per transaction: enough to amortise the queries, few enough that the event chain's lock (taken by
# events the clocks record, last in each batch) is held briefly and reports do not queue behind a backlog.
BATCH = 200


class ClockRow(UUIDPrimaryKey):
    """The columns of a clocks' table that the engine reads and writes, for a model that names its table and, in
    `clock_owner`, its column of the record timed (a foreign key it declares itself): a record has one clock of a kind
    for each due time (setting it twice sets it once), and the rows still to fire have an index of their own (a
    queue's usual partial index, so that a backlog's later batches do not step over every clock its earlier ones
    fired)."""

    clock_owner: str

    kind: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(16), default="")  # fired | moot (the record moved on)

    @declared_attr.directive
    def __table_args__(cls):
        return (
            UniqueConstraint(cls.clock_owner, "kind", "due_at"),
            Index(
                f"ix_{cls.__tablename__}_to_fire",
                "due_at",
                postgresql_where=text("fired_at IS NULL"),
                sqlite_where=text("fired_at IS NULL"),
            ),
        )


@dataclass(frozen=True)
class ClockTable:
    """A domain's clocks: its model, the column naming the record a clock times, any more columns its firing reads,
    and `fire(due rows) -> ids of those that fired` (the others lapsed: moot). `fire` runs in the batch's
    transaction and only flushes."""

    model: type
    owner: str
    fire: Callable[[list], list]
    columns: tuple[str, ...] = field(default=())


def _due(table: ClockTable, now: datetime, skip: set):
    """The clocks due at `now` and not yet fired, earliest first, but those that could not fire this tick."""
    model = table.model
    names = ("id", table.owner, "kind", "due_at", *table.columns)
    stmt = (
        select(*(getattr(model, name) for name in names))
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
    clocks = table.model.__table__  # Core, not the ORM's bulk update: the tick read the clocks as rows, not objects
    db.session.execute(
        update(clocks)
        .where(clocks.c.id.in_([clock.id for clock in due]))
        .values(fired_at=now, outcome=case((clocks.c.id.in_(fired), "fired"), else_="moot") if fired else "moot")
    )
    db.session.commit()
    return len(fired), len(due)


def tick(table: ClockTable, now: datetime | None = None, batch: int = BATCH) -> int:
    """Fire every clock of `table` that is due, once each even with several tickers at work: how many fired.
    Commits each batch. A batch that fails is rolled back and its clocks fired one by one (a clock that cannot fire is
    logged and tried again next round)."""
    now = now or utcnow()
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
            log.exception(
                "clock %s (%s of %s %s) could not fire",
                clock.id,
                clock.kind,
                table.owner,
                getattr(clock, table.owner),
            )
            stuck.add(clock.id)
            count, found = 0, 1
        if not found:
            break
        fired, due = fired + count, due + found
    return fired, due
