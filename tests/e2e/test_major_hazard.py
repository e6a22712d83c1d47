"""A major hazard's page as its people read it: the enterprise on a 360 px phone sees the plan (五落实), the dual
report, the listing with its number, its documents and its photos full size, and asks for an extension against the
deadline in force; the district bureau, at a desk, grants it with a button that says so, and the record says so too.
The steps that are not the point (the report, the plan, the listing…) go through the API."""

import base64
import hashlib
import io
import re
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e import live
from tests.e2e.live import act, ok

pytestmark = pytest.mark.e2e

WHAT = "燃气管道老化漏气，重大隐患（端到端测试）"
SHANGHAI = ZoneInfo("Asia/Shanghai")
PLAN = {
    "measures": "更换老化燃气管道，加装泄漏报警器",
    "responsible_person": "王强",
    "funds": "5万元",
    "contingency_plan": "停用燃气灶具，设置警戒区",
}


def upload_photo(api, shade: int) -> str:
    """A 1600×1200 photo, as the phone sends it: its display copy is far larger than a thumbnail."""
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), (shade, 90, 40)).save(buffer, "JPEG", quality=85)
    data, photo_id = buffer.getvalue(), str(uuid.uuid4())
    digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
    ok(
        api.put(
            f"/api/v1/photos/{photo_id}",
            data=data,
            headers={"Content-Type": "image/jpeg", "Content-Digest": f"sha-256=:{digest}:"},
        )
    )
    return photo_id


def shanghai_day(iso_or_dt) -> str:
    moment = datetime.fromisoformat(iso_or_dt) if isinstance(iso_or_dt, str) else iso_or_dt
    return moment.astimezone(SHANGHAI).strftime("%Y/%m/%d")


@pytest.fixture
def market(api_as) -> dict:
    """The demo enterprise's site on demo-grid's beat."""
    theirs = {site["id"] for site in ok(api_as("demo-enterprise").get("/api/v1/sites"))}
    return next(
        site for site in ok(api_as("demo-grid").get("/api/v1/sites", params={"page_size": 100})) if site["id"] in theirs
    )


@pytest.fixture
def major(api_as, market) -> dict:
    """A major hazard at the market with two photos, acknowledged, planned, dual-reported, listed and under a notice
    with a deadline ten days on: the hazard as the API then shows it."""
    grid, station = api_as("demo-grid"), api_as("demo-station")
    enterprise, supervisor = api_as("demo-enterprise"), api_as("demo-supervisor")
    photos = [upload_photo(grid, 200), upload_photo(grid, 60)]
    now = datetime.now(UTC)
    hazard = ok(
        grid.post(
            "/api/v1/hazards",
            data={
                "id": str(uuid.uuid4()),
                "site_id": market["id"],
                "category": "gas",
                "level": "major",
                "description": WHAT,
                "observed_at": now.isoformat(),
                "photo_ids": photos,
            },
        )
    )
    act(station, hazard["id"], "acknowledge")
    act(enterprise, hazard["id"], "submit_plan", plan={**PLAN, "deadline": (now + timedelta(days=8)).isoformat()})
    act(
        enterprise,
        hazard["id"],
        "record_dual_report",
        regulator_reported_at=(now - timedelta(days=1)).isoformat(),
        workers_congress_reported_at=now.isoformat(),
    )
    act(supervisor, hazard["id"], "list", reason="重大燃气隐患，区级挂牌督办")
    return act(
        station,
        hazard["id"],
        "issue_notice",
        deadline=(now + timedelta(days=10)).isoformat(),
        responsible_party=market["enterprise"]["name"],
        requirements="十日内更换燃气管道",
    )


def open_hazard(page, hazard):
    page.evaluate("id => { location.hash = `#/hazard/${id}`; }", hazard["id"])
    expect(page.get_by_role("heading", level=1)).to_have_text("燃气安全 · 重大", timeout=15_000)


def fact(page, name: str):
    """The value of a fact of the page (a <dd>) by its term."""
    return page.locator(f"dt:text-is('{name}') + dd").first


