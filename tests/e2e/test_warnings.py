"""Warnings in the field app (issue 17's done-when, its warnings part): the district issues a red rainstorm warning
for two streets at a desk; demo-grid, whose phone was offline when it was sent, sees it once back online, reads it
and relays it (households, no photo) while offline again, and its 已阅 and 已传达 reach the server from the outbox;
the district's live coverage moves. The warning is then updated (orange) and cancelled, and the phone shows each."""

import os
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e import live

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SHOTS = os.environ.get("SAFEGRID_SCREENSHOTS")
HEADLINE = "武汉市气象台发布暴雨红色预警信号（测试）"
WARNINGS_KEPT = """() => new Promise((done) => {
  const open = indexedDB.open('safegrid');
  open.onsuccess = () => {
    const db = open.result;
    const all = db.transaction('warnings').objectStore('warnings').getAll();
    all.onsuccess = () => { db.close(); done(all.result.map((w) => w.headline)); };
  };
})"""

RECEIPTS_KEPT = WARNINGS_KEPT.replace("w.headline", "[w.headline, w.receipt]")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def coverage_of(api, warning_id) -> dict:
    return live.ok(api.get(f"/api/v1/warnings/{warning_id}/coverage"))["totals"]


def sync(page):
    page.get_by_role("link", name="首页").click()
    page.get_by_role("button", name="立即同步").click()


def test_a_red_rainstorm_warning_reaches_a_grid_worker_offline_then_online_and_coverage_moves(
    page, sign_in, browser, browser_context_args, csp, api_as
):
    supervisor = api_as("demo-supervisor")
    # the phone, signed in and ready offline, then out of signal
    page.set_viewport_size(live.PHONE_360["viewport"])
    sign_in("demo-grid")
    live.wait_until_controlled(page)
    page.context.set_offline(True)

    # the district issues it at a desk, for 民族街道 and 花楼街道
    desk = browser.new_context(**{**browser_context_args, **live.DESK})
    csp.watch(desk)
    office = desk.new_page()
    try:
        live.sign_in(office, "/", "demo-supervisor")
        office.get_by_role("link", name="预警").click()
        # the demo's past rainstorm, cancelled, with its coverage
        expect(office.get_by_test_id("warning-office-list")).to_contain_text("已解除")
        shot(office, "warnings-list-1280")
        office.get_by_test_id("warning-issue-open").click()
        expect(office.get_by_role("heading", level=1)).to_have_text("发布预警")
        office.get_by_label("发布单位").select_option("weather")
        office.get_by_label("预警类型").select_option("rainstorm")
        office.get_by_label("红色", exact=True).check()
        office.get_by_label("民族街道").check()
        office.get_by_label("花楼街道").check()
        office.get_by_label("标题").fill(HEADLINE)
        office.get_by_label("防御指引").fill("立即转移低洼地带人员，网格员逐户告知。")
        shot(office, "warning-issue-1280")
        if SHOTS:
            office.set_viewport_size(live.PHONE_360["viewport"])
            shot(office, "warning-issue-360")
            office.set_viewport_size(live.DESK["viewport"])
        office.get_by_test_id("warning-send").click()
        expect(office.get_by_role("heading", level=1)).to_have_text("预警覆盖率")
        line = office.get_by_test_id("warning-coverage")
        expect(line).to_contain_text("已阅 0/")
        warning_id = office.url.rsplit("/", 1)[1]
        before = coverage_of(supervisor, warning_id)
        assert (
            before["recipients"] > 50
            and len(live.ok(supervisor.get(f"/api/v1/warnings/{warning_id}/coverage"))["by_street"]) == 2
        )

        # the phone was offline: nothing yet; back online, the feed brings it
        assert HEADLINE not in page.evaluate(WARNINGS_KEPT)
        page.context.set_offline(False)
        sync(page)
        card = page.get_by_test_id("warning-banner").get_by_test_id("warning").filter(has_text=HEADLINE)
        expect(card).to_contain_text("红色暴雨预警", timeout=30_000)
        expect(card.get_by_test_id("warning-receipt")).to_contain_text("未阅")
        shot(page, "warning-banner-360")

        # read and relayed with no signal: queued, said so
        page.context.set_offline(True)
        card.get_by_test_id("warning-ack").click()
        expect(card.get_by_test_id("warning-receipt")).to_contain_text("已阅 · 待发送")
        card.get_by_test_id("warning-relay").click()
        card.get_by_label("已告知户数").fill("126")
        card.get_by_test_id("warning-relay-save").click()
        expect(card.get_by_test_id("warning-receipt")).to_contain_text("已传达 · 待发送")
        shot(page, "warning-queued-360")
        assert coverage_of(supervisor, warning_id)["acknowledged"] == before["acknowledged"]

        # online: the outbox sends both, the phone shows the server's receipt, and the coverage moves
        page.context.set_offline(False)
        expect(card.get_by_test_id("warning-receipt")).to_contain_text("已传达 126 户", timeout=30_000)
        # each is timed when it was done on the phone, before it arrived
        receipt = next(r for h, r in page.evaluate(RECEIPTS_KEPT) if h == HEADLINE)
        when = {k: datetime.fromisoformat(v) for k, v in receipt.items() if k.endswith("_at") and v}
        assert when["ack_done_at"] < when["acknowledged_at"] and when["relay_done_at"] < when["relayed_at"]
        after = coverage_of(supervisor, warning_id)
        assert (after["acknowledged"], after["relayed"], after["households"]) == (
            before["acknowledged"] + 1,
            before["relayed"] + 1,
            before["households"] + 126,
        )
        expect(line).to_contain_text(f"已阅 {after['acknowledged']}/{after['recipients']}", timeout=20_000)
        shot(office, "warning-coverage-1280")
        if SHOTS:  # the district's screens on a phone too
            office.set_viewport_size(live.PHONE_360["viewport"])
            shot(office, "warning-coverage-360")
            office.set_viewport_size(live.DESK["viewport"])

        # updated to orange, then cancelled: the phone shows each
        office.get_by_test_id("warning-update").click()
        expect(office.get_by_role("heading", level=1)).to_have_text("变更预警")
        office.get_by_label("橙色", exact=True).check()
        office.get_by_test_id("warning-send").click()
        expect(office.get_by_role("heading", level=1)).to_have_text("预警覆盖率")
        sync(page)
        card = page.get_by_test_id("warning-banner").get_by_test_id("warning").filter(has_text=HEADLINE)
        expect(card).to_contain_text("橙色暴雨预警", timeout=30_000)
        expect(card).to_contain_text("已变更")
        office.once("dialog", lambda dialog: dialog.accept())
        office.get_by_test_id("warning-cancel").click()
        expect(office.get_by_text("已解除").first).to_be_visible()
        sync(page)
        expect(card).to_contain_text("已解除", timeout=30_000)
        expect(card.get_by_test_id("warning-ack")).to_have_count(0)
        shot(page, "warning-cancelled-360")
    finally:
        desk.close()


