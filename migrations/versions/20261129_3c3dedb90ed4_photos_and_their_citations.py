"""Photos (client UUIDs, content-addressed originals and copies) and the records that cite them.

Reviewed by hand: photo_citations.photo_id has no foreign key on purpose, since a record may cite
a photo that has not arrived yet (the offline contract); the unique constraint indexes it.

Revision ID: 3c3dedb90ed4
Revises: 0d78e1c2e237
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

import server.core.db

revision = "3c3dedb90ed4"
down_revision = "0d78e1c2e237"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "photos",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("taken_at", server.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("uploader_id", sa.Uuid(), nullable=False),
        sa.Column("received_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("duplicate_of", sa.Uuid(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("display_sha256", sa.String(length=64), nullable=True),
        sa.Column("thumb_sha256", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180", name=op.f("ck_photos_wgs84_range")
        ),
        sa.ForeignKeyConstraint(["duplicate_of"], ["photos.id"], name=op.f("fk_photos_duplicate_of_photos")),
        sa.ForeignKeyConstraint(["uploader_id"], ["users.id"], name=op.f("fk_photos_uploader_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photos")),
    )
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_photos_sha256"), ["sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_photos_uploader_id"), ["uploader_id"], unique=False)

    op.create_table(
        "photo_citations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("photo_id", sa.Uuid(), nullable=False),
        sa.Column("record_type", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=True),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("created_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["grid_id"], ["areas.id"], name=op.f("fk_photo_citations_grid_id_areas")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_photo_citations_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photo_citations")),
        sa.UniqueConstraint(
            "photo_id", "record_type", "record_id", name=op.f("uq_photo_citations_photo_id_record_type_record_id")
        ),
    )
    with op.batch_alter_table("photo_citations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_photo_citations_grid_id"), ["grid_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_photo_citations_record_id"), ["record_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_photo_citations_site_id"), ["site_id"], unique=False)


def downgrade():
    with op.batch_alter_table("photo_citations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_photo_citations_site_id"))
        batch_op.drop_index(batch_op.f("ix_photo_citations_record_id"))
        batch_op.drop_index(batch_op.f("ix_photo_citations_grid_id"))

    op.drop_table("photo_citations")
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_photos_uploader_id"))
        batch_op.drop_index(batch_op.f("ix_photos_sha256"))

    op.drop_table("photos")
