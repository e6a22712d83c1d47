"""Plans and their tasks: generating a period's tasks (idempotent), keeping them right as sites, grids and people
change, completing them from submitted inspections, and recording the missed ones when their period ends."""

import logging
import uuid
from datetime import datetime, time, timedelta

from sqlalchemy import delete, exists, func, or_, select, update

from server.areas.models import Area, subtree_ids
from server.core.api import within_scope
from server.core.db import db
from server.core.errors import DomainError
from server.core.i18n import SHANGHAI
from server.core.time import on_server_clock, utcnow
from server.enterprises.models import Enterprise
from server.evidence import services as evidence
from server.inspections import services as inspections
from server.inspections.models import Inspection, InspectionTemplate
from server.jobs import periodic
from server.people.models import RoleAssignment, User
from server.plans import periods, queries
from server.plans.models import ASSIGNEE_ROLES, PRESENCE_FLAGS, Plan, PlanPeriod, Task
from server.sites.models import Site

log = logging.getLogger("safegrid.plans")

# A task's id is derived from its plan, site and period: generating a period again finds the same tasks.
TASK_IDS = uuid.UUID("0c6b1f4e-8a57-4d1b-9f0e-3b2a6c7d8e91")
PLAN_FIELDS = (
    "name",
    "area_id",
    "sector",
    "site_types",
    "risk_levels",
    "above_designated_size",
    "frequency",
    "template_family_id",
    "assignee",
    "unannounced",
    "active",
)
BATCH = 1000  # tasks closed per statement at a period's end


class Refused(DomainError):
    """A request the plans' rules refuse, with its status, code, field and message given where it is raised."""

    def __init__(self, status, code, field, zh, en):
        super().__init__()
        self.status, self.code, self.field, self.zh, self.en = status, code, field, zh, en


def task_id(plan_id, site_id, period_key: str) -> uuid.UUID:
    return uuid.uuid5(TASK_IDS, f"{plan_id}:{site_id}:{period_key}")


# ---- plans -------------------------------------------------------------------------------------------------


def create_plan(actor_id, body: dict, manage_grants, *, is_demo=False) -> Plan:
    plan = Plan(**{name: body[name] for name in PLAN_FIELDS if name in body}, created_by=actor_id, is_demo=is_demo)
    _check(plan)
    db.session.add(plan)
    db.session.flush()
    if manage_grants is not None:  # None: the server's own (the demo's)
        _check_manageable(plan, manage_grants)
    return plan


def edit_plan(plan: Plan, body: dict, manage_grants) -> Plan:
    for name in PLAN_FIELDS:
        if name in body:
            setattr(plan, name, body[name])
    _check(plan)
    db.session.flush()
    _check_manageable(plan, manage_grants)
    return plan


def delete_plan(plan: Plan):
    """A plan without tasks goes; one with tasks stays on record (deactivate it: `active` false)."""
    if db.session.scalar(select(Task.id).where(Task.plan_id == plan.id).limit(1)) is not None:
        raise Refused(
            409,
            "plan_has_tasks",
            None,
            "该计划已有检查任务，不能删除；可将其停用",
            "The plan has tasks on record: deactivate it instead",
        )
    db.session.execute(delete(PlanPeriod).where(PlanPeriod.plan_id == plan.id))
    db.session.delete(plan)
    db.session.flush()


def _check(plan: Plan):
    if db.session.get(Area, plan.area_id) is None:
        raise Refused(422, "validation_error", "area_id", "区域不存在", "No such area")
    published = select(InspectionTemplate.id).where(
        InspectionTemplate.family_id == plan.template_family_id, InspectionTemplate.state == "published"
    )
    if db.session.scalar(published.limit(1)) is None:
        raise Refused(
            422, "validation_error", "template_family_id", "检查表不存在或尚未发布", "No such published checklist"
        )
    if plan.assignee == "department" and not plan.sector:
        raise Refused(
            422,
            "validation_error",
            "sector",
            "由行业主管部门执行的计划须指定行业",
            "A plan done by a department names its sector",
        )


def _check_manageable(plan: Plan, manage_grants):
    if not within_scope(Plan, plan, Plan.manage_clause(manage_grants)):
        raise Refused(
            403, "plan_outside_scope", "area_id", "不能为您范围以外的区域制定计划", "That area is outside your scope"
        )


