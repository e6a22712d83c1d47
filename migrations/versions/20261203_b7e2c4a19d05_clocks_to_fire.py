"""The clocks still to fire in an index of their own, so that the tick's later batches of a backlog do not step over
every clock the earlier ones fired.

Reviewed by hand: the partial index replaces the plain ones on due_at and fired_at, which nothing else reads.

Revision ID: b7e2c4a19d05
Revises: e4a9d2b7c613
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "b7e2c4a19d05"
down_revision = "e4a9d2b7c613"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("hazard_clocks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_hazard_clocks_to_fire",
            ["due_at"],
            unique=False,
            postgresql_where=sa.text("fired_at IS NULL"),
            sqlite_where=sa.text("fired_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_hazard_clocks_fired_at"))
        batch_op.drop_index(batch_op.f("ix_hazard_clocks_due_at"))


def downgrade():
    with op.batch_alter_table("hazard_clocks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hazard_clocks_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_hazard_clocks_fired_at"), ["fired_at"], unique=False)
        batch_op.drop_index("ix_hazard_clocks_to_fire")
