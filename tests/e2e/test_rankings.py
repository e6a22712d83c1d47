"""The month's rankings as their readers see them: five gas stations assessed over two months through the API, one of
them (new) last both times; the fuel retail department at a desk reads the month ranked, the bottom group and the
约谈 flag, a unit's months on tap, confirms the month (its summons then on record) and opens the summons from its
inbox; the last station's enterprise, on a 360 px phone, sees its assessment with its score and its rank, and the
assessment itself with its record; offline, the copy it last read, marked as such."""

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e import live
from tests.e2e.live import ok

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICER = "dept-fuel_retail-1"
# failed items per station in each month: E last twice; the bottom three (RANKING_BOTTOM_N) differ otherwise
# E fails every plain item: last whatever the demo year's own assessments of these stations scored
FAILS = {"A": (0, 2), "B": (1, 3), "C": (2, 0), "D": (3, 1), "E": (99, 99)}  # E: under the pass mark (80%)


def month_start(today, back: int) -> datetime:
    year, month = today.year, today.month - back
    while month < 1:
        year, month = year - 1, month + 12
    return datetime(year, month, 10, 10, tzinfo=SHANGHAI)


def passing(item) -> dict:
    answer = {"item": item["key"], "value": "pass"}
    if item["answer_type"] == "choice":
        answer["value"] = max(item["options"], key=lambda o: o["score"])["key"]
    elif item["answer_type"] == "number":
        answer["value"] = item.get("min", item.get("max"))
    elif item["answer_type"] == "text":
        answer["value"] = "正常"
    elif item["answer_type"] == "photo":
        answer.update(value=None, photo_ids=[str(uuid.uuid4())])
    return answer


def assess(api, template, site_id, at: datetime, fails: int) -> dict:
    """An assessment all passed but for the first `fails` plain items (each its note and photo, no hazard)."""
    items = [item for section in template["sections"] for item in section["items"]]
    plain = [i for i in items if i["answer_type"] == "pass_fail_na" and not i.get("critical") and i["max_score"]]
    failing = {i["key"] for i in plain[:fails]}
    answers = [
        {"item": i["key"], "value": "fail", "note": "端到端测试", "photo_ids": [str(uuid.uuid4())]}
        | {"raise_hazard": False}
        if i["key"] in failing
        else passing(i)
        for i in items
    ]
    body = {
        "id": str(uuid.uuid4()),
        "template_id": template["id"],
        "site_id": site_id,
        "mode": "cross_assessment",
        "started_at": (at - timedelta(hours=1)).isoformat(),
        "finished_at": at.isoformat(),
        "answers": answers,
    }
    return ok(api.post("/api/v1/inspections", data=body))


@pytest.fixture(scope="module")
def assessed(api_as):
    """Five gas stations (the last one's enterprise has an account) assessed in each of the last two months."""
    officer = api_as(OFFICER)
    wanted = {"kind": "assessment", "state": "published", "site_type": "gas_station"}
    listed = ok(officer.get("/api/v1/inspection-templates", params=wanted))
    template = ok(officer.get(f"/api/v1/inspection-templates/{listed[0]['id']}"))
    admin, accounts = api_as("demo-admin"), {}
    for page in range(1, 30):  # the enterprises' accounts, page by page
        users = ok(admin.get("/api/v1/users", params={"role": "enterprise_user", "page_size": 100, "page": page}))
        accounts |= {r["enterprise"]["id"]: u["username"] for u in users for r in u["roles"] if r.get("enterprise")}
        if len(users) < 100:
            break
    stations = ok(officer.get("/api/v1/sites", params={"type": "gas_station", "page_size": 100}))
    beside = next(s for s in stations if (s.get("enterprise") or {}).get("id") in accounts)
    others = [s for s in stations if s["id"] != beside["id"]][:4]
    # E, new beside a station whose enterprise has an account: no summons of the demo year's can be its already
    site = {key: beside[key] for key in ("type", "address", "latitude", "longitude")}
    site |= {"name": f"端到端排名加油站{uuid.uuid4().hex[:4]}", "enterprise_id": beside["enterprise"]["id"]}
    with_account = ok(admin.post("/api/v1/sites", data=site | {"grid_id": beside["grid"]["id"]}))
    units = dict(zip("ABCDE", [*others, with_account], strict=True))
    today = datetime.now(SHANGHAI)
    before, last = month_start(today, 2), month_start(today, 1)
    latest = {}
    for key, (first, second) in FAILS.items():
        assess(officer, template, units[key]["id"], before, first)
        latest[key] = assess(officer, template, units[key]["id"], last, second)
    month = last.strftime("%Y-%m")  # not confirmed yet: the department does it on the rankings screen
    ranking = ok(
        officer.get("/api/v1/inspection-rankings", params={"family_id": template["family_id"], "month": month})
    )
    return {
        "template": template,
        "units": units,
        "month": month,
        "ranking": {u["site_id"]: u for u in ranking["units"]},
        "ranked": ranking["ranked"],
        "enterprise_login": accounts[with_account["enterprise"]["id"]],
        "latest": latest,  # each station's assessment of last month made here (the demo year has its own too)
    }


