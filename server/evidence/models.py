"""The event record (证据链): append-only, every event carrying the hash of the one before it."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.core.db import Base, UTCDateTime


class Event(Base):
    """事件: one state change of one record: who, when, from, to, why, with what attached."""

    __tablename__ = "events"
    __zh_name__ = "事件"

    # The position in the one chain of the whole deployment: gap-free, assigned under the chain's lock.
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    record_type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(500), default="")
    attachments: Mapped[list] = mapped_column(JSON, default=list)  # photo ids, document numbers
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    # the id the phone gave the change, so that a replayed request finds its event instead of adding one
    client_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class ChainHead(Base):
    """The chain's last link, one row: appending locks it, so the chain never forks under concurrency."""

    __tablename__ = "event_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    hash: Mapped[str] = mapped_column(String(64))
