"""Hazards (隐患): reported from the field, routed to a street station, driven through the loop to closure."""

import uuid
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
    func,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.functions import FunctionElement

from server.areas.models import subtree_ids
from server.core.cache import memoised
from server.core.db import Base, Timestamps, UTCDateTime, UUIDPrimaryKey
from server.core.time import on_server_clock, utcnow
from server.jobs.clocks import ClockRow

LEVELS = {"general": ("一般隐患", "General hazard"), "major": ("重大隐患", "Major hazard")}
SOURCES = {
    "patrol": ("网格巡查", "Patrol"),
    "inspection": ("监督检查", "Inspection"),
    "self_report": ("企业自查", "Enterprise self-inspection"),
    "other": ("其他", "Other"),
}
# The dates a period may select hazards by (GET /hazards?from=&to=&dated=, the dashboards' figures): the column of each
DATED = {"received": "received_at", "closed": "closed_at", "listed": "listed_at", "delisted": "delisted_at"}
# The loop's documents (文书), by kind: HazardDocument.kind.
DOCUMENT_KINDS = {
    "rectification_notice": ("隐患整改意见书", "Rectification notice"),
    "reinspection_opinion": ("整改复查意见书", "Re-inspection opinion"),
    "listing_notice": ("重大事故隐患挂牌督办通知书", "Listing notice for a major hazard"),
    "enforcement_order": ("责令限期整改指令书", "Enforcement order"),
}
# The taxonomy every deployment starts with; categories are rows, so the bureau can add and retire them.
DEFAULT_CATEGORIES = [
    ("fire", "消防安全", "Fire"),
    ("electrical", "用电安全", "Electrical"),
    ("gas", "燃气安全", "Gas"),
    ("structural", "建筑结构", "Structural"),
    ("hazardous_chemicals", "危险化学品", "Hazardous chemicals"),
    ("flooding", "防汛排水", "Flooding and drainage"),
    ("crowd", "人员密集", "Crowds"),
    ("traffic", "交通安全", "Traffic"),
    ("special_equipment", "特种设备", "Special equipment"),
    ("other", "其他", "Other"),
]


class HazardCategory(Base):
    """隐患类别: an editable list; a retired category stays on the hazards that used it."""

    __tablename__ = "hazard_categories"
    __zh_name__ = "隐患类别"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(50))
    name_en: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


# What the dashboards' counts of a period read of each hazard: its scope (grid, enterprise, sector, reporter), its
# site (for the site type), its level and state, and the times its figures compare.
FIGURE_COLUMNS = (
    "grid_id",
    "street_id",
    "enterprise_id",
    "sector",
    "reporter_id",
    "site_id",
    "level",
    "state",
    "acknowledged_at",
    "ack_due_at",
    "observed_at",
    "clock_offset_s",
    "deadline",
    "closed_at",
)


