"""Plans: made, changed and deleted within one's scope; a task given to one of those who do it; and the maintenance
round's part (the missed tasks, each plan's new period, the tasks of workers who left). Generation is in
`generation.py`, completion and the periods' ends in `completion.py`."""

from datetime import datetime

from sqlalchemy import String, case, cast, delete, exists, func, select

from server.areas.models import Area
from server.core.api import within_scope
from server.core.db import db
from server.core.errors import DomainError
from server.core.time import utcnow
from server.evidence import services as evidence
from server.inspections.models import InspectionTemplate
from server.jobs import periodic
from server.people.models import RoleAssignment, User
from server.plans import periods
from server.plans.completion import close_ended
from server.plans.events import task_event_fields
from server.plans.generation import generate, reassign_orphaned
from server.plans.models import ASSIGNEE_ROLES, Plan, PlanPeriod, Task
from server.sites.models import Site

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


class Refused(DomainError):
    """A request the plans' rules refuse, with its status, code, field and message given where it is raised."""

    def __init__(self, status, code, field, zh, en):
        super().__init__()
        self.status, self.code, self.field, self.zh, self.en = status, code, field, zh, en


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


def check_not_drawn(plan: Plan):
    """A draw's plan is the draw's record (its sites, inspectors and period were drawn): nobody edits, deletes or
    generates it."""
    if plan.kind == "draw":
        raise Refused(
            409,
            "plan_of_draw",
            None,
            "双随机抽查的计划由抽取结果决定，不能修改",
            "A draw's plan is what was drawn: it cannot be changed",
        )


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


def assign(task: Task, user_id, actor_id) -> Task:
    """An office's task given to one of its people (or back to the office: None); the person must hold the role that
    does it where the task is (a station officer of its street, a department officer of its sector, …). A draw's
    task stays with the inspectors drawn for it (409 `task_of_draw`)."""
    check_not_of_draw(task)
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
        evidence.record("task", task.id, "assign", **task_event_fields(task, actor_id, old))
    return task


def check_not_of_draw(task: Task):
    """A draw's task is for the inspectors drawn for it: given to no one else."""
    if task.kind == "draw":
        raise Refused(
            409,
            "task_of_draw",
            "assignee_id",
            "双随机抽查的任务由抽中的检查人员承担，不能改派",
            "A draw's task is for the inspectors drawn: it cannot be given to someone else",
        )


def _doers(task: Task):
    """The role assignments that let someone do the task: its kind's role, held by an active user on its grid or an
    area above it (a department's, in its sector)."""
    grid = db.session.get(Area, task.grid_id)
    above = [int(part) for part in grid.path.strip("/").split("/")]
    stmt = (
        select(RoleAssignment.user_id, RoleAssignment.area_id, User.name, User.username)
        .join(User, User.id == RoleAssignment.user_id)
        .where(
            User.is_active.is_(True),
            RoleAssignment.role == ASSIGNEE_ROLES[task.assignee],
            RoleAssignment.area_id.in_(above),
        )
    )
    if task.assignee == "department":
        stmt = stmt.where(RoleAssignment.sector == task.sector)
    return stmt, above


def _may_do(task: Task, user_id) -> bool:
    stmt, _above = _doers(task)
    return db.session.scalar(stmt.where(RoleAssignment.user_id == user_id).limit(1)) is not None


def candidates(task: Task) -> list[dict]:
    """Who may be given the task (those `assign` accepts), nearest first: the holders on its grid, then on its
    community, its street, the district; by name within each. Each once, at the nearest area they hold."""
    stmt, above = _doers(task)
    depth = {area_id: n for n, area_id in enumerate(reversed(above))}  # 0: the grid itself
    levels = dict(db.session.execute(select(Area.id, Area.level).where(Area.id.in_(above))).all())
    nearest: dict = {}
    for user_id, area_id, name, username in db.session.execute(stmt):
        found = (depth[area_id], name, username, user_id, area_id)
        if user_id not in nearest or found < nearest[user_id]:
            nearest[user_id] = found
    return [
        {"id": user_id, "name": name, "area_id": area_id, "area_level": levels.get(area_id), "nearness": n}
        for n, name, _username, user_id, area_id in sorted(nearest.values(), key=lambda f: f[:3])
    ]


def generate_due(now: datetime | None = None) -> int:
    """Each active plan's current period, generated once (then kept right by reassign_orphaned and by generating
    again on request): how many periods were generated."""
    today = periods.local_date(now or utcnow())
    made = 0
    for plan in db.session.scalars(select(Plan).where(Plan.active.is_(True), Plan.kind == "patrol")).all():
        period = periods.containing(plan.frequency, today)
        if db.session.get(PlanPeriod, (plan.id, period.key)) is None:
            generate(plan, period)
            made += 1
    return made


def maintain(now: datetime | None = None) -> None:
    """The maintenance round's part: the missed tasks of ended periods, the new periods' tasks, and the tasks of
    workers who left (when the grid workers or the sites changed since this process last looked). Each step commits;
    all are idempotent and safe in many processes at once (a race on the same new task fails one process's step,
    which the next round does again).

    Cheap when there is nothing to do: one statement asks whether any open task's period has ended, whether any
    active plan lacks its current period, and what decides whose a grid worker's task is; only the steps with
    something to do run. The first two are read from the database each round, not remembered, so a fresh process
    (or one whose neighbour did the work) decides alike; only reassign_orphaned is skipped on this process's memory,
    and a fresh process runs it once."""
    today = periods.local_date(now or utcnow())
    ended, due, held, sites, moved = db.session.execute(
        select(_any_ended(today), _any_due(today), _grid_workers_held(), func.count(Site.id), func.max(Site.updated_at))
    ).one()
    db.session.commit()  # the look's read ends here
    if ended:
        close_ended(now)
        db.session.commit()
    if due:
        generate_due(now)
        db.session.commit()
    seen = (hash(frozenset(held.split(",") if held else ())), sites, moved)
    if _LAST_SEEN.get("people") != seen:  # someone left, came, moved, or a site moved: put the tasks right
        reassign_orphaned()
        db.session.commit()
        _LAST_SEEN["people"] = seen


# What this process last put the tasks right for (the round skips reassign_orphaned while it stays the same)
_LAST_SEEN: dict = {}


def _any_ended(today):
    """Whether close_ended has anything to record: an open task whose period ended (from its index alone)."""
    return exists().where(Task.state == "open", Task.period_end < today).label("ended")


def _any_due(today):
    """Whether generate_due has anything to generate: an active patrol plan without its current period's row."""
    current = case({f: periods.containing(f, today).key for f in periods.PATTERNS}, value=Plan.frequency)
    generated = exists().where(PlanPeriod.plan_id == Plan.id, PlanPeriod.period == current)
    return exists().where(Plan.active.is_(True), Plan.kind == "patrol", ~generated).label("due")


def _grid_workers_held():
    """What decides whose a grid worker's task is, besides the sites: the active grid workers' assignments (a change
    of roles makes new rows; a deactivated user's drop out; one moved in place changes its area), each as id:area in
    one string (a few hundred, in any order)."""
    held = cast(RoleAssignment.id, String) + ":" + func.coalesce(cast(RoleAssignment.area_id, String), "")
    return (
        select(func.aggregate_strings(held, ","))
        .join(User, User.id == RoleAssignment.user_id)
        .where(RoleAssignment.role == "grid_worker", User.is_active.is_(True))
        .scalar_subquery()
        .label("held")
    )


periodic(maintain)
