"""Warnings (预警): CAP messages (alert, update, cancel), the people each must reach (warning_recipients: 已阅 and
已传达), and their reminders (warning_clocks, fired by the one clock engine as the hazards' are).

Reviewed by hand: three new tables, nothing existing changed. Made with down_revision 5d2e8b41c7a3 (the head when it
was written): the merger re-chains it after any other new revision.

Revision ID: 7b3e5c9a2d14
Revises: 5d2e8b41c7a3
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

import server.core.db

revision = "7b3e5c9a2d14"
down_revision = "5d2e8b41c7a3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "warnings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("identifier", sa.String(length=64), nullable=False),
        sa.Column("root_id", sa.Uuid(), nullable=False),
        sa.Column("references_id", sa.Uuid(), nullable=True),
        sa.Column("sender", sa.String(length=16), nullable=False),
        sa.Column("issued_by", sa.Uuid(), nullable=True),
        sa.Column("sent_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("msg_type", sa.String(length=16), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("area_ids", sa.JSON(), nullable=False),
        sa.Column("headline", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("instruction", sa.Text(), nullable=False),
        sa.Column("effective_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("superseded_by", sa.Uuid(), nullable=True),
        sa.Column("recipients_count", sa.Integer(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["issued_by"], ["users.id"], name=op.f("fk_warnings_issued_by_users")),
        sa.ForeignKeyConstraint(["references_id"], ["warnings.id"], name=op.f("fk_warnings_references_id_warnings")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warnings")),
        sa.UniqueConstraint("identifier", name=op.f("uq_warnings_identifier")),
    )
    with op.batch_alter_table("warnings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_warnings_references_id"), ["references_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_warnings_root_id"), ["root_id"], unique=False)

    op.create_table(
        "warning_clocks",
        sa.Column("warning_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("due_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("fired_at", server.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["warning_id"], ["warnings.id"], name=op.f("fk_warning_clocks_warning_id_warnings")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warning_clocks")),
        sa.UniqueConstraint("warning_id", "kind", "due_at", name=op.f("uq_warning_clocks_warning_id_kind_due_at")),
    )
    with op.batch_alter_table("warning_clocks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_warning_clocks_to_fire",
            ["due_at"],
            unique=False,
            postgresql_where=sa.text("fired_at IS NULL"),
            sqlite_where=sa.text("fired_at IS NULL"),
        )
        batch_op.create_index(batch_op.f("ix_warning_clocks_warning_id"), ["warning_id"], unique=False)

    op.create_table(
        "warning_recipients",
        sa.Column("warning_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", server.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ack_client_id", sa.Uuid(), nullable=True),
        sa.Column("relayed_at", server.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("relay_client_id", sa.Uuid(), nullable=True),
        sa.Column("households", sa.Integer(), nullable=True),
        sa.Column("relay_photo_id", sa.Uuid(), nullable=True),
        sa.Column("relay_note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["grid_id"], ["areas.id"], name=op.f("fk_warning_recipients_grid_id_areas")),
        sa.ForeignKeyConstraint(["street_id"], ["areas.id"], name=op.f("fk_warning_recipients_street_id_areas")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_warning_recipients_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["warning_id"], ["warnings.id"], name=op.f("fk_warning_recipients_warning_id_warnings")
        ),
        sa.PrimaryKeyConstraint("warning_id", "user_id", name=op.f("pk_warning_recipients")),
    )
    with op.batch_alter_table("warning_recipients", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_warning_recipients_street_id"), ["street_id"], unique=False)
        batch_op.create_index("ix_warning_recipients_user", ["user_id", "warning_id"], unique=False)


def downgrade():
    with op.batch_alter_table("warning_recipients", schema=None) as batch_op:
        batch_op.drop_index("ix_warning_recipients_user")
        batch_op.drop_index(batch_op.f("ix_warning_recipients_street_id"))

    op.drop_table("warning_recipients")
    with op.batch_alter_table("warning_clocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_warning_clocks_warning_id"))
        batch_op.drop_index(
            "ix_warning_clocks_to_fire",
            postgresql_where=sa.text("fired_at IS NULL"),
            sqlite_where=sa.text("fired_at IS NULL"),
        )

    op.drop_table("warning_clocks")
    with op.batch_alter_table("warnings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_warnings_root_id"))
        batch_op.drop_index(batch_op.f("ix_warnings_references_id"))

    op.drop_table("warnings")
