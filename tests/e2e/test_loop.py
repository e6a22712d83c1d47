"""The hazard loop in the field app, as its users live it: a grid worker with no signal scans a tag and
reports with a photo, reloads, comes back online and the report arrives once; the station acknowledges
and issues a notice, the enterprise rectifies with a photo, and the station closes it."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e import live
from tests.e2e.conftest import near

pytestmark = pytest.mark.e2e

WHAT = "消防通道堆放纸箱，安全出口被堵（端到端测试）"


@pytest.fixture
def market(api_as) -> dict:
    """The demo enterprise's site on demo-grid's beat, with its live tag."""
    theirs = {site["id"] for site in api_as("demo-enterprise").get("/api/v1/sites").json()}
    site = next(
        site
        for site in api_as("demo-grid").get("/api/v1/sites", params={"page_size": 100}).json()
        if site["id"] in theirs
    )
    return {**site, "tag": api_as("demo-grid").get(f"/api/v1/sites/{site['id']}/tag").json()}


@pytest.fixture
def photo(tmp_path):
    """A phone photo: 3000×2000, which the app shrinks to 1600 px before it leaves the phone."""
    path = tmp_path / "IMG_0001.jpg"
    image = Image.new("RGB", (3000, 2000), (180, 120, 60))
    image.paste((40, 40, 40), (800, 500, 2200, 1500))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def phone(browser, browser_context_args, market, csp):
    """phone(login) → a page of a new phone (browser context) at the market, signed in as `login`."""
    contexts = []

    def open_as(login: str):
        context = csp.watch(browser.new_context(**{**browser_context_args, "geolocation": near(market)}))
        contexts.append(context)
        return live.sign_in(context.new_page(), "/", login)

    yield open_as
    for context in contexts:
        context.close()


def reports_of(api, site_id) -> list[dict]:
    return [
        h
        for h in api.get("/api/v1/hazards", params={"site_id": site_id, "page_size": 100}).json()
        if h["description"] == WHAT
    ]


def outbox(page):
    return page.get_by_test_id("outbox-status").first


def form_of(page, field: str):
    return page.locator("form").filter(has=page.get_by_label(field))


def open_from(page, region: str):
    """Go home, sync now, then open the report from the named list there (待受理, 整改通知, 待复查)."""
    page.get_by_role("link", name="首页").click()
    sync = page.get_by_role("button", name="立即同步")
    expect(sync).to_be_enabled()
    sync.click()
    link = page.get_by_role("region", name=re.compile(region)).get_by_role("link", name=re.compile(WHAT[:8]))
    expect(link.first).to_be_visible(timeout=15_000)
    link.first.click()


def test_a_report_made_offline_arrives_once_and_goes_round_the_loop(phone, market, photo, tag_video, api_as):
    # The grid worker signs in with signal, then walks into a basement: no network at all.
    worker = phone("demo-grid")
    live.wait_until_controlled(worker)
    expect(worker.get_by_text(market["name"]).first).to_be_visible()  # its beat is synced onto the phone
    worker.context.set_offline(True)
    tag_video(market["tag"]["url"])
    worker.get_by_role("link", name="扫码").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text(market["name"])

    worker.get_by_role("link", name="报告隐患").click()
    worker.get_by_label("消防安全").check()
    worker.get_by_label("隐患描述").fill(WHAT)
    worker.get_by_label("拍照").set_input_files(photo)
    expect(worker.get_by_role("img", name="隐患照片 1")).to_be_visible()
    worker.get_by_role("button", name="保存").click()
    expect(worker.get_by_text("已保存，待发送。")).to_be_visible()
    expect(outbox(worker)).to_contain_text("等待网络")
    assert reports_of(api_as("demo-station"), market["id"]) == []  # queued on the phone, not sent

    # The app is reloaded (or killed) while still offline: the queue is still there, not shown as sent.
    assert worker.reload().from_service_worker
    expect(outbox(worker)).to_contain_text("等待网络")
    expect(outbox(worker)).not_to_contain_text("全部已发送")

    # Signal again: everything goes, once.
    worker.context.set_offline(False)
    expect(outbox(worker)).to_contain_text("全部已发送", timeout=30_000)
    [report] = reports_of(api_as("demo-station"), market["id"])
    assert report["state"] == "reported" and report["category"] == "fire" and len(report["photos"]) == 1
    # the outbox said what time the phone thought it was as it sent (its clock and this server's agree here)
    assert report["clock_offset_s"] is not None and abs(report["clock_offset_s"]) < 5
    original = api_as("demo-station").get(f"/api/v1/photos/{report['photos'][0]['id']}").json()
    assert max(original["width"], original["height"]) == 1600  # resized on the phone before upload
    worker_id = api_as("demo-grid").get("/api/v1/me").json()["id"]  # the demo year holds the bureaus' check-ins here
    mine = {"site_id": market["id"], "user_id": worker_id}
    checkins = api_as("demo-grid").get("/api/v1/checkins", params=mine).json()
    assert len([c for c in checkins if c["code"].replace("-", "") == market["tag"]["code"].replace("-", "")]) == 1

    # The station acknowledges it and issues a rectification notice.
    station = phone("demo-station")
    open_from(station, "待受理")
    station.get_by_role("button", name="受理", exact=True).click()
    station.get_by_role("button", name="下达整改意见").click()
    expect(station.get_by_label("责任单位")).not_to_have_value("")
    station.get_by_label("整改要求").fill("三日内清理通道杂物，保持安全出口畅通")
    station.get_by_role("button", name="确认下达整改意见").click()
    expect(station.get_by_text("整改中").first).to_be_visible(timeout=15_000)
    expect(outbox(station)).to_contain_text("全部已发送", timeout=15_000)

    # The enterprise sees the notice and reports the rectification with a photo as proof.
    enterprise = phone("demo-enterprise")
    open_from(enterprise, "整改通知")
    enterprise.get_by_role("button", name="提交整改").click()
    enterprise.get_by_label("整改情况").fill("纸箱已清走，通道畅通")
    enterprise.get_by_label("整改照片").set_input_files(photo)
    expect(form_of(enterprise, "整改情况").get_by_role("img")).to_have_count(1)  # resized and kept on the phone
    enterprise.get_by_role("button", name="确认提交整改").click()
    expect(enterprise.get_by_text("待复查").first).to_be_visible(timeout=15_000)
    expect(outbox(enterprise)).to_contain_text("全部已发送", timeout=15_000)

    # The station re-inspects and closes it.
    open_from(station, "待复查")
    station.get_by_role("button", name="复查通过，销号").click()
    station.get_by_label("复查结果").fill("复查合格")
    station.get_by_label("复查照片").set_input_files(photo)
    expect(form_of(station, "复查结果").get_by_role("img")).to_have_count(1)
    station.get_by_role("button", name="确认复查通过，销号").click()
    expect(station.get_by_text("已销号").first).to_be_visible(timeout=15_000)
    expect(outbox(station)).to_contain_text("全部已发送", timeout=15_000)

    [report] = reports_of(api_as("demo-station"), market["id"])
    assert report["state"] == "closed"
    timeline = api_as("demo-station").get(f"/api/v1/hazards/{report['id']}/timeline").json()
    assert [event["action"] for event in timeline] == [
        "report",
        "acknowledge",
        "issue_notice",
        "submit_rectification",
        "close",
    ]
    documents = api_as("demo-station").get(f"/api/v1/hazards/{report['id']}/documents").json()
    assert sorted(d["kind"] for d in documents) == ["rectification_notice", "reinspection_opinion"]
