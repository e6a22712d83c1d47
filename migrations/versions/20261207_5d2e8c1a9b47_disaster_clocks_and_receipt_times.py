"""The disaster statistics' reminders (disaster_clocks: the first report's deadline, each day's follow-up), with the
same partial index of the clocks still to fire as the other clock tables (the clocks' engine reads them alike); and
when a warning's 已阅 and 已传达 were done (the phone's time, corrected), beside their arrival.

Reviewed by hand: one new table; two nullable columns on warning_recipients (a receipt without one is timed by its
arrival, as before: nothing to fill in).

Revision ID: 5d2e8c1a9b47
Revises: 7a4c2e9d1f60
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from server.core.db import UTCDateTime

revision = "5d2e8c1a9b47"
down_revision = "7a4c2e9d1f60"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "disaster_clocks",
        sa.Column("disaster_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("fired_at", UTCDateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["disaster_id"], ["disasters.id"], name=op.f("fk_disaster_clocks_disaster_id_disasters")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disaster_clocks")),
        sa.UniqueConstraint("disaster_id", "kind", "due_at", name=op.f("uq_disaster_clocks_disaster_id_kind_due_at")),
    )
    with op.batch_alter_table("disaster_clocks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disaster_clocks_disaster_id"), ["disaster_id"], unique=False)
        batch_op.create_index(
            "ix_disaster_clocks_to_fire",
            ["due_at"],
            unique=False,
            postgresql_where=sa.text("fired_at IS NULL"),
            sqlite_where=sa.text("fired_at IS NULL"),
        )
    with op.batch_alter_table("warning_recipients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ack_done_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("relay_done_at", UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("warning_recipients", schema=None) as batch_op:
        batch_op.drop_column("relay_done_at")
        batch_op.drop_column("ack_done_at")
    with op.batch_alter_table("disaster_clocks", schema=None) as batch_op:
        batch_op.drop_index("ix_disaster_clocks_to_fire")
        batch_op.drop_index(batch_op.f("ix_disaster_clocks_disaster_id"))
    op.drop_table("disaster_clocks")
