"""Generating a plan's tasks for a period (idempotent), and keeping them right as sites, grids and people change."""

import uuid

from sqlalchemy import exists, or_, select

from server.areas.models import Area, subtree_ids
from server.core.db import db
from server.enterprises.models import Enterprise
from server.evidence import services as evidence
from server.inspections.models import InspectionTemplate
from server.people.models import RoleAssignment, User
from server.plans import periods, queries
from server.plans.completion import complete_from_inspections
from server.plans.events import task_event
from server.plans.models import Plan, PlanPeriod, Task, task_id
from server.sites.models import Site

CHUNK = 5000


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
    left = _loaded(ids)
    for task in left:
        task.state = "cancelled"
    evidence.record_many(
        [task_event(t.id, "cancel", actor_id, "open", "cancelled", t.assignee_id, plan=plan) for t in left]
    )
    return len(left)


def _follow_sites(plan: Plan, moving: dict) -> int:
    """Open tasks whose site moved to another grid (or changed its enterprise) follow it, and its grid's worker."""
    tasks = _loaded(list(moving))
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
    evidence.record_many(
        [task_event(t.id, "assign", actor_id, t.state, t.state, t.assignee_id, old) for t, old in changed]
    )
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
    orphaned = _loaded(ids)
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


def _loaded(ids: list) -> list[Task]:
    """The tasks with these ids, a few thousand at a time (SQLite takes only so many parameters)."""
    return [
        task
        for start in range(0, len(ids), CHUNK)
        for task in db.session.scalars(select(Task).where(Task.id.in_(ids[start : start + CHUNK])))
    ]
