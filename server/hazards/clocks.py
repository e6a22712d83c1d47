"""The loop's clocks: the 30-minute acknowledgement target, rectification deadlines and supervision.

A clock is a row with a due time; `tick(now)` fires the ones that are due and still apply, once
each, whoever runs it and however often: an RQ job every minute in production (it re-schedules
itself in Redis, so it survives worker restarts), a thread of the web process in the embedded
default, or the tests with a controlled `now`.
"""
import logging
import threading
import time
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from server.core.db import db, insert_rows, utcnow
from server.evidence import services as evidence
from server.hazards.models import Hazard, HazardClock
from server.notifications import services as inbox

log = logging.getLogger("safegrid.clocks")


def start(hazard: Hazard, kind: str, due_at: datetime):
    """Set a clock, unless it is set already."""
    if db.session.scalar(select(HazardClock.id).where(
            HazardClock.hazard_id == hazard.id, HazardClock.kind == kind, HazardClock.due_at == due_at)) is None:
        db.session.add(HazardClock(hazard_id=hazard.id, kind=kind, due_at=due_at))
        db.session.flush()


def start_acknowledgement(hazard: Hazard):
    """Warn the station at 2/3 of the target (20 of 30 minutes), escalate at the target. The hazard is new,
    so no clock of it is set yet."""
    target = hazard.ack_due_at - hazard.received_at
    insert_rows(HazardClock, [
        {"hazard_id": hazard.id, "kind": "ack_warning", "due_at": hazard.received_at + target * 2 / 3},
        {"hazard_id": hazard.id, "kind": "ack_escalation", "due_at": hazard.ack_due_at}])


def _warning_lead() -> timedelta:
    return timedelta(hours=current_app.config["HAZARD_DEADLINE_WARNING_HOURS"])


def start_deadline(hazard: Hazard):
    start(hazard, "deadline_near", hazard.deadline - _warning_lead())
    start(hazard, "overdue", hazard.deadline)


def start_reinspection(hazard: Hazard):
    """The station re-inspects a submitted rectification within HAZARD_REINSPECTION_DAYS."""
    start(hazard, "reinspection_overdue",
          utcnow() + timedelta(days=current_app.config["HAZARD_REINSPECTION_DAYS"]))


def _applies(clock: HazardClock, hazard: Hazard) -> bool:
    if clock.kind in ("ack_warning", "ack_escalation"):
        return hazard.state == "reported"
    if clock.kind == "reinspection_overdue":
        return hazard.state == "submitted"
    # deadline clocks: only while rectifying, and only for the deadline they were started for
    if clock.kind == "deadline_near":
        return hazard.state == "rectifying" and hazard.deadline == clock.due_at + _warning_lead()
    return hazard.state == "rectifying" and hazard.deadline == clock.due_at


def _fire(clock: HazardClock, hazard: Hazard):
    officers = inbox.station_officers(hazard)
    due = clock.due_at.isoformat()
    if clock.kind == "ack_warning":
        inbox.notify("ack_warning", hazard, officers, key=due)
    elif clock.kind == "ack_escalation":
        inbox.notify("ack_escalation", hazard, officers | inbox.supervisors(), key=due)
        evidence.record("hazard", hazard.id, "escalate", actor_id=None, from_state=hazard.state,
                        to_state=hazard.state, reason="超过30分钟未受理", client_id=f"clock:{clock.id}")
    elif clock.kind == "deadline_near":
        inbox.notify("deadline_near", hazard, inbox.enterprise_users(hazard) | officers, key=due)
    elif clock.kind == "reinspection_overdue":
        inbox.notify("reinspection_overdue", hazard, officers | inbox.supervisors(), key=due)
    elif clock.kind == "overdue":  # 逾期 → 督办 at the next level up: the district
        inbox.notify("overdue", hazard, officers | inbox.supervisors() | inbox.enterprise_users(hazard), key=due)
        evidence.record("hazard", hazard.id, "supervise", actor_id=None, from_state=hazard.state,
                        to_state=hazard.state, reason="整改逾期，督办", client_id=f"clock:{clock.id}")


def tick(now: datetime | None = None, limit: int = 500) -> int:
    """Fire every clock that is due; each fires once, even with several tickers at work. Commits."""
    now = now or utcnow()
    due = db.session.scalars(select(HazardClock).where(HazardClock.fired_at.is_(None), HazardClock.due_at <= now)
                             .order_by(HazardClock.due_at).limit(limit)
                             .with_for_update(skip_locked=True)).all()
    fired = 0
    for clock in due:
        hazard = db.session.get(Hazard, clock.hazard_id)
        if _applies(clock, hazard):
            _fire(clock, hazard)
            clock.outcome, fired = "fired", fired + 1
        else:
            clock.outcome = "moot"
        clock.fired_at = now
    db.session.commit()
    return fired


def tick_job():
    """The RQ job: tick, then schedule the next tick a minute on (in Redis, so restarts keep it)."""
    try:
        tick()
    finally:
        schedule_next()


CLOCK_QUEUE = "clocks"


def schedule_next(seconds: int = 60):
    from server.jobs import queue

    # One id: scheduling again replaces the pending tick rather than starting a second chain. Its own
    # queue, which workers take first: a backlog of photos to copy never holds a clock back.
    queue(CLOCK_QUEUE).enqueue_in(timedelta(seconds=seconds), tick_job, job_id="hazard-clock-tick",
                                  job_timeout=55, failure_ttl=3600)


def run_in_thread(app, seconds: int = 30):
    """The embedded default has no Redis: tick from a daemon thread of the web process."""
    def loop():
        while True:
            time.sleep(seconds)
            try:
                with app.app_context():
                    tick()
            except Exception:  # a failed tick is retried by the next one; nothing is lost
                log.exception("clock tick failed")

    threading.Thread(target=loop, name="hazard-clocks", daemon=True).start()
