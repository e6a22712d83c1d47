"""公示: the published draw on its public page, on a phone with the field app installed (its service worker must
let the server's page through, not answer with the app), and re-run from there."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e import live

pytestmark = pytest.mark.e2e


def test_the_published_draw_opens_on_a_phone_that_has_the_app_and_verifies(page, sign_in):
    sign_in("demo-supervisor")
    live.wait_until_controlled(page)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/public/draws")
    expect(page.get_by_role("heading", level=1)).to_have_text("双随机抽查公示")
    page.get_by_role("link", name=re.compile("农贸市场安全生产双随机抽查")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("农贸市场安全生产双随机抽查")
    expect(page.get_by_role("table").locator("tbody tr")).to_have_count(8)  # a tenth of 78 markets, rounded up
    expect(page.get_by_text("名录库 78 个对象中抽取 8 个")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    page.get_by_role("link", name="重新运行抽取并核对").click()
    expect(page.get_by_test_id("verdict")).to_have_text(re.compile("^复核通过"))
