"""Monthly rankings of the units a checklist assesses: means, shared ranks, 未考核, the bottom group and 约谈."""

from datetime import datetime, timedelta, timezone

import pytest

from server.areas.models import Area
from server.core.db import db
from server.evidence import services as evidence
from server.inspections import rankings
from server.inspections.rankings import bottom_size, ranked
from tests.conftest import make_site, uid
from tests.inspections.factory import answers, inspection_body, published, template_body

SHANGHAI = timezone(timedelta(hours=8))


def test_ties_share_a_rank_and_the_bottom_group_counts_who_scored_below():
    got = ranked({"a": 100, "b": 90, "c": 90, "d": 50}, bottom=1)
    assert got == {"a": (1, False), "b": (2, False), "c": (2, False), "d": (4, True)}
    assert ranked({"a": 100, "b": 90, "c": 90, "d": 50}, bottom=2) == {
        "a": (1, False),
        "b": (2, True),  # a tie at the edge of the last two: both are in it (only one unit scored below them)
        "c": (2, True),
        "d": (4, True),
    }
    assert ranked({}, bottom=3) == {}


def test_a_share_of_the_ranked_units_is_rounded_up(app):
    with app.app_context():
        assert bottom_size(14, None, 0.1) == 2 and bottom_size(0, None, 0.1) == 0
        assert bottom_size(14, 5, None) == 5 and bottom_size(14, None, None) == 3  # RANKING_BOTTOM_N


@pytest.fixture
def markets(app, world):
    """Four more markets in grid A1 beside the world's: one of them never assessed."""
    with app.app_context():
        grid = db.session.get(Area, world["grid_a1"])
        made = {name: make_site(name=f"排名测试市场{name}", type="market", grid=grid).id for name in "BCDE"}
        db.session.commit()
    return {"A": world["market_site"], **made}


def assess(caller, template, site, at, **values):
    body = inspection_body(
        template,
        site,
        mode="cross_assessment",
        answers=answers(**values),
        started_at=(at - timedelta(hours=1)).isoformat(),
        finished_at=at.isoformat(),
    )
    for answer in body["answers"]:
        answer.update(photo_ids=[uid()], note="见照片")
    sent = caller.post("/api/v1/inspections", json=body)
    assert sent.status_code == 201, sent.json
    return sent.json["percentage"]


