"""Site tags (signed QR codes, one live tag per site) and check-ins made at sites by scanning them.

Reviewed by hand: the partial unique index keeps one live tag per site on both databases.

Revision ID: 0d78e1c2e237
Revises: 856586332d07
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

import server.core.db

revision = "0d78e1c2e237"
down_revision = "856586332d07"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "site_tags",
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("kid", sa.String(length=1), nullable=False),
        sa.Column("issued_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.Uuid(), nullable=True),
        sa.Column("revoked_at", server.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.Uuid(), nullable=True),
        sa.Column("revoke_reason", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["issued_by"], ["users.id"], name=op.f("fk_site_tags_issued_by_users")),
        sa.ForeignKeyConstraint(["revoked_by"], ["users.id"], name=op.f("fk_site_tags_revoked_by_users")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_site_tags_site_id_sites")),
        sa.PrimaryKeyConstraint("serial", name=op.f("pk_site_tags")),
        sa.UniqueConstraint("code", name=op.f("uq_site_tags_code")),
    )
    with op.batch_alter_table("site_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_site_tags_site_id"), ["site_id"], unique=False)
        batch_op.create_index(
            "uq_site_tags_live_site_id",
            ["site_id"],
            unique=True,
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        )

    op.create_table(
        "check_ins",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=300), nullable=False),
        sa.Column("tag_serial", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Uuid(), nullable=True),
        sa.Column("observed_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("accuracy_m", sa.Float(), nullable=True),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_check_ins_site_id_sites")),
        sa.ForeignKeyConstraint(["tag_serial"], ["site_tags.serial"], name=op.f("fk_check_ins_tag_serial_site_tags")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_check_ins_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_ins")),
    )
    with op.batch_alter_table("check_ins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_check_ins_flagged"), ["flagged"], unique=False)
        batch_op.create_index(batch_op.f("ix_check_ins_received_at"), ["received_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_check_ins_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_check_ins_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("check_ins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_check_ins_user_id"))
        batch_op.drop_index(batch_op.f("ix_check_ins_site_id"))
        batch_op.drop_index(batch_op.f("ix_check_ins_received_at"))
        batch_op.drop_index(batch_op.f("ix_check_ins_flagged"))

    op.drop_table("check_ins")
    with op.batch_alter_table("site_tags", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_site_tags_live_site_id",
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_site_tags_site_id"))

    op.drop_table("site_tags")
