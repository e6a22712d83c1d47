"""Patrol tasks in the field app (issue 15's done-when): a plan gives demo-grid this month's tasks (two compounds
newly registered on its beat); demo-grid finds them on the home with the coverage line, checks in at one, goes
offline, starts its inspection from the task and submits it; the task says 已提交，待确认 until the server has it,
then done, and the coverage line and the API's `/coverage` move by one. The street's station, at a desk, lists its
area's tasks with who does each, gives one back to the office, and is told in Chinese when someone changed it
meanwhile (the row refreshed, nothing overwritten) and when the one chosen may not do it."""

import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e import live

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CHECKLIST = "社区消防安全巡查表（演示）"
PLAN = "网格月度巡查（演示）"
ALL_PASS = ["fire-lane", "stairs", "ebike", "cylinders", "hoses", "three-in-one", "billboards"]
SHOTS = os.environ.get("SAFEGRID_SCREENSHOTS")  # a folder to keep the screens in, to look at them
TASKS_KEPT = """() => new Promise((done) => {
  const open = indexedDB.open('safegrid');
  open.onsuccess = () => {
    const db = open.result;
    const count = db.transaction('tasks').objectStore('tasks').count();
    count.onsuccess = () => { db.close(); done(count.result > 0); };
  };
})"""

# The controls of the screen a thumb must hit that are under 44 px high or wide (as test_inspection_offline.py).
SMALL_TARGETS = """() => [...document.querySelectorAll(
  'main button, main .button, main select, main .row > a')]
  .filter((el) => el.offsetParent !== null)
  .filter((el) => { const r = el.getBoundingClientRect(); return r.height < 44 || r.width < 44; })
  .map((el) => el.textContent.trim() || el.outerHTML.slice(0, 60))"""


def shot(page, name):
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def this_month() -> str:
    return (datetime.now(UTC) + timedelta(hours=8)).strftime("%Y-%m")  # Asia/Shanghai's


def month_tasks(api) -> list[dict]:
    found = live.ok(api.get("/api/v1/tasks", params={"mine": "true", "period": this_month(), "page_size": 100}))
    return [t for t in found if t["state"] != "cancelled"]


def district_coverage(api) -> dict:
    return live.ok(api.get("/api/v1/coverage", params={"period": this_month()}))["total"]


@pytest.fixture
def open_task(api_as, demo_site) -> dict:
    """Two compounds newly registered on demo-grid's beat, given their tasks by the demo's monthly patrol (its period
    generated again, as the maintenance round would): the first of them, with a live tag. The demo's own tasks on
    demo-grid's beat may all be done by this day of the month."""
    grid, admin = api_as("demo-grid"), api_as("demo-admin")
    grid_id = demo_site["grid"]["id"]  # demo-grid's
    made = []
    for n in (1, 2):
        body = {
            "name": f"新登记小区{n}-{uuid.uuid4().hex[:4]}",
            "type": "residential_compound",
            "grid_id": grid_id,
            "address": "江汉区测试路",
            **{k: demo_site[k] + 0.001 * n for k in ("latitude", "longitude")},
        }
        made.append(live.ok(admin.post("/api/v1/sites", data=body)))
    plan = next(p for p in live.ok(admin.get("/api/v1/plans", params={"page_size": 100})) if p["name"] == PLAN)
    assert live.ok(admin.post(f"/api/v1/plans/{plan['id']}/generate"))["planned"] >= 2
    site = made[0]
    task = next(t for t in month_tasks(grid) if t["site_id"] == site["id"])
    assert task["state"] == "open" and task["template_name"] == CHECKLIST
    return {**task, "site": site, "tag": live.ok(admin.post(f"/api/v1/sites/{site['id']}/tag"))}


