"""Checklist templates through the API: versions (draft → published → archived), who may edit which."""

import pytest

from tests.inspections.factory import published, template_body

URL = "/api/v1/inspection-templates"


def test_a_draft_is_edited_in_place_then_published_and_read_by_everyone(login_as):
    admin, worker = login_as("admin"), login_as("grid_worker")
    draft = admin.post(URL, json=template_body()).json
    assert (draft["state"], draft["number"], draft["max_score"], draft["item_count"]) == ("draft", 1, 30, 6)
    assert worker.get(f"{URL}/{draft['id']}").status_code == 404  # a draft is its editors' only
    etag = admin.get(f"{URL}/{draft['id']}").headers["ETag"]
    edited = admin.patch(f"{URL}/{draft['id']}", json={"name": "社区巡查表"}, headers={"If-Match": etag})
    assert edited.status_code == 200 and edited.json["id"] == draft["id"] and edited.json["name"] == "社区巡查表"
    out = admin.post(f"{URL}/{draft['id']}/publish").json
    assert out["state"] == "published" and out["published_at"]
    seen = worker.get(f"{URL}/{draft['id']}").json
    assert seen["sections"][0]["items"][0]["basis"] == "《消防法》第二十八条"
    assert [t["id"] for t in worker.get(URL, query_string={"family_id": draft["family_id"]}).json] == [draft["id"]]


def test_editing_a_published_version_makes_the_next_one_and_publishing_it_archives_the_first(login_as):
    admin = login_as("admin")
    first = published(admin)
    etag = admin.get(f"{URL}/{first['id']}").headers["ETag"]
    sections = first["sections"]
    sections[0]["items"][0]["max_score"] = 20
    second = admin.patch(f"{URL}/{first['id']}", json={"sections": sections}, headers={"If-Match": etag})
    assert second.status_code == 201, second.json
    assert (second.json["number"], second.json["state"], second.json["max_score"]) == (2, "draft", 40)
    assert second.json["family_id"] == first["family_id"] and second.json["id"] != first["id"]
    assert admin.get(f"{URL}/{first['id']}").json["max_score"] == 30  # the published version is untouched
    again = admin.patch(f"{URL}/{first['id']}", json={"name": "x"}, headers={"If-Match": etag})
    assert again.status_code == 409 and again.json["code"] == "draft_exists"
    admin.post(f"{URL}/{second.json['id']}/publish")
    states = {t["number"]: t["state"] for t in admin.get(URL, query_string={"family_id": first["family_id"]}).json}
    assert states == {1: "archived", 2: "published"}
    frozen = admin.patch(
        f"{URL}/{first['id']}",
        json={"name": "x"},
        headers={"If-Match": admin.get(f"{URL}/{first['id']}").headers["ETag"]},
    )
    assert frozen.status_code == 409 and frozen.json["code"] == "template_archived"


def test_a_stale_edit_is_refused_and_an_edit_without_if_match_asks_for_it(login_as):
    admin = login_as("admin")
    draft = admin.post(URL, json=template_body()).json
    assert admin.patch(f"{URL}/{draft['id']}", json={"name": "a"}).status_code == 428
    etag = admin.get(f"{URL}/{draft['id']}").headers["ETag"]
    admin.patch(f"{URL}/{draft['id']}", json={"name": "a"}, headers={"If-Match": etag})
    assert admin.patch(f"{URL}/{draft['id']}", json={"name": "b"}, headers={"If-Match": etag}).status_code == 412


def test_a_department_edits_its_own_sectors_checklists_only(login_as):
    department, admin = login_as("department_officer"), login_as("admin")  # the market bureau
    own = department.post(URL, json=template_body(kind="assessment")).json
    assert own["owner_sector"] == "market"
    theirs = admin.post(URL, json=template_body(owner_sector="commerce")).json
    assert department.get(f"{URL}/{theirs['id']}").status_code == 404  # another's draft: not found
    admin.post(f"{URL}/{theirs['id']}/publish")
    refused = department.post(f"{URL}/{theirs['id']}/archive")
    assert refused.status_code == 403 and refused.json["code"] == "template_outside_scope"
    moved = department.post(URL, json=template_body(owner_sector="commerce"))
    assert moved.status_code == 403 and moved.json["code"] == "template_outside_scope"
    assert department.post(f"{URL}/{own['id']}/publish").json["state"] == "published"


