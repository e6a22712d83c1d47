"""A task's and a plan's events on the chain, each naming whose phones it concerns (the feed reads them)."""

import uuid

from server.plans.models import Plan, Task


def task_event(
    record_id, action, actor_id, from_state, to_state, assignee_id, previous=None, *, drawn=(), **data
) -> dict:
    """A task's event: `assignees` names whose phones it concerns (the one who has it, and who had it; for a draw's
    task, every inspector `drawn` for it, who all carry it)."""
    named = sorted({str(a) for a in (assignee_id, previous, *drawn) if a is not None})
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


def task_event_fields(task: Task, actor_id, previous, *, drawn=(), **data) -> dict:
    change = task_event(
        task.id, "assign", actor_id, task.state, task.state, task.assignee_id, previous, drawn=drawn, **data
    )
    return {k: change[k] for k in ("actor_id", "from_state", "to_state", "data")}