def test_a_task_done_offline_from_the_home_moves_the_coverage_once_the_server_has_it(
    page, sign_in, tag_video, open_task, api_as
):
    grid, admin = api_as("demo-grid"), api_as("demo-admin")
    mine = month_tasks(grid)
    done_before = sum(t["state"] == "done" for t in mine)
    assert 0 < done_before < len(mine)  # the demo's month, partly done
    coverage_before = district_coverage(admin)
    site = open_task["site"]

    page.set_viewport_size(live.PHONE_360["viewport"])
    page.context.set_geolocation({"latitude": site["latitude"], "longitude": site["longitude"], "accuracy": 10})
    tag_video(open_task["tag"]["url"])
    sign_in("demo-grid")
    live.wait_until_controlled(page)
    live.until(page, TASKS_KEPT)
    tasks = page.get_by_test_id("tasks")
    coverage = page.get_by_test_id("task-coverage")
    expect(coverage).to_contain_text(f"本月已巡查 {done_before}/{len(mine)}")
    expect(coverage).to_contain_text(f"待巡查 {len(mine) - done_before} 项")
    expect(tasks.get_by_role("heading", name="今天到期")).to_be_visible()
    assert page.evaluate(SMALL_TARGETS) == []
    shot(page, "tasks-home-360")

    # 我的任务 lists them all; 已完成 those the server has done.
    tasks.get_by_role("link", name="我的任务").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的任务")
    expect(page.get_by_role("status").filter(has_text="共")).to_have_text(f"共 {len(mine) - done_before} 项")
    page.get_by_role("button", name="已完成").click()
    expect(page.get_by_test_id("task-list").get_by_test_id("task")).to_have_count(done_before)
    assert page.evaluate(SMALL_TARGETS) == []
    shot(page, "my-tasks-360")
    page.get_by_role("link", name="首页").click()

    # At the site: a check-in (online), then no signal.
    page.get_by_role("link", name="扫码").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(site["name"])
    expect(page.get_by_test_id("checkin-status")).to_contain_text("已发送", timeout=15_000)
    page.context.set_offline(True)
    page.get_by_role("link", name="首页").click()
    row = page.get_by_test_id("tasks").get_by_test_id("task").filter(has_text=site["name"]).first
    expect(row).to_contain_text(CHECKLIST)
    row.get_by_role("link").click()

    # The task's checklist only, started as from the site page.
    card = page.get_by_test_id("checklist")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(CHECKLIST)
    card.get_by_role("button", name="开始").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CHECKLIST)
    for key in ALL_PASS:
        page.get_by_test_id(f"item-{key}").get_by_role("button", name="合格", exact=True).click()
    page.get_by_test_id("item-hydrant").get_by_label("读数（MPa）").fill("0.25")
    page.get_by_test_id("item-wiring").get_by_role("button", name="线路规范").click()
    page.get_by_test_id("item-shafts").get_by_role("button", name="不适用").click()
    expect(page.get_by_test_id("inspection-progress")).to_contain_text("已完成 10/10")
    page.get_by_role("button", name="提交检查").click()
    expect(page.get_by_test_id("inspection-status")).to_contain_text("待发送")
    inspection_id = page.url.rsplit("/", 1)[1]

    # Home, offline: submitted, not yet done; the coverage has not moved.
    page.get_by_role("link", name="首页").click()
    row = page.get_by_test_id("tasks").get_by_test_id("task").filter(has_text=site["name"]).first
    expect(row.get_by_test_id("task-pending")).to_have_text("已提交，待确认")
    expect(coverage).to_contain_text(f"本月已巡查 {done_before}/{len(mine)}")
    shot(page, "tasks-pending-360")

    # Back online: the server does the task; the phone says so, and the figures move by one.
    page.context.set_offline(False)
    expect(coverage).to_contain_text(f"本月已巡查 {done_before + 1}/{len(mine)}", timeout=30_000)
    task = live.ok(grid.get(f"/api/v1/tasks/{open_task['id']}"))
    assert (task["state"], task["inspection_id"], task["flagged"]) == ("done", inspection_id, False)  # checked in
    after = district_coverage(admin)
    assert (after["done"], after["planned"]) == (coverage_before["done"] + 1, coverage_before["planned"])
    page.get_by_role("link", name="我的任务").click()
    page.get_by_role("button", name="已完成").click()
    expect(page.get_by_test_id("task-list").get_by_test_id("task")).to_have_count(done_before + 1)
    page.get_by_role("button", name="待办").click()
    expect(page.get_by_test_id("task-list").get_by_text(site["name"])).to_have_count(0)


