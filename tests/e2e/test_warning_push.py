"""预警推送 in a real browser: the service worker's notice of a pushed warning (delivered through Chromium's DevTools,
as no push service is reachable here), and the settings switch, shown only where the server has a push service."""

import json
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.live import ok, until, wait_until_controlled

pytestmark = pytest.mark.e2e

KEY = "BMd0oQpfeeUUMTV0BkxHgFGhiWdd2gGVd_oUnSoZ2iqYw-FlKsc6weCoLcp5TtP4wcuF9nr-wjfjcWV8mUJjrg4"
NOTICES = """async () => (await (await navigator.serviceWorker.ready).getNotifications())
  .map((n) => ({title: n.title, body: n.body, tag: n.tag, hash: n.data && n.data.hash}))"""


def push_to_worker(page, context, origin: str, message: dict):
    """What the browser does when its push service delivers a message: a push event in the service worker."""
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")  # the browser then tells of its registrations
    ours = []
    for _ in range(100):
        ours = [r for r in registrations if r["scopeURL"].rstrip("/") == origin.rstrip("/")]
        if ours:
            break
        page.wait_for_timeout(100)
    registration = ours[0]
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": origin, "registrationId": registration["registrationId"], "data": json.dumps(message)},
    )


def test_a_pushed_warning_is_a_notice_in_chinese_that_names_it(page, context, live_server):
    context.grant_permissions(["notifications"])
    page.goto("/")
    wait_until_controlled(page)
    warning = str(uuid.uuid4())
    message = {"id": warning, "root_id": warning, "type": "alert", "level": "red", "title": "红色暴雨预警"}
    push_to_worker(page, context, live_server, message)
    assert until(page, f"() => ({NOTICES})().then((notices) => notices.length > 0 && notices)") == [
        {"title": "红色预警", "body": "红色暴雨预警", "tag": f"warning-{warning}", "hash": f"#/warnings/{warning}"}
    ]
    # its cancellation replaces the notice (one per warning)
    push_to_worker(page, context, live_server, {**message, "id": str(uuid.uuid4()), "type": "cancel"})
    cancelled = until(page, f"() => ({NOTICES})().then((n) => n.length === 1 && n[0].body.endsWith('（已解除）') && n)")
    assert [(n["title"], n["tag"]) for n in cancelled] == [("红色预警", f"warning-{warning}")]


def test_the_switch_is_shown_only_where_the_server_has_a_push_service(page, context, sign_in):
    sign_in("demo-grid")
    page.goto("/#/settings")
    expect(page.get_by_role("heading", name="设置")).to_be_visible()
    expect(page.get_by_text("预警推送通知")).to_have_count(0)  # the demo has no push service
    page.route("**/api/v1/warnings/push", lambda route: route.fulfill(json={"enabled": True, "public_key": KEY}))
    context.grant_permissions(["notifications"])
    page.goto("/#/")
    page.goto("/#/settings")
    switch = page.get_by_role("switch", name="预警推送通知")
    expect(switch).to_be_visible()
    expect(switch).not_to_be_checked()
    switch.click()
    # no push service is reachable from this machine's Chromium: the app says so, and shows warnings as before
    expect(page.get_by_role("alert")).to_contain_text("推送服务", timeout=20_000)
    expect(switch).not_to_be_checked()


def test_a_grid_worker_opening_a_notice_sees_their_warnings(page, sign_in, api_as):
    """A notice opens #/warnings/<id>: a grid worker has no coverage to read, so they get their warnings, that one
    among them, rather than a refusal."""
    warning = ok(api_as("demo-supervisor").get("/api/v1/warnings"))[0]
    sign_in("demo-grid")
    page.goto(f"/#/warnings/{warning['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text("预警信息")
    expect(page.get_by_test_id("warning").first).to_contain_text(warning["title"])
    expect(page.get_by_role("heading", name="预警覆盖率")).to_have_count(0)


def test_an_office_opening_a_notice_sees_its_coverage(page, sign_in, api_as):
    warning = next(w for w in ok(api_as("demo-supervisor").get("/api/v1/warnings")) if w["msg_type"] == "alert")
    sign_in("demo-station")
    page.goto(f"/#/warnings/{warning['id']}")
    expect(page.get_by_test_id("warning-coverage")).to_be_visible(timeout=15_000)
