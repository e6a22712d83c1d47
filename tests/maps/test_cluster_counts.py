"""The map's clusters count exactly what the hazard list shows for the same scope, filters and box: a supervisor's
and a station's, open and in every state, whichever way the count is read (the table, its indexes, the summary)."""

import json
import uuid

import pytest
from sqlalchemy import func, select, update

from server.core.db import db
from server.hazards.models import Hazard
from server.maps import features, summary
from server.maps.models import MapCell, MapCellChange
from tests.hazards.test_loop import act, later, report
from tests.maps.test_map import CITY, layer

EAST = "114.26,30.50,114.35,30.70"  # cuts off the hazards west of 114.26
FILTERS = ({}, {"open": "true"}, {"open": "false"}, {"level": "major"}, {"open": "true", "level": "major"})


def listed(caller, box: str, **query) -> tuple[int, int]:
    """How many hazards the list shows with these filters whose point (their own, else their site's) is in the box,
    and how many of those are major."""
    sites = {f["properties"]["id"]: f["geometry"]["coordinates"] for f in layer(caller, "sites", zoom=16)["features"]}
    resp = caller.get("/api/v1/hazards", query_string={**query, "page_size": 100})
    assert resp.status_code == 200, resp.json
    hazards = resp.json
    assert json.loads(resp.headers["X-Pagination"])["total"] == len(hazards)  # all on one page
    west, south, east, north = map(float, box.split(","))
    inside = []
    for hazard in hazards:
        if hazard["longitude"] is None:
            lon, lat = sites[hazard["site_id"]]
        else:
            lon, lat = hazard["longitude"], hazard["latitude"]
        if west <= lon <= east and south <= lat <= north:
            inside.append(hazard)
    return len(inside), sum(h["level"] == "major" for h in inside)


def clustered(caller, box: str, **query) -> tuple[int, int]:
    answer = layer(caller, "hazards", bbox=box, zoom=10, **query)
    assert answer["clustered"]
    return sum(f["properties"]["count"] for f in answer["features"]), sum(
        f["properties"]["major"] for f in answer["features"]
    )


@pytest.fixture
def hazards(app, login_as, world):
    """Hazards of both streets in every kind of state, level and place; one at the mall that the market's department
    reported (when it could: in its scope as its reporter's, not by its sector), one without a fix of its own (drawn
    at its site)."""
    worker, station = login_as("grid_worker"), login_as("station_officer")
    station_b, department = login_as("station_officer_b"), login_as("department_officer")
    made = [
        report(worker, world, latitude=30.5901, longitude=114.2702, level="major"),
        report(worker, world, latitude=30.5905, longitude=114.2710),
        report(worker, world, latitude=30.60, longitude=114.25, level="major"),  # west of EAST
        report(worker, world, latitude=None, longitude=None, accuracy_m=None),
        report(station_b, world, site_id=str(world["mall_site"]), latitude=30.61, longitude=114.29, level="major"),
        report(station_b, world, site_id=str(world["mall_site"]), latitude=30.62, longitude=114.30),
        report(station_b, world, site_id=str(world["mall_site"]), latitude=30.58, longitude=114.24, level="major"),
    ]
    with app.app_context():
        db.session.get(Hazard, uuid.UUID(made[4]["id"])).reporter_id = department.user.id
        db.session.commit()
    assert act(station, made[1]["id"], "reject", reason="重复上报").status_code == 200
    assert act(station, made[0]["id"], "acknowledge").status_code == 200
    notice = act(station, made[0]["id"], "issue_notice", deadline=later(), responsible_party="测试农贸市场有限公司")
    assert notice.status_code == 200
    assert act(station_b, made[6]["id"], "reject", reason="不属实").status_code == 200
    return {"station_officer": station, "station_officer_b": station_b, "department_officer": department}


@pytest.mark.parametrize("who", ["supervisor", "station_officer", "station_officer_b", "department_officer"])
def test_the_clusters_count_what_the_list_shows_for_the_same_scope_filters_and_box(login_as, hazards, who):
    caller = hazards.get(who) or login_as(who)
    for box in (CITY, EAST):
        for query in FILTERS:
            assert clustered(caller, box, **query) == listed(caller, box, **query), (box, query)


