"""The screens on a 360 px phone (and the summary on a 1280 px office screen): no word a user reads is broken
in the middle, the report form says how far away the site is rather than coordinates, settings says what to do
when the browser may clear the outbox."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e import live

pytestmark = pytest.mark.e2e

PHONE = live.PHONE_360["viewport"]
OFFICE = {"width": 1280, "height": 800}
COORDINATES = re.compile(r"\d{2,3}\.\d{4}")

# The texts under `selector` that wrap between two characters of a word: a line break inside a run with no
# space (Chinese, with word-break: keep-all, breaks only at spaces and punctuation).
BROKEN_WORDS = """(selector) => [...document.querySelectorAll(selector)].flatMap((el) => {
  const broken = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const range = document.createRange();
    let top = null;
    for (let i = 0; i < node.length; i++) {
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rect = range.getBoundingClientRect();
      if (!rect.width) continue;
      if (top !== null && rect.top > top + 2 && !/\\s/.test(node.data[i - 1])) {
        broken.push(node.data);
        break;
      }
      top = rect.top;
    }
  }
  return broken;
})"""


@pytest.fixture
def screen(browser, browser_context_args, csp):
    """screen(login, viewport) → a page of a new browser of that size, signed in as `login`."""
    contexts = []

    def open_as(login: str, viewport: dict = PHONE, init_script: str | None = None):
        context = csp.watch(browser.new_context(**{**browser_context_args, "viewport": viewport}))
        if init_script:
            context.add_init_script(init_script)
        contexts.append(context)
        return live.sign_in(context.new_page(), "/", login)

    yield open_as
    for context in contexts:
        context.close()


def test_the_supervisor_sees_the_districts_totals_at_home_and_the_summary_once_under_its_tab(screen):
    page = screen("demo-supervisor")
    home = page.get_by_role("main")
    expect(home.get_by_role("region", name="隐患统计（近 30 天）")).to_contain_text(re.compile(r"上报 \d+ · 办结率"))
    expect(home.get_by_role("table")).to_have_count(0)
    expect(home.get_by_role("img", name="各街道办结率")).to_have_count(0)

    home.get_by_role("link", name=re.compile("各街道统计")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("隐患统计（近 30 天）")
    expect(page.get_by_role("img", name="各街道办结率")).to_have_count(1)
    expect(page.get_by_role("table")).to_have_count(1)
    expect(page.get_by_role("navigation").get_by_role("link", name="统计")).to_have_attribute("aria-current", "page")


def test_the_summary_keeps_street_names_whole_on_a_phone_and_is_a_table_in_the_office(screen):
    phone = screen("demo-supervisor")
    phone.get_by_role("navigation").get_by_role("link", name="统计").click()
    table = phone.get_by_role("table")
    expect(table.get_by_role("rowheader", name="民族街道")).to_be_visible()
    assert phone.evaluate(BROKEN_WORDS, "tbody th, tfoot th, td") == []
    # each figure is shown beside its name, the numbers right-aligned
    assert table.locator("td").first.evaluate("(td) => getComputedStyle(td, '::before').content") != "none"

    office = screen("demo-supervisor", OFFICE)
    office.get_by_role("navigation").get_by_role("link", name="统计").click()
    table = office.get_by_role("table")
    expect(table.get_by_role("columnheader", name="上报")).to_be_visible()
    assert table.evaluate("(t) => getComputedStyle(t).display") == "table"
    assert office.evaluate(BROKEN_WORDS, "th, td") == []


def test_the_report_form_says_how_far_the_site_is_not_where_the_phone_is(screen, demo_site):
    page = screen("demo-grid")
    page.get_by_role("link", name=demo_site["name"]).first.click()
    page.get_by_role("link", name="报告隐患").click()
    where = page.get_by_test_id("report-location")
    expect(where).to_contain_text("距场所约 30 米（精度 ±10 米）")  # the phone is 30 m from the site
    expect(where).not_to_have_text(COORDINATES)

    # A tag the phone does not know: the report goes to the worker's grid, which the form names.
    page.goto("/#/report/-/ZZZZZ1111122222")
    expect(where).to_contain_text("网格：")
    expect(where).not_to_have_text(COORDINATES)


def test_settings_says_what_to_do_when_storage_is_not_persistent(screen):
    # A browser that will not grant it, as a phone's browser does for a page not added to the home screen.
    page = screen("demo-grid", init_script="navigator.storage.persist = () => Promise.resolve(false);")
    page.get_by_role("link", name="设置").click()
    advice = page.get_by_test_id("storage-advice")
    expect(advice).to_contain_text("浏览器未授予持久存储")
    expect(advice).to_contain_text("添加到主屏幕")
    expect(advice).to_contain_text("全部已发送")
    advice.get_by_role("button", name="再次申请").click()
    expect(advice.get_by_role("status")).to_have_text("浏览器仍未授予持久存储。")


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_supervisors_bottom_bar_fits_a_phone_in_either_language(screen, lang):
    """Seven tabs did not fit 360 px in English (Rankings, Warnings and Settings ran into each other): a bar of more
    than six leaves out the outbox, which the header's status opens on every screen."""
    page = screen("demo-supervisor")
    page.evaluate("(lang) => localStorage.setItem('safegrid.lang', lang)", lang)  # as settings' choice keeps it
    page.reload()
    tabs = page.locator("nav.bottom a")
    expect(tabs.first).to_have_text("首页" if lang == "zh-CN" else "Home")
    expect(tabs).to_have_count(6)
    overflowing = tabs.evaluate_all("(links) => links.filter((a) => a.scrollWidth > a.clientWidth).map((a) => a.text)")
    assert overflowing == []
    assert page.evaluate(BROKEN_WORDS, "nav.bottom") == []
    page.get_by_test_id("outbox-status").click()
    expect(page).to_have_url(re.compile("#/outbox$"))


def test_the_warning_levels_stay_within_the_issue_form_on_a_phone(screen):
    """Four level tiles in one row of a 360 px form, none pushed past its edge (the fourth was, in English)."""
    page = screen("demo-supervisor")
    page.evaluate("localStorage.setItem('safegrid.lang', 'en')")
    page.goto(page.url.split("#")[0] + "#/warnings/issue")
    page.reload()
    levels = page.locator("fieldset.tiles.four")
    expect(levels.locator("label")).to_have_text(["Blue", "Yellow", "Orange", "Red"])
    # the last tile ends where the form's fields do, not past them
    field, red = page.locator("#warn-headline").bounding_box(), levels.locator(".tile").last.bounding_box()
    assert red["x"] + red["width"] <= field["x"] + field["width"] + 1
