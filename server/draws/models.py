"""双随机抽查: conflicts of interest inspectors declare, and the draws with their frozen registers and result."""

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint, false, select, true
from sqlalchemy.orm import Mapped, mapped_column

from server.areas.models import subtree_ids
from server.core.cache import memoised
from server.core.db import Base, UTCDateTime
from server.core.time import utcnow
from server.enterprises.models import Enterprise

STATES = {
    "committed": ("已承诺种子", "Seed committed"),
    "drawn": ("已抽取", "Drawn"),
    "published": ("已公示", "Published"),
}
EVENTS = {
    "commit": ("创建抽查并承诺种子", "Created, seed committed"),
    "draw": ("抽取", "Drawn"),
    "publish": ("公示", "Published"),
    "replace": ("补抽检查人员", "Departed inspector replaced"),
    "declare": ("申报利害关系", "Conflict declared"),
}


class ConflictDeclaration(Base):
    """利害关系申报: an inspector's tie to an enterprise; they are never drawn to inspect its sites (回避)."""

    __tablename__ = "conflict_declarations"
    __zh_name__ = "利害关系申报"
    __table_args__ = (UniqueConstraint("user_id", "enterprise_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # the phone's id: declaring again is idempotent
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    enterprise_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("enterprises.id"), index=True)
    reason: Mapped[str] = mapped_column(String(500))  # never published: the draw shows only that they recused
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @classmethod
    @memoised
    def scope_clause(cls, grants, user_id=None):
        """Visible to the declarer, and to whoever runs draws over the enterprise (draws.manage grants)."""
        mine = cls.user_id == user_id if user_id else false()
        if grants.everywhere:
            return true()
        if grants.empty:
            return mine
        return mine | cls.enterprise_id.in_(select(Enterprise.id).where(Enterprise.scope_clause(grants)))


class Draw(Base):
    """抽查: one draw of targets and inspectors for an inspection matter (抽查事项) and period.

    The registers are frozen as canonical JSON when it is created, with the SHA-256 of the seed, before anyone but
    the server knows the seed; the seed is revealed when it is drawn; every step is on the event chain."""

    __tablename__ = "draws"
    __zh_name__ = "抽查"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # the client's id: creating again is idempotent
    matter: Mapped[str] = mapped_column(String(500))  # 抽查事项
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    site_types: Mapped[list] = mapped_column(JSON, default=list)  # none: every type
    risk_levels: Mapped[list] = mapped_column(JSON, default=list)  # none: every level
    department_sector: Mapped[str | None] = mapped_column(String(32))  # whose officers join the inspectors
    share: Mapped[str | None] = mapped_column(String(8))  # a decimal in (0, 1] as text: exact, as hashed
    count: Mapped[int | None] = mapped_column(Integer)
    per_target: Mapped[int] = mapped_column(Integer, default=2)
    # the checklist its inspections use (a family of InspectionTemplate versions): the tasks made from the draw name it
    template_family_id: Mapped[uuid.UUID | None] = mapped_column()
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    algorithm: Mapped[str] = mapped_column(String(32))
    seed_commitment: Mapped[str] = mapped_column(String(64))  # SHA-256 of the seed, public from the start
    # the seed: held unpublished until drawn when the server made it; None until revealed when the supervisor did
    seed: Mapped[str | None] = mapped_column(String(128))
    seed_by_server: Mapped[bool] = mapped_column(default=True)
    public_value_source: Mapped[str | None] = mapped_column(String(200))  # e.g. 某日福彩开奖号码, announced ahead
    public_value: Mapped[str | None] = mapped_column(String(128))
    targets_snapshot: Mapped[str] = mapped_column(Text)  # canonical JSON, hashed as stored
    targets_sha256: Mapped[str] = mapped_column(String(64))
    inspectors_snapshot: Mapped[str] = mapped_column(Text)
    inspectors_sha256: Mapped[str] = mapped_column(String(64))
    result: Mapped[str | None] = mapped_column(Text)  # canonical JSON (algorithm.draw)
    result_sha256: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="committed", index=True)
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_demo: Mapped[bool] = mapped_column(default=False)

    @classmethod
    @memoised
    def scope_clause(cls, grants):
        """Visible to whoever runs draws in an area holding the draw's."""
        if grants.everywhere:
            return true()
        if not grants.area_paths:
            return false()
        return cls.area_id.in_(subtree_ids(grants.area_paths))


class DrawAssignment(Base):
    """One inspector drawn for one target: the result's rows, for queries (the result's JSON is the record)."""

    __tablename__ = "draw_assignments"

    draw_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("draws.id"), primary_key=True)
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), primary_key=True, index=True)
    slot: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1, 2: the order taken
    position: Mapped[int] = mapped_column(Integer)  # the target's place in the order drawn
    inspector_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