def latest_template(family_id) -> InspectionTemplate | None:
    """The version a task's inspection starts on: the family's published one."""
    return db.session.scalars(
        select(InspectionTemplate)
        .where(InspectionTemplate.family_id == family_id, InspectionTemplate.state == "published")
        .order_by(InspectionTemplate.number.desc())
    ).first()


# ---- generation --------------------------------------------------------------------------------------------


def generate(plan: Plan, period: periods.Period, actor_id=None) -> dict:
    """The plan's tasks for the period: one for each site the plan covers that has none yet, assigned; open tasks
    whose site has left the plan cancelled, those whose site moved to another grid moved with it. A site already
    inspected in the period on the plan's checklist has its task done at once. Idempotent: a second call adds
    nothing. What it did, counted."""
    area = db.session.get(Area, plan.area_id)
    sites = {row.id: row for row in db.session.execute(_sites_of(plan, area))}
    existing = {
        row.site_id: row
        for row in db.session.execute(
            select(Task.id, Task.site_id, Task.state, Task.grid_id, Task.enterprise_id).where(
                Task.plan_id == plan.id, Task.period == period.key
            )
        )
    }
    new = [site for site_id, site in sites.items() if site_id not in existing]
    workers = grid_workers({site.grid_id for site in new}) if plan.assignee == "grid_worker" else {}
    rows = [
        {
            "id": task_id(plan.id, site.id, period.key),
            "plan_id": plan.id,
            "site_id": site.id,
            "grid_id": site.grid_id,
            "enterprise_id": site.enterprise_id,
            "sector": site.sector,
            "site_type": site.type,
            "template_family_id": plan.template_family_id,
            "period": period.key,
            "period_start": period.start,
            "period_end": period.end,
            "due_date": period.end,
            "assignee": plan.assignee,
            "assignee_id": workers.get(site.grid_id),
            "unannounced": plan.unannounced,
            "is_demo": plan.is_demo,
        }
        for site in new
    ]
    queries.add_tasks(rows)
    if rows:  # one event for the period's new tasks, naming whose phones they go to (the feed sends each its own)
        assignees = {row["assignee_id"] for row in rows if row["assignee_id"] is not None}
        evidence.record(
            "plan",
            plan.id,
            "generate",
            actor_id=actor_id,
            data={"period": period.key, "tasks": len(rows), "assignees": sorted(str(a) for a in assignees)},
        )
    left = [row.id for site_id, row in existing.items() if site_id not in sites and row.state == "open"]
    cancelled = _cancel(plan, left, actor_id)
    moved = _follow_sites(
        plan,
        {
            row.id: sites[site_id]
            for site_id, row in existing.items()
            if site_id in sites
            and row.state == "open"
            and (row.grid_id, row.enterprise_id) != (sites[site_id].grid_id, sites[site_id].enterprise_id)
        },
    )
    if plan.assignee == "grid_worker" and existing:
        reassign_orphaned(plan.id)
    done = complete_from_inspections(plan, period, {row["site_id"] for row in rows})
    if db.session.get(PlanPeriod, (plan.id, period.key)) is None:
        db.session.add(PlanPeriod(plan_id=plan.id, period=period.key))
    db.session.flush()
    return {"planned": len(rows), "cancelled": cancelled, "moved": moved, "done": done}


def _sites_of(plan: Plan, area: Area):
    """The sites a plan covers (and its checklist applies to), with what a task keeps of them."""
    stmt = (
        select(Site.id, Site.grid_id, Site.enterprise_id, Site.type, Enterprise.sector)
        .outerjoin(Enterprise, Enterprise.id == Site.enterprise_id)
        .where(Site.grid_id.in_(subtree_ids([area.path])))
    )
    if plan.site_types:
        stmt = stmt.where(Site.type.in_(plan.site_types))
    if plan.risk_levels:
        stmt = stmt.where(Site.risk_level.in_(plan.risk_levels))
    if plan.sector:
        stmt = stmt.where(Enterprise.sector == plan.sector)
    if plan.above_designated_size is not None:
        stmt = stmt.where(Enterprise.above_designated_size.is_(plan.above_designated_size))
    template = latest_template(plan.template_family_id)
    if template is not None and (template.site_types or template.sectors):  # where its checklist can be submitted
        stmt = stmt.where(or_(Site.type.in_(template.site_types), Enterprise.sector.in_(template.sectors)))
    return stmt


