"""突发事件 in the browser: a grid worker reports a flooded culvert with people trapped while offline; it goes once
online and stays listed on the phone offline; the street station finds it in its queue with the 30-minute clock
running and forwards it; the district sees it forwarded within the target. One left unforwarded is escalated to the
district at 30 minutes; forwarded late, the district acknowledges it and asks for a follow-up, and the station's 续报
and 终报 complete its chain."""

import os
import re
import sqlite3
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e import live

pytestmark = pytest.mark.e2e

LATE = re.compile(r"已超过报区时限 [1-3] 分钟")  # 31 minutes after receipt, and the few it took to see it
SHOTS = os.environ.get("SAFEGRID_SCREENSHOTS")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_a_flooded_culvert_is_reported_offline_and_forwarded_by_the_station(sign_in, screen_as, api_as):
    page = sign_in("demo-grid")
    live.wait_until_controlled(page)
    page.get_by_test_id("report-incident").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("报告突发事件")
    expect(page.get_by_label("事件子类")).to_have_value("natural.flood")  # the classification is kept for offline
    page.context.set_offline(True)
    place = f"京汉大道下穿涵洞（测试 {uuid.uuid4().hex[:6]}）"
    page.get_by_label("自然灾害").check()
    page.get_by_label("发生地点").fill(place)
    page.get_by_label("被困").fill("2")
    page.get_by_label("已掌握的情况").fill("涵洞积水约1米，一辆轿车熄火，2人被困车顶")
    page.get_by_role("button", name="保存并报告").click()
    expect(page.get_by_text("已保存，待发送。")).to_be_visible()
    expect(page.get_by_test_id("outbox-status")).to_contain_text("等待网络")
    page.context.set_offline(False)
    expect(page.get_by_test_id("outbox-status")).to_contain_text("全部已发送", timeout=20_000)
    # sent, it stays on the phone: offline again, after a restart, the worker finds it with its state
    page.context.set_offline(True)
    page.reload()
    page.get_by_test_id("incident-queue-link").click()
    expect(page.get_by_test_id("incidents-kept")).to_be_visible()
    mine = page.get_by_test_id("incident-queue").get_by_role("link").filter(has_text=place)
    expect(mine).to_contain_text("街道已接报，待报区")
    expect(mine).to_contain_text("被困 2")
    shot(page, "incidents-kept-360")
    mine.click()
    expect(page.get_by_test_id("incident-state")).to_have_text("街道已接报，待报区")
    shot(page, "incident-kept-360")
    page.context.set_offline(False)

    station = screen_as("demo-station")
    station.get_by_test_id("incident-queue-link").click()
    row = station.get_by_test_id("incident-queue").get_by_role("link").filter(has_text=place)
    expect(row).to_contain_text("被困 2")
    expect(row).to_contain_text("距30分钟报区时限还剩")
    shot(station, "incidents-station-1280")
    row.click()
    expect(station.get_by_test_id("incident-state")).to_have_text("街道已接报，待报区")
    station.get_by_role("button", name="报区").click()
    expect(station.get_by_test_id("incident-state")).to_have_text("已报区，待区确认", timeout=15_000)
    expect(station.get_by_text("接报后 0 分钟报区")).to_be_visible()

    forwarded = [i for i in api_as("demo-supervisor").get("/api/v1/incidents").json() if i["address"] == place]
    assert len(forwarded) == 1 and forwarded[0]["state"] == "forwarded" and forwarded[0]["forward_minutes"] < 30


