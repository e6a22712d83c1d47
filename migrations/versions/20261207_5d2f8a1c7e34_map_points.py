"""The map's index (server/maps): the open hazards by grid, carrying on PostgreSQL (INCLUDE) their point, level,
state, site and reporter, so that the clusters of the default view (open hazards) of the city or of a station's
grids are index-only scans of the open rows instead of reading the million (bench/map_geojson.py).

Reviewed by hand: one partial index (SQLite has no INCLUDE: there it is the grid alone); building it reads the
table once.

Revision ID: 5d2f8a1c7e34
Revises: 7a4c2e9d1f60
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "5d2f8a1c7e34"
down_revision = "7a4c2e9d1f60"
branch_labels = None
depends_on = None

OPEN = "state NOT IN ('closed', 'rejected', 'merged')"


def upgrade():
    with op.batch_alter_table("hazards", schema=None) as batch_op:
        batch_op.create_index(
            "ix_hazards_open_points",
            ["grid_id"],
            postgresql_include=["longitude", "latitude", "level", "state", "site_id", "reporter_id"],
            postgresql_where=sa.text(OPEN),
            sqlite_where=sa.text(OPEN),
        )


def downgrade():
    with op.batch_alter_table("hazards", schema=None) as batch_op:
        batch_op.drop_index("ix_hazards_open_points")