@pytest.mark.parametrize("person", ["grid_worker", "station_officer", "enterprise_user", "expert", "supervisor"])
def test_only_admins_and_departments_manage_templates(login_as, person):
    assert login_as(person).post(URL, json=template_body()).status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "nosuch"}, "kind"),
        ({"pass_mark": 101}, "pass_mark"),
        ({"site_types": ["moon"]}, "site_types"),
        ({"sections": [{"title": "a", "items": [{"text": "b", "answer_type": "choice", "options": []}]}]}, "sections"),
        ({"sections": [{"title": "a", "items": [{"text": "b", "answer_type": "number", "max_score": 1}]}]}, "sections"),
        (
            {"sections": [{"title": "a", "items": [{"text": "b", "answer_type": "text", "critical": "whole"}]}]},
            "sections",
        ),
        (
            {"sections": [{"title": "a", "items": [{"key": "x", "text": "b", "answer_type": "text"}] * 2}]},
            "sections",
        ),
    ],
)
def test_a_checklist_that_cannot_work_is_refused_with_the_field(login_as, change, field):
    refused = login_as("admin").post(URL, json=template_body(**change))
    assert refused.status_code == 422 and field in refused.json["errors"]["json"], refused.json


def test_a_proposed_hazard_names_a_category_in_use(login_as):
    sections = [
        {
            "title": "a",
            "items": [{"text": "b", "answer_type": "pass_fail_na", "max_score": 1, "hazard": {"category": "nosuch"}}],
        }
    ]
    refused = login_as("admin").post(URL, json=template_body(sections=sections))
    assert refused.status_code == 422 and "nosuch" in refused.json["message"] + str(refused.json["errors"])


def test_keys_left_out_are_made_and_an_empty_checklist_is_not_published(login_as):
    admin = login_as("admin")
    sections = [{"title": "a", "items": [{"text": "b", "answer_type": "pass_fail_na", "max_score": 1}]}]
    made = admin.post(URL, json=template_body(sections=sections)).json
    assert made["sections"][0]["key"] and made["sections"][0]["items"][0]["key"]
    empty = admin.post(URL, json=template_body(sections=[])).json
    refused = admin.post(f"{URL}/{empty['id']}/publish")
    assert refused.status_code == 422 and refused.json["errors"]["json"]["sections"]
    assert admin.post(f"{URL}/{made['id']}/archive").json["code"] == "not_published"


def test_the_field_app_names_kinds_modes_and_answers_from_the_vocabularies(login_as):
    words = login_as("grid_worker").get("/api/v1/vocabularies").json
    assert {t["code"]: t["zh"] for t in words["template_kinds"]} == {
        "patrol": "巡查",
        "assessment": "考核",
        "self_check": "自查",
        "enforcement": "执法检查",
    }
    assert [t["zh"] for t in words["inspection_modes"]] == [
        "日常巡查",
        "企业自查",
        "交叉考核",
        "四不两直",
        "双随机抽查",
        "专家检查",
    ]
    assert {t["code"] for t in words["answer_types"]} == {"pass_fail_na", "choice", "number", "text", "photo"}
    assert {t["code"]: t["zh"] for t in words["critical_scopes"]}["whole"] == "否决整张检查表"
    assert "no_checkin" in {t["code"] for t in words["inspection_flags"]}
    assert {t["code"]: t["zh"] for t in words["inspection_events"]}["flag"] == "列入约谈"


def test_the_checklists_for_a_kind_of_site_are_those_naming_it_or_none(login_as):
    admin = login_as("admin")
    markets = published(admin, site_types=["market"])
    anywhere = published(admin, site_types=[], name="通用巡查表")
    published(admin, site_types=["gas_station"], name="加油站考核表")
    found = admin.get(URL, query_string={"site_type": "market"})
    assert {t["id"] for t in found.json} == {markets["id"], anywhere["id"]}
    assert found.headers["X-Pagination"] and '"total": 2' in found.headers["X-Pagination"]
