"""Pending work: recorded with the transaction that needs it, handed to a worker once that commits, tried again
until it has run. The row (server.jobs.models.PendingJob) is the truth; a Redis message only says "run row <id>".

A row is handed over (`dispatched_at`) right after its commit. It is handed over again by `sweep()` when:
- it never reached Redis (Redis was down: the send failed, or was skipped while Redis was backing off);
- an attempt failed and its retry is due (`not_before`);
- an attempt was abandoned: a worker killed mid-job never gave its lease back (`lease_until` has passed);
- its message is gone from Redis (flushed, or restarted without persistence) LOST_AFTER after it was sent.
A job may therefore run more than once, never concurrently with itself (the claim), and must be idempotent.
"""

import json
import logging
import uuid
from collections import defaultdict
from datetime import datetime, timedelta

from flask import current_app
from rq import Queue
from sqlalchemy import and_, delete, event, exists, or_, select, update
from sqlalchemy.orm import Session

from server.core.db import db
from server.core.time import utcnow
from server.jobs import queries, queues
from server.jobs.definition import Job, by_name, definition_of
from server.jobs.models import PendingJob

log = logging.getLogger("safegrid.jobs")

NAMESPACE = uuid.UUID("2f8c5e1a-3b7d-4c9e-8a61-5d0f4b2c7e93")
# A message in Redis this long without a worker claiming its row is checked for: is it still queued?
LOST_AFTER = timedelta(seconds=60)
RESULT_TTL, FAILURE_TTL = 60, 7 * 24 * 3600  # what RQ keeps of a message's run: the row has the rest
WAITING = {"queued", "deferred", "scheduled", "started"}  # an RQ status that means the message will be worked


def work_id(name: str, args: list) -> uuid.UUID:
    """The same work (job and arguments) always has the same id, so asking for it twice records it once."""
    return uuid.uuid5(NAMESPACE, json.dumps([name, args], sort_keys=True, default=str))


def rq_job_id(pending_id: uuid.UUID, dispatch: int) -> str:
    return f"pj-{pending_id}-{dispatch}"


# ---- recording ---------------------------------------------------------------------------------------------


def later(func, *args) -> uuid.UUID:
    """Record that `func(*args)` must run, in the caller's transaction; it is handed over once that commits
    (`run_after_commit`), or, a job not `inline` without Redis, by the next sweep. Asked again while pending, the same
    work is recorded once and made due now."""
    definition = definition_of(func)
    args = list(args)
    pending_id = work_id(definition.name, args)
    now = utcnow()
    # not handed over at the commit (no Redis, and not inline): not dispatched, so the next sweep runs it
    deferred = not definition.inline and not queues.enabled()
    row = {
        "id": pending_id,
        "name": definition.name,
        "args": args,
        "queue": definition.queue,
        "now": now,
        "dispatched_at": None if deferred else now,
    }
    dispatch = queries.record_pending(row)
    if not deferred:
        db.session.info.setdefault("pending_jobs", {})[pending_id] = (dispatch, definition)
    return pending_id


def run_after_commit():
    """Hand over the work the transaction just committed: to RQ, or run it here and now without Redis. What cannot
    be handed over stays in its row for `sweep()`: a committed record never loses the work it needs."""
    pending = db.session.info.pop("pending_jobs", {})
    if not pending:
        return
    if not queues.enabled():
        for pending_id in pending:
            _run_logged(pending_id)
        return
    _send(
        {pending_id: dispatch for pending_id, (dispatch, _definition) in pending.items()},
        {pending_id: definition for pending_id, (_dispatch, definition) in pending.items()},
    )


def discard_after_rollback():
    db.session.info.pop("pending_jobs", None)


def _run_logged(pending_id: uuid.UUID):
    try:
        run(str(pending_id))
    except Exception:  # recorded in its row and tried again by sweep(); the request that asked stands
        log.exception("pending job %s failed", pending_id)


# ---- handing over -------------------------------------------------------------------------------------------


