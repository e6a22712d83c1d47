"""预警信息: a warning message in the shape of CAP (the Common Alerting Protocol), who must receive it, and its
reminders.

A message is an alert, an update or a cancellation (CAP's msgType); an update or a cancellation names the message it
changes (`references`), and every message of one warning shares the first one's id (`root_id`). Each message is fanned
out to the people concerned (`WarningRecipient`: one row each), who acknowledge it (已阅); grid workers also confirm
that they relayed it to the households of their grid (已传达).
"""

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, false, or_, select, true
from sqlalchemy.orm import Mapped, mapped_column

from server.areas.models import Area
from server.core.cache import memoised
from server.core.db import Base, UTCDateTime
from server.core.time import utcnow
from server.jobs.clocks import ClockRow

# CAP's msgType
MESSAGE_TYPES = {
    "alert": ("发布", "Alert"),
    "update": ("变更", "Update"),
    "cancel": ("解除", "Cancel"),
}
# CAP's status: only actual warnings reach phones as real; an exercise (演练) is fanned out alike and labelled so
STATUSES = {
    "actual": ("正式", "Actual"),
    "exercise": ("演练", "Exercise"),
}
# 预警级别 (GB/T 27962 and the national emergency response law's four levels), lowest first
LEVELS = {
    "blue": ("蓝色", "Blue"),
    "yellow": ("黄色", "Yellow"),
    "orange": ("橙色", "Orange"),
    "red": ("红色", "Red"),
}
# who sent it (CAP's sender): the district itself, or relayed from the city or the weather service
SENDERS = {
    "district": ("江汉区应急管理局", "Jianghan District Emergency Management Bureau"),
    "city": ("武汉市应急管理局", "Wuhan Emergency Management Bureau"),
    "weather": ("武汉市气象台", "Wuhan Meteorological Observatory"),
}
# the event type (CAP's event), with its CAP category
EVENTS = {
    "rainstorm": ("暴雨", "Rainstorm", "Met"),
    "typhoon": ("台风", "Typhoon", "Met"),
    "gale": ("大风", "Gale", "Met"),
    "thunderstorm": ("雷电", "Thunderstorm", "Met"),
    "heat": ("高温", "Heat", "Met"),
    "cold": ("寒潮", "Cold wave", "Met"),
    "snow": ("暴雪", "Snowstorm", "Met"),
    "fog": ("大雾", "Fog", "Met"),
    "flood": ("洪涝", "Flood", "Geo"),
    "waterlogging": ("城市内涝", "Urban waterlogging", "Geo"),
    "geological": ("地质灾害", "Geological hazard", "Geo"),
    "fire": ("火灾", "Fire", "Fire"),
    "work_safety": ("安全生产", "Work safety", "Safety"),
    "public_health": ("公共卫生", "Public health", "Health"),
}
# the people concerned, by the role they receive it in (one row a person: the first of these they hold there)
RECIPIENT_ROLES = {
    "grid_worker": ("网格员", "Grid worker"),
    "station_officer": ("街道安监站", "Station officer"),
    "enterprise_user": ("企业安全负责人", "Enterprise safety lead"),
}
# on the event chain, record type "warning"; a recipient's acknowledgement and relay, record type "warning_receipt"
EVENT_NAMES = {
    "issue": ("发布预警", "Warning issued"),
    "update": ("变更预警", "Warning updated"),
    "cancel": ("解除预警", "Warning cancelled"),
    "remind": ("提醒未阅人员", "Reminded those who had not read it"),
    "acknowledge": ("已阅", "Acknowledged"),
    "relay": ("已传达", "Relayed"),
}


class WarningMessage(Base):
    """预警信息: one CAP message (an alert, or an update or a cancellation of an earlier one)."""

    __tablename__ = "warnings"
    __zh_name__ = "预警"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)  # the issuing screen's, or the server's
    identifier: Mapped[str] = mapped_column(String(64), unique=True)  # CAP identifier, as printed: JH-20260706-3F2A1C
    root_id: Mapped[uuid.UUID] = mapped_column(index=True)  # the alert this message belongs to (its own id for one)
    references_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("warnings.id"), index=True)
    sender: Mapped[str] = mapped_column(String(16))  # SENDERS
    issued_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="actual")
    msg_type: Mapped[str] = mapped_column(String(16))
    event: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(16))
    area_ids: Mapped[list] = mapped_column(JSON)  # the streets, communities and grids it covers
    headline: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    instruction: Mapped[str] = mapped_column(Text, default="")
    effective_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # set on a message once a later one of its warning replaced it (an update or a cancellation): it is then history
    superseded_by: Mapped[uuid.UUID | None] = mapped_column()
    recipients_count: Mapped[int] = mapped_column(Integer, default=0)
    is_demo: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    @classmethod
    def current(cls, now=None):
        """The messages in force: not replaced, not a cancellation, not expired."""
        return (cls.superseded_by.is_(None)) & (cls.msg_type != "cancel") & (cls.expires_at > (now or utcnow()))

    @classmethod
    @memoised
    def scope_clause(cls, grants, user_id=None):
        """A warning is seen by the district's offices over its areas (any of them within the grant's subtree, or
        the grant within one of them) and by every recipient of it."""
        clauses = []
        if grants.everywhere:
            clauses.append(true())
        elif grants.area_paths:
            clauses.append(cls.id.in_(_within_paths(tuple(grants.area_paths))))
        if user_id is not None:
            clauses.append(cls.id.in_(select(WarningRecipient.warning_id).where(WarningRecipient.user_id == user_id)))
        return or_(*clauses) if clauses else false()


@memoised
def _within_paths(paths: tuple):
    """The warnings any of whose recipients' streets or grids lie within the paths: a warning reaches an area's
    office exactly when its recipients' areas are there."""
    areas = select(Area.id).where(or_(*[Area.within(p) for p in paths]))
    return select(WarningRecipient.warning_id).where(
        or_(WarningRecipient.street_id.in_(areas), WarningRecipient.grid_id.in_(areas))
    )


class WarningRecipient(Base):
    """One person a warning message must reach: their 已阅 and, for a grid worker, their 已传达."""

    __tablename__ = "warning_recipients"
    __table_args__ = (Index("ix_warning_recipients_user", "user_id", "warning_id"),)

    warning_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warnings.id"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32))  # RECIPIENT_ROLES
    street_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))  # a grid worker's grid, a site's grid
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ack_client_id: Mapped[uuid.UUID | None] = mapped_column()
    relayed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    relay_client_id: Mapped[uuid.UUID | None] = mapped_column()
    households: Mapped[int | None] = mapped_column(Integer)
    relay_photo_id: Mapped[uuid.UUID | None] = mapped_column()
    relay_note: Mapped[str] = mapped_column(String(500), default="")
    # when each was done, beside its arrival above: the phone's time corrected by its clock offset (a 已阅 made
    # offline arrives later), never after its arrival nor before the message was sent; the timeliness counts these
    ack_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    relay_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WarningClock(ClockRow, Base):
    """提醒 (kind reminder): remind those who have not acknowledged a warning message, at a time after it was sent;
    moot once the message is replaced, cancelled or read by all."""

    __tablename__ = "warning_clocks"
    clock_owner = "warning_id"

    warning_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warnings.id"), index=True)


def subject(message) -> str:
    """How the inbox and the banners name a message: 红色暴雨预警."""
    return f"{LEVELS[message.level][0]}{EVENTS[message.event][0]}预警"