class Hazard(Timestamps, Base):
    """隐患: made on the phone (client UUID); its state changes only through hazards.machine."""

    __tablename__ = "hazards"
    __zh_name__ = "隐患"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    site_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sites.id"), index=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)  # whose station it goes to
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    category: Mapped[str] = mapped_column(ForeignKey("hazard_categories.code"))
    level: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))
    photo_ids: Mapped[list] = mapped_column(JSON, default=list)
    reporter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the phone's clock
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # indexed below, for the dashboards
    # how far the phone's clock was behind the server's as it sent the report (received_at minus the
    # Device-Time it sent), in seconds; None when it did not say. Right for observed_at unless the
    # phone's clock was reset between seeing the hazard and sending the report.
    clock_offset_s: Mapped[float | None] = mapped_column(Float)
    # the enterprise answerable for it (the site's, or the reporter's own for a self-report)
    enterprise_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    sector: Mapped[str | None] = mapped_column(String(32), index=True)  # 管行业必须管安全
    # when a station last transferred it (移送) to the department of its sector: it then waits for that department too
    transferred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(24), default="reported", index=True)
    ack_due_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the 30-minute target, from received_at
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("hazards.id"))
    responsible_party: Mapped[str] = mapped_column(String(200), default="")
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # major hazards (重大隐患): the plan's five elements (五落实), the dual report (双报告), listing for
    # supervision (挂牌督办) with its numbered notice, one extension, de-listing (摘牌销号)
    plan: Mapped[dict | None] = mapped_column(JSON)
    regulator_reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    workers_congress_reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    listed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    listing_number: Mapped[str | None] = mapped_column(String(40))
    delisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    extension_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the deadline asked for
    extension_decision: Mapped[str | None] = mapped_column(String(16))  # approved | refused
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
    # The dashboards' figures (server/dashboards) count hazards by the dates a period selects them by and by what is
    # overdue now; on PostgreSQL each index carries the columns those counts read (INCLUDE), so that they are read
    # from the index alone (bench/dashboards.py, docs/dashboards.md). SQLite has no INCLUDE: there they are plain.
    __table_args__ = (
        Index("ix_hazards_received_at", "received_at", postgresql_include=list(FIGURE_COLUMNS)),
        # a street's or a community's figures (their grids), month by month
        Index("ix_hazards_grid_received", "grid_id", "received_at", postgresql_include=list(FIGURE_COLUMNS)),
        Index(
            "ix_hazards_grid_closed",
            "grid_id",
            "closed_at",
            postgresql_include=list(FIGURE_COLUMNS),
            postgresql_where=text("closed_at IS NOT NULL"),
            sqlite_where=text("closed_at IS NOT NULL"),
        ),
        Index(
            "ix_hazards_closed_at",
            "closed_at",
            postgresql_include=list(FIGURE_COLUMNS),
            postgresql_where=text("closed_at IS NOT NULL"),
            sqlite_where=text("closed_at IS NOT NULL"),
        ),
        Index(
            "ix_hazards_listing",
            "listed_at",
            "delisted_at",
            postgresql_include=["grid_id", "level", "sector", "site_id", "enterprise_id", "reporter_id"],
            postgresql_where=text("listed_at IS NOT NULL OR delisted_at IS NOT NULL"),
            sqlite_where=text("listed_at IS NOT NULL OR delisted_at IS NOT NULL"),
        ),
        Index(
            "ix_hazards_waiting",
            "state",
            "deadline",
            "ack_due_at",
            postgresql_include=["grid_id", "level", "street_id", "sector", "site_id", "enterprise_id", "reporter_id"],
            postgresql_where=text("state IN ('reported', 'rectifying')"),
            sqlite_where=text("state IN ('reported', 'rectifying')"),
        ),
        # the map (server/maps) draws a hazard without a fix of its own at its site: an index of those few, so that a
        # city-wide count finds them without reading the table a second time
        Index(
            "ix_hazards_unplaced",
            "site_id",
            postgresql_where=text("longitude IS NULL OR latitude IS NULL"),
            sqlite_where=text("longitude IS NULL OR latitude IS NULL"),
        ),
        # the map's clusters (server/maps): the hazards by grid, carrying what a cluster counts and a scope reads, so
        # that a station's (its grids first) are an index-only scan of its street's rows; and by each coordinate, for
        # the thin strips along a box's edges that the map's summary of whole cells leaves to the table
        Index(
            "ix_hazards_map_points",
            "grid_id",
            postgresql_include=["longitude", "latitude", "level", "state", "site_id", "reporter_id"],
        ),
        Index("ix_hazards_longitude", "longitude", postgresql_include=["latitude", "level", "state"]),
        Index("ix_hazards_latitude", "latitude", postgresql_include=["longitude", "level", "state"]),
    )

    def __repr__(self):
        return f"<Hazard {self.id} {self.state}>"

    @property
    def observed_at_server(self) -> datetime:
        """When the hazard was seen, on the server's clock (observed_at as the phone wrote it, if unknown)."""
        return on_server_clock(self.observed_at, self.clock_offset_s)

    @hybrid_method
    def ack_overdue(self, now):
        """Still waiting for acknowledgement past the 30-minute target (in Python and in SQL alike)."""
        return (self.state == "reported") & (self.ack_due_at < now)

    @hybrid_method
    def rectification_overdue(self, now):
        """Being rectified past its deadline (逾期), in Python and in SQL alike: the summary counts these."""
        return self.state == "rectifying" and self.deadline is not None and self.deadline < now

    @rectification_overdue.expression
    def rectification_overdue(cls, now):
        return (cls.state == "rectifying") & cls.deadline.is_not(None) & (cls.deadline < now)

    @hybrid_method
    def listed(self):
        """Listed for supervision (挂牌督办) and not de-listed yet, open or closed."""
        return self.listed_at is not None and self.delisted_at is None

    @listed.expression
    def listed(cls):
        return cls.listed_at.is_not(None) & cls.delisted_at.is_(None)

    @hybrid_method
    def ack_on_time(self):
        """Acknowledged within the 30-minute target from its arrival (ack_due_at); None if not acknowledged."""
        return None if self.acknowledged_at is None else self.acknowledged_at <= self.ack_due_at

    @ack_on_time.expression
    def ack_on_time(cls):
        return cls.acknowledged_at <= cls.ack_due_at

    @hybrid_method
    def ack_on_time_observed(self):
        """Acknowledged within the same target counted from when it was observed (on the server's clock): the time a
        report waited offline counts against it. None if not acknowledged."""
        if self.acknowledged_at is None:
            return None
        return self.acknowledged_at - self.observed_at_server <= self.ack_due_at - self.received_at

    @ack_on_time_observed.expression
    def ack_on_time_observed(cls):
        waited = Seconds(cls.observed_at, cls.acknowledged_at) - func.coalesce(cls.clock_offset_s, 0)
        return waited <= Seconds(cls.received_at, cls.ack_due_at)

    @hybrid_method
    def closed_on_time(self):
        """Closed (销号) by its rectification deadline; None if open or closed without a deadline."""
        if self.closed_at is None or self.deadline is None:
            return None
        return self.closed_at <= self.deadline

    @closed_on_time.expression
    def closed_on_time(cls):
        return cls.closed_at <= cls.deadline

    @classmethod
    @memoised
    def scope_clause(cls, grants, user_id=None):
        """Visible: in a granted area (the station of its street, its grid's worker, the district); its
        enterprise's; in a department's sector; and always to whoever reported it (`user_id`; without one,
        what the grants alone cover: the hazards a role may act on, auth.queries.roles_covering)."""
        if grants.everywhere:
            return true()
        clauses = [cls.reporter_id == user_id] if user_id else []
        if grants.area_paths:
            clauses.append(cls.grid_id.in_(subtree_ids(grants.area_paths)))
        if grants.enterprise_ids:
            clauses.append(cls.enterprise_id.in_(grants.enterprise_ids))
        for sector, path in grants.sectors:
            clauses.append((cls.sector == sector) & cls.grid_id.in_(subtree_ids([path])))
        return or_(*clauses) if clauses else false()


