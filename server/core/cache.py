"""The server's one cache mechanism: what never changes once built is memoised (`memoised`), and a value read from
the database is kept until the rows under it change (`Cached`)."""

import functools
from time import monotonic

from sqlalchemy import event
from sqlalchemy.orm import Session, object_session

# Where a session notes the cached values its transaction changed the rows of, to drop them again when it ends.
_STALE = "safegrid.stale_caches"


def memoised(func=None, *, maxsize: int = 4096):
    """Build once per set of arguments what never changes once built: SQL statements and clauses (immutable in
    SQLAlchemy, and compiled once by identity: core.db.fetch_hot relies on that), a hasher, a font. No change in the
    data changes them, so nothing ever invalidates them; bounded, since some arguments vary per user (a grants value).
    """
    if func is None:
        return functools.partial(memoised, maxsize=maxsize)
    return functools.lru_cache(maxsize=maxsize)(func)


class Cached:
    """A value read from the database (`load()`), kept in this process until the rows of `model` change.

    - A change made in this process through the ORM is seen at once: the value is dropped when the change is
      flushed (its own transaction reads it) and again when that transaction ends (everyone reads what was
      committed, or what stands after a rollback).
    - A change made by another process is seen within `ttl` seconds: knowing sooner would cost a question to the
      database (a version to compare) each time the value is asked for, which is what the cache is there to save.
    - `refresh()` reads it now, whatever its age: for a caller who did not find what it looked for, in case it was
      just added in another process.
    """

    def __init__(self, load, *, model, ttl: float):
        self._load, self._ttl = load, ttl
        self._value, self._until, self._generation = None, float("-inf"), 0
        for change in ("after_insert", "after_update", "after_delete"):
            event.listen(model, change, self._changed)

    def get(self):
        return self.refresh() if monotonic() >= self._until else self._value

    def refresh(self):
        generation = self._generation
        value = self._load()
        if generation == self._generation:  # kept only if no change dropped the value while it was being read
            self._value, self._until = value, monotonic() + self._ttl
        return value

    def invalidate(self):
        self._generation += 1
        self._until = float("-inf")

    def _changed(self, _mapper, _connection, target):
        self.invalidate()
        session = object_session(target)
        if session is not None:
            session.info.setdefault(_STALE, set()).add(self)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _transaction_ended(session):
    for cached in session.info.pop(_STALE, ()):
        cached.invalidate()
