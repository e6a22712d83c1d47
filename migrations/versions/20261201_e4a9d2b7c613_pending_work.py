"""Pending work: the jobs a committed record needs, recorded with it, so that no Redis outage loses them.

Reviewed by hand. The photos still waiting for their copies and the documents still waiting for their PDF (made before
this table existed, possibly lost with Redis) get a pending row each, so that the first sweep hands them over.

Revision ID: e4a9d2b7c613
Revises: 8c3b6e4f2a10
Create Date: 2026-12-01
"""

import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "e4a9d2b7c613"
down_revision = "8c3b6e4f2a10"
branch_labels = None
depends_on = None

# as server.jobs.pending.work_id and the jobs' names then: a migration does not import the app
NAMESPACE = uuid.UUID("2f8c5e1a-3b7d-4c9e-8a61-5d0f4b2c7e93")
WAITING = {
    "server.photos.tasks:make_variants": ("default", "SELECT id FROM photos WHERE state <> 'ready'"),
    "server.hazards.documents:render": ("documents", "SELECT id FROM hazard_documents WHERE state <> 'ready'"),
}


def upgrade():
    pending = op.create_table(
        "pending_jobs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("args", sa.JSON(), nullable=False),
        sa.Column("queue", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dispatches", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_jobs")),
    )
    op.create_index("ix_pending_jobs_due", "pending_jobs", ["state", "not_before"], unique=False)
    connection, now = op.get_bind(), datetime.now(UTC)
    rows = []
    for name, (queue, waiting) in WAITING.items():
        for (record_id,) in connection.execute(sa.text(waiting)):
            args = [str(record_id)]
            rows.append(
                {
                    "id": uuid.uuid5(NAMESPACE, json.dumps([name, args], sort_keys=True)),
                    "name": name,
                    "args": args,
                    "queue": queue,
                    "state": "pending",
                    "attempts": 0,
                    "not_before": now,
                    "dispatched_at": None,
                    "dispatches": 0,
                    "lease_until": None,
                    "last_error": "",
                    "created_at": now,
                }
            )
    if rows:
        op.bulk_insert(pending, rows)


def downgrade():
    op.drop_index("ix_pending_jobs_due", table_name="pending_jobs")
    op.drop_table("pending_jobs")
