"""A transfer (移送) is recorded on the hazard: when a station last transferred it to its sector's department, which
may then acknowledge it (hazards.machine `transferred`).

Reviewed by hand: the column is nullable (a hazard never transferred has none); hazards transferred before it existed
get the time of their last transfer event from the event chain, which recorded every one.

Revision ID: 3f6a2d9c8b14
Revises: d8a3f61c2b94
Create Date: 2026-12-03
"""

import uuid

import sqlalchemy as sa
from alembic import op

import server.core.db

revision = "3f6a2d9c8b14"
down_revision = "d8a3f61c2b94"
branch_labels = None
depends_on = None

hazards = sa.table(
    "hazards", sa.column("id", sa.Uuid()), sa.column("transferred_at", server.core.db.UTCDateTime(timezone=True))
)
events = sa.table(
    "events",
    sa.column("record_type", sa.String()),
    sa.column("record_id", sa.String()),
    sa.column("action", sa.String()),
    sa.column("at", server.core.db.UTCDateTime(timezone=True)),
)


def upgrade():
    with op.batch_alter_table("hazards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("transferred_at", server.core.db.UTCDateTime(timezone=True), nullable=True))
    connection = op.get_bind()
    last = connection.execute(
        sa.select(events.c.record_id, sa.func.max(events.c.at))
        .where(events.c.record_type == "hazard", events.c.action == "transfer")
        .group_by(events.c.record_id)
    ).all()
    for record_id, at in last:
        connection.execute(hazards.update().where(hazards.c.id == uuid.UUID(record_id)).values(transferred_at=at))


def downgrade():
    with op.batch_alter_table("hazards", schema=None) as batch_op:
        batch_op.drop_column("transferred_at")
