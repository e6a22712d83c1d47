"""The outbox as a grid worker sees it with no signal: the reports made, each with its photos inside it (not
the photos counted as items of their own), each save's message for its full time, and all of it sent once."""

import io
import re
import time
import uuid

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e import live

pytestmark = pytest.mark.e2e

SAVED = "已保存，待发送。"
SHOWN_FOR_S = 8  # how long the app shows 已保存 after each save


@pytest.fixture
def photos(tmp_path):
    """Two phone photos, different from each other."""
    paths = []
    for n, colour in enumerate([(200, 60, 40), (40, 90, 200)], start=1):
        buffer = io.BytesIO()
        Image.new("RGB", (800, 600), colour).save(buffer, "JPEG", quality=85)
        paths.append(tmp_path / f"IMG_000{n}.jpg")
        paths[-1].write_bytes(buffer.getvalue())
    return paths


def test_reports_made_offline_wait_with_their_photos_and_go_once_online(sign_in, demo_site, photos, api_as):
    page = sign_in("demo-grid")
    live.wait_until_controlled(page)
    beat = page.get_by_role("region", name="我的网格场所")
    expect(beat.get_by_text(demo_site["name"]).first).to_be_visible()
    page.context.set_offline(True)
    beat.get_by_role("link", name=re.compile(re.escape(demo_site["name"]))).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(demo_site["name"])

    what = f"灭火器过期（待发送测试 {uuid.uuid4().hex[:6]}）"
    saved_at = []
    for n in (1, 2, 3):
        if n == 3:
            time.sleep(SHOWN_FOR_S / 2)  # the third save comes halfway through the second's message
        page.get_by_role("link", name="报告隐患").click()
        page.get_by_label("消防安全").check()
        page.get_by_label("隐患描述").fill(f"{what} {n}")
        page.get_by_label("拍照").set_input_files(photos)
        expect(page.get_by_role("img", name="隐患照片 2")).to_be_visible()
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_text(SAVED)).to_be_visible()
        saved_at.append(time.monotonic())

    # Once the second's time is up, the third's message is still there: the second's timer must not cut it short.
    assert saved_at[2] - saved_at[1] < SHOWN_FOR_S - 1, "the saves were too far apart to test this"
    time.sleep(max(0.0, saved_at[1] + SHOWN_FOR_S + 0.5 - time.monotonic()))
    expect(page.get_by_text(SAVED)).to_be_visible(timeout=100)
    expect(page.get_by_text(SAVED)).to_have_count(0, timeout=(SHOWN_FOR_S + 2) * 1000)

    # Three records wait, not nine items; home shows the line once (the header's).
    status = page.get_by_test_id("outbox-status")
    expect(status).to_contain_text("0/3 已发送")
    expect(status).to_contain_text("等待网络")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="首页").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("今日工作")
    expect(status).to_have_count(1)

    # The outbox: each report with its two photos inside it; it waits for the network and says so.
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="待发送").click()
    records = page.get_by_test_id("outbox-queued").locator(":scope > li")
    expect(records).to_have_count(3)
    for n in (1, 2, 3):
        record = records.filter(has_text=f"{what} {n}")
        expect(record).to_contain_text("照片 0/2 已发送")
        expect(record.get_by_role("img")).to_have_count(2)
        for img in record.get_by_role("img").all():
            assert img.evaluate("(i) => i.complete && i.naturalWidth > 0")  # drawn from the bytes on the phone
    expect(page.get_by_text("照片 ·")).to_have_count(0)
    expect(page.get_by_text("等待网络：恢复连接后会自动发送")).to_be_visible()
    expect(page.get_by_role("button", name="立即重试")).to_have_count(0)
    expect(page.get_by_role("heading", name="需要处理")).to_have_count(0)

    # Signal again: everything goes, once, each report with its photos.
    page.context.set_offline(False)
    expect(status).to_contain_text("全部已发送", timeout=30_000)
    expect(page.get_by_text("没有等待发送的内容。")).to_be_visible()
    hazards = api_as("demo-station").get("/api/v1/hazards", params={"site_id": demo_site["id"], "page_size": 100})
    mine = [h for h in hazards.json() if h["description"].startswith(what)]
    assert sorted(h["description"] for h in mine) == [f"{what} {n}" for n in (1, 2, 3)]
    assert all(len(h["photos"]) == 2 for h in mine)


def test_the_wait_before_the_next_try_counts_down_by_itself(sign_in, demo_site):
    """The server refuses for a while (503): the outbox line says when it tries again, and that figure goes down
    second by second with nothing else happening, rather than standing still until something else changes."""
    page = sign_in("demo-grid")
    page.route(re.compile(r".*/api/v1/hazards$"), lambda route: route.fulfill(status=503, body="busy"))
    beat = page.get_by_role("region", name="我的网格场所")
    beat.get_by_role("link", name=re.compile(re.escape(demo_site["name"]))).first.click()
    page.get_by_role("link", name="报告隐患").click()
    page.get_by_label("消防安全").check()
    page.get_by_label("隐患描述").fill(f"安全出口锁闭（重试测试 {uuid.uuid4().hex[:6]}）")
    page.get_by_role("button", name="保存").click()

    status = page.get_by_test_id("outbox-status")
    retry = re.compile(r"(\d+) 秒后重试")
    expect(status).to_contain_text(retry, timeout=30_000)
    seconds = []  # read a little more often than once a second: three falling figures in a row count down
    for _ in range(14):
        found = retry.search(status.inner_text())
        if found and (not seconds or int(found.group(1)) != seconds[-1]):
            seconds.append(int(found.group(1)))
        if len(seconds) >= 3 and seconds[-3] > seconds[-2] > seconds[-1]:
            break
        page.wait_for_timeout(900)
    else:
        pytest.fail(f"the wait did not count down: {seconds}")