def test_the_enterprise_sees_the_major_hazard_record_and_asks_for_an_extension(screen_as, api_as, major, market):
    page = screen_as("demo-enterprise", live.PHONE_360)
    open_hazard(page, major)
    expect(page.locator("main .badge").filter(has_text="整改中").first).to_be_visible()
    expect(page.locator("main .badge").filter(has_text="挂牌督办").first).to_be_visible()
    reporter = ok(api_as("demo-grid").get("/api/v1/me"))["name"]
    expect(fact(page, "上报人")).to_have_text(reporter)
    expect(fact(page, "地址")).to_have_text(market["address"])
    site_link = page.get_by_role("link", name=market["name"])
    assert site_link.bounding_box()["height"] >= 44

    # 五落实, 双报告, 挂牌督办: each as it was filed
    plan = page.get_by_test_id("plan")
    for label, value in (("整改措施", PLAN["measures"]), ("责任人", "王强"), ("整改资金", "5万元")):
        expect(plan.locator(f"dt:text-is('{label}') + dd")).to_have_text(value)
    expect(plan.locator("dt:text-is('应急预案') + dd")).to_have_text(PLAN["contingency_plan"])
    expect(plan.locator("dt:text-is('方案完成期限') + dd")).to_have_text(
        shanghai_day(datetime.fromisoformat(major["plan"]["deadline"]))
    )
    dual = page.get_by_test_id("dual-report")
    expect(dual.locator("dt:text-is('报告监管部门日期') + dd")).to_have_text(
        shanghai_day(major["regulator_reported_at"])
    )
    expect(dual.locator("dt:text-is('报告职代会日期') + dd")).to_have_text(
        shanghai_day(major["workers_congress_reported_at"])
    )
    expect(page.get_by_test_id("listing").locator("dt:text-is('督办编号') + dd")).to_have_text(major["listing_number"])
    expect(page.get_by_text("未申请延期")).to_be_visible()

    # the documents open as PDFs, fetched with the token
    documents = {d["kind"]: d for d in ok(api_as("demo-enterprise").get(f"/api/v1/hazards/{major['id']}/documents"))}
    notice = page.get_by_role("link", name=re.compile("重大事故隐患挂牌督办通知书"))
    expect(notice).to_contain_text(documents["listing_notice"]["number"])
    expect(page.get_by_role("link", name=re.compile("隐患整改意见书"))).to_contain_text(
        documents["rectification_notice"]["number"]
    )
    with page.expect_download() as download:
        notice.click()
    assert download.value.suggested_filename == f"{documents['listing_notice']['number']}.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # the photos open full size, and a swipe, the arrow keys or the buttons move between them
    page.get_by_role("button", name="查看照片 1（共 2 张）").click()
    viewer = page.get_by_role("dialog", name="照片")
    expect(viewer).to_be_visible()
    expect(viewer.get_by_test_id("viewer-position")).to_have_text("第 1 张，共 2 张")
    photo = viewer.get_by_role("img", name="隐患照片 1")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.naturalWidth") > 320  # the display copy, not the thumbnail
    page.keyboard.press("ArrowRight")
    expect(viewer.get_by_test_id("viewer-position")).to_have_text("第 2 张，共 2 张")
    expect(viewer.get_by_role("img", name="隐患照片 2")).to_be_visible()
    stage = viewer.get_by_test_id("viewer-stage")
    stage.dispatch_event("pointerdown", {"clientX": 300, "clientY": 300, "pointerType": "touch", "isPrimary": True})
    stage.dispatch_event("pointerup", {"clientX": 120, "clientY": 310, "pointerType": "touch", "isPrimary": True})
    expect(viewer.get_by_test_id("viewer-position")).to_have_text("第 1 张，共 2 张")  # round to the first
    for name in ("上一张", "下一张", "关闭"):
        box = viewer.get_by_role("button", name=re.compile(name)).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
    viewer.get_by_role("button", name=re.compile("下一张")).click()
    expect(viewer.get_by_test_id("viewer-position")).to_have_text("第 2 张，共 2 张")
    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()

    # the extension: the new date is 延期至, beside the deadline in force
    page.get_by_role("button", name="申请延期").click()
    form = page.get_by_role("form", name="申请延期")
    asked = datetime.fromisoformat(major["deadline"]) + timedelta(days=10)
    expect(form.get_by_label("延期至")).to_be_visible()
    expect(form.get_by_text(re.compile("当前整改期限："))).to_be_visible()
    assert form.get_by_label("整改期限").count() == 0
    form.get_by_label("延期至").fill(asked.astimezone(SHANGHAI).strftime("%Y-%m-%d"))
    form.get_by_label("理由").fill("管道改造需停气审批，申请延期十日")
    form.get_by_role("button", name="确认申请延期").click()
    expect(page.locator("main .badge").filter(has_text="延期待审批").first).to_be_visible(timeout=15_000)
    extension = page.get_by_test_id("extension")
    expect(extension.locator("dt:text-is('审批结果') + dd")).to_have_text("延期待审批")
    expect(extension.locator("dt:text-is('申请延期至') + dd")).to_contain_text(
        asked.astimezone(SHANGHAI).strftime("%m/%d")
    )

    # the district bureau, at a desk: two explicit answers, and the record says which was given
    desk = screen_as("demo-supervisor", live.DESK)
    open_hazard(desk, major)
    expect(desk.locator("main .badge").filter(has_text="延期待审批").first).to_be_visible()
    desk.get_by_role("button", name="审批延期").click()
    decide = desk.get_by_role("form", name="审批延期")
    expect(decide.get_by_role("checkbox")).to_have_count(0)
    expect(decide.get_by_role("button", name="不予延期")).to_be_visible()
    decide.get_by_label("理由").fill("同意延期十日")
    decide.get_by_role("button", name="准予延期").click()
    expect(desk.get_by_test_id("extension").locator("dt:text-is('审批结果') + dd")).to_have_text(
        "准予延期", timeout=15_000
    )
    expect(desk.locator("main .badge").filter(has_text="延期待审批")).to_have_count(0)
    expect(desk.locator("main .badge").filter(has_text="挂牌督办").first).to_be_visible()
    timeline = desk.locator("ol.timeline")
    expect(timeline).to_contain_text("审批延期 · 准予延期")
    expect(timeline).to_contain_text(f"申请延期 · 延期至 {asked.astimezone(SHANGHAI).strftime('%Y/%m/%d')}")
    hazard = ok(api_as("demo-supervisor").get(f"/api/v1/hazards/{major['id']}"))
    assert hazard["extension_decision"] == "approved" and hazard["deadline"] == hazard["extension_until"]
    expect(fact(desk, "整改期限")).to_contain_text(asked.astimezone(SHANGHAI).strftime("%m/%d"))
