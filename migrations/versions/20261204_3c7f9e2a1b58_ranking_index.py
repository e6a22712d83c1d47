"""The index of inspections by checklist version and finish carries the site, the percentage and the mode on
PostgreSQL (INCLUDE), so that a month's ranking reads its scores from the index alone: 1,000 units with 100,000
assessments had the month's query fetch a heap page for nearly every one of its 9,000 rows
(bench/inspection_rankings.py).

Reviewed by hand: the index dropped and made again with its included columns (SQLite has no INCLUDE: there it is
made again as it was). Building it reads the table once.

Revision ID: 3c7f9e2a1b58
Revises: 2c51bcb10de8
Create Date: 2026-12-04
"""

from alembic import op

revision = "3c7f9e2a1b58"
down_revision = "2c51bcb10de8"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index("ix_inspections_template_finished")
        batch_op.create_index(
            "ix_inspections_template_finished",
            ["template_id", "finished_at"],
            unique=False,
            postgresql_include=["site_id", "percentage", "mode"],
        )


def downgrade():
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index("ix_inspections_template_finished")
        batch_op.create_index("ix_inspections_template_finished", ["template_id", "finished_at"], unique=False)
