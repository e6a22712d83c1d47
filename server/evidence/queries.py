"""The event chain's hot SQL: locking its head and appending after it, Core statements run straight through the
driver on PostgreSQL (core.db.fetch_hot, write_hot), since every change of every hazard comes through here while
holding the head's lock."""

from sqlalchemy import bindparam, insert, select, update

from server.core.db import db
from server.evidence.models import ChainHead, Event

_HEAD = ChainHead.__table__
_LOCK_HEAD = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1).with_for_update()
_MOVE_HEAD = update(_HEAD).where(_HEAD.c.id == 1).values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))
_APPEND = insert(Event.__table__)
# Both in one statement, a data-modifying CTE (PostgreSQL): one round trip fewer while the lock is held
_APPEND_AND_MOVE = _APPEND.add_cte(_MOVE_HEAD.cte("moved_head"))


def lock_head() -> tuple[int, str] | None:
    """The chain's head (its last seq and hash), locked until the transaction ends; None before the first event."""
    rows = db.fetch_hot(_LOCK_HEAD, {})
    return rows[0] if rows else None


def append(events: list[dict], new_seq: int, new_hash: str) -> None:
    """Insert the events (Event's columns) and move the head to the last of them."""
    moved = {"new_seq": new_seq, "new_hash": new_hash}
    if len(events) == 1 and db.session.get_bind().dialect.name == "postgresql":
        db.write_hot(_APPEND_AND_MOVE, [events[0] | moved])
    else:
        db.write_hot(_APPEND, events)
        db.write_hot(_MOVE_HEAD, [moved])
