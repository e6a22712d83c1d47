"""The admin's app on a 360 px phone: a new user with a role who can then sign in, a password reset and a
deactivation that take effect, a label sheet for an area as a real PDF, and a new hazard category that the grid
worker's report form offers."""

import io
import re
import uuid

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e import live

pytestmark = pytest.mark.e2e


@pytest.fixture
def browser_context_args(browser_context_args):
    """The smallest phone the app is made for: 360 x 640."""
    return {**browser_context_args, **live.PHONE_360}


def can_sign_in(page, login: str, password: str) -> bool:
    return page.request.post("/api/v1/auth/login", data={"login": login, "password": password}).ok


def test_an_admin_adds_a_user_resets_the_password_and_deactivates_the_account(page, sign_in):
    sign_in("demo-admin")
    expect(page.get_by_role("heading", name="系统管理")).to_be_visible()
    page.get_by_role("link", name="用户管理").click()
    page.get_by_role("link", name="新建用户").click()

    username = f"e2e-{uuid.uuid4().hex[:8]}"
    page.get_by_label("姓名").fill("测试网格员")
    page.get_by_label("用户名（登录用）").fill(username)
    page.get_by_label("初始密码").fill("Jianghan-first-1")
    expect(page.get_by_label("角色 1")).to_have_value("grid_worker")
    expect(page.get_by_label("角色 1").locator("option:checked")).to_have_text("社区网格员")  # named, not coded
    page.locator("#role-0-area-level-grid").check()  # the level: a grid
    areas = page.locator("#role-0-area option")
    expect(areas.nth(1)).to_be_attached()
    page.locator("#role-0-area").select_option(index=1)
    page.get_by_role("button", name="创建").click()

    expect(page.get_by_role("heading", name="测试网格员")).to_be_visible()
    assert can_sign_in(page, username, "Jianghan-first-1")

    # the same username again: the API's 409, in Chinese beside the field
    page.goto("/#/admin/users/new")
    page.get_by_label("姓名").fill("重名")
    page.get_by_label("用户名（登录用）").fill(username)
    page.get_by_label("初始密码").fill("Jianghan-first-1")
    page.locator("#role-0-area").select_option(index=1)
    page.get_by_role("button", name="创建").click()
    expect(page.locator("#nu-username-error")).to_have_text("该用户名已被其他用户使用")

    page.go_back()
    expect(page.get_by_role("heading", name="测试网格员")).to_be_visible()
    page.get_by_label("新密码").fill("Jianghan-second-2")
    page.get_by_role("button", name="重置密码").click()
    expect(page.locator(".flash")).to_contain_text("密码已重置")
    assert can_sign_in(page, username, "Jianghan-second-2")
    assert not can_sign_in(page, username, "Jianghan-first-1")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="停用账户").click()
    expect(page.locator(".flash")).to_contain_text("账户已停用")
    assert not can_sign_in(page, username, "Jianghan-second-2")

    page.goto("/#/admin/users")
    page.get_by_label("查找用户（姓名、用户名或手机号）").fill(username)
    expect(page.locator(".list .row")).to_have_count(1)
    expect(page.locator(".list .row")).to_contain_text("已停用")


def test_an_admin_prints_the_labels_of_an_area_as_a_pdf(page, sign_in, demo_site):
    sign_in("demo-admin")
    page.get_by_role("link", name="打印二维码标签").click()
    page.locator("#label-area-level-grid").check()
    page.get_by_label("按名称查找区域").fill(demo_site["grid"]["name"])
    choice = page.locator("#label-area")
    expect(choice.locator("option")).to_have_count(2)  # 请选择, and the grid
    choice.select_option(label=demo_site["grid"]["name"])
    with page.expect_response("**/api/v1/labels") as answer, page.expect_download() as download:
        page.get_by_role("button", name="生成标签 PDF").click()
    assert answer.value.status == 200
    assert answer.value.headers["content-type"] == "application/pdf"
    with open(download.value.path(), "rb") as pdf:
        body = pdf.read()
    assert body.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(body)).pages) >= 1
    expect(page.locator(".flash")).to_contain_text("标签 PDF 已生成")


def test_a_category_the_admin_adds_is_offered_in_the_grid_workers_report_form(
    page, sign_in, browser, browser_context_args, csp, demo_site
):
    name = f"电梯安全{uuid.uuid4().hex[:4]}"
    sign_in("demo-admin")
    page.get_by_role("link", name="隐患类别").click()
    page.get_by_label("中文名称").fill(name)
    page.get_by_role("button", name="新增", exact=True).click()
    expect(page.locator(".flash")).to_contain_text(f"已新增“{name}”")
    expect(page.get_by_test_id("category-row").filter(has_text=name)).to_be_visible()
    # the same name again is refused beside the field
    page.get_by_label("中文名称").fill(name)
    page.get_by_role("button", name="新增", exact=True).click()
    expect(page.locator("#nc-zh-error")).to_contain_text("已有名为")

    worker = csp.watch(browser.new_context(**browser_context_args))
    phone = worker.new_page()
    live.sign_in(phone, "/", "demo-grid")
    phone.goto(f"/#/report/{demo_site['id']}")
    expect(phone.get_by_label(name)).to_be_visible()
    worker.close()


SMALL_TARGETS = """() => [...document.querySelectorAll(
  'main a, main button, main select, main summary, main .tile label,'
  + 'main input:not([type=checkbox]):not([type=radio])')]
  .filter((el) => el.getClientRects().length)
  .filter((el) => el.getBoundingClientRect().height < 44)
  .map((el) => `${el.tagName} ${el.textContent.trim() || el.id}`)"""


@pytest.mark.parametrize("path", ["/", "users", "users/new", "sites", "enterprises/new", "labels", "categories"])
def test_every_admin_control_is_a_44px_target_on_a_phone(page, sign_in, path):
    sign_in("demo-admin")
    page.goto("/#/" if path == "/" else f"/#/admin/{path}")
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("main").get_by_text("正在载入…")).to_have_count(0)
    assert page.evaluate(SMALL_TARGETS) == []


def test_a_search_typed_before_the_whole_list_arrives_is_not_overwritten_by_it(page, sign_in):
    """The first page of all users answers slowly; the admin types a name meanwhile: the list shows the search's
    answer, and the late answer to the earlier question does not replace it."""
    sign_in("demo-admin")

    def slow_unfiltered(route):
        if "q=" not in route.request.url:
            page.wait_for_timeout(2500)
        route.continue_()

    page.route(re.compile(r".*/api/v1/users\?.*"), slow_unfiltered)
    page.evaluate("location.hash = '#/admin/users'")
    page.get_by_label("查找用户（姓名、用户名或手机号）").fill("demo-expert")
    expect(page.locator(".list .row")).to_have_count(1)
    page.wait_for_timeout(3500)  # the slow answer to the first question has come by now
    expect(page.locator(".list .row")).to_have_count(1)
    expect(page.locator(".list .row")).to_contain_text("demo-expert")
