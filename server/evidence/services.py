"""Appending to the event chain, and verifying that nobody has edited it since."""

import hashlib
import json
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import select

from server.core.db import db
from server.core.time import utcnow
from server.evidence import queries
from server.evidence.models import ChainHead, Event

GENESIS = "0" * 64
# What a link's hash covers; changing any of these in a stored event breaks the chain from there on.
HASHED = (
    "seq",
    "record_type",
    "record_id",
    "action",
    "from_state",
    "to_state",
    "actor_id",
    "at",
    "reason",
    "attachments",
    "data",
    "client_id",
    "prev_hash",
)


def link_hash(event: Event) -> str:
    """SHA-256 of the event's fields as canonical JSON: sorted keys, ids as text, the time in UTC."""
    fields = {name: getattr(event, name) for name in HASHED}
    fields["at"] = event.at.astimezone(UTC).isoformat(timespec="microseconds")
    fields["actor_id"] = str(event.actor_id) if event.actor_id else None
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record(
    record_type: str,
    record_id,
    action: str,
    *,
    actor_id: uuid.UUID | None,
    from_state=None,
    to_state=None,
    reason: str = "",
    attachments=(),
    data=None,
    client_id=None,
) -> Event | None:
    """Append one event to the chain, in the caller's transaction (so it lands with the change or not at all).

    The chain's head row is locked for the rest of the transaction: appends from concurrent requests
    queue behind each other instead of both linking to the same predecessor. Core statements run through
    the driver, not the ORM's unit of work: every change of every hazard comes through here while holding
    that lock. Inside `appended_together()` it is appended when that block ends (and None is returned).
    """
    change = dict(
        record_type=record_type,
        record_id=record_id,
        action=action,
        actor_id=actor_id,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        attachments=attachments,
        data=data,
        client_id=client_id,
    )
    held = db.session.info.get(_HELD)
    if held is not None:  # inside appended_together(): appended with the others when it ends
        held.append(change)
        return None
    return record_many([change])[0]


_HELD = "evidence_held_back"


@contextmanager
def appended_together():
    """Events recorded inside the block are appended when it ends, together, in the order recorded: a request that
    makes several records, each with its event (an inspection and the hazards of its failed items), takes the chain
    head's lock once, after its work rather than at its first event, so concurrent requests queue on it for less.
    Inside, `record` returns None. An exception leaves nothing appended (the transaction rolls back anyway)."""
    if _HELD in db.session.info:  # nested: the outer block appends
        yield
        return
    held = db.session.info[_HELD] = []
    try:
        yield
    finally:
        del db.session.info[_HELD]
    record_many(held)


def record_many(changes: list[dict]) -> list[Event]:
    """Append several events (each given as `record`'s arguments) in order, under one lock of the head and with
    one move of it: a clock tick's batch of escalations costs one round trip, not one each."""
    now = utcnow()
    return _append(changes, lambda _change: now)


def record_past(changes: list[dict]) -> list[Event]:
    """Append events that happened before now, each at its own `at` (`record`'s arguments and "at"), in order.

    For the demo data's history only (server.demo.history), which writes a year of the loop in one go: every
    other event is recorded as it happens, at the server's time. The events are hashed and linked like any
    other, so the chain verifies; their `at` may be earlier than that of events already on it."""
    return _append(changes, lambda change: change["at"])


def _append(changes: list[dict], at_of) -> list[Event]:
    if not changes:
        return []
    db.session.flush()  # what the caller changed goes in before the lock is taken, not while it is held
    head = queries.lock_head()
    if head is None:  # the migration seeds the head; a database made by create_all starts it here
        db.session.add(ChainHead(id=1, seq=0, hash=GENESIS))
        db.session.flush()
        head = queries.lock_head()
    seq, prev_hash = head
    events = []
    for change in changes:
        seq += 1
        event = Event(
            seq=seq,
            record_type=change["record_type"],
            record_id=str(change["record_id"]),
            action=change["action"],
            from_state=change.get("from_state"),
            to_state=change.get("to_state"),
            actor_id=change["actor_id"],
            at=at_of(change),
            reason=change.get("reason") or "",
            attachments=[str(a) for a in change.get("attachments") or ()],
            data=change.get("data") or {},
            client_id=str(change["client_id"]) if change.get("client_id") else None,
            prev_hash=prev_hash,
        )
        event.hash = prev_hash = link_hash(event)
        events.append(event)
    queries.append(
        [{name: getattr(event, name) for name in HASHED + ("hash",)} for event in events],
        events[-1].seq,
        events[-1].hash,
    )
    return events


def by_client_id(client_id) -> Event | None:
    """The event a phone's change produced, if it was already recorded (for idempotent replays)."""
    return db.session.scalars(select(Event).where(Event.client_id == str(client_id))).first()


def timeline(record_type: str, record_id) -> list[Event]:
    return db.session.scalars(
        select(Event).where(Event.record_type == record_type, Event.record_id == str(record_id)).order_by(Event.seq)
    ).all()


@dataclass
class Break:
    """The first link that does not hold, and why."""

    seq: int
    problem: str


def verify(batch: int = 1000) -> tuple[int, Break | None]:
    """Walk the whole chain in order: (events checked, the first broken link or None)."""
    expected_prev, expected_seq, checked, last = GENESIS, 1, 0, 0
    while True:
        events = db.session.scalars(select(Event).where(Event.seq > last).order_by(Event.seq).limit(batch)).all()
        if not events:
            break
        for event in events:
            if event.seq != expected_seq:
                return checked, Break(expected_seq, f"event {expected_seq} is missing (next is {event.seq})")
            if event.prev_hash != expected_prev:
                return checked, Break(event.seq, "its link to the event before does not match")
            if link_hash(event) != event.hash:
                return checked, Break(event.seq, "its content was changed after it was recorded")
            expected_prev, expected_seq, checked, last = event.hash, event.seq + 1, checked + 1, event.seq
        db.session.expunge_all()  # the chain can be long: keep memory flat
    head = db.session.get(ChainHead, 1)
    if head is not None and (head.seq != checked or head.hash != expected_prev):
        return checked, Break(checked + 1, "events after it were removed (the chain head records more)")
    return checked, None
