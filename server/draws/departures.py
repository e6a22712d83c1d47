"""补抽: a drawn inspector who leaves (deactivated, or no longer holding the role that put them in the register) is
replaced on their open draw tasks by the next eligible inspector of the same target's ranking, from the draw's own
frozen register and seed, and each replacement goes on the draw's event chain with what it excluded, so that anyone
holding the published record re-derives it (docs/draws.md "A drawn inspector who leaves")."""

import json
import uuid

from sqlalchemy import select

from server.areas.models import Area, path_ids
from server.core.db import db
from server.draws import algorithm, services
from server.draws.models import Draw
from server.evidence import services as evidence
from server.jobs import periodic
from server.people.models import RoleAssignment, User
from server.plans import drawn as plan_tasks
from server.plans.models import Task, TaskInspector


def available(draw: Draw) -> set[str]:
    """Who of the draw's register could be drawn for it now: active, still holding the role in an area holding the
    draw's (as `services.inspector_register` takes them)."""
    area = db.session.get(Area, draw.area_id)
    held = (RoleAssignment.role == "enforcement_officer") & RoleAssignment.sector.is_(None)
    if draw.department_sector:
        held = held | (
            (RoleAssignment.role == "department_officer") & (RoleAssignment.sector == draw.department_sector)
        )
    return {
        str(user_id)
        for user_id in db.session.scalars(
            select(RoleAssignment.user_id)
            .join(User, User.id == RoleAssignment.user_id)
            .where(User.is_active.is_(True), held, RoleAssignment.area_id.in_(path_ids(area.path)))
        )
    }


def replaced(draw: Draw) -> list[dict]:
    """The replacements recorded on the draw's chain, in order: [{site_id, departed, replacement, exclude}]."""
    return services.record(draw)["replacements"]


def replace_departed() -> int:
    """Every open draw task's inspector who left, replaced (or their slot left empty when nobody is left): how many
    were replaced. Idempotent: a task names only those still there."""
    rows = db.session.execute(
        select(Task.id, Task.plan_id, Task.site_id, TaskInspector.user_id)
        .join(TaskInspector, TaskInspector.task_id == Task.id)
        .where(Task.kind == "draw", Task.state == "open")
        .order_by(Task.plan_id, Task.id, TaskInspector.slot)
    ).all()
    by_draw: dict = {}
    for row in rows:
        by_draw.setdefault(row.plan_id, []).append(row)
    count = 0
    for draw_id, named in by_draw.items():
        draw = db.session.get(Draw, draw_id)  # a draw's plan has the draw's id
        if draw is None or draw.state == "committed":
            continue
        here = available(draw)
        for row in named:
            if str(row.user_id) not in here:
                _replace(draw, db.session.get(Task, row.id), row.user_id, here)
                count += 1
    return count


def _replace(draw: Draw, task: Task, departed: uuid.UUID, here: set[str]):
    targets, people = json.loads(draw.targets_snapshot), json.loads(draw.inspectors_snapshot)
    site = str(task.site_id)
    on_it = {str(u) for u in db.session.scalars(select(TaskInspector.user_id).where(TaskInspector.task_id == task.id))}
    drawn_for = next(
        (item["inspector_ids"] for item in json.loads(draw.result)["assignments"] if item["site_id"] == site), []
    )
    earlier = {r["departed"] for r in replaced(draw) if r["site_id"] == site}  # never back to the target they left
    exclude = sorted(
        on_it | set(drawn_for) | earlier | {str(departed)} | {p["id"] for p in people if p["id"] not in here}
    )
    chosen = algorithm.replacement(targets, people, algorithm.seed_key(draw.seed, draw.public_value), site, exclude)
    evidence.record(
        "draw",
        draw.id,
        "replace",
        actor_id=None,
        data={"site_id": site, "departed": str(departed), "replacement": chosen, "exclude": exclude},
    )
    plan_tasks.replace_inspector(task, departed, uuid.UUID(chosen) if chosen else None)


def round_() -> None:
    """The maintenance round's part: whenever the inspectors' roles or accounts changed since this process looked."""
    seen = _inspectors_seen()
    if _LAST_SEEN.get("inspectors") != seen:
        replace_departed()
        db.session.commit()
        _LAST_SEEN["inspectors"] = seen


_LAST_SEEN: dict = {}


def _inspectors_seen() -> int:
    """The active enforcement and department officers' role assignments (a change of roles makes new rows)."""
    return hash(
        frozenset(
            db.session.scalars(
                select(RoleAssignment.id)
                .join(User, User.id == RoleAssignment.user_id)
                .where(RoleAssignment.role.in_(("enforcement_officer", "department_officer")), User.is_active.is_(True))
            )
        )
    )


periodic(round_)
