"""Plans (巡查计划) and their tasks (检查任务): which sites to inspect, how often, with which checklist, by whom."""

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, UniqueConstraint, false, or_, select, true
from sqlalchemy.orm import Mapped, mapped_column

from server.areas.models import path_ids, subtree_ids
from server.core.cache import memoised
from server.core.db import Base, Timestamps, UTCDateTime
from server.core.time import utcnow

FREQUENCIES = {
    "weekly": ("每周", "Weekly"),
    "monthly": ("每月", "Monthly"),
    "quarterly": ("每季度", "Quarterly"),
    "yearly": ("每年", "Yearly"),
}
# A plan is a patrol plan (made by hand, its periods on the calendar) or a draw's (双随机: made by the draw when it is
# drawn, once, for the draw's period, each task for the inspectors drawn for its site; nobody edits it)
PLAN_KINDS = {
    "patrol": ("巡查计划", "Patrol plan"),
    "draw": ("双随机抽查", "Random inspection draw"),
}
ONCE = "once"  # a draw's plan's frequency: one period, the draw's; its key is the period's first day (2026-12-07)
ONCE_NAME = ("一次（抽查期内）", "Once (within the draw's period)")  # named with FREQUENCIES, never asked of a plan
# who does a plan's tasks: the grid's own worker (a person), or an office as a whole (its officers share the task
# until one of them is assigned it: PATCH /tasks/<id>)
ASSIGNEES = {
    "grid_worker": ("网格员", "The grid's worker"),
    "station": ("街道安监站", "The street's safety station"),
    "department": ("行业主管部门", "The sector's department"),
    "enforcement": ("执法人员", "Enforcement officers"),
}
# the role whose holders act for each kind of assignee
ASSIGNEE_ROLES = {
    "grid_worker": "grid_worker",
    "station": "station_officer",
    "department": "department_officer",
    "enforcement": "enforcement_officer",
}
TASK_STATES = {
    "open": ("待检查", "To do"),
    "done": ("已完成", "Done"),
    "missed": ("逾期未检", "Missed"),
    "cancelled": ("已取消", "Cancelled"),  # its site left the plan (moved out of its area, changed type, …)
}
# A done task is flagged when the inspection that did it did not prove presence: it counts, and is shown apart.
PRESENCE_FLAGS = ("no_checkin", "checkin_not_found", "checkin_elsewhere", "checkin_far")
# The events on the chain: a plan's, once per period (its new tasks; its period's end, the missed ones), and a task's
EVENTS = {
    "generate": ("生成检查任务", "Tasks planned"),
    "close": ("周期结束，记录逾期未检", "Period ended, missed tasks recorded"),
    "assign": ("指派检查任务", "Task assigned"),
    "done": ("完成检查任务", "Task done"),
    "cancel": ("取消检查任务", "Task cancelled"),
}


# A task's id is derived from its plan, site and period: generating a period again finds the same tasks.
TASK_IDS = uuid.UUID("0c6b1f4e-8a57-4d1b-9f0e-3b2a6c7d8e91")


def task_id(plan_id, site_id, period_key: str) -> uuid.UUID:
    return uuid.uuid5(TASK_IDS, f"{plan_id}:{site_id}:{period_key}")


class Plan(Timestamps, Base):
    """巡查计划: the sites of an area (a grid, community, street or the district), narrowed by type, risk level,
    enterprise size and sector, to be inspected at a frequency with a checklist (any version of its family) by an
    assignee. An unannounced plan (四不两直) is never shown to the inspected enterprise before it is inspected."""

    __tablename__ = "plans"
    __zh_name__ = "巡查计划"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    sector: Mapped[str | None] = mapped_column(String(32), index=True)  # only sites of enterprises in this sector
    site_types: Mapped[list] = mapped_column(JSON, default=list)  # empty: any type
    risk_levels: Mapped[list] = mapped_column(JSON, default=list)  # empty: any level
    above_designated_size: Mapped[bool | None] = mapped_column()  # 规模以上 only (True), below (False), any (None)
    frequency: Mapped[str] = mapped_column(String(16))
    template_family_id: Mapped[uuid.UUID] = mapped_column(index=True)
    assignee: Mapped[str] = mapped_column(String(16))
    unannounced: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    kind: Mapped[str] = mapped_column(String(16), default="patrol", server_default="patrol")  # PLAN_KINDS
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    is_demo: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    @classmethod
    @memoised
    def scope_clause(cls, grants):
        """Visible where it overlaps the caller's areas: a plan within them, or one over an area that holds them (the
        district's plan is the street's too); a department's, where its sector is the plan's."""
        if grants.everywhere:
            return true()
        clauses = []
        if grants.area_paths:
            above = sorted({area_id for path in grants.area_paths for area_id in path_ids(path)})
            clauses += [cls.area_id.in_(subtree_ids(grants.area_paths)), cls.area_id.in_(above)]
        for sector, path in grants.sectors:
            clauses.append(
                (cls.sector == sector) & (cls.area_id.in_(subtree_ids([path])) | cls.area_id.in_(path_ids(path)))
            )
        return or_(*clauses) if clauses else false()

    @classmethod
    @memoised
    def manage_clause(cls, grants):
        """Editable within the caller's areas (a station its street's plans); a department, its sector's there."""
        if grants.everywhere:
            return true()
        clauses = []
        if grants.area_paths:
            clauses.append(cls.area_id.in_(subtree_ids(grants.area_paths)))
        for sector, path in grants.sectors:
            clauses.append((cls.sector == sector) & cls.area_id.in_(subtree_ids([path])))
        return or_(*clauses) if clauses else false()


