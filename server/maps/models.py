"""The map's summary of the hazards: how many there are in each fine cell, by level and state, kept by the database.

A cell of zoom FINE_ZOOM (about 500 m) is `floor((lon + 180) / FINE_CELL)` by `floor((lat + 90) / FINE_CELL)`; a cell
of any coarser zoom z is a fine one's index shifted right by FINE_ZOOM - z (the cells nest exactly: their widths are
powers of two apart). Only hazards with a fix of their own are summed (one drawn at its site moves with the site; the
map counts those few directly).

Triggers on `hazards` append every change of a summed column (a report, a transition, a fix corrected, a deletion,
whatever wrote it: the app, a bulk load, a migration) to `map_cell_changes` in the writer's own transaction: one
insert, no row updated, so concurrent reports never wait for each other on a hot cell. The maintenance round folds
the changes into `map_cells` (server/maps/summary.py); a reader adds both, so the counts are exact at any moment.
"""

from sqlalchemy import DDL, BigInteger, Float, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from server.core.db import Base

FINE_ZOOM = 14
FINE_CELL = 360.0 / 2**FINE_ZOOM * 60 / 256  # as server.maps.features.cell_degrees(FINE_ZOOM), exact in binary


class MapCell(Base):
    """A fine cell's hazards of one level and state: how many, and the sums of their coordinates (for the mean)."""

    __tablename__ = "map_cells"

    cx: Mapped[int] = mapped_column(Integer, primary_key=True)
    cy: Mapped[int] = mapped_column(Integer, primary_key=True)
    level: Mapped[str] = mapped_column(String(16), primary_key=True)
    state: Mapped[str] = mapped_column(String(24), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger, default=0)
    lon: Mapped[float] = mapped_column(Float, default=0.0)
    lat: Mapped[float] = mapped_column(Float, default=0.0)


class MapCellChange(Base):
    """A change to a fine cell not folded into map_cells yet: +n hazards (negative: gone) and their coordinates."""

    __tablename__ = "map_cell_changes"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    cx: Mapped[int] = mapped_column(Integer)
    cy: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(24))
    n: Mapped[int] = mapped_column(BigInteger)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)


def _cells(row: str, floor: str = "floor") -> str:
    """A row's fine cell and its level and state, in SQL. SQLite's CAST truncates, which is floor for the positive
    `lon + 180` and `lat + 90` (its floor() needs the math functions compiled in); PostgreSQL's rounds."""
    return (
        f"CAST({floor}(({row}.longitude + 180.0) / {FINE_CELL!r}) AS INTEGER), "
        f"CAST({floor}(({row}.latitude + 90.0) / {FINE_CELL!r}) AS INTEGER), {row}.level, {row}.state"
    )


def _placed(row: str) -> str:
    return f"{row}.longitude IS NOT NULL AND {row}.latitude IS NOT NULL"


CHANGES = "INSERT INTO map_cell_changes (cx, cy, level, state, n, lon, lat)"

# PostgreSQL: statement triggers over the transition tables, so that a bulk load appends one change per cell rather
# than one per row; an update's before and after cancel out where nothing summed changed.
POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION map_cell_changes_made() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {CHANGES} SELECT {_cells("a")}, count(*), sum(a.longitude), sum(a.latitude)
        FROM after_rows a WHERE {_placed("a")} GROUP BY 1, 2, 3, 4;
    ELSIF TG_OP = 'DELETE' THEN
        {CHANGES} SELECT {_cells("b")}, -count(*), -sum(b.longitude), -sum(b.latitude)
        FROM before_rows b WHERE {_placed("b")} GROUP BY 1, 2, 3, 4;
    ELSE
        {CHANGES} SELECT cx, cy, level, state, sum(n), sum(lon), sum(lat) FROM (
            SELECT {_cells("a")}, 1, a.longitude, a.latitude FROM after_rows a WHERE {_placed("a")}
            UNION ALL
            SELECT {_cells("b")}, -1, -b.longitude, -b.latitude FROM before_rows b WHERE {_placed("b")}
        ) AS moved (cx, cy, level, state, n, lon, lat)
        GROUP BY cx, cy, level, state HAVING sum(n) <> 0 OR sum(lon) <> 0 OR sum(lat) <> 0;
    END IF;
    RETURN NULL;
END $$""",
    *(
        f"CREATE TRIGGER hazards_map_{name} AFTER {event_} ON hazards REFERENCING {tables}"
        " FOR EACH STATEMENT EXECUTE FUNCTION map_cell_changes_made()"
        for name, event_, tables in (
            ("inserted", "INSERT", "NEW TABLE AS after_rows"),
            ("updated", "UPDATE", "OLD TABLE AS before_rows NEW TABLE AS after_rows"),
            ("deleted", "DELETE", "OLD TABLE AS before_rows"),
        )
    ),
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS hazards_map_inserted ON hazards",
    "DROP TRIGGER IF EXISTS hazards_map_updated ON hazards",
    "DROP TRIGGER IF EXISTS hazards_map_deleted ON hazards",
    "DROP FUNCTION IF EXISTS map_cell_changes_made()",
]
# SQLite has row triggers only: one change a row, and an update's only where a summed column is set
_ADDED = f"{CHANGES} SELECT {_cells('NEW', '')}, 1, NEW.longitude, NEW.latitude WHERE {_placed('NEW')};"
_REMOVED = f"{CHANGES} SELECT {_cells('OLD', '')}, -1, -OLD.longitude, -OLD.latitude WHERE {_placed('OLD')};"
SQLITE = [
    f"CREATE TRIGGER hazards_map_inserted AFTER INSERT ON hazards BEGIN {_ADDED} END",
    (
        "CREATE TRIGGER hazards_map_updated AFTER UPDATE OF longitude, latitude, level, state ON hazards"
        f" BEGIN {_REMOVED} {_ADDED} END"
    ),
    f"CREATE TRIGGER hazards_map_deleted AFTER DELETE ON hazards BEGIN {_REMOVED} END",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS hazards_map_{event_}" for event_ in ("inserted", "updated", "deleted")]


# the summary of the hazards already stored, for the migration that adds it (and a bulk load made without triggers)
def fill(dialect: str) -> str:
    return (
        "INSERT INTO map_cells (cx, cy, level, state, n, lon, lat)"
        f" SELECT {_cells('hazards', 'floor' if dialect == 'postgresql' else '')}, count(*), sum(hazards.longitude),"
        f" sum(hazards.latitude) FROM hazards WHERE {_placed('hazards')} GROUP BY 1, 2, 3, 4"
    )


@event.listens_for(Base.metadata, "after_create")
def _triggers(metadata, connection, tables=(), **kw):
    """The triggers, once the tables they join exist (create_all; a migration makes them itself)."""
    names = {table.name for table in tables}
    if not {"hazards", "map_cell_changes"} <= names:
        return
    for statement in {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(connection.dialect.name, []):
        connection.execute(DDL(statement.replace("%", "%%")))
