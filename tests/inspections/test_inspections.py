"""Inspections through the API: the offline contract, the server's score, presence, failed items made hazards in the
same submission, corrections as revisions on record, and scope."""

from datetime import UTC, datetime, timedelta

import pytest

from server.core.db import db
from server.demo import checklists
from server.evidence import services as evidence
from server.hazards.models import HazardCategory
from tests.conftest import uid
from tests.inspections.factory import answers, inspection_body, published

URL = "/api/v1/inspections"
SITE = (30.59, 114.27)  # where the test world puts every site


@pytest.fixture
def template(login_as):
    return published(login_as("admin"))


def checked_in(caller, login_as, world, *, site="market_site", at=SITE):
    tag = login_as("station_officer").post(f"/api/v1/sites/{world[site]}/tag").json
    body = {
        "id": uid(),
        "code": tag["code"],
        "observed_at": datetime.now(UTC).isoformat(),
        "latitude": at[0] if at else None,
        "longitude": at[1] if at else None,
        "accuracy_m": 8.0,
    }
    made = caller.post("/api/v1/checkins", json=body)
    assert made.status_code == 201, made.json
    return made.json["id"]


def submit(caller, body, status=201, **kwargs):
    sent = caller.post(URL, json=body, **kwargs)
    assert sent.status_code == status, sent.json
    return sent.json


def test_a_patrol_is_scored_by_the_server_and_explains_its_score(login_as, world, template):
    worker = login_as("grid_worker")
    body = inspection_body(
        template,
        world["market_site"],
        answers=answers(drills="no_record", exits="na"),
        checkin_id=checked_in(worker, login_as, world),
    )
    got = submit(worker, body)
    assert (got["points"], got["max_points"], got["percentage"], got["passed"]) == (17, 20, 85.0, True)
    assert [(s["key"], s["points"], s["max"]) for s in got["score"]["sections"]] == [("fire", 7, 10), ("power", 10, 10)]
    assert got["explanation"][-2:] == ["总分 17 / 20，得分率 85.0%", "合格线 60%，判定为合格"]
    assert got["flags"] == [] and got["revision"] == 1 and got["hazards"] == []
    assert got["template_number"] == 1 and got["site_name"] == "测试农贸市场"
    assert got["inspectors"] == [{"user_id": str(worker.user.id), "name": worker.user.name, "role": "lead"}]


def test_a_score_from_the_phone_is_not_taken(login_as, world, template):
    body = {**inspection_body(template, world["market_site"]), "points": 30}
    refused = login_as("grid_worker").post(URL, json=body)
    assert refused.status_code == 422 and "points" in refused.json["errors"]["json"]


def test_sending_it_again_returns_the_stored_one_and_other_content_is_a_conflict(login_as, world, template):
    worker, other = login_as("grid_worker"), login_as("grid_worker")
    body = inspection_body(template, world["market_site"], answers=answers(exits="fail"))
    body["answers"][0]["photo_ids"] = [uid()]
    first = submit(worker, body)
    again = submit(worker, body, status=200)
    assert again["id"] == first["id"] and again["hazards"] == first["hazards"] and len(first["hazards"]) == 1
    changed = worker.post(URL, json={**body, "answers": answers(), "mode": "unannounced"})
    assert changed.status_code == 409 and changed.json["code"] == "id_conflict"
    assert set(changed.json["errors"]["json"]) == {"answers", "mode"}
    taken = other.post(URL, json=body)
    assert taken.status_code == 409 and taken.json["code"] == "id_taken" and "errors" not in taken.json


