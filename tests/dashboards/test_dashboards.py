"""Dashboards: every figure's count is the length of the list it names, for each office's scope; periods are days in
Asia/Shanghai."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from server.core.db import db
from server.dashboards import rollup
from server.hazards.models import Hazard
from tests.conftest import uid
from tests.hazards.test_loop import SHANGHAI, report
from tests.plans.helpers import FINISHED, PERIOD, checklist, generate, inspect, make_plan

URL = "/api/v1/dashboards"
MARCH = datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI)
FAR = datetime(2099, 1, 1, tzinfo=UTC)  # a deadline still ahead whenever the test runs
PAST = datetime(2026, 3, 20, tzinfo=UTC)  # one long gone


def _set(app, hazard_id, **values):
    with app.app_context():
        db.session.execute(update(Hazard).where(Hazard.id == uuid.UUID(hazard_id)).values(**values))
        db.session.commit()


def _timed(received, *, ack_after=None, observed_before=0, offset=None, **values):
    out = {
        "received_at": received,
        "ack_due_at": received + timedelta(minutes=30),
        "observed_at": received - timedelta(minutes=observed_before),
        "clock_offset_s": offset,
        **values,
    }
    if ack_after is not None:
        out["acknowledged_at"] = received + timedelta(minutes=ack_after)
    return out


@pytest.fixture
def seeded(app, login_as, world):
    """Hazards in both streets, in March 2026 (Shanghai) and around it, in every kind of state the figures count."""
    supervisor = login_as("supervisor")

    def make(site, **values):
        hazard = report(supervisor, world, site_id=str(world[site]), level=values.pop("level", "general"))
        _set(app, hazard["id"], **values)
        return hazard["id"]

    made = {
        # street A (民族街道), the market (sector market)
        "a_open": make("market_site", **_timed(MARCH, ack_after=10), state="acknowledged"),
        "a_overdue": make(
            "market_site", **_timed(MARCH, ack_after=45), state="rectifying", deadline=PAST, level="major"
        ),
        "a_closed_on_time": make(
            "market_site",
            **_timed(MARCH, ack_after=5, observed_before=40),  # in time from arrival, late from observation
            state="closed",
            deadline=MARCH + timedelta(days=5),
            closed_at=MARCH + timedelta(days=2),
        ),
        "a_closed_late": make(
            "fire_lane",
            **_timed(MARCH, ack_after=20, observed_before=20, offset=15 * 60),  # the phone ran 15 minutes slow
            state="closed",
            deadline=MARCH + timedelta(days=1),
            closed_at=MARCH + timedelta(days=3),
        ),
        "a_listed": make(
            "market_site",
            **_timed(MARCH),
            state="rectifying",
            deadline=FAR,
            level="major",
            listed_at=MARCH + timedelta(days=1),
            listing_number="督〔2026〕1号",
        ),
        "a_rejected": make("market_site", **_timed(MARCH), state="rejected"),
        # the first minutes of 1 March in Shanghai are still 28 February in UTC: March's
        "a_first_minute": make("market_site", **_timed(datetime(2026, 2, 28, 16, 30, tzinfo=UTC)), state="reported"),
        # and the first minutes of 1 April in Shanghai are still 31 March in UTC: not March's
        "a_april": make("market_site", **_timed(datetime(2026, 3, 31, 16, 30, tzinfo=UTC)), state="reported"),
        "a_february": make(
            "market_site",
            **_timed(datetime(2026, 2, 10, tzinfo=UTC), ack_after=5),
            state="closed",
            closed_at=MARCH,
            deadline=FAR,
            delisted_at=MARCH,
            listed_at=datetime(2026, 2, 11, tzinfo=UTC),
            level="major",
        ),
        # street B (花楼街道), the mall (sector commerce)
        "b_overdue": make("mall_site", **_timed(MARCH, ack_after=3), state="rectifying", deadline=PAST),
        "b_waiting": make("mall_site", **_timed(MARCH), state="reported"),
    }
    return made


def _figures(node, path=""):
    """Every figure ({count, list}) in a dashboard answer, with where it is."""
    if isinstance(node, dict):
        if "count" in node and "list" in node:
            yield path, node
        for key, value in node.items():
            yield from _figures(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _figures(value, f"{path}[{i}]")


def _listed(caller, figure) -> int:
    resp = caller.get(figure["list"]["path"], query_string={**figure["list"]["query"], "page_size": 100})
    assert resp.status_code == 200, (figure, resp.json)
    total = json.loads(resp.headers["X-Pagination"])["total"]
    assert total == len(resp.json) or total > 100
    return total


def _dashboard(caller, **query):
    resp = caller.get(URL, query_string={"period": "2026-03", **query})
    assert resp.status_code == 200, resp.json
    return resp.json


@pytest.mark.parametrize("person", ["supervisor", "station_officer", "department_officer"])
def test_each_figure_is_the_length_of_its_list(login_as, seeded, person):
    caller = login_as(person)
    data = _dashboard(caller)
    figures = list(_figures(data))
    assert len(figures) > 40
    for where, figure in figures:
        assert _listed(caller, figure) == figure["count"], where


def test_the_districts_figures(login_as, seeded, world):
    data = _dashboard(login_as("supervisor"))
    assert data["period"] == {"key": "2026-03", "from": "2026-03-01", "to": "2026-03-31"}
    # found in March (Shanghai): 9, the first minute of 1 March in, the first of 1 April and February's out
    assert data["found"]["all"]["count"] == 9
    assert data["found"]["major"]["count"] == 2 and data["found"]["general"]["count"] == 7
    assert data["closed"]["all"]["count"] == 2
    assert data["closure_rate"]["value"] == round(2 / 8, 4)  # the rejected one never entered the loop
    assert data["open"]["all"]["count"] == 6
    assert data["overdue"]["all"]["count"] == 2 and data["overdue"]["major"]["count"] == 1
    assert data["overdue_ack"]["all"]["count"] == 3  # reported, and their 30 minutes long gone
    assert data["on_time"]["yes"]["count"] == 1 and data["on_time"]["no"]["count"] == 1
    assert data["on_time"]["value"] == 0.5
    # from arrival: 10, 45, 5, 20, 3 minutes → 4 of 5; from observation: 10, 45, 45, 40 − 15 = 25, 3 → 3 of 5
    assert data["ack_on_time"]["yes"]["count"] == 4 and data["ack_on_time"]["no"]["count"] == 1
    assert data["ack_on_time_observed"]["yes"]["count"] == 3 and data["ack_on_time_observed"]["no"]["count"] == 2
    assert data["listed"]["count"] == 1 and data["delisted"]["count"] == 1 and data["listed_now"]["count"] == 1
    streets = {s["street_id"]: s for s in data["streets"]}
    assert set(streets) == {world["street_a"], world["street_b"]}
    assert streets[world["street_a"]]["overdue"]["count"] == 1 and streets[world["street_b"]]["overdue"]["count"] == 1
    assert streets[world["street_a"]]["found"]["count"] == 7
    months = [month["month"] for month in data["trend"]]
    assert len(months) == 12 and months[-1] == "2026-03" and months[0] == "2025-04"
    trend = {month["month"]: month for month in data["trend"]}
    assert trend["2026-03"]["found"]["count"] == 9 and trend["2026-02"]["found"]["count"] == 1
    assert trend["2026-03"]["closed"]["count"] == 3  # February's hazard was closed in March


def test_a_station_officer_sees_only_their_street(login_as, seeded, world):
    data = _dashboard(login_as("station_officer"))
    assert [s["street_id"] for s in data["streets"]] == [world["street_a"]]
    assert data["found"]["all"]["count"] == 7 and data["overdue"]["all"]["count"] == 1
    # asking for the other street narrows to nothing: the scope is never widened
    other = _dashboard(login_as("station_officer"), area_id=world["street_b"])
    assert other["found"]["all"]["count"] == 0 and other["streets"] == []


def test_a_department_sees_its_sector(login_as, seeded):
    data = _dashboard(login_as("department_officer"))  # the market sector
    assert data["found"]["all"]["count"] == 6  # street A's market hazards; the fire lane has no enterprise


def test_narrowing_by_community_sector_and_site_type(login_as, seeded, world):
    supervisor = login_as("supervisor")
    assert _dashboard(supervisor, area_id=world["comm_b"])["found"]["all"]["count"] == 2
    assert _dashboard(supervisor, sector="commerce")["found"]["all"]["count"] == 2
    by_type = _dashboard(supervisor, site_type="fire_lane")
    assert by_type["found"]["all"]["count"] == 1 and by_type["on_time"]["no"]["count"] == 1
    for where, figure in _figures(by_type):
        assert _listed(supervisor, figure) == figure["count"], where


def test_who_may_see_dashboards_and_what_is_refused(login_as):
    assert login_as("grid_worker").get(URL).status_code == 403
    assert login_as("enterprise_user").get(URL).status_code == 403
    supervisor = login_as("supervisor")
    assert supervisor.get(URL).status_code == 200  # this month by default
    bad = supervisor.get(URL, query_string={"period": "2026-13"})
    assert bad.status_code == 422 and bad.json["code"] == "validation_error"
    assert supervisor.get(URL, query_string={"area_id": 999999}).status_code == 404


def test_the_hazard_list_takes_the_new_filters(login_as, seeded):
    supervisor = login_as("supervisor")

    def ids(**query):
        resp = supervisor.get("/api/v1/hazards", query_string={**query, "page_size": 100})
        assert resp.status_code == 200, resp.json
        return {h["id"] for h in resp.json}

    march = {"from": "2026-03-01", "to": "2026-03-31"}
    assert seeded["a_first_minute"] in ids(**march) and seeded["a_april"] not in ids(**march)
    assert ids(**march, on_time="false") == {seeded["a_closed_late"]}
    assert ids(ack_on_time_observed="false", **march) == {seeded["a_overdue"], seeded["a_closed_on_time"]}
    assert ids(dated="delisted", **march) == {seeded["a_february"]}
    assert ids(sector="commerce", overdue="true") == {seeded["b_overdue"]}
    bad = supervisor.get("/api/v1/hazards", query_string={"from": "2026-03-31", "to": "2026-03-01"})
    assert bad.status_code == 422


def test_coverage_inspections_and_check_ins_are_their_lists(login_as, world):
    """This month: a plan's tasks over street A's community, one done by an inspection, and a check-in without a
    location (flagged): the work figures count them and their lists hold them, for the district and the street."""
    admin, supervisor, worker = login_as("district_admin"), login_as("supervisor"), login_as("grid_worker")
    template = checklist(login_as)
    generate(admin, make_plan(admin, template, world))
    inspect(worker, template, world["market_site"])
    tag = login_as("station_officer").post(f"/api/v1/sites/{world['market_site']}/tag").json
    odd = {"id": uid(), "code": tag["code"], "observed_at": FINISHED.isoformat(), "latitude": None, "longitude": None}
    assert worker.post("/api/v1/checkins", json=odd).status_code == 201
    for caller in (supervisor, login_as("station_officer")):
        data = _dashboard(caller, period=PERIOD)
        assert data["coverage"]["planned"] == 2 and data["coverage"]["done"]["count"] == 1
        assert data["inspections"]["done"]["count"] == 1 and data["inspections"]["mean_score"] == 100.0
        assert data["flagged_checkins"]["count"] == 1
        for where, figure in _figures(data):
            assert _listed(caller, figure) == figure["count"], where
    assert _dashboard(login_as("station_officer_b"), period=PERIOD)["coverage"]["planned"] == 0


@pytest.mark.parametrize("person", ["supervisor", "station_officer", "department_officer"])
def test_each_figure_is_the_length_of_its_list_with_the_months_frozen(app, login_as, seeded, person):
    """The same with every month that ended frozen into the trend's rollup (dashboards.rollup), as the maintenance
    round leaves them: the trend's months are then read from it, and still count what their lists hold."""
    with app.app_context():
        assert "2026-03" in rollup.freeze_ended_months()
    caller = login_as(person)
    for where, figure in _figures(_dashboard(caller)):
        assert _listed(caller, figure) == figure["count"], where