def _received_minutes_ago(database, incident_id: str, minutes: int):
    """Move an incident's receipt and its clocks `minutes` back, as if it had come in that long ago."""
    key = uuid.UUID(incident_id).hex

    def earlier(stored: str) -> str:
        return (datetime.fromisoformat(stored) - timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M:%S.%f")

    with sqlite3.connect(database) as connection:
        received, due = connection.execute(
            "SELECT received_at, forward_due_at FROM incidents WHERE id = ?", (key,)
        ).fetchone()
        connection.execute(
            "UPDATE incidents SET received_at = ?, forward_due_at = ? WHERE id = ?",
            (earlier(received), earlier(due), key),
        )
        for clock, due_at in connection.execute(
            "SELECT id, due_at FROM incident_clocks WHERE incident_id = ?", (key,)
        ).fetchall():
            connection.execute("UPDATE incident_clocks SET due_at = ? WHERE id = ?", (earlier(due_at), clock))


def _inbox_says(api, title: str, timeout: float = 40.0) -> dict:
    """The notification titled `title` once the server's maintenance round (every 10 s) has made it."""
    deadline = time.monotonic() + timeout
    while not (found := [n for n in live.ok(api.get("/api/v1/inbox")) if n["title"] == title]):
        assert time.monotonic() < deadline, f"no {title!r} in the inbox after {timeout} s"
        time.sleep(0.5)
    return found[0]


def test_an_unforwarded_incident_escalates_at_30_minutes_and_its_chain_completes(screen_as, api_as, live_database):
    roles = live.ok(api_as("demo-grid").get("/api/v1/me"))["roles"]
    grid = next(r["area"] for r in roles if r.get("area") and r["area"]["level"] == "grid")
    place = f"民族路地下通道（测试 {uuid.uuid4().hex[:6]}）"
    incident = live.ok(
        api_as("demo-grid").post(
            "/api/v1/incidents",
            data={
                "id": str(uuid.uuid4()),
                "type": "natural.flood",
                "grid_id": grid["id"],
                "address": place,
                "occurred_at": (datetime.now().astimezone() - timedelta(minutes=35)).isoformat(),
                "trapped": 1,
                "description": "地下通道积水约0.8米，1人被困",
            },
        )
    )
    _received_minutes_ago(live_database, incident["id"], 31)  # no one at the station forwarded it for 31 minutes
    escalation = _inbox_says(api_as("demo-supervisor"), f"突发事件超过30分钟未报区：{place}")

    district = screen_as("demo-supervisor")
    district.get_by_role("link", name=escalation["title"]).click()
    expect(district.get_by_test_id("incident-state")).to_have_text("街道已接报，待报区")
    expect(district.get_by_test_id("forward-clock")).to_have_text(LATE)
    expect(district.get_by_role("button", name="报区")).to_have_count(0)  # the street forwards, not the district
    shot(district, "incident-escalated-1280")

    station = screen_as("demo-station")
    station.goto(f"/#/incident/{incident['id']}")
    expect(station.get_by_test_id("forward-clock")).to_have_text(LATE)
    station.get_by_role("button", name="报区").click()
    expect(station.get_by_test_id("incident-state")).to_have_text("已报区，待区确认", timeout=15_000)
    expect(station.get_by_text(re.compile(r"接报后 3[1-3] 分钟报区"))).to_have_class("countdown late")

    district.reload()
    district.get_by_role("button", name="确认接报").click()
    expect(district.get_by_test_id("incident-state")).to_have_text("区已接报", timeout=15_000)
    district.get_by_role("button", name="要求续报").click()
    district.get_by_label("需要续报的内容").fill("请报告被困人员救出情况")
    district.get_by_role("button", name="要求续报").last.click()
    expect(district.get_by_role("status").filter(has_text="区要求续报")).to_contain_text("请报告被困人员救出情况")

    station.reload()
    expect(station.get_by_role("status").filter(has_text="区要求续报")).to_contain_text("请报告被困人员救出情况")
    station.get_by_role("button", name="续报").click()
    shot(station, "incident-followup-1280")
    followup = station.get_by_test_id("form-followup")
    expect(station.get_by_text("区要求续报：请报告被困人员救出情况")).to_have_count(1)  # in the form, not twice
    followup.get_by_label("被困").fill("0")
    followup.get_by_label("受伤").fill("1")
    followup.get_by_label("最新情况").fill("被困人员已救出，轻伤送医")
    followup.get_by_role("button", name="保存并报送").click()
    expect(station.get_by_test_id("incident-casualties")).to_have_text("死亡 0 · 受伤 1 · 失联 0 · 被困 0")
    expect(station.get_by_role("status").filter(has_text="区要求续报")).to_have_count(0)  # answered
    station.get_by_role("button", name="终报").click()
    station.get_by_test_id("form-final").get_by_label("处置结果与原因").fill(
        "积水已排除，通道恢复通行；原因：短时强降雨"
    )
    station.get_by_test_id("form-final").get_by_role("button", name="保存并报送").click()
    expect(station.get_by_test_id("incident-state")).to_have_text("已终报", timeout=15_000)
    chain = station.get_by_role("region", name="报送记录")
    expect(chain.get_by_role("listitem").locator("strong")).to_have_text(["初报", "续报", "终报"])

    district.reload()
    expect(district.get_by_test_id("incident-state")).to_have_text("已终报")
    timeline = live.ok(api_as("demo-supervisor").get(f"/api/v1/incidents/{incident['id']}/timeline"))
    assert [e["action"] for e in timeline] == [
        "report",
        "escalate",
        "forward",
        "acknowledge",
        "request_followup",
        "followup",
        "final",
    ]


def test_two_communities_add_up_to_their_street_and_a_jump_needs_its_explanation(screen_as):
    page = screen_as("demo-station")
    page.goto("/#/disasters")
    page.get_by_label("名称，如：7月6日暴雨").fill(f"暴雨（测试 {uuid.uuid4().hex[:6]}）")
    page.get_by_role("button", name="新建并启动应急响应").click()
    expect(page.get_by_text("应急响应中")).to_be_visible()
    entry = page.get_by_test_id("disaster-entry")
    expect(entry.get_by_label("社区").locator("option").nth(1)).to_be_attached(timeout=15_000)  # the street's, read
    communities = [o.inner_text() for o in entry.get_by_label("社区").locator("option").all()]

    def send(community, affected, explanation=""):
        entry.get_by_label("社区").select_option(label=community)
        entry.get_by_label("受灾人口").fill(str(affected))
        if explanation:
            entry.get_by_label("变化原因说明").fill(explanation)
        entry.get_by_role("button", name="保存并报送").click()

    send(communities[0], 100)
    expect(entry.get_by_text("已按上次报表（初报")).to_be_visible(timeout=15_000)
    send(communities[1], 60)
    send(communities[0], 400)  # a jump without a word
    expect(page.get_by_test_id("disaster-refusal")).to_contain_text("请填写变化原因说明", timeout=15_000)
    send(communities[0], 400, "夜间降雨持续，低洼片区新增受灾")
    expect(page.get_by_test_id("disaster-refusal")).to_have_count(0, timeout=15_000)
    rows = page.get_by_test_id("disaster-totals").get_by_role("row")
    expect(rows.filter(has_text="合计")).to_contain_text("460", timeout=15_000)  # 400 + 60, the street's
    expect(rows.filter(has_text=communities[0])).to_contain_text("400")
    expect(rows.filter(has_text=communities[1])).to_contain_text("60")
    page.get_by_role("button", name="结束应急响应").click()
    expect(page.get_by_text("响应已结束")).to_be_visible()
