"""Each role finds its own work: a department officer acts on what a station transferred to it, the district bureau
de-lists a closed listed hazard from its list of listed ones, the hazard list narrows by search and filters (offline
too), and an enterprise's home sorts its hazards by what it must do next. The steps that are not the point go through
the API."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e import live
from tests.e2e.live import act, ok

pytestmark = pytest.mark.e2e


def report(api, site_id, description, **fields) -> dict:
    body = {
        "id": str(uuid.uuid4()),
        "site_id": site_id,
        "category": "fire",
        "level": "general",
        "description": description,
        "observed_at": datetime.now(UTC).isoformat(),
        **fields,
    }
    return ok(api.post("/api/v1/hazards", data=body))


def later(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def grid_sites(api_as) -> list[dict]:
    return ok(api_as("demo-grid").get("/api/v1/sites", params={"page_size": 100}))


@pytest.fixture
def market(api_as) -> dict:
    """The demo enterprise's site on demo-grid's beat."""
    theirs = {site["id"] for site in ok(api_as("demo-enterprise").get("/api/v1/sites"))}
    return next(site for site in grid_sites(api_as) if site["id"] in theirs)


@pytest.fixture
def public_place(api_as) -> dict:
    """A site on demo-grid's beat with no enterprise (a fire lane, a compound): no sector's until transferred."""
    return next(site for site in grid_sites(api_as) if not site["enterprise"])


def sync(page):
    sync_now = page.get_by_role("button", name="立即同步")
    expect(sync_now).to_be_enabled(timeout=15_000)
    sync_now.click()
    expect(sync_now).to_be_enabled(timeout=15_000)


def region(page, name: str):
    return page.get_by_role("region", name=re.compile(name))


def test_a_department_acts_on_what_a_station_transferred_to_it(screen_as, api_as, public_place):
    what = f"占用消防通道堆放货物（移送测试 {uuid.uuid4().hex[:6]}）"
    hazard = report(api_as("demo-grid"), public_place["id"], what)
    act(api_as("demo-station"), hazard["id"], "transfer", reason="属市场监管部门职责", sector="market")

    page = screen_as("demo-department", live.PHONE_360)
    sync(page)
    transferred = region(page, "移送本部门")
    first = transferred.get_by_role("link").first
    expect(first).to_contain_text(what, timeout=15_000)  # the latest transfer it may act on comes first
    expect(first).to_contain_text("可操作：受理")
    first.click()

    page.get_by_role("button", name="受理", exact=True).click()
    page.get_by_role("button", name="下达整改意见").click()
    page.get_by_label("责任单位").fill("物业服务中心")
    page.get_by_label("整改要求").fill("三日内清理通道内货物")
    page.get_by_role("button", name="确认下达整改意见").click()
    expect(page.locator("main .badge").filter(has_text="整改中").first).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("outbox-status").first).to_contain_text("全部已发送", timeout=15_000)
    now = ok(api_as("demo-station").get(f"/api/v1/hazards/{hazard['id']}"))
    assert now["state"] == "rectifying" and now["responsible_party"] == "物业服务中心"
    assert now["transferred_at"] and now["sector"] == "market"


def test_the_bureau_de_lists_a_closed_listed_hazard_from_its_list(screen_as, api_as, market):
    what = f"燃气报警器失效（挂牌测试 {uuid.uuid4().hex[:6]}）"
    station, supervisor = api_as("demo-station"), api_as("demo-supervisor")
    hazard = report(api_as("demo-grid"), market["id"], what, category="gas", level="major")
    act(station, hazard["id"], "acknowledge")
    act(supervisor, hazard["id"], "list", reason="重大燃气隐患，区级挂牌督办")
    act(station, hazard["id"], "issue_notice", deadline=later(10), responsible_party=market["enterprise"]["name"])
    act(
        api_as("demo-enterprise"),
        hazard["id"],
        "submit_rectification",
        description="报警器已更换",
        photo_ids=[str(uuid.uuid4())],
    )
    act(station, hazard["id"], "close", result="验收合格")

    page = screen_as("demo-supervisor", live.DESK)
    sync(page)
    expect(page.get_by_role("region", name=re.compile("隐患统计"))).to_have_count(1)  # the headline once
    listed = region(page, "挂牌督办的重大隐患")
    row = listed.get_by_role("link").filter(has_text=what)
    expect(row).to_contain_text("已销号", timeout=15_000)
    expect(row).to_contain_text("可操作：摘牌销号")
    row.click()
    page.get_by_role("button", name="摘牌销号").click()
    page.get_by_label("理由").fill("整改验收合格，摘牌销号")
    page.get_by_role("button", name="确认摘牌销号").click()
    # the server's answer takes the flag off (a change still waiting would keep it)
    expect(page.locator("main .badge.flag").filter(has_text="挂牌督办")).to_have_count(0, timeout=15_000)
    expect(page.get_by_text("当前没有您可执行的操作。")).to_be_visible()
    assert ok(supervisor.get(f"/api/v1/hazards/{hazard['id']}"))["delisted_at"]

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="首页").click()
    expect(listed.get_by_role("link").filter(has_text=what)).to_have_count(0)


def test_search_and_filters_narrow_the_hazard_list_offline_too(screen_as, api_as, market, public_place):
    mark = f"查找测试{uuid.uuid4().hex[:6]}"
    station = api_as("demo-station")
    report(api_as("demo-grid"), market["id"], f"电动车楼道充电（{mark}）")
    taken = report(api_as("demo-grid"), public_place["id"], f"消防通道被占用（{mark}）", category="electrical")
    act(station, taken["id"], "acknowledge")

    page = screen_as("demo-station", live.PHONE_360)
    live.wait_until_controlled(page)
    sync(page)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="隐患").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("隐患查询")
    page.context.set_offline(True)  # it filters what the phone holds

    page.get_by_label("搜索").fill(mark)
    rows = page.locator("main .list > li")
    expect(rows).to_have_count(2)
    page.get_by_role("button", name="筛选", exact=True).click()  # on a phone the filters fold under the search box
    page.get_by_label("状态").select_option(label="已受理")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("消防通道被占用")
    assert re.search(r"state=acknowledged", page.url) and "q=" in page.url
    page.get_by_label("状态").select_option(label="全部")
    page.get_by_label("隐患类别").select_option(label="用电安全")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("消防通道被占用")
    page.get_by_label("隐患类别").select_option(label="全部")
    page.get_by_label("场所").select_option(label=market["name"])
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("电动车楼道充电")
    page.get_by_label("逾期").check()
    expect(rows).to_have_count(0)
    expect(page.get_by_text("没有符合条件的隐患。")).to_be_visible()

    # the filters are in the address: opened again, the list is as it was left
    page.reload()
    expect(page.get_by_label("搜索")).to_have_value(mark)
    expect(page.get_by_label("逾期")).to_be_checked()
    page.get_by_role("button", name="清除筛选").click()
    expect(page.get_by_label("搜索")).to_have_value("")
    expect(rows.filter(has_text=mark)).to_have_count(2)
    assert page.url.endswith("#/hazards")


def test_the_enterprise_home_groups_its_hazards_by_what_it_must_do_next(screen_as, api_as, market):
    mark = f"企业待办{uuid.uuid4().hex[:6]}"
    grid, station, enterprise = api_as("demo-grid"), api_as("demo-station"), api_as("demo-enterprise")
    notice = report(grid, market["id"], f"灭火器过期（{mark}）")
    act(station, notice["id"], "acknowledge")
    act(station, notice["id"], "issue_notice", deadline=later(5), responsible_party=market["enterprise"]["name"])
    submitted = report(grid, market["id"], f"疏散指示灯损坏（{mark}）")
    act(station, submitted["id"], "acknowledge")
    act(station, submitted["id"], "issue_notice", deadline=later(5), responsible_party=market["enterprise"]["name"])
    act(enterprise, submitted["id"], "submit_rectification", description="已更换", photo_ids=[str(uuid.uuid4())])
    major = report(grid, market["id"], f"燃气管道腐蚀（{mark}）", category="gas", level="major")
    act(station, major["id"], "acknowledge")

    page = screen_as("demo-enterprise", live.PHONE_360)
    sync(page)
    notices = region(page, "整改通知").get_by_role("link").filter(has_text=f"灭火器过期（{mark}）")
    expect(notices).to_contain_text("整改期限", timeout=15_000)  # the deadline, not the station's 30 minutes
    expect(notices).to_contain_text("剩 5 天")
    steps = region(page, "重大隐患待办").get_by_role("link").filter(has_text=mark)
    expect(steps).to_contain_text("下一步：报送整改方案（五落实）、双报告")
    expect(region(page, "待复查").get_by_role("link").filter(has_text=mark)).to_contain_text("疏散指示灯损坏")
    # most urgent first: overdue, new notices, a major hazard's steps, rectifications to submit … what waits
    order = ["逾期未整改", "整改通知", "重大隐患待办", "待提交整改", "可自查自改", "已提交，待复查", "待安监站处理"]
    headings = page.locator("main section h2").all_inner_texts()
    shown = [h for h in headings if h.startswith(tuple(order))]
    ranks = [next(i for i, name in enumerate(order) if h.startswith(name)) for h in shown]
    assert ranks == sorted(ranks) and {1, 2, 5} <= set(ranks)
