"""The map's features: each layer's points within a bounding box, scoped and filtered as its list is, as GeoJSON.

Coordinates are WGS-84 as stored, [longitude, latitude] (RFC 7946 §3.1.1). Zoomed out (below CLUSTER_BELOW), points
are counted in SQL on a grid of cells about CELL_PX screen pixels wide at that zoom (a cell is 360° / 2^zoom of a
256-pixel tile, scaled), one feature per non-empty cell at the mean of its points, with its count: a city-wide box
answers with a few hundred features whatever the number of rows; the district's hazards are read from the map's
summary where it answers exactly (server/maps/summary.py). Zoomed in, the points themselves, at most MAX_FEATURES of
them (then `truncated` says so).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select, true
from sqlalchemy.orm import aliased
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BooleanClauseList

from server.checkins.models import CheckIn
from server.core.db import db
from server.hazards.machine import STATES
from server.hazards.models import LEVELS, Hazard
from server.ledgers.sheets import LEDGERS, PLACE, Caller
from server.maps import summary
from server.sites.models import RISK_LEVELS, SITE_TYPES, Site

CLUSTER_BELOW = 15  # zoom levels below this are clustered
CELL_PX = 60
MAX_FEATURES = 5000
FIX = aliased(Site, name="fix")  # the site whose coordinates a record without its own is drawn at


@dataclass(frozen=True)
class Box:
    west: float
    south: float
    east: float
    north: float


def cell_degrees(zoom: int) -> float:
    return 360.0 / (2**zoom) * CELL_PX / 256


def _at_site(model, own):
    """A record's own coordinate, else its site's: the site read only where the record has none (COALESCE stops at
    the first value), so a city-wide count of a million hazards joins no site."""
    site = select(own(FIX)).where(FIX.id == model.site_id).correlate(model).scalar_subquery()
    return func.coalesce(own(model), site)


def _point(kind: str):
    """The layer's statement base and its longitude and latitude: a hazard or a check-in without its own fix is
    drawn at its site."""
    if kind == "sites":
        return select().select_from(Site), Site.longitude, Site.latitude
    model = Hazard if kind == "hazards" else CheckIn
    return (
        select().select_from(model),
        _at_site(model, lambda m: m.longitude),
        _at_site(model, lambda m: m.latitude),
    )


def _placed(lon, lat, box: Box | None) -> list:
    clauses = [lon.is_not(None), lat.is_not(None)]
    if box is not None:
        clauses += [lon >= box.west, lon <= box.east, lat >= box.south, lat <= box.north]
    return clauses


def collection(caller: Caller, kind: str, filters: dict, box: Box | None, zoom: int, now: datetime) -> dict:
    clauses = LEDGERS[kind].where(caller, filters, now)
    if zoom < CLUSTER_BELOW:
        summarised = summary.answers(kind, caller.grants("hazards.view").everywhere, filters)
        return _clusters(kind, clauses, box, zoom, filters if summarised else None)
    base, lon, lat = _point(kind)
    return _points(kind, base, lon, lat, [*clauses, *_placed(lon, lat, box)])


def _sources(kind: str):
    """Where a layer's points are, as (statement base, longitude, latitude, condition), each counted on its own: the
    records with a fix of their own by their plain columns (the many: no expression a row, no join), then those
    without one at their site (joined for those alone)."""
    if kind == "sites":
        return [(select().select_from(Site), Site.longitude, Site.latitude, None)]
    model = Hazard if kind == "hazards" else CheckIn
    at_site = select().select_from(model).join(FIX, FIX.id == model.site_id)
    return [
        (select().select_from(model), model.longitude, model.latitude, None),
        (at_site, FIX.longitude, FIX.latitude, model.longitude.is_(None) | model.latitude.is_(None)),
    ]


def _parts(clauses: list) -> list[list]:
    """The clauses as disjoint parts whose rows add up to theirs: a scope (the first clause) `a OR b OR c` as `a`, then
    `b AND a IS NOT TRUE`, then `c AND a IS NOT TRUE AND b IS NOT TRUE`. Each part reads its own index (a station's
    grids by ix_hazards_map_points, its own reports by the reporter's), where the OR of a subquery and a column reads
    every row; no row is in two parts, so each is counted once."""
    scope, rest = clauses[0], clauses[1:]
    if not (isinstance(scope, BooleanClauseList) and scope.operator is operators.or_):
        return [clauses]
    grants = list(scope.clauses)
    return [[grant, *(before.is_not(true()) for before in grants[:i]), *rest] for i, grant in enumerate(grants)]


def _clusters(kind, clauses, box: Box | None, zoom: int, summarised: dict | None) -> dict:
    """The clusters of the cells of `zoom` (a point's cell: floor((lon + 180) / cell), floor((lat + 90) / cell)).
    `summarised`: the filters, when the summary answers them (server/maps/summary.py): it then counts the box's whole
    fine cells, and the table the rest."""
    cell = cell_degrees(zoom)
    inside = summary.inner(box) if summarised is not None else None
    if kind == "hazards":
        notable = func.sum(case((Hazard.level == "major", 1), else_=0))
    elif kind == "checkins":
        notable = func.sum(case((CheckIn.flagged, 1), else_=0))
    else:
        notable = func.sum(case((Site.risk_level.in_(("major", "high")), 1), else_=0))
    cells = {}
    counts = []
    for base, lon, lat, condition in _sources(kind):
        cx = summary.cell_index(lon, 180.0, cell).label("cx")
        cy = summary.cell_index(lat, 90.0, cell).label("cy")
        columns = [cx, cy, func.count().label("n"), func.sum(lon).label("lon"), func.sum(lat).label("lat"), notable]
        placed = [*_placed(lon, lat, box), *([condition] if condition is not None else [])]
        if inside is not None and condition is None:  # those with a fix of their own: the summary's, and the edges
            counts.append(summary.cells(summarised, inside, zoom))
            edges = summary.strips(inside) if box is not None else []
            counts += [base.add_columns(*columns).where(*clauses, *placed, *edge).group_by(cx, cy) for edge in edges]
            continue
        counts += [base.add_columns(*columns).where(*part, *placed).group_by(cx, cy) for part in _parts(clauses)]
    for stmt in counts:
        for row in db.session.execute(stmt).all():
            if not row.n:  # a summary's cell emptied since its last fold
                continue
            n, lons, lats, marked = cells.get((row.cx, row.cy), (0, 0.0, 0.0, 0))
            cells[(row.cx, row.cy)] = (n + int(row.n), lons + row.lon, lats + row.lat, marked + int(row[5] or 0))
    name = {"hazards": "major", "checkins": "flagged", "sites": "high"}[kind]
    features = [
        _feature(lons / n, lats / n, {"cluster": True, "count": n, "layer": kind, name: marked})
        for n, lons, lats, marked in cells.values()
    ]
    return {"type": "FeatureCollection", "features": features, "clustered": True, "truncated": False}


def _points(kind, base, lon, lat, clauses) -> dict:
    if kind == "sites":
        columns = [Site.id, Site.name, Site.type, Site.risk_level]
    elif kind == "hazards":
        columns = [Hazard.id, Hazard.level, Hazard.state, Hazard.description, PLACE.name.label("site")]
    else:
        columns = [CheckIn.id, CheckIn.flagged, CheckIn.received_at, PLACE.name.label("site")]
    if kind != "sites":  # the site's name, for the point's popup
        base = base.outerjoin(PLACE, PLACE.id == (Hazard.site_id if kind == "hazards" else CheckIn.site_id))
    rows = db.session.execute(
        base.add_columns(*columns, lon.label("lon"), lat.label("lat")).where(*clauses).limit(MAX_FEATURES + 1)
    ).all()
    truncated = len(rows) > MAX_FEATURES
    features = [_feature(row.lon, row.lat, _properties(kind, row)) for row in rows[:MAX_FEATURES]]
    return {"type": "FeatureCollection", "features": features, "clustered": False, "truncated": truncated}


def _properties(kind: str, row) -> dict:
    if kind == "sites":
        return {
            "layer": kind,
            "id": str(row.id),
            "name": row.name,
            "type": SITE_TYPES.get(row.type, (row.type,))[0],
            "risk_level": row.risk_level,
            "risk": RISK_LEVELS.get(row.risk_level, (row.risk_level,))[0],
        }
    if kind == "hazards":
        return {
            "layer": kind,
            "id": str(row.id),
            "level": row.level,
            "level_name": LEVELS.get(row.level, (row.level,))[0],
            "state": STATES.get(row.state, (row.state,))[0],
            "description": row.description[:80],
            "site": row.site or "",
        }
    return {
        "layer": kind,
        "id": str(row.id),
        "flagged": bool(row.flagged),
        "received_at": row.received_at.isoformat(),
        "site": row.site or "",
    }


def _feature(lon: float, lat: float, properties: dict) -> dict:
    # RFC 7946 §11.2: six decimal places are about 10 cm, more than any phone's fix
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(float(lon), 6), round(float(lat), 6)]},
        "properties": properties,
    }
