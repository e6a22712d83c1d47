"""双随机抽查 in the field app: the supervisor names the matter, filters the register, keeps the seed (only its SHA-256
sent), draws (each target with its two inspectors, none of them tied to its enterprise), publishes; the public page
shows the draw, and it verifies when re-run. At a desk's width and on a phone."""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.e2e import live
from tests.e2e.test_tasks import shot

pytestmark = pytest.mark.e2e

MATTER = "商场消防安全双随机抽查（端到端）"


def _draw_in_the_app(page, width: int) -> str:
    page.get_by_test_id("draws-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("双随机抽查")
    page.get_by_test_id("draw-new").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新建双随机抽查")
    page.get_by_label("抽查事项").fill(f"{MATTER}{width}")
    expect(page.get_by_label("范围")).to_contain_text("江汉区")
    page.locator("label.check", has_text="商场").locator("input").check()
    page.get_by_label("抽取比例（%）").fill("10")
    page.get_by_label("每个对象的检查人员数").fill("2")
    page.get_by_label("行业主管部门人员").select_option("commerce")  # the commerce bureau's officers join the register
    page.locator("label.check", has_text="由我保管").locator("input").check()
    seed = page.get_by_test_id("draw-seed").locator(".seed-text").inner_text()
    assert re.fullmatch(r"[0-9a-f]{32}", seed)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"draw-new-{width}")
    page.get_by_role("button", name="冻结名录并承诺种子").click()

    expect(page.get_by_test_id("draw-state")).to_have_text("已承诺种子")
    expect(page.get_by_label("您保管的种子")).to_have_value(seed)  # kept on this phone until the draw
    page.get_by_test_id("draw-run").click()
    expect(page.get_by_test_id("draw-state")).to_have_text("已抽取")
    targets = page.get_by_test_id("draw-target")
    expect(targets).to_have_count(3)  # a tenth of the 24 malls, rounded up
    for n in range(3):
        expect(targets.nth(n).get_by_test_id("draw-inspectors")).to_have_text(re.compile(r"^检查人员：[^、]+、[^、]+$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"draw-drawn-{width}")
    page.get_by_test_id("draw-publish").click()
    expect(page.get_by_test_id("draw-state")).to_have_text("已公示")
    expect(page.get_by_test_id("draw-published")).to_be_visible()
    return page.url.rsplit("/", 1)[-1]


def _no_tie_drawn(api, draw_id: str):
    record = live.ok(api.get(f"/api/v1/public/draws/{draw_id}/record"))
    targets = {t["id"]: t for t in json.loads(record["targets_snapshot"])}
    people = {p["id"]: p for p in json.loads(record["inspectors_snapshot"])}
    for item in json.loads(record["result"])["assignments"]:
        assert len(item["inspector_ids"]) == 2
        for person in item["inspector_ids"]:
            assert targets[item["site_id"]]["enterprise_id"] not in people[person]["recusals"]


@pytest.mark.parametrize("width", [1280, 360])
def test_the_supervisor_draws_and_publishes_and_the_public_page_verifies_it(
    browser, browser_context_args, csp, api_as, width
):
    small = {"viewport": {"width": 360, "height": 740}}
    args = {**browser_context_args, **(live.DESK if width == 1280 else small)}
    context = browser.new_context(**args)
    csp.watch(context)
    page = context.new_page()
    try:
        live.sign_in(page, "/", "demo-supervisor")
        draw_id = _draw_in_the_app(page, width)
        _no_tie_drawn(api_as("demo-supervisor"), draw_id)

        with context.expect_page() as opened:
            page.get_by_test_id("draw-public-link").click()
        public = opened.value
        expect(public.get_by_role("heading", level=1)).to_contain_text(f"{MATTER}{width}")
        expect(public.get_by_role("table").locator("tbody tr")).to_have_count(3)
        expect(public.get_by_text("名录库 24 个对象中抽取 3 个")).to_be_visible()
        public.get_by_role("link", name="重新运行抽取并核对").click()
        expect(public.get_by_test_id("verdict")).to_have_text(re.compile("^复核通过"))
        public.goto("/public/draws")
        expect(public.get_by_role("link", name=re.compile(re.escape(f"{MATTER}{width}")))).to_be_visible()
    finally:
        context.close()
