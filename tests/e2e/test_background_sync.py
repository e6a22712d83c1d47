"""Background Sync: a change the phone queued is sent by the service worker after the app was closed, and the
phone keeps the hazard as the server answered it, so the next change made offline is not refused as stale."""

import re
import time
import uuid
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.e2e import live

pytestmark = pytest.mark.e2e

WHAT = "灭火器压力不足（后台同步测试）"
TRANSITIONS = re.compile(r".*/api/v1/hazards/[^/]+/transitions$")


def fire_background_sync(page, origin: str):
    """What the browser does when the network returns for a registered sync, asked for through DevTools:
    dispatch the outbox's sync event to the origin's service worker."""
    cdp = page.context.new_cdp_session(page)
    registrations = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(
            r for r in event["registrations"] if r["scopeURL"].startswith(origin) and not r["isDeleted"]
        ),
    )
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while not registrations and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert registrations, "the app's service worker is not registered"
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {
            "origin": origin,
            "registrationId": registrations[0]["registrationId"],
            "tag": "safegrid-outbox",
            "lastChance": False,
        },
    )
    cdp.detach()


def wait_for_state(api, hazard_id: str, state: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        hazard = api.get(f"/api/v1/hazards/{hazard_id}").json()
        if hazard["state"] == state or time.monotonic() > deadline:
            return hazard
        time.sleep(0.2)


def test_a_change_sent_by_background_sync_is_kept_as_the_server_answered(
    browser, browser_context_args, live_server, demo_site, api_as, csp
):
    report = (
        api_as("demo-grid")
        .post(
            "/api/v1/hazards",
            data={
                "id": str(uuid.uuid4()),
                "site_id": demo_site["id"],
                "category": "fire",
                "level": "general",
                "description": WHAT,
                "observed_at": datetime.now(UTC).isoformat(),
            },
        )
        .json()
    )
    context = csp.watch(browser.new_context(**browser_context_args))
    page = live.sign_in(context.new_page(), "/", "demo-station")
    live.wait_until_controlled(page)
    page.goto(f"/#/hazard/{report['id']}")

    # The station acknowledges it where the API cannot be reached: the step waits in the outbox.
    context.route(TRANSITIONS, lambda route: route.abort("internetdisconnected"))
    page.get_by_role("button", name="受理", exact=True).click()
    expect(page.get_by_test_id("outbox-status").first).to_contain_text("0/1 已发送")

    # The app is closed; the network comes back and the browser hands the outbox to the service worker.
    page.goto("about:blank")
    context.unroute(TRANSITIONS)
    fire_background_sync(page, live_server)
    assert wait_for_state(api_as("demo-station"), report["id"], "acknowledged")["state"] == "acknowledged"

    # Opened again with no signal at all, the phone shows the hazard as acknowledged and bases the next step
    # on the version the server has: sent once the network is back, it is taken (a stale version gets 412).
    context.set_offline(True)
    assert page.goto(f"/#/hazard/{report['id']}").from_service_worker
    page.get_by_role("button", name="下达整改意见").click()
    expect(page.get_by_label("责任单位")).not_to_have_value("")
    page.get_by_label("整改要求").fill("立即更换灭火器")
    page.get_by_role("button", name="确认下达整改意见").click()
    expect(page.get_by_test_id("outbox-status").first).to_contain_text("等待网络")
    context.set_offline(False)
    expect(page.get_by_test_id("outbox-status").first).to_contain_text("全部已发送", timeout=30_000)
    assert api_as("demo-station").get(f"/api/v1/hazards/{report['id']}").json()["state"] == "rectifying"
    context.close()
