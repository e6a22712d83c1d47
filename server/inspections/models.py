"""Inspections (检查): scored checklists as versioned templates, and the inspections made with them on the phone."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false, or_, select, true
from sqlalchemy.orm import Mapped, mapped_column

from server.areas.models import subtree_ids
from server.core.cache import memoised
from server.core.db import Base, Timestamps, UTCDateTime
from server.core.time import on_server_clock, utcnow

KINDS = {
    "patrol": ("巡查", "Patrol"),
    "assessment": ("考核", "Assessment"),
    "self_check": ("自查", "Self-check"),
    "enforcement": ("执法检查", "Enforcement inspection"),
}
TEMPLATE_STATES = {
    "draft": ("草稿", "Draft"),
    "published": ("已发布", "Published"),
    "archived": ("已归档", "Archived"),
}
MODES = {
    "routine_patrol": ("日常巡查", "Routine patrol"),
    "self_check": ("企业自查", "Enterprise self-check"),
    "cross_assessment": ("交叉考核", "Cross assessment"),
    "unannounced": ("四不两直", "Unannounced inspection"),
    "double_random": ("双随机抽查", "Double-random spot check"),
    "expert": ("专家检查", "Expert inspection"),
}
# the hazard's source (hazards.models.SOURCES) for a failed item found in each mode
HAZARD_SOURCE = {"routine_patrol": "patrol", "self_check": "self_report"}
INSPECTOR_ROLES = {"lead": ("检查人", "Inspector"), "co": ("协同检查人", "Co-inspector"), "expert": ("专家", "Expert")}
# The events the inspections put on the record (evidence), by action: of an inspection, a template, a summons.
EVENTS = {
    "submit": ("提交检查", "Submitted"),
    "correct": ("更正检查", "Corrected"),
    "create": ("新建检查表", "Checklist created"),
    "edit": ("修改检查表", "Checklist edited"),
    "publish": ("发布检查表", "Checklist published"),
    "archive": ("归档检查表", "Checklist archived"),
    "flag": ("列入约谈", "Summoned"),
}
# Why an inspection is flagged for a supervisor's eye: nothing odd is refused, it is recorded.
FLAGS = {
    "no_checkin": ("未到场打卡", "No check-in at the site"),
    "checkin_not_found": ("打卡记录不存在", "The check-in cited was not found"),
    "checkin_elsewhere": ("打卡场所与检查场所不符", "Checked in at another site"),
    "checkin_far": ("打卡时离场所过远或无定位", "Checked in too far from the site, or without a location"),
    "clock_off": ("手机时间不准（已按服务器时间校正）", "The phone's clock was off (corrected to the server's)"),
}


class InspectionTemplate(Timestamps, Base):
    """检查表模板: one version of a checklist. Versions of one checklist share `family_id`; a published version is
    never changed (an edit makes the next version), so every inspection keeps exactly what it was scored on."""

    __tablename__ = "inspection_templates"
    __zh_name__ = "检查表"
    __table_args__ = (UniqueConstraint("family_id", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    family_id: Mapped[uuid.UUID] = mapped_column(index=True)
    number: Mapped[int] = mapped_column(Integer, default=1)  # the version number within the family
    state: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    site_types: Mapped[list] = mapped_column(JSON, default=list)  # none and no sectors: applies anywhere
    sectors: Mapped[list] = mapped_column(JSON, default=list)
    owner_sector: Mapped[str | None] = mapped_column(String(32), index=True)  # the department that owns it
    pass_mark: Mapped[float | None] = mapped_column(Float)  # a percentage
    max_score: Mapped[float] = mapped_column(Float, default=0)
    sections: Mapped[list] = mapped_column(JSON, default=list)  # [{key, title, items: [...]}]
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_demo: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    @classmethod
    @memoised
    def manage_clause(cls, grants):
        """Who may edit: an admin any template; a department officer those their sector owns."""
        if grants.everywhere or grants.area_paths:
            return true()
        sectors = sorted({sector for sector, _path in grants.sectors})
        return cls.owner_sector.in_(sectors) if sectors else false()

    @classmethod
    @memoised
    def scope_clause(cls, view_grants, manage_grants):
        """Visible: every published or archived version to whoever may inspect; drafts to those who may edit them."""
        shown = cls.state != "draft" if not view_grants.empty else false()
        return or_(shown, cls.manage_clause(manage_grants))


# What the dashboards read of an inspection of a period: its scope (grid, enterprise, sector, inspector), its site
# (for the site type), its score and whether it was flagged.
DASHBOARD_COLUMNS = ("grid_id", "enterprise_id", "sector", "inspector_id", "site_id", "percentage", "flagged")


class Inspection(Base):
    """检查记录: made on the phone (client UUID), scored by the server on the template version it names."""

    __tablename__ = "inspections"
    __zh_name__ = "检查记录"
    # A month's scores of a checklist (rankings.py) read from this index alone on PostgreSQL (an index-only scan):
    # a month's assessments lie scattered over the table, a heap page each
    __table_args__ = (
        Index(
            "ix_inspections_template_finished",
            "template_id",
            "finished_at",
            postgresql_include=["site_id", "percentage", "mode"],
        ),
        # a period's inspections in a scope, counted and their scores averaged by the dashboards (server/dashboards)
        Index("ix_inspections_finished_at", "finished_at", postgresql_include=list(DASHBOARD_COLUMNS)),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    template_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspection_templates.id"))
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    enterprise_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    sector: Mapped[str | None] = mapped_column(String(32), index=True)
    mode: Mapped[str] = mapped_column(String(24))
    inspector_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the phone's clock
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the phone's clock
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    clock_offset_s: Mapped[float | None] = mapped_column(Float)  # core.time.clock_offset, from the first arrival
    # No foreign key: the check-in may not have arrived (then it is flagged checkin_not_found, as it was then)
    checkin_id: Mapped[uuid.UUID | None] = mapped_column()
    flags: Mapped[list] = mapped_column(JSON, default=list)
    flagged: Mapped[bool] = mapped_column(default=False, index=True)  # flags != [], for the supervisors' filter
    acknowledgement: Mapped[dict | None] = mapped_column(JSON)  # {name, signature_photo_id}: 被检查单位确认
    # the current revision's score, kept in columns for lists and rankings (the revision holds the whole)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    points: Mapped[float] = mapped_column(Float, default=0)
    max_points: Mapped[float] = mapped_column(Float, default=0)
    percentage: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column()

    @property
    def finished_at_server(self) -> datetime:
        return on_server_clock(self.finished_at, self.clock_offset_s)

    @property
    def started_at_server(self) -> datetime:
        return on_server_clock(self.started_at, self.clock_offset_s)

    @classmethod
    @memoised
    def scope_clause(cls, grants, user_id=None):
        """Visible as a hazard at the same site would be (its grid's areas, its enterprise, its sector), and to
        each of its inspectors."""
        if grants.everywhere:
            return true()
        clauses = []
        if user_id:
            clauses.append(
                cls.id.in_(select(InspectionInspector.inspection_id).where(InspectionInspector.user_id == user_id))
            )
        if grants.area_paths:
            clauses.append(cls.grid_id.in_(subtree_ids(grants.area_paths)))
        if grants.enterprise_ids:
            clauses.append(cls.enterprise_id.in_(grants.enterprise_ids))
        for sector, path in grants.sectors:
            clauses.append((cls.sector == sector) & cls.grid_id.in_(subtree_ids([path])))
        return or_(*clauses) if clauses else false()


class InspectionInspector(Base):
    """检查人员: the user who submitted (lead), co-inspectors and invited experts."""

    __tablename__ = "inspection_inspectors"

    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspections.id"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(16))  # INSPECTOR_ROLES


class InspectionRevision(Base):
    """One revision of an inspection's answers and the score computed from them; a correction adds one, none is
    ever changed (the first is the submission)."""

    __tablename__ = "inspection_revisions"
    __table_args__ = (UniqueConstraint("inspection_id", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # the phone's id for it (the inspection's for the 1st)
    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspections.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    answers: Mapped[list] = mapped_column(JSON)  # as sent: [{item, value, note, photo_ids, raise_hazard}]
    score: Mapped[dict] = mapped_column(JSON)  # scoring.score(), from the template version
    reason: Mapped[str] = mapped_column(Text, default="")  # why it was corrected
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InspectionHazard(Base):
    """A failed item that became a hazard: the link both ways (a hazard comes from at most one item)."""

    __tablename__ = "inspection_hazards"
    __table_args__ = (UniqueConstraint("inspection_id", "item"),)

    hazard_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("hazards.id"), primary_key=True)
    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspections.id"), index=True)
    item: Mapped[str] = mapped_column(String(64))


class Summons(Base):
    """约谈: a unit ranked in a checklist's bottom group two months running, as confirmed for a month; on the record,
    once per checklist, month and unit."""

    __tablename__ = "summonses"
    __zh_name__ = "约谈"
    __table_args__ = (UniqueConstraint("family_id", "month", "site_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    family_id: Mapped[uuid.UUID] = mapped_column(index=True)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM, Asia/Shanghai
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    enterprise_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    sector: Mapped[str | None] = mapped_column(String(32))
    rank: Mapped[int] = mapped_column(Integer)
    previous_rank: Mapped[int] = mapped_column(Integer)
    ranked: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    confirmed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))  # None: the server, at month's end
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @classmethod
    @memoised
    def scope_clause(cls, grants):
        """Visible as an inspection at its site would be (its grid's areas, its enterprise, its sector), and to the
        department that owns the checklist (whose inbox it went to), within its area."""
        if grants.everywhere:
            return true()
        clauses = []
        if grants.area_paths:
            clauses.append(cls.grid_id.in_(subtree_ids(grants.area_paths)))
        if grants.enterprise_ids:
            clauses.append(cls.enterprise_id.in_(grants.enterprise_ids))
        for sector, path in grants.sectors:
            owned = select(InspectionTemplate.family_id).where(InspectionTemplate.owner_sector == sector)
            clauses.append(((cls.sector == sector) | cls.family_id.in_(owned)) & cls.grid_id.in_(subtree_ids([path])))
        return or_(*clauses) if clauses else false()


class RankingMonth(Base):
    """A checklist's month once confirmed (月度排名确认): by someone, or by the server once the month ended; the
    maintenance round confirms each assessment's month just ended unless this says it was."""

    __tablename__ = "ranking_months"

    family_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM, Asia/Shanghai
    confirmed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))  # None: the server
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InspectionRecord(Base):
    """检查记录 (PDF): one revision of an inspection put on paper, rendered when first asked for and kept by its
    SHA-256; a correction's record is another, the earlier ones stay."""

    __tablename__ = "inspection_records"
    __table_args__ = (UniqueConstraint("inspection_id", "revision"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspections.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    # pending (not on paper yet) | ready; "failed" was left by the job that rendered records before, and renders again
    state: Mapped[str] = mapped_column(String(16), default="pending")
    sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
