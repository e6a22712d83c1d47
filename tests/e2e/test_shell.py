"""The field app's shell in a real browser: Chinese, installable, and opening with no signal."""
import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.live import wait_until_controlled

pytestmark = pytest.mark.e2e


def test_the_app_opens_in_chinese_on_the_login_screen(page):
    resp = page.goto("/")
    assert resp.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("input[type=password]")).to_be_visible()  # nobody is signed in yet


def test_the_app_can_be_installed_from_its_manifest(page):
    page.goto("/")
    resp = page.request.get(page.locator("link[rel=manifest]").get_attribute("href"))
    assert resp.ok and resp.headers["content-type"].startswith(("application/manifest+json", "application/json"))
    manifest = resp.json()
    assert "安全网格" in manifest["name"] and manifest["short_name"]
    assert manifest["display"] in ("standalone", "fullscreen", "minimal-ui")
    assert page.request.get(manifest["start_url"]).ok
    sizes = set()
    for icon in manifest["icons"]:
        image = page.request.get(icon["src"])
        assert image.ok, icon["src"]
        width, height = Image.open(io.BytesIO(image.body())).size
        assert icon["sizes"] == f"{width}x{height}", icon
        sizes.add(width)
    assert {192, 512} <= sizes


def test_after_one_visit_the_app_opens_offline_from_its_service_worker(page, context):
    page.goto("/")
    wait_until_controlled(page)
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")

    context.set_offline(True)
    resp = page.reload()
    assert resp.from_service_worker
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("input[type=password]")).to_be_visible()
