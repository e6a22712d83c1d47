"""Major hazards (plan, dual report, listing, one extension, de-listing) and the loop's numbered documents.

Reviewed by hand: the new hazard columns are all nullable, so existing rows need no default.

Revision ID: 62781b13561d
Revises: 457b97f0cb44
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

import server.core.db

revision = "62781b13561d"
down_revision = "457b97f0cb44"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "document_counters",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "year", name=op.f("pk_document_counters")),
    )
    op.create_table(
        "hazard_documents",
        sa.Column("hazard_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", server.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["hazard_id"], ["hazards.id"], name=op.f("fk_hazard_documents_hazard_id_hazards")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hazard_documents")),
        sa.UniqueConstraint("number", name=op.f("uq_hazard_documents_number")),
    )
    with op.batch_alter_table("hazard_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hazard_documents_hazard_id"), ["hazard_id"], unique=False)

    with op.batch_alter_table("hazards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plan", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("regulator_reported_at", server.core.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("workers_congress_reported_at", server.core.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("listed_at", server.core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("listing_number", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("delisted_at", server.core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("extension_until", server.core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("extension_decision", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("hazards", schema=None) as batch_op:
        batch_op.drop_column("extension_decision")
        batch_op.drop_column("extension_until")
        batch_op.drop_column("delisted_at")
        batch_op.drop_column("listing_number")
        batch_op.drop_column("listed_at")
        batch_op.drop_column("workers_congress_reported_at")
        batch_op.drop_column("regulator_reported_at")
        batch_op.drop_column("plan")

    with op.batch_alter_table("hazard_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hazard_documents_hazard_id"))

    op.drop_table("hazard_documents")
    op.drop_table("document_counters")
