"""Registering and editing enterprises; the unified social credit code is checked (GB 32100)."""

import pytest

from server.enterprises.uscc import check_character, problem
from tests.conftest import make_uscc

# The worked example of GB 32100 and a published registration, to check the algorithm.
KNOWN_VALID = ["91350100M000100Y43", "91110000600037341L"]


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_known_codes_pass_the_check(code):
    assert problem(code) is None


@pytest.mark.parametrize(
    "code,why",
    [
        ("91350100M000100Y44", "校验位"),  # last character changed
        ("91350100M000100Y4", "18 位"),
        ("91350100M000100I43", "不允许的字符"),  # I is not in the character set
        ("9135A100M000100Y4X", "行政区划"),
    ],
)
def test_bad_codes_say_what_is_wrong(code, why):
    assert why in problem(code)


def test_generated_codes_round_trip():
    for _ in range(50):
        code = make_uscc()
        assert problem(code) is None and check_character(code[:17]) == code[17]


def new_enterprise(world, **changes):
    return {
        "name": "江汉测试加油站有限公司",
        "uscc": make_uscc(),
        "sector": "fuel_retail",
        "area_id": world["street_a"],
        "above_designated_size": True,
        "contacts": [{"name": "王强", "title": "安全负责人", "phone": "13907100000"}],
        **changes,
    }


def test_station_registers_an_enterprise_in_its_street(login_as, world):
    caller = login_as("station_officer")
    resp = caller.post("/api/v1/enterprises", json=new_enterprise(world))
    assert resp.status_code == 201, resp.json
    assert resp.json["supervising_department"] == "区商务局"  # the sector's department by default
    assert resp.json["area"]["name"] == "民族街道"
    assert caller.get(f"/api/v1/enterprises/{resp.json['id']}").json["contacts"][0]["name"] == "王强"


def test_lowercase_codes_are_accepted_and_stored_uppercase(login_as, world):
    code = make_uscc()
    resp = login_as("station_officer").post("/api/v1/enterprises", json=new_enterprise(world, uscc=code.lower()))
    assert resp.status_code == 201 and resp.json["uscc"] == code


def test_a_code_with_a_wrong_check_character_is_refused(login_as, world):
    code = make_uscc()
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    resp = login_as("station_officer").post("/api/v1/enterprises", json=new_enterprise(world, uscc=wrong))
    assert resp.status_code == 422
    assert "校验位" in resp.json["errors"]["json"]["uscc"][0]


def test_the_same_code_twice_is_a_conflict(login_as, world):
    caller = login_as("station_officer")
    body = new_enterprise(world)
    assert caller.post("/api/v1/enterprises", json=body).status_code == 201
    again = caller.post("/api/v1/enterprises", json={**body, "name": "另一个名字"})
    assert again.status_code == 409 and again.json["code"] == "duplicate_uscc"


def test_a_station_cannot_register_an_enterprise_in_another_street(login_as, world):
    resp = login_as("station_officer").post(
        "/api/v1/enterprises", json=new_enterprise(world, area_id=world["street_b"])
    )
    assert resp.status_code == 422 and resp.json["code"] == "outside_scope"


def test_a_department_registers_only_in_its_own_sector(login_as, world):
    caller = login_as("department_officer")  # market bureau
    assert caller.post("/api/v1/enterprises", json=new_enterprise(world, sector="market")).status_code == 201
    other = caller.post("/api/v1/enterprises", json=new_enterprise(world, sector="fuel_retail"))
    assert other.status_code == 422 and other.json["code"] == "outside_scope"


def test_filters_narrow_the_list(login_as, world):
    caller = login_as("supervisor")
    caller.post("/api/v1/enterprises", json=new_enterprise(world, name="汉兴加油站"))
    by_sector = caller.get("/api/v1/enterprises?sector=fuel_retail").json
    assert by_sector and {e["sector"] for e in by_sector} == {"fuel_retail"}
    by_text = caller.get("/api/v1/enterprises?q=汉兴").json
    assert [e["name"] for e in by_text] == ["汉兴加油站"]
    by_area = caller.get(f"/api/v1/enterprises?area_id={world['street_b']}").json
    assert {e["area"]["name"] for e in by_area} == {"花楼街道"}


def test_edits_need_the_current_etag(login_as, world):
    caller = login_as("station_officer")
    url = f"/api/v1/enterprises/{world['market']}"
    etag = caller.get(url).headers["ETag"]
    first = caller.patch(url, json={"above_designated_size": True}, headers={"If-Match": etag})
    assert first.status_code == 200 and first.json["above_designated_size"] is True
    stale = caller.patch(url, json={"name": "改名"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert caller.get(url).json["name"] == "测试农贸市场有限公司"
