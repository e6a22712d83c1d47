"""Indexes for the dashboards (server/dashboards): hazards by when they were received, closed, listed and de-listed,
and those waiting (reported, rectifying) by deadline and target, and inspections by when they finished, each
carrying on PostgreSQL (INCLUDE) the columns the figures read, so that a district's or a street's figures come from
the index alone (bench/dashboards.py).

Reviewed by hand: ix_hazards_received_at is dropped and made again with its included columns (SQLite has no
INCLUDE: there it is made again as it was); the other three are new, partial where only some rows count. Building
them reads the table once each.

Revision ID: 7b3e9d1f4a62
Revises: 9a17c3e5d2b8
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "7b3e9d1f4a62"
down_revision = "9a17c3e5d2b8"
branch_labels = None
depends_on = None

FIGURE_COLUMNS = [
    "grid_id",
    "street_id",
    "enterprise_id",
    "sector",
    "reporter_id",
    "site_id",
    "level",
    "state",
    "acknowledged_at",
    "ack_due_at",
    "observed_at",
    "clock_offset_s",
    "deadline",
    "closed_at",
]
INSPECTION_COLUMNS = ["grid_id", "enterprise_id", "sector", "inspector_id", "site_id", "percentage", "flagged"]
SCOPE_COLUMNS = ["grid_id", "level", "sector", "site_id", "enterprise_id", "reporter_id"]


def upgrade():
    with op.batch_alter_table("hazards", schema=None) as batch_op:
        batch_op.drop_index("ix_hazards_received_at")
        batch_op.create_index("ix_hazards_received_at", ["received_at"], postgresql_include=FIGURE_COLUMNS)
        batch_op.create_index(
            "ix_hazards_closed_at",
            ["closed_at"],
            postgresql_include=FIGURE_COLUMNS,
            postgresql_where=sa.text("closed_at IS NOT NULL"),
            sqlite_where=sa.text("closed_at IS NOT NULL"),
        )
        batch_op.create_index("ix_hazards_grid_received", ["grid_id", "received_at"], postgresql_include=FIGURE_COLUMNS)
        batch_op.create_index(
            "ix_hazards_grid_closed",
            ["grid_id", "closed_at"],
            postgresql_include=FIGURE_COLUMNS,
            postgresql_where=sa.text("closed_at IS NOT NULL"),
            sqlite_where=sa.text("closed_at IS NOT NULL"),
        )
        batch_op.create_index(
            "ix_hazards_listing",
            ["listed_at", "delisted_at"],
            postgresql_include=SCOPE_COLUMNS,
            postgresql_where=sa.text("listed_at IS NOT NULL OR delisted_at IS NOT NULL"),
            sqlite_where=sa.text("listed_at IS NOT NULL OR delisted_at IS NOT NULL"),
        )
        batch_op.create_index(
            "ix_hazards_waiting",
            ["state", "deadline", "ack_due_at"],
            postgresql_include=[*SCOPE_COLUMNS[:2], "street_id", *SCOPE_COLUMNS[2:]],
            postgresql_where=sa.text("state IN ('reported', 'rectifying')"),
            sqlite_where=sa.text("state IN ('reported', 'rectifying')"),
        )

    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.create_index(
            "ix_inspections_finished_at",
            ["finished_at"],
            postgresql_include=[
                "grid_id",
                "enterprise_id",
                "sector",
                "inspector_id",
                "site_id",
                "percentage",
                "flagged",
            ],
        )


def downgrade():
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index("ix_inspections_finished_at")
    with op.batch_alter_table("hazards", schema=None) as batch_op:
        batch_op.drop_index("ix_hazards_waiting")
        batch_op.drop_index("ix_hazards_listing")
        batch_op.drop_index("ix_hazards_grid_closed")
        batch_op.drop_index("ix_hazards_grid_received")
        batch_op.drop_index("ix_hazards_closed_at")
        batch_op.drop_index("ix_hazards_received_at")
        batch_op.create_index("ix_hazards_received_at", ["received_at"], unique=False)
