"""Tasks done by submitted inspections (an on_submit hook of inspections), or by those made before the task, and the
open ones recorded missed when their period ends."""

from datetime import datetime, time, timedelta

from sqlalchemy import exists, or_, select, update

from server.areas.models import Area, subtree_ids
from server.core.db import db
from server.core.i18n import SHANGHAI
from server.core.time import on_server_clock, utcnow
from server.evidence import services as evidence
from server.inspections import services as inspections
from server.inspections.models import Inspection, InspectionInspector, InspectionTemplate
from server.plans import periods
from server.plans.drawn import inspectors_of
from server.plans.events import task_event
from server.plans.models import PRESENCE_FLAGS, Plan, Task, TaskInspector, task_id

BATCH = 1000  # tasks closed per statement at a period's end


@inspections.on_submit
def complete_from(inspection: Inspection) -> int:
    """A submitted inspection does the open (or missed) tasks of its site on its checklist whose period holds its
    finish (on the server's clock); flagged when it did not prove presence. A draw's task only when one of its
    drawn inspectors took part in it (as its lead or a co-inspector)."""
    family = select(InspectionTemplate.family_id).where(InspectionTemplate.id == inspection.template_id)
    day = periods.local_date(inspection.finished_at_server)
    # its inspectors (the lead among them) asked inside the one statement, not in a round trip of their own
    took_part = select(InspectionInspector.user_id).where(InspectionInspector.inspection_id == inspection.id)
    drawn_one = exists(
        select(TaskInspector.task_id).where(
            TaskInspector.task_id == Task.id,
            or_(TaskInspector.user_id == inspection.inspector_id, TaskInspector.user_id.in_(took_part)),
        )
    )
    tasks = db.session.scalars(
        select(Task)
        .where(
            Task.site_id == inspection.site_id,
            Task.template_family_id == family.scalar_subquery(),
            Task.state.in_(("open", "missed")),
            Task.period_start <= day,
            Task.period_end >= day,
            or_(Task.kind != "draw", drawn_one),
        )
        .with_for_update()
    ).all()
    flags = [flag for flag in inspection.flags if flag in PRESENCE_FLAGS]
    for task in tasks:
        _done(task, inspection.id, inspection.finished_at_server, flags)
    drawn = inspectors_of([t.id for t in tasks if t.kind == "draw"])
    evidence.record_many(
        [
            task_event(
                t.id,
                "done",
                inspection.inspector_id,
                "open",
                "done",
                t.assignee_id,
                drawn=drawn.get(t.id, ()),
                inspection=inspection.id,
            )
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
            task_event(
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
        drawn = inspectors_of(ids)  # a draw's missed tasks concern every inspector drawn for them
        for row in ended:
            batches.setdefault((row.plan_id, row.period), set()).update({row.assignee_id, *drawn.get(row.id, ())})
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