class PlanPeriod(Base):
    """A plan's period once its tasks were generated, so that the maintenance round generates each period once."""

    __tablename__ = "plan_periods"

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plans.id"), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Task(Base):
    """检查任务: one site to inspect in one period of a plan, by its assignee, with the plan's checklist. Done by an
    inspection of that site on that checklist finished within the period; missed when the period ends without one."""

    __tablename__ = "tasks"
    __zh_name__ = "检查任务"
    __table_args__ = (
        UniqueConstraint("plan_id", "site_id", "period"),
        Index("ix_tasks_state_period_end", "state", "period_end"),
        Index("ix_tasks_coverage", "period_start", "grid_id", "state", "flagged"),  # coverage, from the index alone
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # derived from (plan, site, period): services.task_id
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plans.id"))  # indexed by the unique constraint
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    # where the site is, kept as the inspections keep it, for scope and coverage without joins
    grid_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    enterprise_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    sector: Mapped[str | None] = mapped_column(String(32))
    site_type: Mapped[str] = mapped_column(String(32))
    template_family_id: Mapped[uuid.UUID] = mapped_column()
    period: Mapped[str] = mapped_column(String(10))  # periods.Period.key: 2026-12, 2026-W49, 2026-Q4, 2026
    period_start: Mapped[date] = mapped_column(Date)  # Asia/Shanghai dates, both inclusive
    period_end: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    assignee: Mapped[str] = mapped_column(String(16))  # the plan's kind of assignee (ASSIGNEES)
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)  # None: the office
    unannounced: Mapped[bool] = mapped_column(default=False)
    kind: Mapped[str] = mapped_column(String(16), default="patrol", server_default="patrol")  # its plan's kind
    state: Mapped[str] = mapped_column(String(16), default="open")
    inspection_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("inspections.id"))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the inspection's finish, on the server's clock
    flags: Mapped[list] = mapped_column(JSON, default=list)  # PRESENCE_FLAGS of the inspection that did it
    flagged: Mapped[bool] = mapped_column(default=False)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    @classmethod
    @memoised
    def scope_clause(cls, grants, user_id=None):
        """Visible as an inspection at its site would be (its grid's areas, its sector within an area), and to its
        assignee. The enterprise sees its own sites' tasks, except an unannounced one (四不两直), which it sees only
        once the inspection that did it is submitted: before, neither the task nor its existence shows."""
        if grants.everywhere:
            return true()
        clauses = []
        if user_id:
            clauses += [cls.assignee_id == user_id, cls.id.in_(TaskInspector.tasks_of(user_id))]
        if grants.area_paths:
            clauses.append(cls.grid_id.in_(subtree_ids(grants.area_paths)))
        if grants.enterprise_ids:
            clauses.append(cls.enterprise_id.in_(grants.enterprise_ids) & (~cls.unannounced | (cls.state == "done")))
        for sector, path in grants.sectors:
            clauses.append((cls.sector == sector) & cls.grid_id.in_(subtree_ids([path])))
        return or_(*clauses) if clauses else false()


class TaskInspector(Base):
    """The inspectors named on a draw's task (双随机), in the order drawn: the first is its assignee (the lead), the
    others its co-inspectors. Only an inspection one of them took part in does the task."""

    __tablename__ = "task_inspectors"

    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tasks.id"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    slot: Mapped[int] = mapped_column(Integer)  # 1: the lead, 2…: co-inspectors

    @classmethod
    def tasks_of(cls, user_id):
        return select(cls.task_id).where(cls.user_id == user_id)