def _send(dispatches: dict[uuid.UUID, int], definitions: dict[uuid.UUID, Job]) -> bool:
    """Queue a message per row on RQ, all in one round trip; on failure the rows wait for sweep()."""
    if not queues.reachable():
        _not_sent(list(dispatches))
        return False
    by_queue = defaultdict(list)
    for pending_id, dispatch in dispatches.items():
        definition = definitions[pending_id]
        by_queue[definition.queue].append(
            Queue.prepare_data(
                run,
                args=(str(pending_id),),
                job_id=rq_job_id(pending_id, dispatch),
                timeout=definition.timeout,
                result_ttl=RESULT_TTL,
                failure_ttl=FAILURE_TTL,
                description=definition.name,
            )
        )
    try:
        with queues.redis_connection().pipeline() as pipe:
            for name, messages in by_queue.items():
                queues.queue(name).enqueue_many(messages, pipeline=pipe)
            pipe.execute()
    except Exception as exc:  # Redis down or refusing: nothing is lost, the rows say what is still to do
        queues.note_unreachable()
        log.warning("Redis did not take %d job(s) (%s): they wait for the next sweep", len(dispatches), exc)
        _not_sent(list(dispatches))
        return False
    queues.note_reachable()
    return True


def _not_sent(ids: list[uuid.UUID]):
    try:
        db.session.execute(update(PendingJob).where(PendingJob.id.in_(ids)).values(dispatched_at=None))
        db.session.commit()
    except Exception:  # the database too: the rows still look sent, and sweep() finds them gone from Redis
        db.session.rollback()
        log.exception("could not mark %d job(s) as not handed over", len(ids))


# ---- running ---------------------------------------------------------------------------------------------------


def run(pending_id: str) -> str:
    """The RQ job, and the inline call: claim the row, run its job, forget the row once the job is done.

    Returns what happened: "done", or "not due" when the row is gone (done already) or claimed by another
    attempt. A failure is recorded in the row (its retry time, or out of attempts) and raised.
    """
    pending_id = uuid.UUID(pending_id)
    row = db.session.execute(select(PendingJob.name, PendingJob.args).where(PendingJob.id == pending_id)).first()
    if row is None:
        return "not due"
    definition = by_name(row.name)
    if definition.durable:
        return _run(pending_id, definition, row.args)
    db.session.commit()  # what was read so far ends here: the next transactions start flushing lazily
    db.session.info["lazy_commits"] = True
    try:
        return _run(pending_id, definition, row.args)
    finally:
        db.session.info.pop("lazy_commits", None)


@event.listens_for(Session, "after_begin")
def _lazy_commits(session, _transaction, connection):
    """A job declared durable=False: each of its transactions commits without waiting for the disk (PostgreSQL's
    synchronous_commit off, for this transaction only; see Job.durable)."""
    if session.info.get("lazy_commits") and connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")


def _run(pending_id: uuid.UUID, definition: Job, args: list) -> str:
    now = utcnow()
    # the attempt's claim: its timeout and a margin; past it, the worker that claimed it is gone (killed, lost power)
    lease = now + timedelta(seconds=definition.timeout + current_app.config["JOB_LEASE_MARGIN_SECONDS"])
    claimed = db.session.execute(
        update(PendingJob)
        .where(
            PendingJob.id == pending_id,
            PendingJob.state == "pending",
            or_(PendingJob.lease_until.is_(None), PendingJob.lease_until < now),
        )
        .values(attempts=PendingJob.attempts + 1, lease_until=lease)
    ).rowcount
    db.session.commit()
    if not claimed:
        return "not due"
    try:
        definition.func(*args)
    except Exception as exc:
        db.session.rollback()
        _failed(pending_id, definition, exc)
        raise
    db.session.execute(delete(PendingJob).where(PendingJob.id == pending_id))
    db.session.commit()
    return "done"


def _failed(pending_id: uuid.UUID, definition: Job, exc: Exception, now: datetime | None = None):
    """Record a failed (or abandoned) attempt: due again after its wait, or failed once out of attempts."""
    now = now or utcnow()
    attempts = db.session.scalar(select(PendingJob.attempts).where(PendingJob.id == pending_id)) or 0
    values = {"lease_until": None, "dispatched_at": None, "last_error": f"{type(exc).__name__}: {exc}"[:2000]}
    if attempts >= definition.max_attempts:
        values["state"] = "failed"
        log.error("job %s%s gave up after %d attempts: %s", definition.name, pending_id, attempts, exc)
    else:
        values["not_before"] = now + timedelta(seconds=definition.retry[attempts - 1])
    db.session.execute(update(PendingJob).where(PendingJob.id == pending_id).values(**values))
    db.session.commit()


