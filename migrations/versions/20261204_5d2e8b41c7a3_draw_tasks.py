"""A draw's tasks: plans and tasks name their kind (patrol, or a 双随机 draw's), and a draw's task names the
inspectors drawn for it (task_inspectors: the lead first, then the co-inspectors).

Reviewed by hand: two columns with a server default ('patrol', what every existing plan and task is), and one new
table. Made with down_revision 8f81a7af587e (the head when it was written): the merger re-chains it after any other
new revision.

Revision ID: 5d2e8b41c7a3
Revises: 8f81a7af587e
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "5d2e8b41c7a3"
down_revision = "8f81a7af587e"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), server_default="patrol", nullable=False))
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), server_default="patrol", nullable=False))
    op.create_table(
        "task_inspectors",
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name=op.f("fk_task_inspectors_task_id_tasks")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_task_inspectors_user_id_users")),
        sa.PrimaryKeyConstraint("task_id", "user_id", name=op.f("pk_task_inspectors")),
    )
    with op.batch_alter_table("task_inspectors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_inspectors_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("task_inspectors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_inspectors_user_id"))
    op.drop_table("task_inspectors")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_column("kind")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_column("kind")
