"""Check-ins (到场打卡): who scanned which site's tag, when and where, and what was odd about it."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, String, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from server.core.cache import memoised
from server.core.db import Base, UTCDateTime
from server.core.time import on_server_clock, utcnow
from server.sites.models import Site

# Why a check-in is flagged for a supervisor's eye; each is recorded, none is silently accepted.
FLAGS = {
    "far": ("离场所过远", "Too far from the site"),
    "no_location": ("没有定位", "No location"),
    "revoked_tag": ("标签已作废", "Revoked tag"),
    # also what the scanner sees of a real tag at a site outside their scope, so that the two read alike
    "invalid_tag": (
        "标签无效（伪造、输错或不在本人负责范围）",
        "Invalid tag (forged, mistyped, or a site outside your scope)",
    ),
    "retired_key": ("标签密钥已停用", "Tag signed with a retired key"),
    "outside_scope": ("不在本人负责范围", "Outside the user's scope"),
    "clock_off": ("手机时间不准（已按服务器时间校正）", "The phone's clock was off (corrected to the server's)"),
}


class CheckIn(Base):
    """到场打卡: made on the phone (client UUID, idempotent), possibly long before it reaches us."""

    __tablename__ = "check_ins"
    __zh_name__ = "打卡记录"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    code: Mapped[str] = mapped_column(String(300))  # as scanned or typed, kept even when invalid
    tag_serial: Mapped[int | None] = mapped_column(ForeignKey("site_tags.serial"))
    site_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sites.id"), index=True)
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the phone's clock
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # how far the phone's clock was behind the server's as it sent this (core.time.clock_offset); None if unsaid
    clock_offset_s: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    distance_m: Mapped[float | None] = mapped_column(Float)
    flags: Mapped[list] = mapped_column(JSON, default=list)
    flagged: Mapped[bool] = mapped_column(default=False, index=True)  # flags != [], for the supervisors' filter

    def __repr__(self):
        return f"<CheckIn {self.id} flags={self.flags}>"

    @property
    def observed_at_server(self) -> datetime:
        """When the phone was at the site, on the server's clock (observed_at as the phone wrote it, if unknown)."""
        return on_server_clock(self.observed_at, self.clock_offset_s)

    @classmethod
    @memoised
    def scope_clause(cls, grants, user_id):
        """Visible: your own check-ins, and those at sites you can see."""
        return or_(cls.user_id == user_id, cls.site_id.in_(select(Site.id).where(Site.scope_clause(grants))))
