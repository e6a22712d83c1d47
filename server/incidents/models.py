"""Incidents (突发事件): a first report from the field, its forwarding by the street to the district, follow-ups
(续报) and a final report (终报), and the clocks of the 30-minute target."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, false, or_, true
from sqlalchemy.orm import Mapped, mapped_column

from server.areas.models import subtree_ids
from server.core.cache import memoised
from server.core.db import Base, Timestamps, UTCDateTime
from server.core.time import utcnow
from server.jobs.clocks import ClockRow

# received (待报区) → forwarded (已报区) → acknowledged (区已接报) → closed (已终报)
STATES = {
    "received": ("街道已接报，待报区", "Received by the street, to forward"),
    "forwarded": ("已报区，待区确认", "Forwarded to the district"),
    "acknowledged": ("区已接报", "Acknowledged by the district"),
    "closed": ("已终报", "Final report made"),
}
REPORT_KINDS = {
    "initial": ("初报", "First report"),
    "followup": ("续报", "Follow-up"),
    "final": ("终报", "Final report"),
}
CASUALTIES = {
    "dead": ("死亡", "Dead"),
    "injured": ("受伤", "Injured"),
    "missing": ("失联", "Missing"),
    "trapped": ("被困", "Trapped"),
}


class Incident(Timestamps, Base):
    """突发事件: made on the phone (client UUID), received by its street station, which forwards it to the district."""

    __tablename__ = "incidents"
    __zh_name__ = "突发事件"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(40))  # a sub-type of the national classification (classification.py)
    site_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sites.id"), index=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)  # whose station forwards it
    address: Mapped[str] = mapped_column(String(200), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)  # as the reporter gives it
    # casualties as first reported; a follow-up's figures are on its IncidentReport
    dead: Mapped[int] = mapped_column(Integer, default=0)
    injured: Mapped[int] = mapped_column(Integer, default=0)
    missing: Mapped[int] = mapped_column(Integer, default=0)
    trapped: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text)  # what is known
    photo_ids: Mapped[list] = mapped_column(JSON, default=list)
    reporter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)  # the server's clock
    clock_offset_s: Mapped[float | None] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(16), default="received", index=True)
    forward_due_at: Mapped[datetime] = mapped_column(UTCDateTime)  # received_at + INCIDENT_FORWARD_MINUTES
    forwarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    forwarded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    followup_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the district's open request
    followup_request: Mapped[str] = mapped_column(String(500), default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_demo: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    @classmethod
    @memoised
    def scope_clause(cls, grants, user_id=None):
        """Visible in a granted area (the grid's workers, the street's station, the district) and to whoever reported
        it. Not by sector: an incident has none, and a department's grant over the district would show it them all."""
        if grants.everywhere:
            return true()
        clauses = [cls.reporter_id == user_id] if user_id else []
        if grants.area_paths:
            clauses.append(cls.grid_id.in_(subtree_ids(grants.area_paths)))
        return or_(*clauses) if clauses else false()


class IncidentReport(Base):
    """续报 / 终报: a later report on an incident, made on the phone or at the station (client UUID)."""

    __tablename__ = "incident_reports"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # followup | final
    description: Mapped[str] = mapped_column(Text)
    dead: Mapped[int] = mapped_column(Integer, default=0)
    injured: Mapped[int] = mapped_column(Integer, default=0)
    missing: Mapped[int] = mapped_column(Integer, default=0)
    trapped: Mapped[int] = mapped_column(Integer, default=0)
    photo_ids: Mapped[list] = mapped_column(JSON, default=list)
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IncidentClock(ClockRow, Base):
    """计时: the forwarding target's warning and escalation, fired by the clocks' engine (server.jobs.clocks) unless
    the incident has left the state it was set in (been forwarded)."""

    __tablename__ = "incident_clocks"
    clock_owner = "incident_id"

    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id"), index=True)
    state: Mapped[str] = mapped_column(String(32))
