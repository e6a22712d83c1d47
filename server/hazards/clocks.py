"""The loop's clocks: the 30-minute acknowledgement target, rectification deadlines and supervision.

A clock is a row with a due time; `tick(now)` fires the ones that are due and still apply, once each,
whoever runs it and however often: every long-running process (each web worker and each job worker)
ticks in its maintenance round (server.jobs.maintenance), so no single process or job can take the
clocks down with it; tests tick with a controlled `now`. Several tickers share a backlog: each takes
the clocks no other has locked (SKIP LOCKED), in batches committed one by one, until none is due.
"""

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, select, update

from server.core.db import db
from server.core.time import utcnow
from server.evidence import services as evidence
from server.hazards import queries
from server.hazards.models import Hazard, HazardClock
from server.jobs import periodic
from server.notifications import services as inbox

log = logging.getLogger("safegrid.clocks")

# Clocks fired per transaction: enough to amortise the queries, few enough that the event chain's lock (taken by the
# escalations, last in each batch) is held briefly and reports do not queue behind a backlog.
BATCH = 200


def start(hazard: Hazard, kind: str, due_at: datetime):
    """Set a clock, unless it is set already: it holds while the hazard stays in the state it is in now."""
    if (
        db.session.scalar(
            select(HazardClock.id).where(
                HazardClock.hazard_id == hazard.id, HazardClock.kind == kind, HazardClock.due_at == due_at
            )
        )
        is None
    ):
        db.session.add(HazardClock(hazard_id=hazard.id, kind=kind, due_at=due_at, state=hazard.state))
        db.session.flush()


def start_acknowledgements(hazards: list[Hazard]):
    """Warn the station at 2/3 of the target (20 of 30 minutes), escalate at the target. The hazards are new,
    so no clock of theirs is set yet: one insert for all."""
    rows = []
    for hazard in hazards:
        target = hazard.ack_due_at - hazard.received_at
        rows += [
            {
                "hazard_id": hazard.id,
                "kind": "ack_warning",
                "due_at": hazard.received_at + target * 2 / 3,
                "state": hazard.state,
            },
            {"hazard_id": hazard.id, "kind": "ack_escalation", "due_at": hazard.ack_due_at, "state": hazard.state},
        ]
    queries.add_clocks(rows)


def deadline_clocks(deadline: datetime) -> dict[str, datetime]:
    """The clocks of a deadline and when they are due: a warning ahead of it, and overdue (逾期) at it."""
    lead = timedelta(hours=current_app.config["HAZARD_DEADLINE_WARNING_HOURS"])
    return {"deadline_near": deadline - lead, "overdue": deadline}


def start_deadline(hazard: Hazard, *_change):
    """The clocks of the hazard's deadline (an action's start: called with the change, which it does not need)."""
    for kind, due_at in deadline_clocks(hazard.deadline).items():
        start(hazard, kind, due_at)


def start_reinspection(hazard: Hazard):
    """The station re-inspects a submitted rectification within HAZARD_REINSPECTION_DAYS."""
    start(hazard, "reinspection_overdue", utcnow() + timedelta(days=current_app.config["HAZARD_REINSPECTION_DAYS"]))


def _applies(clock, hazard) -> bool:
    """Whether a due clock still applies: its hazard is still where the action that set the clock left it, and a
    deadline's clocks are those of the deadline in force (an extension or a new notice moved it)."""
    if hazard.state != clock.state:
        return False
    if clock.kind in ("deadline_near", "overdue"):
        return hazard.deadline is not None and deadline_clocks(hazard.deadline)[clock.kind] == clock.due_at
    return True


# clock kind → (who is told, the event it records on the hazard, if any)
EFFECTS = {
    "ack_warning": (lambda to, h: to.station_officers(h), None),
    "ack_escalation": (lambda to, h: to.station_officers(h) | to.supervisors(), ("escalate", "超过30分钟未受理")),
    "deadline_near": (lambda to, h: to.enterprise_users(h) | to.station_officers(h), None),
    "reinspection_overdue": (lambda to, h: to.station_officers(h) | to.supervisors(), None),
    # 逾期 → 督办 at the next level up: the district
    "overdue": (
        lambda to, h: to.station_officers(h) | to.supervisors() | to.enterprise_users(h),
        ("supervise", "整改逾期，督办"),
    ),
}


