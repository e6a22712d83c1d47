"""The hazards' clusters read from the map's summary (server/maps/models.py) where it answers exactly, and the
maintenance round that folds its changes.

It answers the district-wide scope (every hazard: no grid, enterprise or reporter to tell apart) with no filter but
open, state and level, which it keeps. Of a box it answers the fine cells wholly inside; the strips along the edges,
whose cells the box cuts, and the hazards drawn at their site are counted from the hazards themselves, so that the
whole is exactly the hazards within the box.
"""

import math
from dataclasses import dataclass

from sqlalchemy import Integer, case, cast, delete, func, select, union_all

from server.core.db import conflict_insert, db
from server.hazards.filters import ENDED
from server.hazards.models import Hazard
from server.jobs import periodic
from server.maps.models import FINE_CELL, FINE_ZOOM, MapCell, MapCellChange

ANSWERED = {"open", "state", "level", "dated"}  # dated says only which date from/to mean: with neither, nothing
COLUMNS = ("cx", "cy", "level", "state", "n", "lon", "lat")
EDGE = 1e-6  # degrees: a strip's range, a little wider than its cells, for its index; the cells decide exactly


@dataclass(frozen=True)
class Inner:
    """The fine cells wholly inside a box: cx from west up to (not including) east, cy from south up to north."""

    west: int
    east: int
    south: int
    north: int


def answers(kind: str, everywhere: bool, filters: dict) -> bool:
    return kind == "hazards" and everywhere and set(filters) <= ANSWERED


def inner(box) -> Inner | None:
    """The box's whole fine cells, or None if it holds none. A cell's index only grows with its coordinate (the same
    IEEE arithmetic here and in SQL), so a cell after the west edge's own cell holds only points east of that edge,
    and one before the east edge's only points west of it."""
    if box is None:
        return Inner(0, 2**31 - 1, 0, 2**31 - 1)
    found = Inner(
        math.floor((box.west + 180.0) / FINE_CELL) + 1,
        math.floor((box.east + 180.0) / FINE_CELL),
        math.floor((box.south + 90.0) / FINE_CELL) + 1,
        math.floor((box.north + 90.0) / FINE_CELL),
    )
    return found if found.west < found.east and found.south < found.north else None


def cell_index(value, offset: float, width: float = FINE_CELL):
    """A coordinate's cell in SQL, `floor((value + offset) / width)`, as the triggers compute it (SQLite's CAST
    truncates: floor, for the positive value + offset; PostgreSQL's rounds)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(func.floor((value + offset) / width), Integer)
    return cast((value + offset) / width, Integer)


def strips(inside: Inner) -> list:
    """The box's edges outside its whole cells as four disjoint conditions on a hazard's own fix (west, east, then
    south and north between them), each with a range its coordinate's index reads."""
    lon, lat = Hazard.longitude, Hazard.latitude
    cx, cy = cell_index(lon, 180.0), cell_index(lat, 90.0)
    between = [cx >= inside.west, cx < inside.east]
    return [
        [lon < inside.west * FINE_CELL - 180.0 + EDGE, cx < inside.west],
        [lon > inside.east * FINE_CELL - 180.0 - EDGE, cx >= inside.east],
        [*between, lat < inside.south * FINE_CELL - 90.0 + EDGE, cy < inside.south],
        [*between, lat > inside.north * FINE_CELL - 90.0 - EDGE, cy >= inside.north],
    ]


def cells(filters: dict, inside: Inner, zoom: int):
    """The statement of the clusters at `zoom` of the whole cells inside: the folded cells and the changes since,
    added up, of the hazards the filters select."""
    shift = 2 ** (FINE_ZOOM - zoom)
    both = union_all(*(select(*(getattr(model, name) for name in COLUMNS)) for model in (MapCell, MapCellChange)))
    both = both.subquery("cells")
    where = [both.c.cx >= inside.west, both.c.cx < inside.east, both.c.cy >= inside.south, both.c.cy < inside.north]
    if filters.get("open") is not None:
        where.append(~both.c.state.in_(ENDED) if filters["open"] else both.c.state.in_(ENDED))
    where += [both.c[name] == filters[name] for name in ("state", "level") if name in filters]
    gx, gy = (both.c.cx // shift).label("cx"), (both.c.cy // shift).label("cy")
    major = func.sum(case((both.c.level == "major", both.c.n), else_=0))
    return (
        select(
            gx,
            gy,
            func.sum(both.c.n).label("n"),
            func.sum(both.c.lon).label("lon"),
            func.sum(both.c.lat).label("lat"),
            major,
        )
        .where(*where)
        .group_by(gx, gy)
    )


def fold() -> int:
    """Fold the changes appended so far into map_cells, in one transaction: readers see them before or after, never
    twice. Each change is claimed by the DELETE that returns it, so rounds running at once in several processes never
    fold one twice. Returns how many were folded."""
    table = MapCellChange.__table__
    claimed = db.session.execute(
        delete(table).returning(
            table.c.cx, table.c.cy, table.c.level, table.c.state, table.c.n, table.c.lon, table.c.lat
        )
    ).all()
    sums = {}
    for cx, cy, level, state, n, lon, lat in claimed:
        was = sums.get((cx, cy, level, state), (0, 0.0, 0.0))
        sums[(cx, cy, level, state)] = (was[0] + n, was[1] + lon, was[2] + lat)
    if sums:
        cells_ = MapCell.__table__
        stmt = conflict_insert(cells_, db.session.get_bind().dialect.name)
        stmt = stmt.on_conflict_do_update(
            index_elements=[cells_.c.cx, cells_.c.cy, cells_.c.level, cells_.c.state],
            set_={name: cells_.c[name] + stmt.excluded[name] for name in ("n", "lon", "lat")},
        )
        rows = [  # in the key's order: rounds folding at once lock the cells they share in the same order
            {"cx": cx, "cy": cy, "level": level, "state": state, "n": n, "lon": lon, "lat": lat}
            for (cx, cy, level, state), (n, lon, lat) in sorted(sums.items())
        ]
        db.session.execute(stmt, rows)
        db.session.execute(delete(cells_).where(cells_.c.n == 0))  # a cell emptied
    db.session.commit()
    return len(claimed)


periodic(fold)