# ---- sweeping -----------------------------------------------------------------------------------------------------


def sweep(now: datetime | None = None, limit: int = 500) -> int:
    """Hand over again every row that is due and not on its way (see the module's docstring). How many were."""
    now = now or utcnow()
    if queues.enabled() and not queues.reachable():
        return 0  # Redis failed a moment ago: the rows wait, and this process does not knock again yet
    if not _anything_to_look_at(now):
        db.session.commit()
        return 0
    _give_up_abandoned(now)
    due = db.session.scalars(
        select(PendingJob)
        .where(
            PendingJob.state == "pending",
            PendingJob.not_before <= now,
            or_(
                and_(PendingJob.dispatched_at.is_(None), PendingJob.lease_until.is_(None)), PendingJob.lease_until < now
            ),
        )
        .order_by(PendingJob.not_before)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    due += _lost(now, limit - len(due), skip={row.id for row in due})
    if not due:
        db.session.commit()
        return 0
    ids = [row.id for row in due]
    definitions = {row.id: by_name(row.name) for row in due}
    if not queues.enabled():
        db.session.commit()
        for pending_id in ids:
            _run_logged(pending_id)
        return len(ids)
    db.session.execute(
        update(PendingJob)
        .where(PendingJob.id.in_(ids))
        .values(dispatched_at=now, dispatches=PendingJob.dispatches + 1, lease_until=None)
    )
    dispatches = dict(
        db.session.execute(select(PendingJob.id, PendingJob.dispatches).where(PendingJob.id.in_(ids))).all()
    )
    db.session.commit()
    return len(ids) if _send(dispatches, definitions) else 0


def _anything_to_look_at(now: datetime) -> bool:
    """Whether any row could be due, abandoned or lost (the union of what the sweep's three queries look for), in
    one indexed query: the round with nothing pending sends only this (and the table holds only what has not run)."""
    return db.session.scalar(
        select(
            exists().where(
                PendingJob.state == "pending",
                or_(
                    and_(
                        PendingJob.not_before <= now,
                        PendingJob.dispatched_at.is_(None),
                        PendingJob.lease_until.is_(None),
                    ),
                    PendingJob.lease_until < now,
                    and_(PendingJob.lease_until.is_(None), PendingJob.dispatched_at < now - LOST_AFTER),
                ),
            )
        )
    )


def _give_up_abandoned(now: datetime):
    """An abandoned attempt counts as a failed one: a job that kills its worker every time is not run forever."""
    for row in db.session.scalars(
        select(PendingJob)
        .where(PendingJob.state == "pending", PendingJob.lease_until < now)
        .with_for_update(skip_locked=True)
    ).all():
        definition = by_name(row.name)
        log.warning("job %s%s was abandoned (its worker stopped mid-job): attempt %d", row.name, row.args, row.attempts)
        if row.attempts >= definition.max_attempts:
            row.state, row.lease_until = "failed", None
            row.last_error = "abandoned: the worker stopped during every attempt"
    db.session.flush()


def _lost(now: datetime, limit: int, skip: set) -> list[PendingJob]:
    """Rows handed over LOST_AFTER ago and never claimed whose message Redis no longer holds (or, inline, that no
    process ran: it died between the commit and the run)."""
    if limit <= 0:
        return []
    candidates = db.session.scalars(
        select(PendingJob)
        .where(
            PendingJob.state == "pending", PendingJob.lease_until.is_(None), PendingJob.dispatched_at < now - LOST_AFTER
        )
        .order_by(PendingJob.dispatched_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    candidates = [row for row in candidates if row.id not in skip]
    if not candidates or not queues.enabled():
        return candidates
    if not queues.reachable():
        return []
    try:
        with queues.redis_connection().pipeline() as pipe:
            for row in candidates:
                pipe.hget(f"rq:job:{rq_job_id(row.id, row.dispatches)}", "status")
            statuses = pipe.execute()
    except Exception as exc:
        queues.note_unreachable()
        log.warning("could not ask Redis about %d job(s): %s", len(candidates), exc)
        return []
    return [
        row
        for row, status in zip(candidates, statuses, strict=True)
        if (status.decode() if status else None) not in WAITING
    ]