def _fire(clocks: list, hazards: dict) -> list:
    """Fire a batch of due clocks that still apply (`hazards`: their hazards' _FACTS by id): the inbox rows in one
    statement, then the events. The ids of those that fired."""
    firing = [clock for clock in clocks if _applies(clock, hazards[clock.hazard_id])]
    recipients = inbox.Recipients([hazards[clock.hazard_id] for clock in firing])
    rows = []
    for clock in firing:
        hazard = hazards[clock.hazard_id]
        rows += inbox.entries(
            clock.kind, hazard, EFFECTS[clock.kind][0](recipients, hazard), key=clock.due_at.isoformat()
        )
    inbox.add(rows)
    events = [
        dict(
            record_type="hazard",
            record_id=clock.hazard_id,
            action=EFFECTS[clock.kind][1][0],
            actor_id=None,
            from_state=hazards[clock.hazard_id].state,
            to_state=hazards[clock.hazard_id].state,
            reason=EFFECTS[clock.kind][1][1],
            client_id=f"clock:{clock.id}",
        )
        for clock in firing
        if EFFECTS[clock.kind][1]
    ]
    if events:  # last: appending takes the chain's lock, held until the batch commits
        evidence.record_many(events)
    return [clock.id for clock in firing]


def _due(now: datetime, skip: set):
    """The clocks due at `now` and not yet fired, earliest first, but those that could not fire this tick."""
    stmt = (
        select(HazardClock.id, HazardClock.hazard_id, HazardClock.kind, HazardClock.due_at, HazardClock.state)
        .where(HazardClock.fired_at.is_(None), HazardClock.due_at <= now)
        .order_by(HazardClock.due_at)
    )
    return stmt.where(HazardClock.id.not_in(skip)) if skip else stmt


# What firing a clock reads of its hazard (whether it still applies, who is told, the event's state): these
# columns as plain rows, not whole hazards through the ORM.
_FACTS = select(Hazard.id, Hazard.state, Hazard.deadline, Hazard.street_id, Hazard.enterprise_id)


def _tick_batch(now: datetime, batch: int, skip: set) -> tuple[int, int]:
    """Fire up to `batch` due clocks in one transaction: (how many fired, how many were due)."""
    due = db.session.execute(_due(now, skip).limit(batch).with_for_update(skip_locked=True)).all()
    if not due:
        return 0, 0
    hazards = {h.id: h for h in db.session.execute(_FACTS.where(Hazard.id.in_({c.hazard_id for c in due})))}
    fired = _fire(due, hazards)
    clocks = HazardClock.__table__  # Core, not the ORM's bulk update: the tick read the clocks as rows, not objects
    db.session.execute(
        update(clocks)
        .where(clocks.c.id.in_([clock.id for clock in due]))
        .values(fired_at=now, outcome=case((clocks.c.id.in_(fired), "fired"), else_="moot") if fired else "moot")
    )
    db.session.commit()
    return len(fired), len(due)


def tick(now: datetime | None = None, batch: int = BATCH) -> int:
    """Fire every clock that is due, once each even with several tickers at work: how many fired. Commits each batch.

    A batch that fails is rolled back and its clocks fired one by one, so that one clock that cannot fire (logged,
    tried again next round) never holds the others back.
    """
    now = now or utcnow()
    fired, stuck = 0, set()
    while True:
        try:
            count, due = _tick_batch(now, batch, stuck)
        except Exception:
            db.session.rollback()
            log.exception("a batch of clocks failed: firing them one at a time")
            count, due = _tick_singly(now, batch, stuck)
        fired += count
        if due < batch:
            return fired


def _tick_singly(now: datetime, batch: int, stuck: set) -> tuple[int, int]:
    fired, due = 0, 0
    for _ in range(batch):
        try:
            count, found = _tick_batch(now, 1, stuck)
        except Exception:
            db.session.rollback()
            clock = db.session.execute(_due(now, stuck).limit(1)).first()
            if clock is None:
                break
            log.exception("clock %s (%s of hazard %s) could not fire", clock.id, clock.kind, clock.hazard_id)
            stuck.add(clock.id)
            count, found = 0, 1
        if not found:
            break
        fired, due = fired + count, due + found
    return fired, due


periodic(tick)
