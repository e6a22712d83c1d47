"""The hazard clocks (due times that fire once) and the inbox they and the transitions fill.

Reviewed by hand.

Revision ID: 457b97f0cb44
Revises: 6b135384f652
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

import server.core.db

revision = "457b97f0cb44"
down_revision = "6b135384f652"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "hazard_clocks",
        sa.Column("hazard_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("due_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("fired_at", server.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["hazard_id"], ["hazards.id"], name=op.f("fk_hazard_clocks_hazard_id_hazards")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hazard_clocks")),
        sa.UniqueConstraint("hazard_id", "kind", "due_at", name=op.f("uq_hazard_clocks_hazard_id_kind_due_at")),
    )
    with op.batch_alter_table("hazard_clocks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hazard_clocks_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_hazard_clocks_fired_at"), ["fired_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_hazard_clocks_hazard_id"), ["hazard_id"], unique=False)

    op.create_table(
        "notifications",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("hazard_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("read_at", server.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["hazard_id"], ["hazards.id"], name=op.f("fk_notifications_hazard_id_hazards")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("user_id", "key", name=op.f("uq_notifications_user_id_key")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notifications_hazard_id"), ["hazard_id"], unique=False)
        batch_op.create_index("ix_notifications_inbox", ["user_id", "read_at"], unique=False)


def downgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_inbox")
        batch_op.drop_index(batch_op.f("ix_notifications_hazard_id"))

    op.drop_table("notifications")
    with op.batch_alter_table("hazard_clocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hazard_clocks_hazard_id"))
        batch_op.drop_index(batch_op.f("ix_hazard_clocks_fired_at"))
        batch_op.drop_index(batch_op.f("ix_hazard_clocks_due_at"))

    op.drop_table("hazard_clocks")
