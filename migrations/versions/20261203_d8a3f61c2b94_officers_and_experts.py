"""Enforcement officers sign orders with their certificate numbers (执法证号), and experts are invited to hazards.

Reviewed by hand: a nullable column on users (no one has a number until an admin gives it) and a small table of
invitations, keyed by the hazard and the expert.

Revision ID: d8a3f61c2b94
Revises: c5d1f08e7a36
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

import server.core.db

revision = "d8a3f61c2b94"
down_revision = "c5d1f08e7a36"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("certificate_no", sa.String(length=32), nullable=True))
    op.create_table(
        "hazard_invitations",
        sa.Column("hazard_id", sa.Uuid(), nullable=False),
        sa.Column("expert_id", sa.Uuid(), nullable=False),
        sa.Column("invited_by_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["hazard_id"], ["hazards.id"], name=op.f("fk_hazard_invitations_hazard_id_hazards")),
        sa.ForeignKeyConstraint(["expert_id"], ["users.id"], name=op.f("fk_hazard_invitations_expert_id_users")),
        sa.ForeignKeyConstraint(
            ["invited_by_id"], ["users.id"], name=op.f("fk_hazard_invitations_invited_by_id_users")
        ),
        sa.PrimaryKeyConstraint("hazard_id", "expert_id", name=op.f("pk_hazard_invitations")),
    )
    op.create_index(op.f("ix_hazard_invitations_expert_id"), "hazard_invitations", ["expert_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_hazard_invitations_expert_id"), table_name="hazard_invitations")
    op.drop_table("hazard_invitations")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("certificate_no")