def _cancel(plan: Plan, ids: list, actor_id) -> int:
    """Open tasks whose site the plan no longer covers: cancelled (a done or missed one stays on record)."""
    left = db.session.scalars(select(Task).where(Task.id.in_(ids))).all() if ids else []
    for task in left:
        task.state = "cancelled"
    evidence.record_many(
        [_event(t.id, "cancel", actor_id, "open", "cancelled", t.assignee_id, plan=plan) for t in left]
    )
    return len(left)


def _follow_sites(plan: Plan, moving: dict) -> int:
    """Open tasks whose site moved to another grid (or changed its enterprise) follow it, and its grid's worker."""
    tasks = db.session.scalars(select(Task).where(Task.id.in_(list(moving)))).all() if moving else []
    for task in tasks:
        site = moving[task.id]
        task.grid_id, task.enterprise_id, task.sector, task.site_type = (
            site.grid_id,
            site.enterprise_id,
            site.sector,
            site.type,
        )
    if plan.assignee == "grid_worker" and tasks:
        _reassign(tasks, grid_workers({task.grid_id for task in tasks}), None)
    return len(tasks)


def grid_workers(grid_ids) -> dict[int, uuid.UUID]:
    """Each grid's worker: an active user holding grid_worker on the grid itself, else on its community; of several,
    the first by username (so that every process picks the same)."""
    grid_ids = set(grid_ids)
    if not grid_ids:
        return {}
    parents = dict(db.session.execute(select(Area.id, Area.parent_id).where(Area.id.in_(grid_ids))).all())
    held = db.session.execute(
        select(RoleAssignment.area_id, RoleAssignment.user_id)
        .join(User, User.id == RoleAssignment.user_id)
        .where(
            RoleAssignment.role == "grid_worker",
            User.is_active.is_(True),
            RoleAssignment.area_id.in_(grid_ids | {p for p in parents.values() if p is not None}),
        )
        .order_by(User.username)
    ).all()
    first: dict[int, uuid.UUID] = {}
    for area_id, user_id in held:
        first.setdefault(area_id, user_id)
    return {
        grid: first.get(grid) or first.get(parents.get(grid))
        for grid in grid_ids
        if grid in first or parents.get(grid) in first
    }


def _reassign(tasks: list[Task], workers: dict, actor_id) -> int:
    changed = []
    for task in tasks:
        wanted = workers.get(task.grid_id)
        if wanted != task.assignee_id:
            changed.append((task, task.assignee_id))
            task.assignee_id = wanted
    evidence.record_many([_event(t.id, "assign", actor_id, t.state, t.state, t.assignee_id, old) for t, old in changed])
    return len(changed)


def reassign_orphaned(plan_id=None) -> int:
    """Open tasks of the grid's worker (of one plan, or all) that nobody holds any longer (they left, were deactivated,
    moved to another grid, or no one held the grid) go to whoever holds the grid now; tasks whose site moved follow
    it. A task given to another worker of the grid stays theirs. Cheap when nothing changed: one query."""
    grid = Area.__table__.alias("grid")
    holds = (
        select(RoleAssignment.id)
        .join(User, User.id == RoleAssignment.user_id)
        .where(
            RoleAssignment.user_id == Task.assignee_id,
            RoleAssignment.role == "grid_worker",
            User.is_active.is_(True),
            or_(RoleAssignment.area_id == Task.grid_id, RoleAssignment.area_id == grid.c.parent_id),
        )
    )
    moved = select(Site.id).where(Site.id == Task.site_id, Site.grid_id != Task.grid_id)
    stmt = (
        select(Task.id)
        .join(grid, grid.c.id == Task.grid_id)
        .where(
            Task.state == "open",
            Task.assignee == "grid_worker",
            or_(Task.assignee_id.is_(None), ~exists(holds), exists(moved)),
        )
    )
    ids = db.session.scalars(stmt if plan_id is None else stmt.where(Task.plan_id == plan_id)).all()
    orphaned = db.session.scalars(select(Task).where(Task.id.in_(ids))).all() if ids else []
    if not orphaned:
        return 0
    site_grids = dict(
        db.session.execute(select(Site.id, Site.grid_id).where(Site.id.in_({t.site_id for t in orphaned}))).all()
    )
    for task in orphaned:
        task.grid_id = site_grids.get(task.site_id, task.grid_id)
    changed = _reassign(orphaned, grid_workers({t.grid_id for t in orphaned}), None)
    db.session.flush()
    return changed


