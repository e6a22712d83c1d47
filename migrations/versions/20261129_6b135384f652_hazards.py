"""Hazards (client UUIDs, routed by street, grid, enterprise and sector) and their editable categories.

Reviewed by hand: the default categories are inserted here; later ones are data, not migrations.

Revision ID: 6b135384f652
Revises: c0e15dc58976
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

import server.core.db

# A copy, not an import: a migration must not change when the models do.
DEFAULT_CATEGORIES = [
    ("fire", "消防安全", "Fire"),
    ("electrical", "用电安全", "Electrical"),
    ("gas", "燃气安全", "Gas"),
    ("structural", "建筑结构", "Structural"),
    ("hazardous_chemicals", "危险化学品", "Hazardous chemicals"),
    ("flooding", "防汛排水", "Flooding and drainage"),
    ("crowd", "人员密集", "Crowds"),
    ("traffic", "交通安全", "Traffic"),
    ("special_equipment", "特种设备", "Special equipment"),
    ("other", "其他", "Other"),
]

revision = "6b135384f652"
down_revision = "c0e15dc58976"
branch_labels = None
depends_on = None


def upgrade():
    categories = op.create_table(
        "hazard_categories",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_zh", sa.String(length=50), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_hazard_categories")),
    )
    op.bulk_insert(
        categories,
        [
            {"code": code, "name_zh": zh, "name_en": en, "active": True, "position": i}
            for i, (code, zh, en) in enumerate(DEFAULT_CATEGORIES)
        ],
    )
    op.create_table(
        "hazards",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=True),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("street_id", sa.Integer(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("accuracy_m", sa.Float(), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("photo_ids", sa.JSON(), nullable=False),
        sa.Column("reporter_id", sa.Uuid(), nullable=False),
        sa.Column("observed_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("enterprise_id", sa.Uuid(), nullable=True),
        sa.Column("sector", sa.String(length=32), nullable=True),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("ack_due_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", server.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("merged_into_id", sa.Uuid(), nullable=True),
        sa.Column("responsible_party", sa.String(length=200), nullable=False),
        sa.Column("deadline", server.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", server.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["category"], ["hazard_categories.code"], name=op.f("fk_hazards_category_hazard_categories")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprises.id"], name=op.f("fk_hazards_enterprise_id_enterprises")
        ),
        sa.ForeignKeyConstraint(["grid_id"], ["areas.id"], name=op.f("fk_hazards_grid_id_areas")),
        sa.ForeignKeyConstraint(["merged_into_id"], ["hazards.id"], name=op.f("fk_hazards_merged_into_id_hazards")),
        sa.ForeignKeyConstraint(["reporter_id"], ["users.id"], name=op.f("fk_hazards_reporter_id_users")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_hazards_site_id_sites")),
        sa.ForeignKeyConstraint(["street_id"], ["areas.id"], name=op.f("fk_hazards_street_id_areas")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hazards")),
    )
    with op.batch_alter_table("hazards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hazards_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hazards_grid_id"), ["grid_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hazards_received_at"), ["received_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_hazards_reporter_id"), ["reporter_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hazards_sector"), ["sector"], unique=False)
        batch_op.create_index(batch_op.f("ix_hazards_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hazards_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_hazards_street_id"), ["street_id"], unique=False)


def downgrade():
    with op.batch_alter_table("hazards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hazards_street_id"))
        batch_op.drop_index(batch_op.f("ix_hazards_state"))
        batch_op.drop_index(batch_op.f("ix_hazards_site_id"))
        batch_op.drop_index(batch_op.f("ix_hazards_sector"))
        batch_op.drop_index(batch_op.f("ix_hazards_reporter_id"))
        batch_op.drop_index(batch_op.f("ix_hazards_received_at"))
        batch_op.drop_index(batch_op.f("ix_hazards_grid_id"))
        batch_op.drop_index(batch_op.f("ix_hazards_enterprise_id"))

    op.drop_table("hazards")
    op.drop_table("hazard_categories")
