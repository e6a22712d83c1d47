"""The district's dashboard at a desk: the supervisor opens it from their home, taps a street's overdue count, and the
hazard list it opens holds exactly that many hazards, all of that street and overdue."""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.e2e import live
from tests.e2e.live import ok

pytestmark = pytest.mark.e2e


def test_the_supervisor_drills_from_a_streets_overdue_count_to_its_list(screen_as, api_as):
    supervisor = api_as("demo-supervisor")
    data = ok(supervisor.get("/api/v1/dashboards"))
    street = max(data["streets"], key=lambda s: s["overdue"]["count"])
    expected = street["overdue"]["count"]
    assert expected > 0, "the demo data has overdue hazards"

    page = screen_as("demo-supervisor", live.DESK)
    page.get_by_test_id("dashboard-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("统计看板", timeout=15_000)
    count = page.get_by_test_id(f"street-overdue-{street['street_id']}")
    expect(count).to_have_text(str(expected), timeout=15_000)
    count.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("隐患查询")
    expect(page.get_by_test_id("hazards-label")).to_have_text(f"{street['street_name']} · 当前逾期整改")
    expect(page.get_by_test_id("hazards-total")).to_have_text(f"共 {expected} 条", timeout=15_000)
    shown = min(expected, 50)
    expect(page.locator("main ul.list > li")).to_have_count(shown)
    # the list the app asked for is the figure's: the street's hazards being rectified past their deadline
    query = dict(re.findall(r"([^?&=]+)=([^&]*)", page.url.split("?", 1)[1]))
    assert query["area_id"] == str(street["street_id"]) and query["overdue"] == "true"
    listed = supervisor.get("/api/v1/hazards", params={"area_id": street["street_id"], "overdue": "true"})
    assert json.loads(ok(listed) and listed.headers["x-pagination"])["total"] == expected


def test_the_dashboard_reads_on_a_phone_with_the_stations_street_only(screen_as, api_as):
    district = ok(api_as("demo-supervisor").get("/api/v1/dashboards"))
    street = next(s for s in district["streets"] if s["street_name"] == "民族街道")
    page = screen_as("demo-station", live.PHONE_360)
    page.get_by_test_id("dashboard-link").click()
    # the station's figures are its street's: the district's line for 民族街道, and no other street's
    expect(page.get_by_test_id("dash-found")).to_contain_text(str(street["found"]["count"]), timeout=15_000)
    expect(page.get_by_test_id("dash-streets").locator("tbody th")).to_have_text(["民族街道"])
    # nothing wider than the screen: the tiles wrap, the charts scale
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