def assign(task: Task, user_id, actor_id) -> Task:
    """An office's task given to one of its people (or back to the office: None); the person must hold the role that
    does it where the task is (a station officer of its street, a department officer of its sector, …)."""
    if user_id is not None and not _may_do(task, user_id):
        raise Refused(
            422,
            "validation_error",
            "assignee_id",
            "该人员不能承担这项任务（角色或范围不符）",
            "This person cannot take this task (role or scope)",
        )
    old = task.assignee_id
    if old != user_id:
        task.assignee_id = user_id
        db.session.flush()
        evidence.record("task", task.id, "assign", **_event_fields(task, actor_id, old))
    return task


def _may_do(task: Task, user_id) -> bool:
    grid = db.session.get(Area, task.grid_id)
    above = [int(part) for part in grid.path.strip("/").split("/")]
    stmt = (
        select(RoleAssignment.id)
        .join(User, User.id == RoleAssignment.user_id)
        .where(
            RoleAssignment.user_id == user_id,
            User.is_active.is_(True),
            RoleAssignment.role == ASSIGNEE_ROLES[task.assignee],
            RoleAssignment.area_id.in_(above),
        )
    )
    if task.assignee == "department":
        stmt = stmt.where(RoleAssignment.sector == task.sector)
    return db.session.scalar(stmt.limit(1)) is not None


# ---- completion -----------------------------------------------------------------------------------------------


@inspections.on_submit
def complete_from(inspection: Inspection) -> int:
    """A submitted inspection does the open (or missed) tasks of its site on its checklist whose period holds its
    finish (on the server's clock); flagged when it did not prove presence."""
    family = select(InspectionTemplate.family_id).where(InspectionTemplate.id == inspection.template_id)
    day = periods.local_date(inspection.finished_at_server)
    tasks = db.session.scalars(
        select(Task)
        .where(
            Task.site_id == inspection.site_id,
            Task.template_family_id == family.scalar_subquery(),
            Task.state.in_(("open", "missed")),
            Task.period_start <= day,
            Task.period_end >= day,
        )
        .with_for_update()
    ).all()
    flags = [flag for flag in inspection.flags if flag in PRESENCE_FLAGS]
    for task in tasks:
        _done(task, inspection.id, inspection.finished_at_server, flags)
    evidence.record_many(
        [
            _event(t.id, "done", inspection.inspector_id, "open", "done", t.assignee_id, inspection=inspection.id)
            for t in tasks
        ]
    )
    return len(tasks)


def _done(task: Task, inspection_id, at: datetime, flags: list[str]):
    task.state, task.inspection_id, task.done_at = "done", inspection_id, at
    task.flags, task.flagged = flags, bool(flags)


def complete_from_inspections(plan: Plan, period: periods.Period, site_ids: set) -> int:
    """New tasks whose site was already inspected in the period on the plan's checklist: done by the first such."""
    if not site_ids:
        return 0
    area = db.session.get(Area, plan.area_id)
    # a margin for the phones' clocks: the exact day is decided below, on the server's clock
    since = datetime.combine(period.start, time(), SHANGHAI) - timedelta(days=1)
    until = datetime.combine(period.end, time(), SHANGHAI) + timedelta(days=2)
    found = db.session.execute(
        select(
            Inspection.id,
            Inspection.site_id,
            Inspection.finished_at,
            Inspection.clock_offset_s,
            Inspection.flags,
            Inspection.inspector_id,
        )
        .join(InspectionTemplate, InspectionTemplate.id == Inspection.template_id)
        .where(
            InspectionTemplate.family_id == plan.template_family_id,
            Inspection.grid_id.in_(subtree_ids([area.path])),
            Inspection.finished_at >= since,
            Inspection.finished_at < until,
        )
        .order_by(Inspection.finished_at)
    ).all()
    first = {}
    for row in found:
        at = on_server_clock(row.finished_at, row.clock_offset_s)
        if row.site_id in site_ids and period.holds(periods.local_date(at)):
            first.setdefault(row.site_id, (row, at))
    if not first:
        return 0
    wanted = [task_id(plan.id, site_id, period.key) for site_id in first]
    tasks = db.session.scalars(select(Task).where(Task.id.in_(wanted), Task.state == "open")).all()
    for task in tasks:
        row, at = first[task.site_id]
        _done(task, row.id, at, [flag for flag in row.flags if flag in PRESENCE_FLAGS])
    evidence.record_many(
        [
            _event(
                t.id,
                "done",
                first[t.site_id][0].inspector_id,
                "open",
                "done",
                t.assignee_id,
                inspection=t.inspection_id,
            )
            for t in tasks
        ]
    )
    return len(tasks)


