"""Enforcement officers and experts at work on a 360 px phone: an officer orders a hazard rectified, picking the
second signing officer from a list, and the order (责令限期整改指令书) opens as a PDF naming both with their
certificate numbers, then waits on their home; a station invites an expert, who finds the hazard on their home and
records a finding that the record shows. The steps that are not the point (the report, its acknowledgement) go
through the API."""

import io
import re
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e import live
from tests.e2e.live import act, ok

pytestmark = pytest.mark.e2e

SHANGHAI = ZoneInfo("Asia/Shanghai")


def acknowledged_hazard(api_as, description: str) -> dict:
    """A fire hazard at a site of demo-grid's beat with an enterprise, reported and acknowledged."""
    grid = api_as("demo-grid")
    site = next(s for s in ok(grid.get("/api/v1/sites", params={"page_size": 100})) if s["enterprise"])
    hazard = ok(
        grid.post(
            "/api/v1/hazards",
            data={
                "id": str(uuid.uuid4()),
                "site_id": site["id"],
                "category": "fire",
                "level": "general",
                "description": description,
                "observed_at": datetime.now(UTC).isoformat(),
            },
        )
    )
    return act(api_as("demo-station"), hazard["id"], "acknowledge")


def open_hazard(page, hazard):
    page.evaluate("id => { location.hash = `#/hazard/${id}`; }", hazard["id"])
    expect(page.get_by_role("heading", level=1)).to_have_text("消防安全", timeout=15_000)
    expect(page.get_by_text(hazard["description"])).to_be_visible()


def test_an_enforcement_officer_orders_rectification_signed_by_two_and_prints_the_order(screen_as, api_as):
    hazard = acknowledged_hazard(api_as, "疏散通道堵塞，拒不整改（执法端到端测试）")
    me, second = ok(api_as("demo-enforcement").get("/api/v1/me")), ok(api_as("enforcement-2").get("/api/v1/me"))
    page = screen_as("demo-enforcement", live.PHONE_360)
    open_hazard(page, hazard)

    page.get_by_role("button", name="责令限期整改").click()
    form = page.get_by_role("form", name="责令限期整改")
    deadline = (datetime.now(SHANGHAI) + timedelta(days=5)).strftime("%Y-%m-%d")
    form.get_by_label("整改期限").fill(deadline)
    form.get_by_label("整改要求").fill("立即清理疏散通道，拆除违规隔断")
    picker = form.get_by_label("第二执法人员")
    expect(picker.locator("option", has_text=second["name"])).to_have_count(1)
    assert picker.locator("option", has_text=me["name"]).count() == 0  # one does not co-sign one's own order
    picker.select_option(label=f"{second['name']} · 执法证号 420103000002")  # named with their number
    assert picker.bounding_box()["height"] >= 44
    form.get_by_role("button", name="确认责令限期整改").click()
    expect(page.locator("main .badge").filter(has_text="整改中").first).to_be_visible(timeout=15_000)

    # the order is on the hazard, numbered, and opens as the PDF both officers signed
    link = page.get_by_role("link", name=re.compile("责令限期整改指令书"))
    expect(link).to_contain_text(re.compile(r"江汉应急责改〔20\d\d〕第\d{4}号"), timeout=30_000)
    with page.expect_response(re.compile(r"/documents/.+\.pdf$")) as answer, page.expect_download() as download:
        link.click()
    assert answer.value.headers["content-type"] == "application/pdf"
    with open(download.value.path(), "rb") as file:
        text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(file.read())).pages))
    for officer in (me, second):
        assert officer["name"] in text
    for number in ("420103000001", "420103000002"):  # the demo officers' certificate numbers
        assert f"证号：{number}" in text
    assert "立即清理疏散通道" in text
    expect(page.locator("ol.timeline")).to_contain_text(f"第二执法人员 {second['name']}")

    # and it is among their open orders at home, with its deadline
    page.evaluate("() => { location.hash = '#/'; }")
    orders = page.locator("section[aria-labelledby=h-orders]")
    expect(orders.get_by_role("heading")).to_have_text(re.compile(r"我签发的责令整改（[1-9]\d*）"))
    row = orders.get_by_role("link").filter(has_text=re.compile("整改期限"))
    expect(row.first).to_be_visible()
    expect(orders).to_contain_text(deadline.replace("-", "/"))
    row.first.click()
    expect(page.get_by_text(hazard["description"])).to_be_visible()


def test_a_station_invites_an_expert_who_records_a_finding(screen_as, api_as):
    hazard = acknowledged_hazard(api_as, "配电箱线路老化，请专家评估（专家端到端测试）")
    expert = ok(api_as("demo-expert").get("/api/v1/me"))
    station = screen_as("demo-station", live.PHONE_360)
    open_hazard(station, hazard)
    station.get_by_role("button", name="邀请专家").click()
    form = station.get_by_role("form", name="邀请专家")
    form.get_by_label("受邀专家").select_option(label=expert["name"])
    form.get_by_label("邀请事项").fill("请评估配电箱线路")
    form.get_by_role("button", name="确认邀请专家").click()
    expect(station.locator("ol.timeline")).to_contain_text(f"受邀专家 {expert['name']}", timeout=15_000)

    page = screen_as("demo-expert", live.PHONE_360)
    invited = page.locator("section[aria-labelledby=h-invited]")
    expect(invited.get_by_role("heading")).to_have_text(re.compile(r"邀请我参与的隐患（[1-9]\d*）"))
    invited.get_by_role("link").filter(has_text=hazard["description"]).click()
    expect(page.get_by_text(hazard["description"])).to_be_visible()
    assert page.get_by_role("button", name="责令限期整改").count() == 0  # an expert enforces nothing
    page.get_by_role("button", name="专家意见").click()
    finding = page.get_by_role("form", name="专家意见")
    finding.get_by_label("专家意见").fill("线路绝缘层老化开裂，建议更换整段线路并加装漏电保护")
    finding.get_by_role("button", name="确认专家意见").click()
    expect(page.locator("ol.timeline")).to_contain_text(
        "专家意见：线路绝缘层老化开裂，建议更换整段线路并加装漏电保护", timeout=15_000
    )
