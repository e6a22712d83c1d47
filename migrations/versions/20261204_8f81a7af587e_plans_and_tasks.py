"""Patrol plans (巡查计划), the periods generated from them, and their tasks (检查任务).

Reviewed by hand: three new tables, nothing existing changed. The unique (plan, site, period) makes generation
idempotent and serves as the index of a plan's tasks (no separate one on plan_id); (state, period_end) finds the
open tasks of ended periods; (period_start, grid_id, state, flagged) answers coverage from the index alone. Made with
down_revision a4e9c2b7d610 (the head when it was written): the merger re-chains it after any other new revision.

Revision ID: 8f81a7af587e
Revises: 3c7f9e2a1b58
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

import server.core.db

revision = "8f81a7af587e"
down_revision = "3c7f9e2a1b58"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "plans",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("sector", sa.String(length=32), nullable=True),
        sa.Column("site_types", sa.JSON(), nullable=False),
        sa.Column("risk_levels", sa.JSON(), nullable=False),
        sa.Column("above_designated_size", sa.Boolean(), nullable=True),
        sa.Column("frequency", sa.String(length=16), nullable=False),
        sa.Column("template_family_id", sa.Uuid(), nullable=False),
        sa.Column("assignee", sa.String(length=16), nullable=False),
        sa.Column("unannounced", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", server.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", server.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], name=op.f("fk_plans_area_id_areas")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_plans_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plans_sector"), ["sector"], unique=False)
        batch_op.create_index(batch_op.f("ix_plans_template_family_id"), ["template_family_id"], unique=False)

    op.create_table(
        "plan_periods",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("generated_at", server.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_plan_periods_plan_id_plans")),
        sa.PrimaryKeyConstraint("plan_id", "period", name=op.f("pk_plan_periods")),
    )
    op.create_table(
        "tasks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Uuid(), nullable=True),
        sa.Column("sector", sa.String(length=32), nullable=True),
        sa.Column("site_type", sa.String(length=32), nullable=False),
        sa.Column("template_family_id", sa.Uuid(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("assignee", sa.String(length=16), nullable=False),
        sa.Column("assignee_id", sa.Uuid(), nullable=True),
        sa.Column("unannounced", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("inspection_id", sa.Uuid(), nullable=True),
        sa.Column("done_at", server.core.db.UTCDateTime(), nullable=True),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", server.core.db.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["assignee_id"], ["users.id"], name=op.f("fk_tasks_assignee_id_users")),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"], name=op.f("fk_tasks_enterprise_id_enterprises")),
        sa.ForeignKeyConstraint(["grid_id"], ["areas.id"], name=op.f("fk_tasks_grid_id_areas")),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspections.id"], name=op.f("fk_tasks_inspection_id_inspections")),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_tasks_plan_id_plans")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_tasks_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        sa.UniqueConstraint("plan_id", "site_id", "period", name=op.f("uq_tasks_plan_id_site_id_period")),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tasks_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_grid_id"), ["grid_id"], unique=False)
        batch_op.create_index("ix_tasks_coverage", ["period_start", "grid_id", "state", "flagged"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_site_id"), ["site_id"], unique=False)
        batch_op.create_index("ix_tasks_state_period_end", ["state", "period_end"], unique=False)


def downgrade():
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_state_period_end")
        batch_op.drop_index(batch_op.f("ix_tasks_site_id"))
        batch_op.drop_index("ix_tasks_coverage")
        batch_op.drop_index(batch_op.f("ix_tasks_grid_id"))
        batch_op.drop_index(batch_op.f("ix_tasks_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_tasks_assignee_id"))

    op.drop_table("tasks")
    op.drop_table("plan_periods")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_template_family_id"))
        batch_op.drop_index(batch_op.f("ix_plans_sector"))
        batch_op.drop_index(batch_op.f("ix_plans_area_id"))

    op.drop_table("plans")
