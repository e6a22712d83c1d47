"""The first start on a bad network: a new phone opens the app through a proxy that drops requests and cuts
answers short (tests/e2e/lossy.py), signs in, and without a reload the app becomes usable offline."""

import re

import pytest
from playwright.sync_api import Error, expect

from tests.e2e import live
from tests.e2e.lossy import LossyProxy

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SMALL_PHONE = live.PHONE_360["viewport"]
# What the first start meets for certain, besides the proxy's random losses: the page's stylesheet and module
# cut short, the first registration's sw.js dropped, a shell file of the install cut, the sign-in done by the
# server but its answer lost, and the answer about the user cut.
FIRST = {
    "/assets/index-*.css": "cut",
    "/assets/index-*.js": "cut",
    "/sw.js": "drop",
    "/icons/maskable-512.png": "cut",
    "/api/v1/auth/login": "lost",
    "/api/v1/me": "cut",
}
WHAT = "消防通道堆放杂物（弱网首次启动测试）"


@pytest.fixture
def lossy(live_server):
    proxy = LossyProxy(live_server, seed=13, drop=0.08, lost=0.04, cut=0.12, first=FIRST)
    yield proxy
    proxy.stop()


def open_app(page, attempts: int = 5):
    """Open the app as a person would on a bad network: on the browser's own error page, reload."""
    for attempt in range(attempts):
        try:
            if page.goto("/").ok:
                return
        except Error:
            if attempt == attempts - 1:
                raise


def styled(page) -> bool:
    """Whether styles.css applies: its `main { max-width: 40rem }`."""
    return page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth") == "640px"


def test_a_first_start_through_a_lossy_network_ends_signed_in_and_usable_offline(
    browser, browser_context_args, demo_site, lossy, csp
):
    context = csp.watch(browser.new_context(**{**browser_context_args, "viewport": SMALL_PHONE, "base_url": lossy.url}))
    page = context.new_page()
    open_app(page)

    # The cut stylesheet and module load again: the login form, styled.
    expect(page.get_by_label("手机号或用户名")).to_be_visible(timeout=30_000)
    assert styled(page)
    expect(page.get_by_test_id("offline-status")).to_have_text(re.compile("正在准备离线使用…|已可离线使用"))
    page.get_by_label("手机号或用户名").fill("demo-grid")
    page.get_by_label("密码").fill(live.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("login-retry")).to_contain_text("网络不稳定，正在第 2 次尝试登录")
    expect(page.locator("input[type=password]")).to_have_count(0, timeout=60_000)

    # The service worker, registered again after its first download was dropped, takes this very page.
    page.wait_for_function("() => !!navigator.serviceWorker.controller", timeout=60_000)
    page.get_by_role("link", name="设置").click()
    expect(page.get_by_test_id("offline-status")).to_have_text("已可离线使用", timeout=60_000)
    for path in FIRST:
        assert any(re.fullmatch(path.replace("*", ".*"), seen.split(" ", 1)[1]) for seen in lossy.fates(FIRST[path]))

    # No signal now: the app opens from the phone alone, styled, still signed in, and takes a report.
    context.set_offline(True)
    assert page.reload().from_service_worker
    expect(page.get_by_test_id("offline-status")).to_have_text("已可离线使用")  # settings, as left, signed in
    assert styled(page)
    page.get_by_role("link", name="首页").click()
    beat = page.get_by_role("region", name="我的网格场所")
    beat.get_by_role("link", name=re.compile(re.escape(demo_site["name"]))).first.click()
    page.get_by_role("link", name="报告隐患").click()
    page.get_by_label("消防安全").check()
    page.get_by_label("隐患描述").fill(WHAT)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存，待发送。")).to_be_visible()
    expect(page.get_by_test_id("outbox-status").first).to_contain_text("0/1 已发送")
    context.close()


def test_after_the_app_module_loaded_again_the_screens_loaded_later_open(browser, browser_context_args, demo_site, csp):
    """boot.js loads a failed app module again as `index-….js?retry=1`; the screens loaded when first opened
    import the app under its own name, which must not fail, nor start a second app beside the first."""
    context = csp.watch(browser.new_context(**browser_context_args, service_workers="block"))
    page = context.new_page()
    failed = []

    def fail_once(route):
        if not failed:
            failed.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route(re.compile(r"/assets/index-[^/?]*\.js$"), fail_once)
    live.sign_in(page, "/", "demo-grid")
    assert failed, "the app's module was never refused"
    expect(page.get_by_role("heading", name="今日工作")).to_be_visible()

    page.evaluate(f"location.hash = '#/inspect/{demo_site['id']}'")
    expect(page.get_by_test_id("checklist").first).to_be_visible(timeout=20_000)
    expect(page.get_by_text("此页面暂时无法打开")).to_have_count(0)
    expect(page.locator("header.top")).to_have_count(1)  # one app, not a second one started by the screen
    context.close()


STYLESHEET = re.compile(r"/assets/index-[^/?]*\.css(\?.*)?$")


def test_a_stylesheet_that_failed_twice_does_not_leave_the_login_form_unstyled(browser, browser_context_args, csp):
    """The page's stylesheet refused, then its first load again too, while the app's module arrives at once:
    the form must not show until the stylesheet applies (the one loaded again no longer holds back the paint)."""
    context = csp.watch(browser.new_context(**browser_context_args, service_workers="block"))
    page = context.new_page()
    refused = []

    def refuse_twice(route):
        if len(refused) < 2:
            refused.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route(STYLESHEET, refuse_twice)
    page.goto("/")
    expect(page.get_by_label("手机号或用户名")).to_be_visible(timeout=20_000)
    assert len(refused) == 2
    assert styled(page)
    context.close()


def test_a_stylesheet_cut_short_where_nothing_told_loads_again(browser, browser_context_args, csp):
    """The stylesheet's first answer ends early and says nothing of its length (as a close-delimited answer cut
    on the way would): the browser takes it as loaded, with only its first rules. The form shows styled all the same."""
    context = csp.watch(browser.new_context(**browser_context_args, service_workers="block"))
    page = context.new_page()
    answers = []

    def cut_once(route):
        if answers:
            answers.append(route.request.url)
            route.continue_()
            return
        whole = route.fetch()
        body = whole.body()
        answers.append(route.request.url)
        route.fulfill(status=200, content_type="text/css", body=body[: body.index(b"main{")])  # before `main`'s rule

    page.route(STYLESHEET, cut_once)
    page.goto("/")
    expect(page.get_by_label("手机号或用户名")).to_be_visible(timeout=20_000)
    assert styled(page)
    assert len(answers) == 2, answers  # the short one, and the one asked again
    context.close()
