"""A report's clock offset: how far the phone's clock was behind the server's when it sent the report.

Reviewed by hand: the column is nullable (reports already stored were sent without Device-Time).

Revision ID: a41c7d0e9b52
Revises: 62781b13561d
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa

revision = 'a41c7d0e9b52'
down_revision = '62781b13561d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('clock_offset_s', sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.drop_column('clock_offset_s')