def another_worker(admin, me: str) -> dict:
    """A grid worker of another grid of `me`'s street (its station lists them): not one who may do `me`'s grid's
    tasks (a grid worker's task goes to a worker of its grid, or of its community). Area codes: street 420103001,
    grid 420103001D01G01."""
    people = live.ok(admin.get("/api/v1/users", params={"role": "grid_worker", "page_size": 100}))
    grid = {p["id"]: r["area"]["code"] for p in people for r in p["roles"] if r["role"] == "grid_worker"}
    return next(p for p in people if p["id"] != me and grid[p["id"]][:9] == grid[me][:9] and grid[p["id"]] != grid[me])


def test_the_station_reassigns_a_task_to_one_who_may_do_it_and_only_by_choice(
    browser, browser_context_args, csp, api_as, open_task
):
    station, grid = api_as("demo-station"), api_as("demo-grid")
    me = live.ok(grid.get("/api/v1/me"))
    task = open_task  # one of demo-grid's
    context = browser.new_context(**{**browser_context_args, **live.DESK})
    csp.watch(context)
    page = context.new_page()
    try:
        live.sign_in(page, "/", "demo-station")
        page.get_by_test_id("area-tasks-link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("辖区检查任务")
        row = page.locator(f"[data-task-id='{task['id']}']")
        expect(row).to_contain_text(task["site_name"])
        assignee = row.get_by_test_id("task-assignee")
        expect(assignee).to_have_text(me["name"])
        shot(page, "area-tasks-1280")

        # 改派 with nothing chosen changes nothing: "back to the office" is a choice of its own.
        picker = row.get_by_label(f"将“{task['site_name']}”的任务改派给")
        row.get_by_role("button", name="改派").click()
        expect(row.get_by_test_id("assign-problem")).to_have_text("请先选择改派给谁")
        expect(assignee).to_have_text(me["name"])
        assert live.ok(station.get(f"/api/v1/tasks/{task['id']}"))["assignee_id"] == me["id"]

        # The picker offers those who may do it (the grid's first), never a worker of another grid of the street.
        candidates = [p["id"] for p in live.ok(station.get(f"/api/v1/tasks/{task['id']}/candidates"))]
        assert me["id"] in candidates
        expect(picker.locator("option")).to_have_count(len(candidates) - 1 + 2)  # not its assignee; + choose, office
        offered = picker.locator("option").evaluate_all("(os) => os.map((o) => o.value)")
        assert [v for v in offered if v not in ("", "office")] == [c for c in candidates if c != me["id"]]
        assert another_worker(api_as("demo-admin"), me["id"])["id"] not in offered

        # Back to the office, chosen: accepted, the row says so, and the API agrees.
        picker.select_option("office")
        row.get_by_role("button", name="改派").click()
        expect(assignee).to_have_text("未指派")
        assert live.ok(station.get(f"/api/v1/tasks/{task['id']}"))["assignee_id"] is None

        # Someone changed it meanwhile (the API, as another officer): the row is refreshed, nothing is overwritten.
        now = station.get(f"/api/v1/tasks/{task['id']}")
        given = station.patch(
            f"/api/v1/tasks/{task['id']}", data={"assignee_id": me["id"]}, headers={"If-Match": now.headers["etag"]}
        )
        assert given.ok, given.text()
        picker.select_option(me["id"])
        row.get_by_role("button", name="改派").click()
        expect(row.get_by_test_id("assign-problem")).to_contain_text("该任务已被他人更新")
        expect(assignee).to_have_text(me["name"])
        assert live.ok(station.get(f"/api/v1/tasks/{task['id']}"))["assignee_id"] == me["id"]
        shot(page, "area-tasks-changed-1280")
    finally:
        context.close()
