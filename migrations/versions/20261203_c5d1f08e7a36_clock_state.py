"""Each clock records the state its hazard was left in by what set it: the clock lapses when the hazard leaves that
state, whatever action set it (hazards.machine is the one source of where an action leads).

Reviewed by hand: the column is added, filled from each clock's kind (the only actions that set clocks until now left
the hazard in these states), then made NOT NULL.

Revision ID: c5d1f08e7a36
Revises: b7e2c4a19d05
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "c5d1f08e7a36"
down_revision = "b7e2c4a19d05"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("hazard_clocks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state", sa.String(length=32), nullable=True))
    op.execute(
        "UPDATE hazard_clocks SET state = CASE kind"
        " WHEN 'ack_warning' THEN 'reported' WHEN 'ack_escalation' THEN 'reported'"
        " WHEN 'reinspection_overdue' THEN 'submitted' ELSE 'rectifying' END"
    )
    with op.batch_alter_table("hazard_clocks", schema=None) as batch_op:
        batch_op.alter_column("state", existing_type=sa.String(length=32), nullable=False)


def downgrade():
    with op.batch_alter_table("hazard_clocks", schema=None) as batch_op:
        batch_op.drop_column("state")
