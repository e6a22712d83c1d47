"""Admins keep the list of hazard categories (隐患类别): add, rename, reorder, switch off and on; the report form
and the reports themselves follow at once."""

import pytest

from server.hazards import services
from tests.hazards.test_loop import report_body

URL = "/api/v1/hazard-categories"


@pytest.fixture(autouse=True)
def codes_read_again():
    """What a test changes is rolled back behind the cache's back: the next test reads the codes again."""
    yield
    services._ACTIVE_CODES.invalidate()


def edit(caller, code, body):
    read = caller.get(f"{URL}/{code}")
    assert read.status_code == 200, read.json
    return caller.patch(f"{URL}/{code}", json=body, headers={"If-Match": read.headers["ETag"]})


def names(caller, query=""):
    return [c["name_zh"] for c in caller.get(URL + query).json]


def test_a_category_an_admin_adds_is_offered_and_accepted_at_once(login_as, world):
    admin, worker = login_as("admin"), login_as("grid_worker")
    assert worker.post("/api/v1/hazards", json=report_body(world, category="gas")).status_code == 201  # codes read
    made = admin.post(URL, json={"name_zh": " 电梯安全 ", "name_en": "Lifts"})
    assert made.status_code == 201, made.json
    assert made.json["name_zh"] == "电梯安全" and made.json["active"] is True
    assert names(worker)[-1] == "电梯安全"  # last in the report form
    reported = worker.post("/api/v1/hazards", json=report_body(world, category=made.json["code"]))
    assert reported.status_code == 201, reported.json


def test_without_an_english_name_the_chinese_one_serves(login_as):
    made = login_as("admin").post(URL, json={"name_zh": "有限空间"})
    assert made.status_code == 201 and made.json["name_en"] == "有限空间"


def test_a_category_switched_off_leaves_the_form_and_is_refused_and_comes_back_when_switched_on(login_as, world):
    admin, worker = login_as("admin"), login_as("grid_worker")
    off = edit(admin, "gas", {"active": False})
    assert off.status_code == 200 and off.json["active"] is False
    assert "燃气安全" not in names(worker)
    assert "燃气安全" in names(admin, "?all=true")  # the admin still sees it, to switch it on again
    refused = worker.post("/api/v1/hazards", json=report_body(world, category="gas"))
    assert refused.status_code == 422 and "category" in refused.json["errors"]["json"]
    assert edit(admin, "gas", {"active": True}).status_code == 200
    assert worker.post("/api/v1/hazards", json=report_body(world, category="gas")).status_code == 201


def test_a_renamed_category_shows_its_new_name_and_keeps_its_code(login_as):
    admin, worker = login_as("admin"), login_as("grid_worker")
    renamed = edit(admin, "crowd", {"name_zh": "人员密集场所", "position": 0})
    assert renamed.status_code == 200 and renamed.json["code"] == "crowd"
    assert names(worker)[0] == "人员密集场所"


def test_only_admins_change_categories_or_see_the_switched_off_ones(login_as):
    for person in ("grid_worker", "station_officer", "supervisor"):
        caller = login_as(person)
        assert caller.post(URL, json={"name_zh": "电梯安全"}).status_code == 403
        assert caller.patch(f"{URL}/gas", json={"active": False}, headers={"If-Match": '"x"'}).status_code == 403
        assert caller.get(URL + "?all=true").status_code == 403
    assert login_as("grid_worker").get(URL).status_code == 200


def test_a_name_or_code_taken_is_a_409_on_its_field(login_as):
    admin = login_as("admin")
    same_name = admin.post(URL, json={"name_zh": "消防安全"})
    assert same_name.status_code == 409 and same_name.json["code"] == "duplicate_name"
    assert "name_zh" in same_name.json["errors"]["json"]
    same_code = admin.post(URL, json={"name_zh": "别的", "code": "fire"})
    assert same_code.status_code == 409 and same_code.json["code"] == "duplicate_code"
    renamed_onto = edit(admin, "gas", {"name_zh": "消防安全"})
    assert renamed_onto.status_code == 409 and "name_zh" in renamed_onto.json["errors"]["json"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "name_zh"),
        ({"name_zh": "   "}, "name_zh"),
        ({"name_zh": "长" * 51}, "name_zh"),
        ({"name_zh": "电梯", "code": "Bad Code"}, "code"),
        ({"name_zh": "电梯", "position": -1}, "position"),
        ({"name_zh": "电梯", "active": False}, "active"),  # a new category starts switched on
    ],
)
def test_bad_input_is_a_422_naming_the_field(login_as, body, field):
    resp = login_as("admin").post(URL, json=body)
    assert resp.status_code == 422 and field in resp.json["errors"]["json"], resp.json


def test_an_edit_needs_the_version_it_replaces(login_as):
    admin = login_as("admin")
    stale = admin.get(f"{URL}/gas").headers["ETag"]
    assert edit(admin, "gas", {"name_zh": "燃气"}).status_code == 200
    again = admin.patch(f"{URL}/gas", json={"name_zh": "燃气设施"}, headers={"If-Match": stale})
    assert again.status_code == 412
    assert admin.patch(f"{URL}/gas", json={"name_zh": "燃气设施"}).status_code == 428
    assert admin.get(f"{URL}/nothing").status_code == 404
