"""A link to a hazard the phone does not hold yet (from a message, a list of the server's, another officer): the
app reads it from the server rather than saying there is no such hazard."""

import re
import uuid
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_hazard_not_yet_synced_opens_from_its_link(sign_in, api_as, demo_site):
    page = sign_in("demo-station")
    page.route(re.compile(r".*/api/v1/sync/.*"), lambda route: route.abort())  # the sync brings nothing new
    what = f"消防通道堵塞（链接测试 {uuid.uuid4().hex[:6]}）"
    answer = api_as("demo-grid").post(
        "/api/v1/hazards",
        data={
            "id": str(uuid.uuid4()),
            "site_id": demo_site["id"],
            "category": "fire",
            "level": "general",
            "description": what,
            "observed_at": datetime.now(UTC).isoformat(),
        },
    )
    assert answer.status == 201, answer.text()
    page.evaluate("(id) => { location.hash = `#/hazard/${id}`; }", answer.json()["id"])
    expect(page.get_by_text(what)).to_be_visible()
    expect(page.get_by_role("button", name="受理", exact=True)).to_be_visible()  # the station can act on it at once

    page.evaluate("() => { location.hash = `#/hazard/${crypto.randomUUID()}`; }")
    expect(page.get_by_role("status")).to_have_text("找不到这条隐患，或它不在您的管辖范围内。")
