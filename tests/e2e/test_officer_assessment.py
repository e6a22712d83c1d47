"""The fuel retail department's officer runs the 68-item gas station assessment on a 360 px phone (issue 14's
done-when): a station found on the home screen, 加油站安全考核（演示） started in 交叉考核, every item answered through
the screen (most passed, three failed with what each requires, among them a section's 否决项, one N/A), moving
between the sections with the checklist's own bar; submitted, the page shows the server's score, which is what
server.inspections.scoring computes on the answers stored, and the station stands in this month's ranking with it."""

import io
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from playwright.sync_api import expect

from server.inspections import scoring
from tests.e2e import live
from tests.e2e.live import ok

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

OFFICER = "dept-fuel_retail-1"  # the demo's cross assessments are the owning department's officers'
CHECKLIST = "加油站安全考核（演示）"
PHONE_360 = live.PHONE_360["viewport"]
FAILED = {"procedures": "note", "lanes": "photo", "hot-work": "photo"}  # hot-work: its section's 否决项
NOT_APPLICABLE = "tank-area-kit"


@pytest.fixture
def station(api_as) -> dict:
    """A gas station opened this month beside one of the department's (its enterprise, its grid): the only
    assessment of its month is the one this test makes, so its mean in the ranking is that one's percentage."""
    officer, admin = api_as(OFFICER), api_as("demo-admin")
    stations = ok(officer.get("/api/v1/sites", params={"type": "gas_station", "page_size": 100}))
    beside = next(s for s in stations if s["enterprise"])
    body = {
        "name": f"端到端加油站{uuid.uuid4().hex[:4]}",
        "type": "gas_station",
        "enterprise_id": beside["enterprise"]["id"],
        "address": beside["address"],
        "latitude": beside["latitude"] + 0.001,
        "longitude": beside["longitude"],
        "grid_id": beside["grid"]["id"],
    }
    return ok(admin.post("/api/v1/sites", data=body))


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "IMG_2001.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (180, 70, 40)).save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return path


def passing_reading(item) -> str:
    low, high = item.get("min"), item.get("max")
    if low is not None and high is not None:
        return f"{(low + high) / 2:g}"
    return f"{high / 2:g}" if high is not None else f"{low + 1:g}"


