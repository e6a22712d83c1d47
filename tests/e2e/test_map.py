"""The map (一张图) as a street station sees it: its street's sites and open hazards, and nothing of another street's,
at a desk; and offline, the last data it saw, said so."""

import json
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _all(api, path: str) -> list[dict]:
    resp = api.get(path, params={"page_size": 100})
    assert resp.ok, resp.text()
    total, rows, page = json.loads(resp.headers["x-pagination"])["total"], resp.json(), 1
    while len(rows) < total:
        page += 1
        rows += api.get(path, params={"page_size": 100, "page": page}).json()
    return rows


def _count(page, test_id: str, word: str) -> int:
    return int(re.search(rf"{word} (\d+)", page.get_by_test_id(test_id).inner_text()).group(1))


@pytest.fixture
def station_page(screen_as):
    return screen_as("demo-station")


def test_the_map_shows_the_streets_sites_and_hazards_and_nothing_outside_it(station_page, api_as, live_server):
    page = station_page
    station = api_as("demo-station")
    sites = {s["id"]: s for s in _all(station, "/api/v1/sites")}
    hazards = {h["id"] for h in _all(station, "/api/v1/hazards?open=true")}
    everyone = _all(api_as("demo-supervisor"), "/api/v1/sites")
    outside = next(s for s in everyone if s["id"] not in sites)
    seen = []
    layers = ("/api/v1/map/sites", "/api/v1/map/hazards")
    page.on("response", lambda r: seen.append(r) if any(p in r.url for p in layers) and r.ok else None)

    page.get_by_test_id("map-link").click()
    expect(page.get_by_role("heading", name="一张图")).to_be_visible()
    # the first view holds the whole scope: every site of the street, counted by cell
    expect(page.get_by_test_id("map-legend")).to_contain_text(f"场所 {len(sites)} 处")
    assert 0 < _count(page, "map-legend", "未销号隐患") <= len(hazards)

    # zoomed in at one of its sites: the points themselves, every one of them in the street
    site = next(iter(sites.values()))
    seen.clear()
    page.goto(f"{live_server}/#/map?lat={site['latitude']}&lon={site['longitude']}&zoom=17")
    expect(page.get_by_test_id("map-legend")).not_to_contain_text("已按区域汇总")
    page.wait_for_timeout(500)
    features = [f for r in seen for f in r.json()["features"]]
    assert any(f["properties"]["id"] == site["id"] for f in features)
    for feature in features:
        assert not feature["properties"].get("cluster")
        known = sites if feature["properties"]["layer"] == "sites" else hazards
        assert feature["properties"]["id"] in known

    # at another street's site: that site is not on the station's map
    seen.clear()
    page.goto(f"{live_server}/#/map?lat={outside['latitude']}&lon={outside['longitude']}&zoom=18")
    page.wait_for_timeout(1500)
    assert seen, "the map asked for its layers"
    ids = {f["properties"]["id"] for r in seen for f in r.json()["features"]}
    assert outside["id"] not in ids and ids <= set(sites) | hazards

    # offline, the last data it saw (back at the station's site), said so
    page.goto(f"{live_server}/#/map?lat={site['latitude']}&lon={site['longitude']}&zoom=17")
    expect(page.get_by_test_id("map-legend")).not_to_contain_text("场所 0 处")
    counts = (_count(page, "map-legend", "场所"), _count(page, "map-legend", "未销号隐患"))
    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_test_id("map-kept")).to_be_visible()
    expect(page.get_by_test_id("map-legend")).to_contain_text(f"场所 {counts[0]} 处")
    expect(page.get_by_test_id("map-legend")).to_contain_text(f"未销号隐患 {counts[1]} 条")
    page.context.set_offline(False)
