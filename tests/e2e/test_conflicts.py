"""利害关系申报 in the field app: an enforcement officer finds an enterprise, declares a tie with a reason, and sees
it in their declarations; declaring it again answers the stored one."""

import pytest
from playwright.sync_api import expect

from tests.e2e import live
from tests.e2e.test_tasks import shot

pytestmark = pytest.mark.e2e

ENTERPRISE = "武汉黄鹤能源民族加油站有限公司（演示）"  # a gas station: no demo draw or test draws them


def test_an_inspector_declares_a_tie_and_sees_it(browser, browser_context_args, csp, api_as):
    context = browser.new_context(**{**browser_context_args, "viewport": {"width": 360, "height": 740}})
    csp.watch(context)
    page = context.new_page()
    try:
        live.sign_in(page, "/", "demo-enforcement")
        page.get_by_test_id("conflicts-link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("利害关系申报")
        mine = page.get_by_test_id("conflicts-mine")
        expect(mine).to_contain_text("近亲属在该公司任职（演示）")  # the demo's own, to a market
        before = mine.locator("li").count()

        for attempt in ("申报", "again"):
            page.get_by_label("查找企业").fill("黄鹤能源民族")
            page.get_by_role("button", name="查找").click()
            page.get_by_test_id("conflict-found").get_by_text(ENTERPRISE).click()
            page.get_by_label("理由").fill("配偶在该公司任职（端到端）")
            page.get_by_test_id("conflict-declare").click()
            answer = page.get_by_test_id("conflict-answer")
            if attempt == "申报":
                expect(answer).to_have_text(f"已申报与“{ENTERPRISE}”的利害关系。")
                expect(mine.locator("li")).to_have_count(before + 1)
                expect(mine).to_contain_text(ENTERPRISE)
                assert page.evaluate("document.documentElement.scrollWidth") <= 360
                shot(page, "conflicts-360")
            else:
                expect(answer).to_have_text(f"您此前已申报过与“{ENTERPRISE}”的利害关系。")
                expect(mine.locator("li")).to_have_count(before + 1)  # once
        declared = live.ok(api_as("demo-enforcement").get("/api/v1/conflicts"))
        assert [d["reason"] for d in declared if d["enterprise_name"] == ENTERPRISE] == ["配偶在该公司任职（端到端）"]
    finally:
        context.close()
