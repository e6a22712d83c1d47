"""The phone's clock offset on reports and check-ins: how far its clock was behind the server's as it sent.

Reviewed by hand: the columns are nullable (what is already stored was sent without Device-Time).

Revision ID: a41c7d0e9b52
Revises: 62781b13561d
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "a41c7d0e9b52"
down_revision = "62781b13561d"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("check_ins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("clock_offset_s", sa.Float(), nullable=True))

    with op.batch_alter_table("hazards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("clock_offset_s", sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table("hazards", schema=None) as batch_op:
        batch_op.drop_column("clock_offset_s")

    with op.batch_alter_table("check_ins", schema=None) as batch_op:
        batch_op.drop_column("clock_offset_s")
