"""The loop's clocks: the 30-minute acknowledgement target, rectification deadlines and supervision.

A clock is a row with a due time; `tick(now)` fires the ones that are due and still apply, once each,
whoever runs it and however often: every long-running process (each web worker and each job worker)
ticks in its maintenance round (server.jobs.maintenance), so no single process or job can take the
clocks down with it; tests tick with a controlled `now`. The batching, locking and retrying are the one
clock engine's (server.jobs.clocks), shared with the warnings' reminders: this module says what a hazard's
clocks are and what firing one does.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from server.core.db import db
from server.core.time import utcnow
from server.evidence import services as evidence
from server.hazards import queries
from server.hazards.models import Hazard, HazardClock
from server.jobs import clocks as engine, periodic
from server.jobs.clocks import BATCH, ClockTable
from server.notifications import services as inbox


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


# What firing a clock reads of its hazard (whether it still applies, who is told, the event's state): these
# columns as plain rows, not whole hazards through the ORM.
_FACTS = select(Hazard.id, Hazard.state, Hazard.deadline, Hazard.street_id, Hazard.enterprise_id)


def _fire_due(due: list) -> list:
    """Fire a batch of due clocks (server.jobs.clocks hands them over): their hazards read once, then `_fire`."""
    hazards = {h.id: h for h in db.session.execute(_FACTS.where(Hazard.id.in_({c.hazard_id for c in due})))}
    return _fire(due, hazards)


CLOCKS = ClockTable(HazardClock, "hazard_id", _fire_due, columns=("state",))


def tick(now: datetime | None = None, batch: int = BATCH) -> int:
    """Fire every hazard clock that is due (server.jobs.clocks.tick): how many fired. Commits each batch."""
    return engine.tick(CLOCKS, now, batch)


periodic(tick)
