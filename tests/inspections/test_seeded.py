"""The demo checklists: the district's assessments at their sizes (gas stations 5/68, malls 4/40, markets 5/29), the
enterprises' self-check, each item with its method and basis, run end to end as officers and enterprises run them."""

import re

import pytest

from server.areas.models import Area
from server.core.db import db
from server.demo import checklists
from server.hazards.models import DEFAULT_CATEGORIES
from tests.conftest import make_enterprise, make_site, uid
from tests.inspections.factory import inspection_body

URL = "/api/v1/inspection-templates"
SIZES = {
    "加油站安全考核（演示）": ("assessment", "fuel_retail", ["gas_station"], [14, 18, 12, 14, 10]),
    "商场安全考核（演示）": ("assessment", "commerce", ["mall"], [12, 10, 8, 10]),
    "农贸市场安全考核（演示）": ("assessment", "market", ["market"], [6, 7, 6, 5, 5]),
    "企业安全自查表（演示）": ("self_check", None, [], [4, 3, 8, 5]),
}
# a basis names a law, a rule or a standard by its code, or says it is the demo's own
CITED = re.compile(r"《.+》|\b(GB|GB/T|AQ|XF|CJJ) [0-9]")


@pytest.fixture
def seeded(app, login_as):
    with app.app_context():
        checklists.add()
        db.session.commit()
    listed = login_as("admin").get(URL, query_string={"page_size": 50}).json
    return {t["name"]: t for t in listed if t["is_demo"]}


def test_the_seeded_checklists_have_the_districts_sizes_owners_and_places(seeded):
    assert set(SIZES) < set(seeded)
    for name, (kind, owner, site_types, sizes) in SIZES.items():
        template = seeded[name]
        assert (template["kind"], template["owner_sector"], template["site_types"]) == (kind, owner, site_types), name
        assert [len(s["items"]) for s in template["sections"]] == sizes, name
        assert template["item_count"] == sum(sizes) and template["state"] == "published"
    assert [seeded[n]["max_score"] for n in list(SIZES)[:3]] == [100, 100, 100]
    assert seeded["加油站安全考核（演示）"]["sectors"] == ["fuel_retail"]
    assert [s["title"] for s in seeded["加油站安全考核（演示）"]["sections"]] == [
        "证照与制度",
        "设备设施",
        "消防安全",
        "作业安全",
        "应急管理",
    ]


def test_every_item_says_how_to_check_it_and_on_what_basis(seeded):
    categories = {code for code, _zh, _en in DEFAULT_CATEGORIES}
    for name in SIZES:
        items = [item for section in seeded[name]["sections"] for item in section["items"]]
        scored = [item for item in items if item["answer_type"] in ("pass_fail_na", "choice", "number")]
        for item in scored:
            assert item["method"] and (CITED.search(item["basis"]) or "演示" in item["basis"]), (name, item["key"])
        assert {item["hazard"]["category"] for item in items if item["hazard"]} <= categories
        assert any(item["critical"] for item in items), name
        kinds = [item["answer_type"] for item in scored]
        assert kinds.count("pass_fail_na") > len(kinds) / 2 and "choice" in kinds, name
    gas = {i["key"]: i for s in seeded["加油站安全考核（演示）"]["sections"] for i in s["items"]}
    assert (gas["hazchem-licence"]["critical"], gas["hazchem-licence"]["hazard"]["level"]) == ("whole", "major")
    assert (gas["extinguisher-pressure"]["unit"], gas["extinguisher-pressure"]["min"]) == ("MPa", 1.0)


def passing(template: dict, **overrides) -> list[dict]:
    """An answer for every scored item, each passing unless overridden ({key: answer fields})."""
    sent = []
    for section in template["sections"]:
        for item in section["items"]:
            if item["answer_type"] == "pass_fail_na":
                value = "pass"
            elif item["answer_type"] == "choice":
                value = max(item["options"], key=lambda o: o["score"])["key"]
            elif item["answer_type"] == "number":
                value = item["min"] if item.get("min") is not None else item["max"]
            else:
                continue
            sent.append({"item": item["key"], "value": value, **overrides.get(item["key"], {})})
    return sent


@pytest.fixture
def gas_station(app, world):
    with app.app_context():
        owner = make_enterprise(
            name="测试加油站有限公司", sector="fuel_retail", area=db.session.get(Area, world["street_a"])
        )
        site = make_site(
            name="测试加油站", type="gas_station", grid=db.session.get(Area, world["grid_a1"]), enterprise=owner
        )
        db.session.commit()
        return site.id


def test_an_officer_runs_the_68_item_gas_station_assessment(login_as, seeded, gas_station):
    officer = login_as("station_officer")
    assessment = seeded["加油站安全考核（演示）"]
    answers = passing(
        assessment,
        **{
            "extinguisher-pressure": {"value": 0.8, "photo_ids": [uid()]},  # below the green zone
            "tanks-leak": {"value": "fail", "photo_ids": [uid()]},
            "training": {"value": "gaps", "note": "两名新员工未培训"},
        },
    )
    assert len(answers) == 68
    body = inspection_body(assessment, gas_station, mode="cross_assessment", answers=answers)
    got = officer.post("/api/v1/inspections", json=body)
    assert got.status_code == 201, got.json
    assert (got.json["points"], got.json["max_points"], got.json["passed"]) == (95, 100, True)
    assert sorted(link["item"] for link in got.json["hazards"]) == ["extinguisher-pressure", "tanks-leak"]

    unlicensed = passing(assessment, **{"hazchem-licence": {"value": "fail", "note": "许可证已过期"}})
    body = inspection_body(assessment, gas_station, mode="unannounced", answers=unlicensed)
    got = officer.post("/api/v1/inspections", json=body).json
    assert (got["points"], got["passed"]) == (0, False)  # no licence fails the whole assessment
    assert [link["item"] for link in got["hazards"]] == ["hazchem-licence"]
    hazard = officer.get(f"/api/v1/hazards/{got['hazards'][0]['hazard_id']}").json
    assert (hazard["category"], hazard["level"]) == ("hazardous_chemicals", "major")


def test_the_self_check_is_for_any_enterprises_site_and_no_other(login_as, seeded, world):
    self_check = seeded["企业安全自查表（演示）"]
    enterprise = login_as("enterprise_user")
    body = inspection_body(self_check, world["market_site"], mode="self_check", answers=passing(self_check))
    got = enterprise.post("/api/v1/inspections", json=body)
    assert got.status_code == 201 and got.json["percentage"] == 100, got.json
    elsewhere = inspection_body(self_check, world["fire_lane"], mode="routine_patrol", answers=passing(self_check))
    refused = login_as("station_officer").post("/api/v1/inspections", json=elsewhere)
    assert refused.status_code == 422 and refused.json["code"] == "template_not_applicable"