class Seconds(FunctionElement):
    """The seconds from one instant to another, in SQL: `Seconds(start, end)`."""

    inherit_cache = True
    type = Float()


@compiles(Seconds, "postgresql")
def _seconds_postgresql(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - {compiler.process(start, **kw)}))"


@compiles(Seconds, "sqlite")
def _seconds_sqlite(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"((julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)})) * 86400.0)"


class HazardClock(ClockRow, Base):
    """计时: something that must happen to a hazard at a time unless the hazard has moved on by then."""

    __tablename__ = "hazard_clocks"
    clock_owner = "hazard_id"

    hazard_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("hazards.id"), index=True)
    # where the action that set it left the hazard (hazards.machine): the clock lapses when the hazard leaves it
    state: Mapped[str] = mapped_column(String(32))


class HazardDocument(UUIDPrimaryKey, Base):
    """文书: a numbered document of the loop (notice, re-inspection opinion, listing notice), rendered by a job."""

    __tablename__ = "hazard_documents"

    hazard_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("hazards.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(40), unique=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)  # what the transition decided, as it was then
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending | ready | failed
    sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HazardInvitation(Base):
    """邀请专家: an expert invited to a hazard, who may then record findings on it (专家意见)."""

    __tablename__ = "hazard_invitations"

    hazard_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("hazards.id"), primary_key=True)
    expert_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    invited_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DocumentCounter(Base):
    """The last number given to a kind of document in a year: numbers are gap-free and never reused."""

    __tablename__ = "document_counters"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


def active_categories():
    return select(HazardCategory).where(HazardCategory.active.is_(True)).order_by(HazardCategory.position)
