"""The two-monthly scorecards (双月考核) as their readers see them, on the demo's year: the district's supervisor at a
desk opens them from the home, sees all 14 streets ranked for the last period ended, opens one street's lines with
their raw numbers, weight and points (the figures the API gives), and turns to the departments; a street station
on a 360 px phone sees its own street's card only."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e import live

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SMALL = {"viewport": {"width": 360, "height": 740}}
STREETS = 14
SHOTS = os.environ.get("SAFEGRID_SCREENSHOTS")  # a folder to keep the screens in, to look at them


def shot(page, name):
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_the_supervisor_sees_every_street_ranked_and_opens_one(screen_as, api_as):
    cards = api_as("demo-supervisor").get("/api/v1/scorecards?level=street").json()
    assert cards["ranked"] == STREETS
    page = screen_as("demo-supervisor", live.DESK)
    page.get_by_test_id("scorecards-link").first.click()
    expect(page.get_by_role("heading", name="双月考核")).to_be_visible()
    rows = page.get_by_test_id("scorecard-row")
    expect(rows).to_have_count(STREETS)
    expect(page.get_by_test_id("scorecards-summary")).to_contain_text(f"共 {STREETS} 个单位参与排名")
    expect(page.get_by_test_id("scorecards-summary")).to_contain_text("演示权重")
    period = page.get_by_test_id("scorecard-period")
    expect(period.locator("option:checked")).to_have_text(re.compile(r"^\d{4}年第[1-6]期（\d+–\d+月）$"))
    # ranked as the API ranks them, ties sharing a rank
    for n, unit in enumerate(cards["units"]):
        expect(rows.nth(n)).to_contain_text(unit["unit_name"])
        expect(rows.nth(n).locator("td").first).to_have_text(str(unit["rank"]))
    shot(page, "scorecards-desk")

    last = cards["units"][-1]
    page.get_by_role("button", name=last["unit_name"]).click()
    lines = page.get_by_test_id("scorecard-lines")
    expect(lines).to_be_visible()
    expect(page.get_by_role("button", name=last["unit_name"])).to_have_attribute("aria-expanded", "true")
    by_key = {line["key"]: line for line in last["lines"]}
    coverage = by_key["patrol_coverage"]
    expect(lines).to_contain_text("巡查覆盖率")
    expect(lines).to_contain_text(f"{coverage['part']}/{coverage['whole']}")
    expect(lines).to_contain_text(f"{by_key['overdue']['count']} 件，每件扣")
    for line in last["lines"]:
        expect(lines).to_contain_text(line["explanation"])
    shot(page, "scorecards-desk-open")

    page.get_by_test_id("scorecard-level").select_option("department")
    expect(page.get_by_test_id("scorecard-row").first).to_contain_text("区")
    expect(page).to_have_url(re.compile(r"level=department"))
    shot(page, "scorecards-desk-departments")


def test_a_station_on_a_small_phone_sees_its_own_street(screen_as):
    page = screen_as("demo-station", SMALL)
    page.goto("/#/scorecards")
    rows = page.get_by_test_id("scorecard-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("民族街道")
    expect(page.get_by_test_id("scorecard-level")).to_have_count(0)  # a station has its street's cards only
    page.get_by_role("button", name="民族街道").click()
    expect(page.get_by_test_id("scorecard-lines")).to_contain_text("30分钟受理达标率")
    # nothing wider than the screen
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    shot(page, "scorecards-360")
