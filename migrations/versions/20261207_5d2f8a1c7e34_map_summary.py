"""The map's summary and indexes (server/maps, bench/map_geojson.py).

- map_cells: the hazards with a fix of their own counted by fine cell (zoom 14), level and state, with the sums of
  their coordinates; map_cell_changes: the changes not folded in yet, appended by triggers on hazards in the
  writer's own transaction (statement triggers over the transition tables on PostgreSQL, row triggers on SQLite),
  folded by the maintenance round. Filled here from the hazards already stored.
- hazards by grid carrying (INCLUDE, PostgreSQL) what a cluster counts and a scope reads: a station's clusters;
  and by longitude and by latitude: the strips along a box's edges that whole cells leave.

Reviewed by hand: two new tables, three triggers (and a function on PostgreSQL), three indexes (SQLite has no
INCLUDE: there they are plain); building them reads the table four times.

Revision ID: 5d2f8a1c7e34
Revises: c4d17e2a9b35
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from server.maps import models as maps

revision = "5d2f8a1c7e34"
down_revision = "c4d17e2a9b35"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "map_cells",
        sa.Column("cx", sa.Integer(), nullable=False),
        sa.Column("cy", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("cx", "cy", "level", "state", name=op.f("pk_map_cells")),
    )
    op.create_table(
        "map_cell_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("cx", sa.Integer(), nullable=False),
        sa.Column("cy", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_map_cell_changes")),
    )
    with op.batch_alter_table("hazards", schema=None) as batch_op:
        batch_op.create_index(
            "ix_hazards_map_points",
            ["grid_id"],
            postgresql_include=["longitude", "latitude", "level", "state", "site_id", "reporter_id"],
        )
        batch_op.create_index("ix_hazards_longitude", ["longitude"], postgresql_include=["latitude", "level", "state"])
        batch_op.create_index("ix_hazards_latitude", ["latitude"], postgresql_include=["longitude", "level", "state"])
    dialect = op.get_bind().dialect.name
    op.execute(maps.fill(dialect))  # before the triggers, in the same transaction: each hazard counted once
    for statement in maps.POSTGRESQL if dialect == "postgresql" else maps.SQLITE:
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in maps.POSTGRESQL_DROP if dialect == "postgresql" else maps.SQLITE_DROP:
        op.execute(statement)
    with op.batch_alter_table("hazards", schema=None) as batch_op:
        batch_op.drop_index("ix_hazards_latitude")
        batch_op.drop_index("ix_hazards_longitude")
        batch_op.drop_index("ix_hazards_map_points")
    op.drop_table("map_cell_changes")
    op.drop_table("map_cells")
