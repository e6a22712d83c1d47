"""Pending work (待办任务): a job that a committed record needs, recorded in the same transaction as the record."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.core.db import Base, UTCDateTime
from server.core.time import utcnow


class PendingJob(Base):
    """One job to be done, until it is: written with the transaction that needs it, deleted when it has run.

    Redis only carries the message "run pending job <id>" (`dispatches` numbers each message); this row is the
    truth, so a message lost with Redis, or a worker killed mid-job, delays the work but never loses it.
    """

    __tablename__ = "pending_jobs"
    __table_args__ = (Index("ix_pending_jobs_due", "state", "not_before"),)

    # The same work (job and arguments) always has the same id: asking for it twice records it once.
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  # module:function of the @job
    args: Mapped[list] = mapped_column(JSON, default=list)  # ids and plain values, never objects
    queue: Mapped[str] = mapped_column(String(32), default="default")
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending | failed (out of attempts)
    attempts: Mapped[int] = mapped_column(default=0)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # the next attempt, after a failure
    # when it was last handed to Redis (None: it must be), and how many times it has been
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dispatches: Mapped[int] = mapped_column(default=0)
    # while an attempt runs: until when it may (its timeout and a margin); past it, the attempt was abandoned
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self):
        return f"<PendingJob {self.name}{tuple(self.args)} {self.state} attempts={self.attempts}>"
