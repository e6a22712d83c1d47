"""A disaster's course (灾害过程) and the communities' reports of it, as 自然灾害情况统计调查制度 (应急管理部, 2020)
shapes them: one first report (初报) within hours, follow-ups (续报, daily during the response even when nothing
changed) and one verified report (核报)."""

import uuid
from datetime import datetime

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    false,
    or_,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from server.areas.models import path_ids, subtree_ids
from server.core.cache import memoised
from server.core.db import Base, Timestamps, UTCDateTime
from server.core.time import utcnow
from server.jobs.clocks import ClockRow

REPORT_KINDS = {
    "initial": ("初报", "First report"),
    "followup": ("续报", "Follow-up"),
    "verified": ("核报", "Verified"),
}
# figure → (Chinese, English, unit, the least change that may count as sharp: below it no explanation is asked)
FIGURES = {
    "affected": ("受灾人口", "People affected", "人", 20),
    "dead": ("死亡人口", "Dead", "人", 2),
    "missing": ("失踪人口", "Missing", "人", 2),
    "injured": ("受伤人口", "Injured", "人", 5),
    "evacuated": ("紧急转移安置人口", "Evacuated and relocated", "人", 20),
    "houses_collapsed": ("倒塌房屋", "Houses collapsed", "间", 3),
    "houses_severely_damaged": ("严重损坏房屋", "Houses severely damaged", "间", 5),
    "houses_generally_damaged": ("一般损坏房屋", "Houses generally damaged", "间", 10),
    "direct_loss": ("直接经济损失", "Direct economic loss", "万元", 10),
}


class Disaster(Timestamps, Base):
    """灾害过程: a disaster over an area (the district or a street), whose response (应急响应) is on until ended."""

    __tablename__ = "disasters"
    __zh_name__ = "灾害过程"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(40))  # a natural-disaster sub-type (incidents' classification)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    response_active: Mapped[bool] = mapped_column(Boolean, default=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    is_demo: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    @classmethod
    @memoised
    def scope_clause(cls, grants):
        """Visible where it touches the caller's areas: over them (the district's, to a community) or within them."""
        if grants.everywhere:
            return true()
        paths = [*grants.area_paths, *(path for _sector, path in grants.sectors)]
        if not paths:
            return false()
        above = sorted({area_id for path in paths for area_id in path_ids(path)})
        return or_(cls.area_id.in_(above), cls.area_id.in_(subtree_ids(paths)))


class DisasterReport(Base):
    """One community's report (初报, 续报 or 核报) of a disaster, made on the phone or at the station (client UUID)."""

    __tablename__ = "disaster_reports"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    disaster_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("disasters.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    affected: Mapped[int] = mapped_column(Integer, default=0)
    dead: Mapped[int] = mapped_column(Integer, default=0)
    missing: Mapped[int] = mapped_column(Integer, default=0)
    injured: Mapped[int] = mapped_column(Integer, default=0)
    evacuated: Mapped[int] = mapped_column(Integer, default=0)
    houses_collapsed: Mapped[int] = mapped_column(Integer, default=0)
    houses_severely_damaged: Mapped[int] = mapped_column(Integer, default=0)
    houses_generally_damaged: Mapped[int] = mapped_column(Integer, default=0)
    direct_loss: Mapped[float] = mapped_column(Float, default=0)  # 万元
    explanation: Mapped[str] = mapped_column(Text, default="")  # why a figure moved sharply (or any note)
    late: Mapped[bool] = mapped_column(Boolean, default=False)  # a first report past DISASTER_FIRST_REPORT_HOURS
    reporter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    is_demo: Mapped[bool] = mapped_column(default=False)

    @classmethod
    @memoised
    def scope_clause(cls, grants, user_id=None):
        if grants.everywhere:
            return true()
        clauses = [cls.reporter_id == user_id] if user_id else []
        paths = [*grants.area_paths, *(path for _sector, path in grants.sectors)]
        if paths:  # the communities within their areas, and a grid's worker's own community
            clauses.append(cls.community_id.in_(subtree_ids(paths)))
            clauses.append(cls.community_id.in_(sorted({i for path in paths for i in path_ids(path)})))
        return or_(*clauses) if clauses else false()


class DisasterClock(ClockRow, Base):
    """计时: the first report's deadline (初报, kind initial, DISASTER_FIRST_REPORT_HOURS after the start) and each
    day's follow-up (续报, kind followup, at DISASTER_FOLLOWUP_HOUR in Shanghai while the response is on), fired by the
    clocks' engine (server.jobs.clocks): the communities that owe the report are reminded through their reporters'
    inboxes."""

    __tablename__ = "disaster_clocks"
    clock_owner = "disaster_id"

    disaster_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("disasters.id"), index=True)
