"""Coverage: planned against done by area, site type and sector, the flagged apart, within the caller's scope; and
indicator 11 (high-risk enterprises above designated size, enforced at least once this year)."""

import pytest

from server.areas.models import Area
from server.core.db import db
from tests.conftest import make_enterprise, make_site
from tests.inspections.factory import published, template_body
from tests.inspections.test_inspections import checked_in
from tests.plans.helpers import PERIOD, checklist, generate, inspect, make_plan, someone

URL = "/api/v1/coverage"


@pytest.fixture
def covered(app, client, login_as, world):
    """Street A's community: the market done with a check-in, the fire lane done without one (flagged)."""
    station, worker = login_as("station_officer"), login_as("grid_worker")
    other = someone(app, client, "grid_worker", area_id=world["grid_a2"])
    template = checklist(login_as)
    generate(station, make_plan(station, template, world))
    inspect(worker, template, world["market_site"], checkin_id=checked_in(worker, login_as, world))
    inspect(other, template, world["fire_lane"])
    return station


def figures(caller, by, **query):
    got = caller.get(URL, query_string={"period": PERIOD, "by": by, **query})
    assert got.status_code == 200, got.json
    return {
        row["name"]: (row["planned"], row["done"], row["flagged"], row["rate"], row["verified_rate"])
        for row in got.json["rows"]
    }, got.json["total"]


def test_coverage_counts_planned_and_done_with_the_flagged_apart(covered):
    by_grid, total = figures(covered, "grid")
    assert by_grid == {"测试网格A1-1": (1, 1, 0, 100.0, 100.0), "测试网格A1-2": (1, 1, 1, 100.0, 0.0)}
    assert (total["planned"], total["done"], total["flagged"], total["open"]) == (2, 2, 1, 0)
    assert figures(covered, "community")[0] == {"测试社区A1": (2, 2, 1, 100.0, 50.0)}
    assert figures(covered, "street")[0] == {"民族街道": (2, 2, 1, 100.0, 50.0)}
    assert figures(covered, "site_type")[0] == {"农贸市场": (1, 1, 0, 100.0, 100.0), "消防通道": (1, 1, 1, 100.0, 0.0)}
    assert figures(covered, "sector")[0] == {"农贸市场": (1, 1, 0, 100.0, 100.0), "无企业": (1, 1, 1, 100.0, 0.0)}


def test_coverage_moves_as_tasks_are_done(login_as, world):
    station, worker = login_as("station_officer"), login_as("grid_worker")
    template = checklist(login_as)
    generate(station, make_plan(station, template, world))
    assert figures(station, "community")[0] == {"测试社区A1": (2, 0, 0, 0.0, 0.0)}
    inspect(worker, template, world["market_site"], checkin_id=checked_in(worker, login_as, world))
    assert figures(station, "community")[0] == {"测试社区A1": (2, 1, 0, 50.0, 50.0)}


def test_coverage_is_within_the_caller_s_scope(covered, login_as):
    rows, total = figures(login_as("station_officer_b"), "street")  # another street's station
    assert rows == {} and total["planned"] == 0 and total["rate"] is None
    assert figures(login_as("supervisor"), "street")[1]["planned"] == 2
    assert figures(login_as("department_officer"), "grid")[0] == {"测试网格A1-1": (1, 1, 0, 100.0, 100.0)}  # markets
    assert login_as("grid_worker").get(URL, query_string={"period": PERIOD}).status_code == 403


@pytest.mark.parametrize(
    "query",
    [{}, {"period": "2026-13"}, {"period": "December"}, {"period": PERIOD, "by": "planet"}, {"period": PERIOD, "x": 1}],
)
def test_a_bad_coverage_query_is_a_422_naming_it(covered, query):
    got = covered.get(URL, query_string=query)
    assert got.status_code == 422 and got.json["code"] == "validation_error" and got.json["errors"]["query"]


def test_indicator_11_counts_the_high_risk_enterprises_enforced_this_year(app, login_as, world):
    with app.app_context():
        street_a = db.session.get(Area, world["street_a"])
        grid = db.session.get(Area, world["grid_a1"])
        enforced = make_enterprise(
            name="甲危化品公司", sector="hazardous_chemicals", area=street_a, above_designated_size=True
        )
        make_enterprise(name="乙危化品公司", sector="hazardous_chemicals", area=street_a, above_designated_size=True)
        make_enterprise(name="丙危化品公司", sector="hazardous_chemicals", area=street_a)  # below designated size
        site = make_site(name="甲公司仓库", type="hazardous_chemicals", grid=grid, enterprise=enforced)
        db.session.commit()
    officer, supervisor = login_as("enforcement_officer"), login_as("supervisor")
    anywhere = published(login_as("admin"), **template_body(kind="enforcement", site_types=[]))
    inspect(officer, anywhere, site.id, mode="unannounced")
    got = supervisor.get(f"{URL}/indicator-11")
    assert got.status_code == 200, got.json
    assert (got.json["enterprises"], got.json["inspected"], got.json["rate"], got.json["target"]) == (2, 1, 50.0, 100.0)
    assert [unit["name"] for unit in got.json["uninspected"]] == ["乙危化品公司"]
    assert supervisor.get(f"{URL}/indicator-11", query_string={"year": 1999}).status_code == 422
