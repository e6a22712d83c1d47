"""The tasks of a draw (双随机): one plan of its own, made once when the draw is drawn, and one task for each drawn
site, its lead inspector the assignee and the others its co-inspectors. The plans stand below the draws: the draw
hands down what it drew as tuples, and these rules know nothing else of it."""

import uuid
from datetime import date

from sqlalchemy import select

from server.core.db import db, insert_rows
from server.enterprises.models import Enterprise
from server.evidence import services as evidence
from server.plans import queries
from server.plans.events import task_event_fields
from server.plans.models import ONCE, Plan, Task, TaskInspector, task_id
from server.sites.models import Site

Drawn = tuple[uuid.UUID, list[uuid.UUID], date, date]  # (site id, [inspectors, the lead first], first day, last day)


def period_key(start: date) -> str:
    """A draw's one period is named by its first day: 2026-12-07 (a calendar plan's keys look like 2026-12)."""
    return start.isoformat()


def make_tasks(
    plan_id: uuid.UUID,
    *,
    name: str,
    area_id: int,
    sector: str | None,
    template_family_id: uuid.UUID,
    drawn: list[Drawn],
    actor_id=None,
    is_demo: bool = False,
) -> int:
    """The draw's plan (under the draw's own id, made once: enforcement, unannounced, for its period) and a task
    for each drawn site that has none yet, given to its lead, its co-inspectors named. Idempotent: a second call
    adds nothing. How many tasks it made."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        plan = Plan(
            id=plan_id,
            kind="draw",
            name=name,
            area_id=area_id,
            sector=sector,
            frequency=ONCE,
            template_family_id=template_family_id,
            assignee="enforcement",
            unannounced=True,  # 双随机 inspections are not announced to the enterprise (四不两直)
            created_by=actor_id,
            is_demo=is_demo,
        )
        db.session.add(plan)
        db.session.flush()
    have = set(db.session.scalars(select(Task.site_id).where(Task.plan_id == plan.id)))
    wanted = [item for item in drawn if item[0] not in have and item[1]]
    if not wanted:
        return 0
    sites = {
        row.id: row
        for row in db.session.execute(
            select(Site.id, Site.grid_id, Site.enterprise_id, Site.type, Enterprise.sector)
            .outerjoin(Enterprise, Enterprise.id == Site.enterprise_id)
            .where(Site.id.in_([site_id for site_id, *_ in wanted]))
        )
    }
    tasks, people = [], []
    for site_id, inspectors, start, end in wanted:
        site = sites.get(site_id)
        if site is None:  # a site removed since the draw: the draw's record keeps it, no task can be done there
            continue
        key = period_key(start)
        tid = task_id(plan.id, site_id, key)
        tasks.append(
            {
                "id": tid,
                "plan_id": plan.id,
                "site_id": site_id,
                "grid_id": site.grid_id,
                "enterprise_id": site.enterprise_id,
                "sector": site.sector,
                "site_type": site.type,
                "template_family_id": plan.template_family_id,
                "period": key,
                "period_start": start,
                "period_end": end,
                "due_date": end,
                "assignee": plan.assignee,
                "assignee_id": inspectors[0],
                "unannounced": plan.unannounced,
                "kind": plan.kind,
                "is_demo": plan.is_demo,
            }
        )
        people += [{"task_id": tid, "user_id": user_id, "slot": n} for n, user_id in enumerate(inspectors, 1)]
    queries.add_tasks(tasks)
    insert_rows(TaskInspector, people, skip_conflicts_on=("task_id", "user_id"))
    if tasks:  # one event for them all, naming every drawn inspector's phone
        evidence.record(
            "plan",
            plan.id,
            "generate",
            actor_id=actor_id,
            data={
                "period": tasks[0]["period"],
                "tasks": len(tasks),
                "assignees": sorted({str(p["user_id"]) for p in people}),
            },
        )
    return len(tasks)


def inspectors_of(task_ids: list) -> dict:
    """Each draw task's named inspectors, in the order drawn: {task id: [user ids]}."""
    if not task_ids:
        return {}
    named: dict = {}
    for tid, user_id in db.session.execute(
        select(TaskInspector.task_id, TaskInspector.user_id)
        .where(TaskInspector.task_id.in_(task_ids))
        .order_by(TaskInspector.task_id, TaskInspector.slot)
    ):
        named.setdefault(tid, []).append(user_id)
    return named


def replace_inspector(task: Task, departed: uuid.UUID, replacement: uuid.UUID | None, actor_id=None) -> list:
    """A drawn inspector who left is replaced on the task (the draw chose whom: `replacement`, or None when nobody
    is left): the replacement takes their slot; without one, their slot goes and the next drawn leads. The task's
    event names everyone concerned, so each phone hears of it. The inspectors named now, in slot order."""
    rows = db.session.scalars(
        select(TaskInspector).where(TaskInspector.task_id == task.id).order_by(TaskInspector.slot)
    ).all()
    gone = next((row for row in rows if row.user_id == departed), None)
    if gone is None:
        return [row.user_id for row in rows]
    concerned = {row.user_id for row in rows}
    slot = gone.slot
    db.session.delete(gone)
    db.session.flush()
    if replacement is not None:
        db.session.add(TaskInspector(task_id=task.id, user_id=replacement, slot=slot))
        db.session.flush()
    named = [
        row.user_id
        for row in db.session.scalars(
            select(TaskInspector).where(TaskInspector.task_id == task.id).order_by(TaskInspector.slot)
        )
    ]
    previous = task.assignee_id
    task.assignee_id = named[0] if named else None
    db.session.flush()
    evidence.record(
        "task",
        task.id,
        "assign",
        **task_event_fields(task, actor_id, previous, drawn=concerned | set(named), replaced=departed),
    )
    return named