def test_the_district_picks_communities_and_grids_as_well_as_streets(browser, browser_context_args, csp, api_as):
    supervisor = api_as("demo-supervisor")
    streets = {a["name"]: a for a in live.ok(supervisor.get("/api/v1/areas?level=street&page_size=100"))}
    community = live.ok(supervisor.get(f"/api/v1/areas?parent_id={streets['花楼街道']['id']}&page_size=100"))[0]
    minzu = live.ok(supervisor.get(f"/api/v1/areas?parent_id={streets['民族街道']['id']}&page_size=100"))[0]
    grid = live.ok(supervisor.get(f"/api/v1/areas?parent_id={minzu['id']}&page_size=100"))[0]
    desk = csp.watch(browser.new_context(**{**browser_context_args, **live.DESK}))
    office = desk.new_page()
    try:
        live.sign_in(office, "/#/warnings/issue", "demo-supervisor")
        office.goto("/#/warnings/issue")
        tree = office.get_by_test_id("warning-areas")
        row = lambda name: tree.locator(".area-row").filter(has=office.get_by_label(name, exact=True))  # noqa: E731
        row("花楼街道").get_by_role("button").click()
        tree.get_by_label(community["name"], exact=True).check()
        row("民族街道").get_by_role("button").click()
        row(minzu["name"]).get_by_role("button").click()
        tree.get_by_label(grid["name"], exact=True).check()
        chosen = office.get_by_test_id("warning-areas-chosen")
        expect(chosen).to_have_text(f"已选：{community['name']}、{grid['name']}")
        # the whole street covers its grid: shown ticked and fixed; unticked, the grid stands on its own again
        tree.get_by_label("民族街道", exact=True).check()
        expect(tree.get_by_label(grid["name"], exact=True)).to_be_disabled()
        expect(tree.get_by_label(grid["name"], exact=True)).to_be_checked()
        expect(chosen).to_have_text(f"已选：{community['name']}、民族街道")
        tree.get_by_label("民族街道", exact=True).uncheck()
        tree.get_by_label(grid["name"], exact=True).check()
        shot(office, "warning-areas-1280")
        if SHOTS:
            office.set_viewport_size(live.PHONE_360["viewport"])
            shot(office, "warning-areas-360")
            office.set_viewport_size(live.DESK["viewport"])
        office.get_by_label("预警类型").select_option("waterlogging")
        office.get_by_label("黄色", exact=True).check()
        office.get_by_label("标题").fill("城市内涝黄色预警（测试：社区与网格）")
        office.get_by_test_id("warning-send").click()
        expect(office.get_by_role("heading", level=1)).to_have_text("预警覆盖率")
        warning_id = office.url.rsplit("/", 1)[1]
        sent = live.ok(supervisor.get(f"/api/v1/warnings/{warning_id}"))
        assert sorted(sent["area_ids"]) == sorted([community["id"], grid["id"]])
        # the grid's street and the community's: the coverage is counted over both
        by_street = live.ok(supervisor.get(f"/api/v1/warnings/{warning_id}/coverage"))["by_street"]
        assert {s["name"] for s in by_street} == {"花楼街道", "民族街道"}
        office.once("dialog", lambda dialog: dialog.accept())
        office.get_by_test_id("warning-cancel").click()  # not left in force for the other tests' phones
        expect(office.get_by_text("已解除").first).to_be_visible()
    finally:
        desk.close()
