"""Ledger exports (台账导出): one row per large export asked for, its job's progress and, once built, its file.

And the partial index of the hazards without a fix of their own (the map draws them at their site, and a city-wide
count finds them through it instead of reading the table again: bench/map_geojson.py).

Reviewed by hand: a new table with its owner's index, and one partial index on hazards (built by reading the
table once).

Revision ID: 7a4c2e9d1f60
Revises: 7b3e9d1f4a62
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

from server.core.db import UTCDateTime

revision = "7a4c2e9d1f60"
down_revision = "7b3e9d1f4a62"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ledger_exports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_ledger_exports_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_exports")),
    )
    with op.batch_alter_table("ledger_exports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_exports_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("hazards", schema=None) as batch_op:
        batch_op.create_index(
            "ix_hazards_unplaced",
            ["site_id"],
            unique=False,
            postgresql_where=sa.text("longitude IS NULL OR latitude IS NULL"),
            sqlite_where=sa.text("longitude IS NULL OR latitude IS NULL"),
        )


def downgrade():
    with op.batch_alter_table("hazards", schema=None) as batch_op:
        batch_op.drop_index("ix_hazards_unplaced")
    with op.batch_alter_table("ledger_exports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_exports_user_id"))
    op.drop_table("ledger_exports")
