"""A new release of the field app reaches a phone whose outbox still holds unsent work: nothing is lost."""

import re
import shutil

import pytest
from playwright.sync_api import expect

from tests.e2e import live
from tests.e2e.conftest import near

pytestmark = pytest.mark.e2e

WHAT = "配电箱门未关闭（版本更新测试）"


def test_an_app_update_keeps_the_outbox_and_sends_it_after(
    browser, browser_context_args, start_live_server, demo_site, tmp_path, csp
):
    release = tmp_path / "dist"
    shutil.copytree(live.PWA_DIST, release)
    url = start_live_server(release)
    context = csp.watch(
        browser.new_context(**{**browser_context_args, "base_url": url, "geolocation": near(demo_site)})
    )
    page = live.sign_in(context.new_page(), "/", "demo-grid")
    live.wait_until_controlled(page)
    expect(page.get_by_text(demo_site["name"]).first).to_be_visible()

    # The report cannot reach the server (a dead zone for the API only), so it waits in the outbox.
    context.route(re.compile(r".*/api/v1/hazards$"), lambda route: route.abort("internetdisconnected"))
    page.goto(f"/?tag={demo_site['tag']['code']}")  # as the phone's own camera opens a tag
    expect(page.get_by_role("heading", level=1)).to_have_text(demo_site["name"])
    # The tag's check-in goes first: a report queued while it is still in the outbox counts in its batch (1/2).
    expect(page.get_by_text(re.compile(r"已打卡.*（已发送）"))).to_be_visible(timeout=15_000)
    page.get_by_role("link", name="报告隐患").click()
    page.get_by_label("用电安全").check()
    page.get_by_label("隐患描述").fill(WHAT)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("outbox-status").first).to_contain_text("0/1 已发送")

    # A new release is deployed: its service worker differs by a byte, as any release's does.
    (release / "sw.js").write_text((release / "sw.js").read_text() + "\n// release 2\n")
    page.evaluate("navigator.serviceWorker.getRegistration().then((registration) => registration.update())")
    expect(page.get_by_text("有新版本可用")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("outbox-status").first).to_contain_text("0/1 已发送")  # still there, unsent
    page.get_by_role("button", name="更新").click()
    expect(page.get_by_text("有新版本可用")).to_have_count(0, timeout=15_000)

    # The new version runs; out of the dead zone (the phone's `online` event), the queued report goes, once.
    context.unroute(re.compile(r".*/api/v1/hazards$"))
    context.set_offline(True)
    context.set_offline(False)
    expect(page.get_by_test_id("outbox-status").first).to_contain_text("全部已发送", timeout=30_000)
    login = context.request.post(
        f"{url}/api/v1/auth/login", data={"login": "demo-station", "password": live.DEMO_PASSWORD}
    ).json()
    hazards = context.request.get(
        f"{url}/api/v1/hazards",
        params={"site_id": demo_site["id"]},
        headers={"Authorization": f"Bearer {login['token']}"},
    ).json()
    assert [h["description"] for h in hazards].count(WHAT) == 1
    context.close()