def test_the_department_reads_the_month_ranked_and_confirms_its_summons(assessed, screen_as, api_as):
    def desk_api(params):
        return api_as(OFFICER).get("/api/v1/summonses", params=params)

    units, ranking = assessed["units"], assessed["ranking"]
    last = units["E"]
    assert ranking[last["id"]]["summon"] and not any(ranking[units[k]["id"]]["summon"] for k in "ABCD")

    desk = screen_as(OFFICER, live.DESK)
    desk.get_by_test_id("rankings-link").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("考核排名")
    expect(desk.get_by_label("月份")).to_have_value(assessed["month"])  # last month unless chosen
    desk.get_by_label("考核表").select_option(assessed["template"]["family_id"])
    table = desk.get_by_test_id("ranking")
    for key in "ABCDE":
        row = table.get_by_role("row").filter(has=desk.get_by_role("link", name=units[key]["name"], exact=True))
        expect(row.get_by_role("cell").first).to_have_text(str(ranking[units[key]["id"]]["rank"]))
    last_row = table.get_by_role("row").filter(has=desk.get_by_role("link", name=last["name"], exact=True))
    expect(last_row.get_by_test_id("summon-flag")).to_have_text("连续两月排名靠后，需约谈")
    expect(last_row).to_have_class("low summon")
    expect(desk.get_by_test_id("summon-notice")).to_contain_text(last["name"])
    unassessed = [u for u in assessed["ranking"].values() if u["rank"] is None]
    expect(table.get_by_role("row").filter(has_text="未考核")).to_have_count(len(unassessed))  # listed, unranked

    last_row.get_by_role("link", name=last["name"]).click()
    months = desk.get_by_test_id("unit-history").get_by_role("listitem")
    place = f"名次 {ranking[last['id']]['rank']} / {assessed['ranked']}"
    expect(months.first).to_contain_text(f"{assessed['month']} · {place}")
    expect(months.first).to_contain_text("需约谈")
    expect(months.nth(1)).to_contain_text("排名靠后")

    # the department confirms the month, told first what it will do; the summons is then on record
    summonses = {"family_id": assessed["template"]["family_id"], "month": assessed["month"]}
    assert last["id"] not in {s["site_id"] for s in ok(desk_api(summonses))}
    asked = []
    desk.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    desk.get_by_role("button", name=re.compile("^确认约谈名单")).click()
    expect(desk.get_by_role("button", name=re.compile("^确认约谈名单"))).to_have_count(0)  # nothing left to confirm
    flagged = table.get_by_test_id("summon-flag").count()
    expect(desk.get_by_test_id("summons-on-record")).to_have_text(f"已记入约谈 {flagged} 家。")
    assert f"{assessed['month']}“{assessed['template']['name']}”" in asked[0] and last["name"] in asked[0]
    assert last["id"] in {s["site_id"] for s in ok(desk_api(summonses))}

    # the summons confirmed for the month is in the officer's inbox: its line opens the month, at the unit
    desk.goto("/")
    desk.get_by_role("link").filter(has_text=f"约谈提醒：{last['name']}连续两月考核排名靠后").click()
    expect(desk.get_by_test_id("unit-history")).to_be_visible(timeout=10_000)
    expect(desk.get_by_label("月份")).to_have_value(assessed["month"])
    expect(desk.get_by_role("heading", name=f"{last['name']} 历月考核")).to_be_visible()


def test_the_enterprise_sees_its_score_and_rank(assessed, screen_as):
    last, unit = assessed["units"]["E"], assessed["ranking"][assessed["units"]["E"]["id"]]
    phone = screen_as(assessed["enterprise_login"], live.PHONE)
    mine = phone.get_by_test_id("own-assessments").get_by_role("listitem")
    own = phone.locator(f"a[href='#/assessment/{assessed['latest']['E']['id']}']")  # this test's, not the demo's
    newest = mine.filter(has=own)
    expect(newest).to_contain_text(f"名次 {unit['rank']} / {assessed['ranked']}")
    expect(newest).to_contain_text("不合格")
    expect(newest).to_contain_text("需约谈")
    newest.get_by_role("link").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(assessed["template"]["name"])
    expect(phone.get_by_test_id("assessment-rank")).to_contain_text(f"名次 {unit['rank']} / {assessed['ranked']}")
    expect(phone.get_by_test_id("assessment-score")).to_contain_text("不合格")
    expect(phone.get_by_test_id("record-link")).to_be_visible()
    box = phone.get_by_test_id("record-link").bounding_box()
    assert box["height"] >= 44
    with phone.expect_download() as download:
        phone.get_by_test_id("record-link").click()
    assert download.value.suggested_filename == f"检查记录-{last['name']}-{assessed['month']}.pdf"  # with the token
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert last["name"] in phone.locator("main").inner_text()

    # offline, the phone shows what it last read, and says so
    expect(phone.get_by_text("已可离线使用")).to_be_visible(timeout=20_000)
    phone.context.set_offline(True)
    phone.goto("/")
    expect(phone.get_by_test_id("kept-copy")).to_contain_text("离线：显示的是")
    expect(phone.get_by_test_id("own-assessments").get_by_role("listitem").filter(has=own)).to_contain_text(
        f"名次 {unit['rank']} / {assessed['ranked']}"
    )
