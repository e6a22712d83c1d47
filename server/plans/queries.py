"""The plans' hot SQL: a period's tasks go in as rows, many at once, without the unit of work."""

from server.core.db import insert_rows
from server.plans.models import Task


def add_tasks(rows: list[dict]) -> None:
    """Insert new tasks; one another process made meanwhile (same plan, site and period) is left as it is."""
    insert_rows(Task, rows, skip_conflicts_on=("plan_id", "site_id", "period"))