def test_each_office_counts_its_scope_once_and_nothing_outside_it(login_as, hazards):
    station, station_b = hazards["station_officer"], hazards["station_officer_b"]
    assert clustered(station, CITY) == (4, 2)  # its street's four, one rejected
    assert clustered(station, CITY, open="true") == (3, 2)
    assert clustered(station_b, CITY) == (3, 2)  # the mall's three
    assert clustered(station_b, CITY, open="true") == (2, 1)
    # the market's four by its sector, and its own report at the mall: counted once, though in two of its grants
    assert clustered(hazards["department_officer"], CITY) == (5, 3)
    assert clustered(login_as("department_officer"), CITY) == (4, 2)  # another officer of the market's department
    assert clustered(login_as("supervisor"), CITY) == (7, 4)


def test_a_hazards_cluster_follows_its_transitions(login_as, world, hazards):
    supervisor, station = login_as("supervisor"), hazards["station_officer"]
    before = clustered(supervisor, CITY, open="true")
    fresh = report(login_as("grid_worker"), world, latitude=30.5902, longitude=114.2703, level="major")
    assert clustered(supervisor, CITY, open="true") == (before[0] + 1, before[1] + 1)
    assert act(station, fresh["id"], "reject", reason="不属实").status_code == 200
    assert clustered(supervisor, CITY, open="true") == before
    assert clustered(supervisor, CITY, open="false") == listed(supervisor, CITY, open="false")


def features_by_cell(caller, box: str, **query) -> list:
    answer = layer(caller, "hazards", bbox=box, zoom=10, **query)
    return sorted(
        (round(f["geometry"]["coordinates"][0], 5), round(f["geometry"]["coordinates"][1], 5))
        + (f["properties"]["count"], f["properties"]["major"])
        for f in answer["features"]
    )


def test_the_summarys_clusters_are_the_tables_cell_by_cell(app, login_as, hazards):
    """The district's view with only open, state or level is read from the summary; with a filter it does not keep
    (every hazard here is a fire) from the hazards: the same clusters, before the maintenance round folds the changes
    in and after."""
    supervisor = login_as("supervisor")

    def same():
        for box in (CITY, EAST):
            fires = features_by_cell(supervisor, box, open="true", category="fire")
            assert features_by_cell(supervisor, box, open="true") == fires
            assert features_by_cell(supervisor, box) == features_by_cell(supervisor, box, category="fire")
        unboxed = layer(supervisor, "hazards", zoom=10)["features"]  # no box: the whole scope
        assert sum(f["properties"]["count"] for f in unboxed) == 7

    same()
    with app.app_context():
        assert summary.fold() > 0
        assert db.session.scalar(select(func.count()).select_from(MapCellChange)) == 0
        assert db.session.scalar(select(func.sum(MapCell.n))) == 6  # those with a fix of their own
    same()


def test_the_summary_follows_writes_made_outside_the_app_too(app, login_as, hazards):
    supervisor = login_as("supervisor")
    with app.app_context():
        summary.fold()
        # a bulk correction of fixes and of levels, as a data repair would make it: SQL, no ORM
        db.session.execute(update(Hazard).where(Hazard.latitude > 30.6).values(latitude=Hazard.latitude - 0.05))
        db.session.execute(update(Hazard).where(Hazard.state == "rejected").values(level="major"))
        db.session.commit()
    for query in FILTERS:
        assert clustered(supervisor, EAST, **query) == listed(supervisor, EAST, **query), query
    with app.app_context():
        summary.fold()
    assert clustered(supervisor, CITY) == listed(supervisor, CITY) == (7, 5)


def test_a_box_smaller_than_a_fine_cell_is_counted_from_the_table(login_as, hazards):
    supervisor = login_as("supervisor")
    tiny = "114.2700,30.5900,114.2712,30.5906"  # inside one cell of zoom 14: no whole cell to read
    assert summary.inner(features.Box(*map(float, tiny.split(",")))) is None
    assert clustered(supervisor, tiny) == listed(supervisor, tiny) == (3, 1)  # one at its site (30.59, 114.27)
