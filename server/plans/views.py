"""Plans and tasks as the API and the feed show them: named, with the version a task's inspection starts on."""

from sqlalchemy import select

from server.areas.models import Area
from server.core.db import db
from server.core.time import utcnow
from server.inspections.models import InspectionTemplate
from server.people.models import User
from server.plans import periods
from server.plans.drawn import inspectors_of
from server.plans.models import ONCE, Plan, Task
from server.sites.models import Site

TASK_COLUMNS = tuple(column.key for column in Task.__table__.columns)


def plan_views(plans: list[Plan]) -> list[dict]:
    areas = dict(db.session.execute(select(Area.id, Area.name).where(Area.id.in_({p.area_id for p in plans}))).all())
    names = _template_names({p.template_family_id for p in plans})
    today = periods.local_date(utcnow())
    return [
        {
            **{column.key: getattr(plan, column.key) for column in Plan.__table__.columns},
            "area_name": areas.get(plan.area_id),
            "template_name": names.get(plan.template_family_id, (None, None))[1],
            "current_period": _current(plan, today),
        }
        for plan in plans
    ]


def task_views(tasks: list[Task]) -> list[dict]:
    """A page of tasks in a few queries: their plans', sites', assignees' and checklists' names."""
    if not tasks:
        return []
    plans = dict(db.session.execute(select(Plan.id, Plan.name).where(Plan.id.in_({t.plan_id for t in tasks}))).all())
    sites = dict(db.session.execute(select(Site.id, Site.name).where(Site.id.in_({t.site_id for t in tasks}))).all())
    drawn = inspectors_of([t.id for t in tasks if t.kind == "draw"])
    co = {t.id: [u for u in drawn.get(t.id, []) if u != t.assignee_id] for t in tasks}
    people = {t.assignee_id for t in tasks if t.assignee_id} | {u for named in co.values() for u in named}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(people))).all()) if people else {}
    templates = _template_names({t.template_family_id for t in tasks})
    today = periods.local_date(utcnow())
    return [
        {
            **{key: getattr(task, key) for key in TASK_COLUMNS},
            "plan_name": plans.get(task.plan_id),
            "site_name": sites.get(task.site_id),
            "assignee_name": names.get(task.assignee_id),
            "co_inspector_ids": co[task.id],
            "co_inspector_names": [names.get(u) for u in co[task.id]],
            "template_id": templates.get(task.template_family_id, (None, None))[0],
            "template_name": templates.get(task.template_family_id, (None, None))[1],
            "overdue": task.state == "open" and task.due_date < today,
        }
        for task in tasks
    ]


def _current(plan: Plan, today) -> str | None:
    if plan.frequency == ONCE:  # a draw's plan: its one period, whichever day it is
        return db.session.scalar(select(Task.period).where(Task.plan_id == plan.id).limit(1))
    return periods.containing(plan.frequency, today).key


def _template_names(families: set) -> dict:
    """Each family's published version: (its id, its name)."""
    if not families:
        return {}
    rows = db.session.execute(
        select(InspectionTemplate.family_id, InspectionTemplate.id, InspectionTemplate.name)
        .where(InspectionTemplate.family_id.in_(families), InspectionTemplate.state == "published")
        .order_by(InspectionTemplate.number)
    ).all()
    return {row.family_id: (row.id, row.name) for row in rows}  # the last (newest) wins