# ---- the periods' ends, on the maintenance round ------------------------------------------------------------


def close_ended(now: datetime | None = None) -> int:
    """Open tasks whose period has ended (Asia/Shanghai) are recorded missed, each once: how many."""
    today = periods.local_date(now or utcnow())
    closed = 0
    while True:
        ended = db.session.execute(
            select(Task.id, Task.plan_id, Task.period, Task.assignee_id)
            .where(Task.state == "open", Task.period_end < today)
            .limit(BATCH)
        ).all()
        if not ended:
            return closed
        ids = [row.id for row in ended]
        db.session.execute(
            update(Task)
            .where(Task.id.in_(ids), Task.state == "open")
            .values(state="missed", version=Task.version + 1)
            .execution_options(synchronize_session=False)
        )
        batches: dict = {}
        for row in ended:
            batches.setdefault((row.plan_id, row.period), set()).add(row.assignee_id)
        evidence.record_many(
            [
                {
                    "record_type": "plan",
                    "record_id": plan_id,
                    "action": "close",
                    "actor_id": None,
                    "data": {
                        "period": period,
                        "missed": sum(1 for row in ended if (row.plan_id, row.period) == (plan_id, period)),
                        "assignees": sorted(str(a) for a in assignees if a is not None),
                    },
                }
                for (plan_id, period), assignees in batches.items()
            ]
        )
        closed += len(ids)


def generate_due(now: datetime | None = None) -> int:
    """Each active plan's current period, generated once (then kept right by reassign_orphaned and by generating
    again on request): how many periods were generated."""
    today = periods.local_date(now or utcnow())
    made = 0
    for plan in db.session.scalars(select(Plan).where(Plan.active.is_(True))).all():
        period = periods.containing(plan.frequency, today)
        if db.session.get(PlanPeriod, (plan.id, period.key)) is None:
            generate(plan, period)
            made += 1
    return made


def maintain(now: datetime | None = None) -> None:
    """The maintenance round's part: the missed tasks of ended periods, the new periods' tasks, and the tasks of
    workers who left (when the grid workers or the sites changed since this process last looked). Each step commits;
    all are idempotent and safe in many processes at once (a race on the same new task fails one process's step,
    which the next round does again)."""
    for step in (close_ended, generate_due):
        step(now)
        db.session.commit()
    seen = _who_and_where()
    if _LAST_SEEN.get("people") != seen:  # someone left, came, moved, or a site moved: put the tasks right
        reassign_orphaned()
        db.session.commit()
        _LAST_SEEN["people"] = seen


# What this process last put the tasks right for (the round skips reassign_orphaned while it stays the same)
_LAST_SEEN: dict = {}


def _who_and_where() -> tuple:
    """What decides whose a grid worker's task is: the active grid workers' assignments (a change of roles makes
    new rows), and the sites' last change (a site moved to another grid). A few hundred ids, read in a moment."""
    held = db.session.scalars(
        select(RoleAssignment.id)
        .join(User, User.id == RoleAssignment.user_id)
        .where(RoleAssignment.role == "grid_worker", User.is_active.is_(True))
    ).all()
    sites = db.session.execute(select(func.count(Site.id), func.max(Site.updated_at))).one()
    return hash(frozenset(held)), tuple(sites)


periodic(maintain)


# ---- events ---------------------------------------------------------------------------------------------------


def _event(record_id, action, actor_id, from_state, to_state, assignee_id, previous=None, **data) -> dict:
    """A task's event: `assignees` names whose phones it concerns (the one who has it, and who had it)."""
    named = sorted({str(a) for a in (assignee_id, previous) if a is not None})
    extra = {name: (str(value) if isinstance(value, uuid.UUID) else value) for name, value in data.items()}
    if isinstance(extra.get("plan"), Plan):
        extra["plan"] = str(extra["plan"].id)
    return {
        "record_type": "task",
        "record_id": record_id,
        "action": action,
        "actor_id": actor_id,
        "from_state": from_state,
        "to_state": to_state,
        "data": {"assignees": named, **extra},
    }


def _event_fields(task: Task, actor_id, previous) -> dict:
    change = _event(task.id, "assign", actor_id, task.state, task.state, task.assignee_id, previous)
    return {k: change[k] for k in ("actor_id", "from_state", "to_state", "data")}