def test_an_officer_runs_the_68_item_gas_station_assessment_on_a_phone(page, sign_in, station, photo, api_as):
    officer = api_as(OFFICER)
    listed = ok(officer.get("/api/v1/inspection-templates", params={"kind": "assessment", "site_type": "gas_station"}))
    template = ok(
        officer.get(f"/api/v1/inspection-templates/{next(t['id'] for t in listed if t['name'] == CHECKLIST)}")
    )
    sections = template["sections"]
    assert sum(len(s["items"]) for s in sections) == 68

    page.set_viewport_size(PHONE_360)
    sign_in(OFFICER)
    live.wait_until_controlled(page)
    sites = page.get_by_role("region", name="本行业场所")
    sites.get_by_role("searchbox").fill(station["name"])
    sites.get_by_role("link", name=station["name"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(station["name"])
    page.get_by_role("link", name="开始检查").click()
    card = page.get_by_test_id("checklist").filter(has_text=CHECKLIST)
    expect(card).to_contain_text("共 68 项")
    card.get_by_label("检查方式").select_option(label="交叉考核")
    card.get_by_role("button", name="开始").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CHECKLIST)
    draft_id = page.url.rsplit("/", 1)[1]

    progress, left = page.get_by_test_id("inspection-progress"), page.get_by_test_id("items-to-do")
    expect(progress).to_have_text("已完成 0/68")
    expect(left).to_have_text("还剩 68 项")

    def item(key):
        return page.get_by_test_id(f"item-{key}")

    def tap(key, name):
        item(key).get_by_role("button", name=name, exact=True).click()
        expect(item(key).get_by_role("button", name=name, exact=True)).to_have_attribute("aria-pressed", "true")

    def answer(it):
        key = it["key"]
        if key in FAILED:
            tap(key, "不合格")
            if FAILED[key] == "photo":
                item(key).get_by_label("拍照（必填）").set_input_files(photo)
                expect(item(key).get_by_role("img")).to_have_count(1)
            else:
                item(key).get_by_label("说明（必填）").fill("制度未上墙，现场无法出示")
        elif key == NOT_APPLICABLE:
            tap(key, "不适用")
        elif it["answer_type"] == "choice":
            tap(key, max(it["options"], key=lambda o: o["score"])["label"])
        elif it["answer_type"] == "number":
            item(key).get_by_role("spinbutton").fill(passing_reading(it))
        else:
            tap(key, "合格")

    def section_count(section):
        return page.get_by_role("heading", level=2).filter(has_text=section["title"])

    # The first section, item after item, its count and the whole's as it goes
    for it in sections[0]["items"]:
        answer(it)
    expect(section_count(sections[0])).to_contain_text("14/14")
    expect(progress).to_have_text("已完成 14/68")
    expect(left).to_have_text("还剩 54 项")

    # then the fourth section, reached by the bar's jump (it stays on screen, however far down)
    bar = page.locator(".checklist-bar")
    bar.get_by_label("跳到大类").select_option(label=f"{sections[3]['title']}（0/14）")
    expect(page.locator(f"#sec-{sections[3]['key']}")).to_be_in_viewport()
    for it in sections[3]["items"]:
        answer(it)
    expect(bar).to_be_in_viewport()
    expect(progress).to_have_text("已完成 28/68")
    expect(section_count(sections[3])).to_contain_text("14/14")

    # and the rest by 下一未完成项: each time the first item still to do, from the second section on
    for section in (sections[1], sections[2], sections[4]):
        for it in section["items"]:
            bar.get_by_role("button", name="下一未完成项").click()
            expect(item(it["key"])).to_be_in_viewport()
            answer(it)
        expect(section_count(section)).to_contain_text(f"{len(section['items'])}/{len(section['items'])}")
    expect(progress).to_have_text("已完成 68/68")
    expect(left).to_have_text("已全部完成")
    expect(bar.get_by_role("button", name="下一未完成项")).to_be_disabled()
    expect(page.get_by_test_id("score-preview")).to_contain_text("不合格")  # the 否决项 counts already

    page.get_by_role("button", name="提交检查").click()
    status, score = page.get_by_test_id("inspection-status"), page.get_by_test_id("inspection-score")
    expect(status).to_contain_text("已发送", timeout=30_000)
    expect(score.get_by_text("预估", exact=True)).to_have_count(0)  # the server's score, not the phone's

    stored = ok(officer.get(f"/api/v1/inspections/{draft_id}"))
    assert stored["mode"] == "cross_assessment" and stored["site_id"] == station["id"]
    answers = {a["item"]: a for a in stored["answers"]}
    assert len(answers) == 68 and answers[NOT_APPLICABLE]["value"] == "na"
    assert {key for key, a in answers.items() if a["value"] == "fail"} == set(FAILED)
    computed = scoring.score(sections, answers, template["pass_mark"])
    assert (computed["points"], computed["max"], computed["percentage"]) == (
        stored["points"],
        stored["max_points"],
        stored["percentage"],
    )
    assert computed["passed"] is False and computed["max"] == 99  # the N/A item's point left out
    expect(score).to_contain_text(
        f"得分 {computed['points']:g}/{computed['max']:g}（{computed['percentage']}%） · 不合格"
    )

    # this month's ranking lists the station with that percentage, its one assessment
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="排名").click()
    page.get_by_label("考核表").select_option(label=CHECKLIST)
    month = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    page.get_by_label("月份").select_option(month)
    row = page.get_by_test_id("ranking").get_by_role("row").filter(has=page.get_by_role("link", name=station["name"]))
    expect(row.get_by_role("cell").nth(1)).to_have_text(f"{computed['percentage']:g}")
    expect(row.get_by_role("cell").nth(2)).to_have_text("1")
    ranking = ok(
        officer.get("/api/v1/inspection-rankings", params={"family_id": template["family_id"], "month": month})
    )
    unit = next(u for u in ranking["units"] if u["site_id"] == station["id"])
    assert unit["score"] == computed["percentage"] and unit["assessments"] == 1
    expect(row.get_by_role("cell").first).to_have_text(str(unit["rank"]))
