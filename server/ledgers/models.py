"""A ledger export (台账导出): asked for by one user, built by a job when it is large, downloaded from their inbox."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.core.db import Base, UTCDateTime, UUIDPrimaryKey
from server.core.time import utcnow

# what an export goes through: queued (its job is recorded), running (rows written so far in `done`), ready, failed
STATES = {
    "queued": ("排队中", "Queued"),
    "running": ("生成中", "Being built"),
    "ready": ("已生成", "Ready"),
    "failed": ("生成失败", "Failed"),
}
FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv"}


class LedgerExport(UUIDPrimaryKey, Base):
    """One ledger as asked: its kind, its format and the list's filters, built for its user's scope at build time."""

    __tablename__ = "ledger_exports"
    __zh_name__ = "台账导出"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # ledgers.sheets.LEDGERS
    format: Mapped[str] = mapped_column(String(8))  # xlsx | csv
    filters: Mapped[dict] = mapped_column(JSON, default=dict)  # the list's query parameters, as sent
    state: Mapped[str] = mapped_column(String(16), default="queued")
    total: Mapped[int] = mapped_column(Integer, default=0)  # the rows counted when it was asked for
    done: Mapped[int] = mapped_column(Integer, default=0)  # the rows written so far
    key: Mapped[str | None] = mapped_column(String(120))  # the file in storage, once ready
    size: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