def test_a_unit_in_the_bottom_group_two_months_running_is_flagged_for_summons(app, login_as, markets):
    admin, officer = login_as("admin"), login_as("station_officer")
    template = published(admin, kind="assessment", site_types=["market"])
    october, november = datetime(2026, 10, 15, 10, tzinfo=SHANGHAI), datetime(2026, 11, 15, 10, tzinfo=SHANGHAI)
    assert assess(officer, template, markets["A"], october) == 100
    assert assess(officer, template, markets["B"], october, exits="fail") == 66.7
    assert assess(officer, template, markets["C"], october, drills="none") == 83.3
    assess(officer, template, markets["A"], november)
    assess(officer, template, markets["C"], november)
    assess(officer, template, markets["B"], november, ebikes="fail")  # a critical item: 0
    # in the first half hour of November in Wuhan, still October in UTC
    assess(officer, template, markets["D"], datetime(2026, 11, 1, 0, 30, tzinfo=SHANGHAI), drills="none")
    assess(officer, template, markets["D"], november, exits="fail")
    self_check = inspection_body(template, markets["D"], mode="self_check", answers=answers(ebikes="fail"))
    self_check["answers"][3]["note"] = "自查"
    self_check.update(finished_at=november.isoformat(), started_at=(november - timedelta(hours=1)).isoformat())
    assert officer.post("/api/v1/inspections", json=self_check).status_code == 201  # self-checks do not rank

    got = officer.get(
        "/api/v1/inspection-rankings",
        query_string={"family_id": template["family_id"], "month": "2026-11", "bottom": 1},
    ).json
    rows = {
        row["site_name"]: (row["rank"], row["score"], row["assessments"], row["bottom"], row["summon"])
        for row in got["units"]
    }
    assert rows == {
        "测试农贸市场": (1, 100.0, 1, False, False),
        "排名测试市场C": (1, 100.0, 1, False, False),
        "排名测试市场D": (3, 75.0, 2, False, False),
        "排名测试市场B": (4, 0.0, 1, True, True),  # last in October too
        "排名测试市场E": (None, None, 0, False, False),  # 未考核
    }
    assert [row["site_name"] for row in got["units"]][-1] == "排名测试市场E"
    assert (got["ranked"], got["bottom_size"], got["month"]) == (4, 1, "2026-11")
    b = next(row for row in got["units"] if row["site_name"] == "排名测试市场B")
    assert (b["previous_rank"], b["previous_bottom"]) == (3, True)

    history = officer.get(
        "/api/v1/inspection-rankings/history",
        query_string={
            "family_id": template["family_id"],
            "site_id": str(markets["B"]),
            "month": "2026-11",
            "months": 3,
            "bottom": 1,
        },
    ).json
    assert [(m["month"], m["rank"], m["ranked"], m["bottom"], m["summon"]) for m in history] == [
        ("2026-09", None, 0, False, False),  # 未考核
        ("2026-10", 3, 3, True, False),
        ("2026-11", 4, 4, True, True),
    ]

    other_street = login_as("station_officer_b").get(
        "/api/v1/inspection-rankings", query_string={"family_id": template["family_id"], "month": "2026-11"}
    )
    assert other_street.json["units"] == [] and other_street.json["ranked"] == 4  # ranked among all, listed in scope
    own = login_as("enterprise_user").get(
        "/api/v1/inspection-rankings", query_string={"family_id": template["family_id"], "month": "2026-11"}
    )
    assert [(row["site_name"], row["rank"]) for row in own.json["units"]] == [("测试农贸市场", 1)]
    hidden = login_as("enterprise_user").get(
        "/api/v1/inspection-rankings/history",
        query_string={"family_id": template["family_id"], "site_id": str(markets["B"]), "month": "2026-11"},
    )
    assert hidden.status_code == 404  # another unit's history: not found

    # the month confirmed: B is put on record for 约谈, once, and seen where its site is seen
    month = {"family_id": template["family_id"], "month": "2026-11", "bottom": 1}
    assert login_as("department_officer").post("/api/v1/summonses", json=month).status_code == 403  # not its own
    assert login_as("enterprise_user").post("/api/v1/summonses", json=month).status_code == 403
    supervisor = login_as("supervisor")
    confirmed = supervisor.post("/api/v1/summonses", json=month)
    assert confirmed.status_code == 200, confirmed.json
    assert [(s["site_id"], s["rank"], s["previous_rank"], s["ranked"]) for s in confirmed.json] == [
        (str(markets["B"]), 4, 3, 4)
    ]
    assert [s["id"] for s in supervisor.post("/api/v1/summonses", json=month).json] == [confirmed.json[0]["id"]]
    assert [s["id"] for s in officer.get("/api/v1/summonses").json] == [confirmed.json[0]["id"]]
    assert login_as("station_officer_b").get("/api/v1/summonses").json == []
    with app.app_context():
        assert [e.action for e in evidence.timeline("summons", confirmed.json[0]["id"])] == ["flag"]


@pytest.mark.parametrize(
    "query",
    [
        {"month": "2026-13"},
        {"month": "26-11"},
        {"month": "2026-11", "bottom": 0},
        {"month": "2026-11", "bottom": 2, "bottom_share": 0.1},
        {"month": "2026-11", "bottom_share": 1.5},
    ],
)
def test_a_month_or_bottom_group_that_makes_no_sense_is_refused(login_as, query):
    template = published(login_as("admin"), kind="assessment")
    got = login_as("supervisor").get(
        "/api/v1/inspection-rankings", query_string={"family_id": template["family_id"], **query}
    )
    assert got.status_code == 422 and got.json["errors"]["query"]


def test_a_checklist_never_published_has_no_ranking(login_as):
    admin = login_as("admin")
    draft = admin.post("/api/v1/inspection-templates", json={"kind": "assessment", "name": "草稿"}).json
    got = admin.get("/api/v1/inspection-rankings", query_string={"family_id": draft["family_id"], "month": "2026-11"})
    assert got.status_code == 404


def test_a_department_confirms_its_own_sectors_checklists(login_as):
    department = login_as("department_officer")
    own = department.post(
        "/api/v1/inspection-templates", json={**template_body(kind="assessment"), "site_types": ["market"]}
    ).json
    department.post(f"/api/v1/inspection-templates/{own['id']}/publish")
    confirmed = department.post("/api/v1/summonses", json={"family_id": own["family_id"], "month": "2026-11"})
    assert confirmed.status_code == 200 and confirmed.json == []  # nobody assessed: nobody summoned


