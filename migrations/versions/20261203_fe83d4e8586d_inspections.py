"""Inspections: checklist templates (versions of a family), inspections with their inspectors, their revisions
(a correction adds one, none is changed), the hazards their failed items became, and the summonses (约谈) of
confirmed monthly rankings.

Reviewed by hand: six new tables, nothing existing changes; a check-in is cited without a foreign key (it may
arrive after the inspection that cites it).

Revision ID: fe83d4e8586d
Revises: 3f6a2d9c8b14
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

import server.core.db

revision = "fe83d4e8586d"
down_revision = "3f6a2d9c8b14"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "inspection_templates",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("site_types", sa.JSON(), nullable=False),
        sa.Column("sectors", sa.JSON(), nullable=False),
        sa.Column("owner_sector", sa.String(length=32), nullable=True),
        sa.Column("pass_mark", sa.Float(), nullable=True),
        sa.Column("max_score", sa.Float(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("published_at", server.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("archived_at", server.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_inspection_templates_author_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_templates")),
        sa.UniqueConstraint("family_id", "number", name=op.f("uq_inspection_templates_family_id_number")),
    )
    with op.batch_alter_table("inspection_templates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_templates_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_templates_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_templates_owner_sector"), ["owner_sector"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_templates_state"), ["state"], unique=False)

    op.create_table(
        "inspections",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("template_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Uuid(), nullable=True),
        sa.Column("sector", sa.String(length=32), nullable=True),
        sa.Column("mode", sa.String(length=24), nullable=False),
        sa.Column("inspector_id", sa.Uuid(), nullable=False),
        sa.Column("started_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("clock_offset_s", sa.Float(), nullable=True),
        sa.Column("checkin_id", sa.Uuid(), nullable=True),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("acknowledgement", sa.JSON(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("max_points", sa.Float(), nullable=False),
        sa.Column("percentage", sa.Float(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprises.id"], name=op.f("fk_inspections_enterprise_id_enterprises")
        ),
        sa.ForeignKeyConstraint(["grid_id"], ["areas.id"], name=op.f("fk_inspections_grid_id_areas")),
        sa.ForeignKeyConstraint(["inspector_id"], ["users.id"], name=op.f("fk_inspections_inspector_id_users")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_inspections_site_id_sites")),
        sa.ForeignKeyConstraint(
            ["template_id"], ["inspection_templates.id"], name=op.f("fk_inspections_template_id_inspection_templates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspections")),
    )
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspections_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspections_flagged"), ["flagged"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspections_grid_id"), ["grid_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspections_inspector_id"), ["inspector_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspections_sector"), ["sector"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspections_site_id"), ["site_id"], unique=False)
        batch_op.create_index("ix_inspections_template_finished", ["template_id", "finished_at"], unique=False)

    op.create_table(
        "inspection_hazards",
        sa.Column("hazard_id", sa.Uuid(), nullable=False),
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("item", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["hazard_id"], ["hazards.id"], name=op.f("fk_inspection_hazards_hazard_id_hazards")),
        sa.ForeignKeyConstraint(
            ["inspection_id"], ["inspections.id"], name=op.f("fk_inspection_hazards_inspection_id_inspections")
        ),
        sa.PrimaryKeyConstraint("hazard_id", name=op.f("pk_inspection_hazards")),
        sa.UniqueConstraint("inspection_id", "item", name=op.f("uq_inspection_hazards_inspection_id_item")),
    )
    with op.batch_alter_table("inspection_hazards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_hazards_inspection_id"), ["inspection_id"], unique=False)

    op.create_table(
        "inspection_inspectors",
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"], ["inspections.id"], name=op.f("fk_inspection_inspectors_inspection_id_inspections")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_inspection_inspectors_user_id_users")),
        sa.PrimaryKeyConstraint("inspection_id", "user_id", name=op.f("pk_inspection_inspectors")),
    )
    with op.batch_alter_table("inspection_inspectors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_inspectors_user_id"), ["user_id"], unique=False)

    op.create_table(
        "inspection_revisions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("score", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_inspection_revisions_author_id_users")),
        sa.ForeignKeyConstraint(
            ["inspection_id"], ["inspections.id"], name=op.f("fk_inspection_revisions_inspection_id_inspections")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_revisions")),
        sa.UniqueConstraint("inspection_id", "number", name=op.f("uq_inspection_revisions_inspection_id_number")),
    )
    with op.batch_alter_table("inspection_revisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_revisions_inspection_id"), ["inspection_id"], unique=False)

    op.create_table(
        "summonses",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Uuid(), nullable=True),
        sa.Column("sector", sa.String(length=32), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("previous_rank", sa.Integer(), nullable=False),
        sa.Column("ranked", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("confirmed_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["confirmed_by"], ["users.id"], name=op.f("fk_summonses_confirmed_by_users")),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprises.id"], name=op.f("fk_summonses_enterprise_id_enterprises")
        ),
        sa.ForeignKeyConstraint(["grid_id"], ["areas.id"], name=op.f("fk_summonses_grid_id_areas")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_summonses_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_summonses")),
        sa.UniqueConstraint("family_id", "month", "site_id", name=op.f("uq_summonses_family_id_month_site_id")),
    )
    with op.batch_alter_table("summonses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_summonses_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_summonses_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_summonses_grid_id"), ["grid_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_summonses_site_id"), ["site_id"], unique=False)


def downgrade():
    with op.batch_alter_table("summonses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_summonses_site_id"))
        batch_op.drop_index(batch_op.f("ix_summonses_grid_id"))
        batch_op.drop_index(batch_op.f("ix_summonses_family_id"))
        batch_op.drop_index(batch_op.f("ix_summonses_enterprise_id"))

    op.drop_table("summonses")
    with op.batch_alter_table("inspection_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_revisions_inspection_id"))

    op.drop_table("inspection_revisions")
    with op.batch_alter_table("inspection_inspectors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_inspectors_user_id"))

    op.drop_table("inspection_inspectors")
    with op.batch_alter_table("inspection_hazards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_hazards_inspection_id"))

    op.drop_table("inspection_hazards")
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index("ix_inspections_template_finished")
        batch_op.drop_index(batch_op.f("ix_inspections_site_id"))
        batch_op.drop_index(batch_op.f("ix_inspections_sector"))
        batch_op.drop_index(batch_op.f("ix_inspections_inspector_id"))
        batch_op.drop_index(batch_op.f("ix_inspections_grid_id"))
        batch_op.drop_index(batch_op.f("ix_inspections_flagged"))
        batch_op.drop_index(batch_op.f("ix_inspections_enterprise_id"))

    op.drop_table("inspections")
    with op.batch_alter_table("inspection_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_templates_state"))
        batch_op.drop_index(batch_op.f("ix_inspection_templates_owner_sector"))
        batch_op.drop_index(batch_op.f("ix_inspection_templates_kind"))
        batch_op.drop_index(batch_op.f("ix_inspection_templates_family_id"))

    op.drop_table("inspection_templates")