def test_failed_items_become_hazards_in_the_stations_queue_linked_both_ways(app, login_as, world, template):
    worker, station = login_as("grid_worker"), login_as("station_officer")
    photo = uid()
    body = inspection_body(
        template,
        world["market_site"],
        answers=answers(exits="fail", ebikes="fail", drills="none"),
    )
    body["answers"][0].update(photo_ids=[photo], note="北侧出口堆放纸箱")  # proposes a hazard itself
    body["answers"][3].update(note="三楼楼道充电", raise_hazard=True, hazard_level="major")  # marked by the inspector
    got = submit(worker, body)
    assert got["passed"] is False and got["points"] == 0  # the e-bikes are critical for the whole
    assert [link["item"] for link in got["hazards"]] == ["ebikes", "exits"]  # not the drills: nobody asked
    queue = station.get("/api/v1/hazards", query_string={"state": "reported"}).json
    made = {h["id"]: h for h in queue if h["id"] in {link["hazard_id"] for link in got["hazards"]}}
    assert len(made) == 2
    exits = made[next(link["hazard_id"] for link in got["hazards"] if link["item"] == "exits")]
    assert exits["description"] == "安全出口、疏散通道畅通：北侧出口堆放纸箱"
    assert (exits["category"], exits["level"], exits["source"]) == ("fire", "general", "patrol")
    assert exits["site_id"] == str(world["market_site"]) and exits["photos"] == [{"id": photo, "state": "pending"}]
    assert exits["ack_due_at"]  # on the 30-minute clock like any report
    ebikes = made[next(link["hazard_id"] for link in got["hazards"] if link["item"] == "ebikes")]
    assert (ebikes["category"], ebikes["level"]) == ("other", "major")
    back = station.get(URL, query_string={"hazard_id": exits["id"]}).json
    assert [i["id"] for i in back] == [got["id"]]
    submit(worker, body, status=200)
    assert len(station.get("/api/v1/hazards", query_string={"state": "reported"}).json) == len(queue)
    with app.app_context():
        assert [e.action for e in evidence.timeline("hazard", exits["id"])] == ["report"]
        assert [e.action for e in evidence.timeline("inspection", got["id"])] == ["submit"]
        assert evidence.verify()[1] is None


def test_an_inspection_on_a_version_republished_mid_way_still_submits_on_its_own(login_as, world, template):
    admin, worker = login_as("admin"), login_as("grid_worker")
    begun = inspection_body(template, world["market_site"])  # begun on version 1, offline
    etag = admin.get(f"/api/v1/inspection-templates/{template['id']}").headers["ETag"]
    sections = template["sections"]
    sections[0]["items"][0]["max_score"] = 50
    second = admin.patch(
        f"/api/v1/inspection-templates/{template['id']}", json={"sections": sections}, headers={"If-Match": etag}
    ).json
    admin.post(f"/api/v1/inspection-templates/{second['id']}/publish")
    got = submit(worker, begun)
    assert (got["template_id"], got["template_number"], got["max_points"]) == (template["id"], 1, 30)
    draft = admin.post("/api/v1/inspection-templates", json={"kind": "patrol", "name": "草稿"}).json
    refused = worker.post(URL, json=inspection_body(draft, world["market_site"]))
    assert refused.status_code == 422 and "template_id" in refused.json["errors"]["json"]


def test_a_checklist_for_other_kinds_of_site_is_refused(login_as, world):
    template = published(login_as("admin"), site_types=["gas_station"], sectors=["fuel_retail"])
    refused = login_as("grid_worker").post(URL, json=inspection_body(template, world["market_site"]))
    assert refused.status_code == 422 and refused.json["code"] == "template_not_applicable"
    by_sector = published(login_as("admin"), site_types=[], sectors=["market"])
    submit(login_as("grid_worker"), inspection_body(by_sector, world["market_site"]))


def test_answers_that_cannot_be_scored_are_refused_item_by_item(login_as, world, template):
    body = inspection_body(template, world["market_site"], answers=answers(exits="fail", ebikes=None))
    refused = login_as("grid_worker").post(URL, json=body, headers={"Accept-Language": "en"})
    assert refused.status_code == 422 and refused.json["code"] == "answers_invalid"
    assert refused.json["errors"]["json"]["answers"] == {
        "exits": ["A failing answer needs a photo here"],
        "ebikes": ["This item has no answer"],
    }


@pytest.mark.parametrize(
    ("where", "flags"),
    [
        ("none", ["no_checkin"]),
        ("far", ["checkin_far"]),
        ("elsewhere", ["checkin_elsewhere"]),
        ("unknown", ["checkin_not_found"]),
    ],
)
def test_presence_not_proven_is_flagged_not_refused(login_as, world, template, where, flags):
    station = login_as("station_officer")  # sees both sites of street A
    checkin = {
        "none": lambda: None,
        "far": lambda: checked_in(station, login_as, world, at=(30.60, 114.28)),
        "elsewhere": lambda: checked_in(station, login_as, world, site="fire_lane"),
        "unknown": uid,
    }[where]()
    got = submit(station, inspection_body(template, world["market_site"], checkin_id=checkin))
    assert got["flags"] == flags
    assert [i["id"] for i in station.get(URL, query_string={"flagged": True}).json] == [got["id"]]


