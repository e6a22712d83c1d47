"""双随机: the draws (their frozen registers, seed commitment and result), the inspectors drawn for each target, and
the conflicts of interest inspectors declare.

Reviewed by hand: three new tables, nothing existing changes; snapshots and results are kept as text, exactly the
canonical JSON that was hashed.

Revision ID: 2c51bcb10de8
Revises: a4e9c2b7d610
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

import server.core.db

revision = "2c51bcb10de8"
down_revision = "a4e9c2b7d610"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "draws",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("matter", sa.String(length=500), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("site_types", sa.JSON(), nullable=False),
        sa.Column("risk_levels", sa.JSON(), nullable=False),
        sa.Column("department_sector", sa.String(length=32), nullable=True),
        sa.Column("share", sa.String(length=8), nullable=True),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("per_target", sa.Integer(), nullable=False),
        sa.Column("template_family_id", sa.Uuid(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("algorithm", sa.String(length=32), nullable=False),
        sa.Column("seed_commitment", sa.String(length=64), nullable=False),
        sa.Column("seed", sa.String(length=128), nullable=True),
        sa.Column("seed_by_server", sa.Boolean(), nullable=False),
        sa.Column("public_value_source", sa.String(length=200), nullable=True),
        sa.Column("public_value", sa.String(length=128), nullable=True),
        sa.Column("targets_snapshot", sa.Text(), nullable=False),
        sa.Column("targets_sha256", sa.String(length=64), nullable=False),
        sa.Column("inspectors_snapshot", sa.Text(), nullable=False),
        sa.Column("inspectors_sha256", sa.String(length=64), nullable=False),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("result_sha256", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", server.core.db.UTCDateTime(), nullable=False),
        sa.Column("drawn_at", server.core.db.UTCDateTime(), nullable=True),
        sa.Column("published_at", server.core.db.UTCDateTime(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], name=op.f("fk_draws_area_id_areas")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_draws_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draws")),
    )
    with op.batch_alter_table("draws", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draws_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_draws_state"), ["state"], unique=False)

    op.create_table(
        "conflict_declarations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("enterprise_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("declared_at", server.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprises.id"], name=op.f("fk_conflict_declarations_enterprise_id_enterprises")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_conflict_declarations_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict_declarations")),
        sa.UniqueConstraint("user_id", "enterprise_id", name=op.f("uq_conflict_declarations_user_id_enterprise_id")),
    )
    with op.batch_alter_table("conflict_declarations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conflict_declarations_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_conflict_declarations_user_id"), ["user_id"], unique=False)

    op.create_table(
        "draw_assignments",
        sa.Column("draw_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("inspector_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["draw_id"], ["draws.id"], name=op.f("fk_draw_assignments_draw_id_draws")),
        sa.ForeignKeyConstraint(["inspector_id"], ["users.id"], name=op.f("fk_draw_assignments_inspector_id_users")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_draw_assignments_site_id_sites")),
        sa.PrimaryKeyConstraint("draw_id", "site_id", "slot", name=op.f("pk_draw_assignments")),
    )
    with op.batch_alter_table("draw_assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draw_assignments_inspector_id"), ["inspector_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_draw_assignments_site_id"), ["site_id"], unique=False)


def downgrade():
    with op.batch_alter_table("draw_assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draw_assignments_site_id"))
        batch_op.drop_index(batch_op.f("ix_draw_assignments_inspector_id"))

    op.drop_table("draw_assignments")
    with op.batch_alter_table("conflict_declarations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_declarations_user_id"))
        batch_op.drop_index(batch_op.f("ix_conflict_declarations_enterprise_id"))

    op.drop_table("conflict_declarations")
    with op.batch_alter_table("draws", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draws_state"))
        batch_op.drop_index(batch_op.f("ix_draws_area_id"))

    op.drop_table("draws")