def test_a_summons_reaches_the_owning_departments_inbox_once(login_as, markets):
    department, officer = login_as("department_officer"), login_as("station_officer")  # the market sector's
    own = department.post(
        "/api/v1/inspection-templates", json={**template_body(kind="assessment"), "site_types": ["market"]}
    ).json
    template = department.post(f"/api/v1/inspection-templates/{own['id']}/publish").json
    for month in (10, 11):
        at = datetime(2026, month, 15, 10, tzinfo=SHANGHAI)
        assess(officer, template, markets["A"], at)
        assess(officer, template, markets["B"], at, exits="fail")  # a market no company of the sector runs
    month = {"family_id": template["family_id"], "month": "2026-11", "bottom": 1}
    [summons] = department.post("/api/v1/summonses", json=month).json  # the owner sees its checklist's summonses
    assert summons["site_id"] == str(markets["B"])
    department.post("/api/v1/summonses", json=month)  # confirmed again: nothing new, nothing sent again

    summonses = [n for n in department.get("/api/v1/inbox").json if n["kind"] == "summons"]
    assert [(n["title"], n["hazard_id"], n["record_type"], n["record_id"]) for n in summonses] == [
        ("约谈提醒：排名测试市场B连续两月考核排名靠后", None, "summons", summons["id"])
    ]
    english = department.get("/api/v1/inbox", headers={"Accept-Language": "en"}).json
    assert "Summons: 排名测试市场B ranked low two months running" in [n["title"] for n in english]
    assert not [n for n in officer.get("/api/v1/inbox").json if n["kind"] == "summons"]  # not the station's
    assert [s["id"] for s in department.get("/api/v1/summonses").json] == [summons["id"]]

    # the list names the unit and the checklist, and says whether the reader has read it in their inbox
    described = {"site_name": "排名测试市场B", "template_name": template["name"], "read": False}
    assert department.get("/api/v1/summonses").json[0].items() >= described.items()
    assert department.post(f"/api/v1/inbox/{summonses[0]['id']}/read").status_code == 200
    assert department.get("/api/v1/summonses").json[0]["read"] is True
    [seen] = login_as("supervisor").get("/api/v1/summonses", query_string={"family_id": template["family_id"]}).json
    assert (seen["site_name"], seen["read"]) == ("排名测试市场B", None)  # not in the supervisor's inbox


def test_a_month_is_confirmed_by_the_server_once_it_has_ended(app, login_as, markets):
    admin, officer, supervisor = login_as("admin"), login_as("station_officer"), login_as("supervisor")
    template = published(admin, kind="assessment", site_types=["market"])
    patrol = published(admin, name="不排名的巡查表")  # a patrol is not ranked: nothing to confirm
    for month in (10, 11):
        at = datetime(2026, month, 15, 10, tzinfo=SHANGHAI)
        assess(officer, template, markets["A"], at)
        for site in "BCD":  # the configured bottom group is the last three
            assess(officer, template, markets[site], at, exits="fail")
    summonses = {"family_id": template["family_id"]}
    with app.app_context():  # the last hour of November in Wuhan: October ended, low only once
        assert rankings.confirm_ended_months(datetime(2026, 11, 30, 23, 0, tzinfo=SHANGHAI)) == 1
    assert supervisor.get("/api/v1/summonses", query_string=summonses).json == []
    with app.app_context():
        assert rankings.confirm_ended_months(datetime(2026, 12, 1, 0, 5, tzinfo=SHANGHAI)) == 1
        assert rankings.confirm_ended_months(datetime(2026, 12, 1, 0, 10, tzinfo=SHANGHAI)) == 0  # once
    summoned = supervisor.get("/api/v1/summonses", query_string=summonses).json
    assert sorted(s["site_id"] for s in summoned) == sorted(str(markets[site]) for site in "BCD")
    assert {(s["month"], s["confirmed_by"]) for s in summoned} == {("2026-11", None)}
    assert supervisor.get("/api/v1/summonses", query_string={"family_id": patrol["family_id"]}).json == []
    with app.app_context():
        [event] = evidence.timeline("summons", summoned[0]["id"])
        assert (event.action, event.actor_id) == ("flag", None)
