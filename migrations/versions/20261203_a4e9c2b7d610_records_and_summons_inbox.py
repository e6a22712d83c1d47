"""The inspection record (检查记录) as a PDF per revision; inbox rows about another record than a hazard (a
summons, 约谈); the months confirmed, so that the server confirms each month once when it ends (a summons it
confirms has no person confirming it).

Reviewed by hand: two new tables; three nullable columns on notifications (existing rows are about hazards and keep
nothing in them); summonses.confirmed_by made nullable. A month confirmed before this has no row: the server
confirms it again, which adds only what is new.

Revision ID: a4e9c2b7d610
Revises: fe83d4e8586d
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

import server.core.db

revision = "a4e9c2b7d610"
down_revision = "fe83d4e8586d"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "inspection_records",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", server.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"], ["inspections.id"], name=op.f("fk_inspection_records_inspection_id_inspections")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_records")),
        sa.UniqueConstraint("inspection_id", "revision", name=op.f("uq_inspection_records_inspection_id_revision")),
    )
    with op.batch_alter_table("inspection_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_records_inspection_id"), ["inspection_id"], unique=False)
    op.create_table(
        "ranking_months",
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("confirmed_by", sa.Uuid(), nullable=True),
        sa.Column("confirmed_at", server.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["confirmed_by"], ["users.id"], name=op.f("fk_ranking_months_confirmed_by_users")),
        sa.PrimaryKeyConstraint("family_id", "month", name=op.f("pk_ranking_months")),
    )
    with op.batch_alter_table("summonses", schema=None) as batch_op:
        batch_op.alter_column("confirmed_by", existing_type=sa.Uuid(), nullable=True)
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("record_type", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("record_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("subject", sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("subject")
        batch_op.drop_column("record_id")
        batch_op.drop_column("record_type")
    op.execute("DELETE FROM summonses WHERE confirmed_by IS NULL")  # the server's: no one to name as confirming
    with op.batch_alter_table("summonses", schema=None) as batch_op:
        batch_op.alter_column("confirmed_by", existing_type=sa.Uuid(), nullable=False)
    op.drop_table("ranking_months")
    with op.batch_alter_table("inspection_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_records_inspection_id"))
    op.drop_table("inspection_records")