def test_the_phones_clock_offset_is_measured_and_its_times_corrected(login_as, world, template):
    body = inspection_body(template, world["market_site"])
    phone_now = datetime.now(UTC) - timedelta(hours=2)  # the phone is two hours behind
    got = submit(login_as("grid_worker"), body, headers={"Device-Time": phone_now.isoformat()})
    assert got["clock_offset_s"] == pytest.approx(7200, abs=5) and "clock_off" in got["flags"]
    finished = datetime.fromisoformat(got["finished_at_server"]) - datetime.fromisoformat(got["finished_at"])
    assert finished.total_seconds() == pytest.approx(7200, abs=5)


def test_co_inspectors_and_experts_are_named_and_see_it(app, login_as, world, template):
    lead, co, expert = login_as("station_officer"), login_as("grid_worker"), login_as("expert")
    body = inspection_body(
        template,
        world["fire_lane"],
        mode="expert",
        co_inspector_ids=[str(co.user.id)],
        expert_ids=[str(expert.user.id)],
    )
    got = submit(lead, body)
    assert [(p["user_id"], p["role"]) for p in got["inspectors"]] == [
        (str(lead.user.id), "lead"),
        (str(co.user.id), "co"),
        (str(expert.user.id), "expert"),
    ]
    assert co.get(f"{URL}/{got['id']}").status_code == 200  # the grid worker's grid is another: theirs anyway
    not_expert = lead.post(URL, json={**body, "id": uid(), "expert_ids": [str(co.user.id)]})
    assert not_expert.status_code == 422 and "expert_ids" in not_expert.json["errors"]["json"]


def test_the_inspected_party_acknowledges_with_a_signature_cited_as_a_photo(login_as, world, template):
    signature = uid()
    body = inspection_body(
        template, world["market_site"], acknowledgement={"name": "张经理", "signature_photo_id": signature}
    )
    got = submit(login_as("grid_worker"), body)
    assert got["acknowledgement"] == {"name": "张经理", "signature_photo_id": signature}
    assert {"id": signature, "state": "pending"} in got["photos"]


def test_an_enterprise_self_checks_its_own_sites_only(login_as, world, template):
    enterprise = login_as("enterprise_user")  # the market's
    patrol = enterprise.post(URL, json=inspection_body(template, world["market_site"]))
    assert patrol.status_code == 422 and "mode" in patrol.json["errors"]["json"]
    body = inspection_body(template, world["market_site"], mode="self_check", answers=answers(exits="fail"))
    body["answers"][0]["photo_ids"] = [uid()]
    got = submit(enterprise, body)
    hazard = enterprise.get(f"/api/v1/hazards/{got['hazards'][0]['hazard_id']}").json
    assert hazard["source"] == "self_report"
    elsewhere = enterprise.post(URL, json=inspection_body(template, world["fire_lane"], mode="self_check"))
    assert elsewhere.status_code == 422 and "site_id" in elsewhere.json["errors"]["json"]


@pytest.mark.parametrize(
    ("person", "sees"),
    [
        ("station_officer", True),
        ("station_officer_b", False),
        ("enterprise_user", True),
        ("department_officer", True),
        ("expert", False),
        ("supervisor", True),
        ("grid_worker", False),  # grid A1: the fire lane is in grid A2
    ],
)
def test_an_inspection_is_seen_as_a_hazard_at_its_site_would_be(login_as, world, template, person, sees):
    got = submit(login_as("station_officer"), inspection_body(template, world["fire_lane"]))
    market = submit(login_as("station_officer"), inspection_body(template, world["market_site"]))
    caller = login_as(person)
    shown = {i["id"] for i in caller.get(URL).json}
    target = market if person in ("enterprise_user", "department_officer") else got
    assert (target["id"] in shown) is sees
    assert (caller.get(f"{URL}/{target['id']}").status_code == 200) is sees


