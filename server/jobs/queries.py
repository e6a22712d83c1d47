"""The pending jobs' hot SQL: recording work in the caller's transaction (every photo upload and every document asks
for some), one upsert built once per dialect and run straight through the driver on PostgreSQL (core.db.fetch_hot)."""

from sqlalchemy import bindparam

from server.core.cache import memoised
from server.core.db import conflict_insert, db
from server.jobs.models import PendingJob


def record_pending(row: dict) -> int:
    """Record the work as pending and due now (`row`: id, name, args, queue, now, dispatched_at): a new row, or the
    row of the same work pending already, made due again. How many times it has been handed over, this one included."""
    return db.fetch_hot(_record(db.session.get_bind().dialect.name), row)[0].dispatches


@memoised
def _record(dialect: str):
    table = PendingJob.__table__
    insert = conflict_insert(table, dialect)
    c = table.c
    return (
        insert.values(
            id=bindparam("id", type_=c.id.type),
            name=bindparam("name", type_=c.name.type),
            args=bindparam("args", type_=c.args.type),
            queue=bindparam("queue", type_=c.queue.type),
            state="pending",
            attempts=0,
            not_before=bindparam("now", type_=c.not_before.type),
            dispatched_at=bindparam("dispatched_at", type_=c.dispatched_at.type),
            dispatches=1,
            last_error="",
            created_at=bindparam("now", type_=c.created_at.type),
        )
        .on_conflict_do_update(
            index_elements=[table.c.id],
            set_={
                "state": "pending",
                "attempts": 0,
                "not_before": insert.excluded.not_before,
                "dispatched_at": insert.excluded.dispatched_at,
                "dispatches": table.c.dispatches + 1,
            },
        )
        .returning(table.c.dispatches)
    )