def test_a_correction_is_a_new_revision_on_record_and_makes_the_hazard_it_asks_for(app, login_as, world, template):
    worker, station = login_as("grid_worker"), login_as("station_officer")
    first = submit(worker, inspection_body(template, world["market_site"]))
    correction = {"id": uid(), "based_on": 1, "reason": "漏记电动车充电问题", "answers": answers(ebikes="fail")}
    correction["answers"][3].update(note="一楼大厅充电", raise_hazard=True)
    got = worker.post(f"{URL}/{first['id']}/corrections", json=correction)
    assert got.status_code == 201, got.json
    assert (got.json["revision"], got.json["points"], got.json["passed"]) == (2, 0, False)
    assert [link["item"] for link in got.json["hazards"]] == ["ebikes"]
    assert worker.post(f"{URL}/{first['id']}/corrections", json=correction).status_code == 200
    revisions = worker.get(f"{URL}/{first['id']}/revisions").json
    assert [(r["number"], r["score"]["points"], r["reason"]) for r in revisions] == [
        (1, 30, ""),
        (2, 0, "漏记电动车充电问题"),
    ]
    assert [e["action"] for e in worker.get(f"{URL}/{first['id']}/timeline").json] == ["submit", "correct"]
    stale = worker.post(f"{URL}/{first['id']}/corrections", json={**correction, "id": uid()})
    assert stale.status_code == 412 and stale.json["errors"]["current"] == {"revision": 2}
    refused = station.post(f"{URL}/{first['id']}/corrections", json={**correction, "id": uid(), "based_on": 2})
    assert refused.status_code == 403 and refused.json["code"] == "not_an_inspector"
    assert len(station.get(URL, query_string={"hazard_id": got.json["hazards"][0]["hazard_id"]}).json) == 1


def test_an_inspection_out_of_scope_reads_as_absent(login_as, world, template):
    got = submit(login_as("station_officer"), inspection_body(template, world["market_site"]))
    other = login_as("station_officer_b")
    for path in ("", "/revisions", "/timeline"):
        assert other.get(f"{URL}/{got['id']}{path}").status_code == 404
    assert (
        other.post(
            f"{URL}/{got['id']}/corrections", json={"id": uid(), "based_on": 1, "reason": "x", "answers": []}
        ).status_code
        == 404
    )
    worker_elsewhere = login_as("grid_worker")  # grid A1: the fire lane is in A2
    refused = worker_elsewhere.post(URL, json=inspection_body(template, world["fire_lane"]))
    assert refused.status_code == 422 and "site_id" in refused.json["errors"]["json"]


def test_the_inspector_may_decline_an_items_proposed_hazard(login_as, world, template):
    body = inspection_body(template, world["market_site"], answers=answers(exits="fail"))
    body["answers"][0].update(photo_ids=[uid()], raise_hazard=False)  # e.g. the same hazard is open already
    got = submit(login_as("grid_worker"), body)
    assert got["hazards"] == [] and got["score"]["failed_items"] == ["exits"] and got["points"] == 20


def test_the_demo_community_patrol_is_published_once_and_runs_end_to_end(app, login_as, world):
    with app.app_context():
        assert checklists.add() == len(checklists.CHECKLISTS) and checklists.add() == 0
        db.session.commit()
    station = login_as("station_officer")
    listed = station.get("/api/v1/inspection-templates", query_string={"kind": "patrol"}).json
    patrol = next(t for t in listed if t["is_demo"])
    assert patrol["name"].endswith("（演示）") and (patrol["max_score"], patrol["item_count"]) == (100, 11)
    items = [item for section in patrol["sections"] for item in section["items"] if item["answer_type"] != "text"]
    sent = [{"item": item["key"], "value": "pass"} for item in items]
    by_key = {a["item"]: a for a in sent}
    by_key["hydrant"]["value"] = 0.05  # no water pressure
    by_key["hydrant"]["photo_ids"] = [uid()]
    by_key["wiring"]["value"] = "minor"
    got = submit(station, inspection_body(patrol, world["fire_lane"], answers=sent))
    assert (got["points"], got["max_points"], got["passed"]) == (85, 100, True)
    assert [link["item"] for link in got["hazards"]] == ["hydrant"]


def test_a_category_retired_since_the_version_was_published_still_reports_the_hazard_as_other(app, login_as, world):
    template = published(login_as("admin"))
    with app.app_context():
        db.session.get(HazardCategory, "fire").active = False
        db.session.commit()
    body = inspection_body(template, world["market_site"], answers=answers(exits="fail"))
    body["answers"][0]["photo_ids"] = [uid()]
    worker = login_as("grid_worker")
    got = submit(worker, body)
    assert worker.get(f"/api/v1/hazards/{got['hazards'][0]['hazard_id']}").json["category"] == "other"
