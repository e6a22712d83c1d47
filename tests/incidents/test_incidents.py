"""Incidents through the API: offline replay, the 30-minute forwarding clock (warn at 20, escalate at 30, with a
controlled clock), forwarding, the district's acknowledgement and request, follow-ups, the final report, the PDF,
indicator 4 per street, and scope."""

import uuid
from datetime import datetime, timedelta, timezone

from server.core.db import db
from server.evidence import services as evidence
from server.hazards import clocks as hazard_clocks
from server.incidents import clocks
from server.incidents.models import Incident
from server.paperwork.bulletin import numeral
from tests.conftest import uid
from tests.photos.conftest import make_photo, put

SHANGHAI = timezone(timedelta(hours=8))


def body(world, **changes):
    return {
        "id": uid(),
        "type": "natural.flood",
        "grid_id": world["grid_a1"],
        "address": "民族街道泰宁街涵洞",
        "latitude": 30.5812,
        "longitude": 114.2811,
        "occurred_at": datetime(2026, 7, 6, 7, 40, tzinfo=SHANGHAI).isoformat(),
        "trapped": 3,
        "description": "涵洞积水约1.2米，一辆小型客车熄火，车内3人被困",
        "photo_ids": [uid()],
        **changes,
    }


def report(caller, world, **changes):
    resp = caller.post("/api/v1/incidents", json=body(world, **changes))
    assert resp.status_code == 201, resp.json
    return resp.json


def act(caller, incident_id, action, **payload):
    url = f"/api/v1/incidents/{incident_id}"
    etag = caller.get(url).headers["ETag"]
    return caller.post(
        f"{url}/transitions", json={"id": uid(), "action": action, **payload}, headers={"If-Match": etag}
    )


def later_report(caller, incident_id, kind, **figures):
    return caller.post(
        f"/api/v1/incidents/{incident_id}/reports",
        json={"id": uid(), "kind": kind, "description": f"{kind}：情况说明", **figures},
    )


def inbox(caller):
    return [(n["kind"], n["record_id"]) for n in caller.get("/api/v1/inbox").json]


def tick_at(app, moment):
    with app.app_context():
        return clocks.tick(moment)


def received(app, incident):
    with app.app_context():
        return db.session.get(Incident, uuid.UUID(incident["id"])).received_at


def test_an_offline_replay_is_idempotent_and_other_content_is_a_409(login_as, world):
    worker = login_as("grid_worker")
    sent = body(world)
    first = worker.post("/api/v1/incidents", json=sent)
    again = worker.post("/api/v1/incidents", json=sent)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["id"] == first.json["id"] and again.json["state"] == "received"
    assert first.json["type_name"] == "自然灾害·水旱灾害" and first.json["trapped"] == 3
    changed = worker.post("/api/v1/incidents", json={**sent, "trapped": 4})
    assert changed.status_code == 409 and changed.json["code"] == "id_conflict"
    assert "trapped" in changed.json["errors"]["json"]
    other = login_as("grid_worker").post("/api/v1/incidents", json=sent)
    assert other.status_code == 409 and other.json["code"] == "id_taken"


def test_the_type_is_named_in_the_language_the_app_asks_for(login_as, world):
    worker = login_as("grid_worker")
    incident = worker.post("/api/v1/incidents", json=body(world)).json
    english = worker.get(f"/api/v1/incidents/{incident['id']}", headers={"Accept-Language": "en"}).json
    assert english["type_name"] == "Natural disaster · Flood and drought"
    assert worker.get(f"/api/v1/incidents/{incident['id']}").json["type_name"] == "自然灾害·水旱灾害"


def test_the_station_is_warned_at_20_and_the_district_told_at_30_minutes(app, login_as, world):
    station, supervisor, other_street = (
        login_as("station_officer"),
        login_as("supervisor"),
        login_as("station_officer_b"),
    )
    incident = report(login_as("grid_worker"), world)
    assert inbox(station) == [("incident_received", incident["id"])]
    assert inbox(other_street) == [] and inbox(supervisor) == []
    start = received(app, incident)
    assert tick_at(app, start + timedelta(minutes=19, seconds=59)) == 0
    assert tick_at(app, start + timedelta(minutes=20)) == 1
    assert ("incident_forward_warning", incident["id"]) in inbox(station) and inbox(supervisor) == []
    assert tick_at(app, start + timedelta(minutes=30)) == 1
    assert ("incident_escalation", incident["id"]) in inbox(supervisor)
    assert tick_at(app, start + timedelta(minutes=45)) == 0  # once each
    with app.app_context():
        assert [e.action for e in evidence.timeline("incident", incident["id"])] == ["report", "escalate"]


def test_the_clock_is_configurable_and_shared_with_the_hazards(app, login_as, world):
    app.config.update(INCIDENT_FORWARD_MINUTES=10, INCIDENT_FORWARD_WARNING_MINUTES=5)
    try:
        incident = report(login_as("grid_worker"), world)
    finally:
        app.config.update(INCIDENT_FORWARD_MINUTES=30, INCIDENT_FORWARD_WARNING_MINUTES=20)
    start = received(app, incident)
    assert datetime.fromisoformat(incident["forward_due_at"]) == start + timedelta(minutes=10)
    with app.app_context():  # the incidents' own clocks, on the one engine; the hazards' tick leaves them be
        assert hazard_clocks.tick(start + timedelta(minutes=10)) == 0
        assert clocks.tick(start + timedelta(minutes=5)) == 1
        assert clocks.tick(start + timedelta(minutes=10)) == 1


def test_a_forwarded_incident_is_not_escalated_and_the_chain_completes(app, login_as, world):
    worker, station, supervisor = login_as("grid_worker"), login_as("station_officer"), login_as("supervisor")
    incident = report(worker, world)
    assert act(worker, incident["id"], "forward").status_code == 403  # the station forwards
    forwarded = act(station, incident["id"], "forward")
    assert forwarded.status_code == 200, forwarded.json
    assert forwarded.json["state"] == "forwarded" and forwarded.json["forward_minutes"] < 1
    assert act(station, incident["id"], "forward").json["code"] == "not_allowed"
    assert ("incident_forwarded", incident["id"]) in inbox(supervisor)
    assert tick_at(app, received(app, incident) + timedelta(hours=1)) == 0
    assert "acknowledge" in supervisor.get(f"/api/v1/incidents/{incident['id']}").json["allowed_actions"]
    assert act(supervisor, incident["id"], "acknowledge").json["state"] == "acknowledged"
    refused = act(supervisor, incident["id"], "request_followup")
    assert refused.status_code == 422 and refused.json["errors"]["json"]["note"]
    asked = act(supervisor, incident["id"], "request_followup", note="请报告被困人员救援进展")
    assert asked.json["followup_request"] == "请报告被困人员救援进展"
    assert ("incident_followup_requested", incident["id"]) in inbox(station)
    followup = later_report(station, incident["id"], "followup", trapped=0, injured=1)
    assert followup.status_code == 201, followup.json
    assert followup.json["followup_requested_at"] is None and followup.json["latest"]["injured"] == 1
    final = later_report(station, incident["id"], "final", injured=1)
    assert final.json["state"] == "closed" and [r["kind"] for r in final.json["reports"]] == ["followup", "final"]
    assert later_report(station, incident["id"], "followup").json["code"] == "final_made"
    with app.app_context():
        actions = [e.action for e in evidence.timeline("incident", incident["id"])]
    assert actions == ["report", "forward", "acknowledge", "request_followup", "followup", "final"]
    timeline = supervisor.get(f"/api/v1/incidents/{incident['id']}/timeline")
    assert [e["action"] for e in timeline.json] == actions


def test_a_report_replayed_is_stored_once(login_as, world):
    station = login_as("station_officer")
    incident = report(login_as("grid_worker"), world)
    act(station, incident["id"], "forward")
    sent = {"id": uid(), "kind": "followup", "description": "水位下降", "trapped": 1}
    url = f"/api/v1/incidents/{incident['id']}/reports"
    assert station.post(url, json=sent).status_code == 201
    assert station.post(url, json=sent).status_code == 200
    assert station.post(url, json={**sent, "trapped": 2}).status_code == 409
    assert len(station.get(f"/api/v1/incidents/{incident['id']}").json["reports"]) == 1


def test_a_transition_needs_the_current_etag_and_a_replay_is_answered(login_as, world):
    station = login_as("station_officer")
    incident = report(login_as("grid_worker"), world)
    url = f"/api/v1/incidents/{incident['id']}"
    change = {"id": uid(), "action": "forward"}
    assert station.post(f"{url}/transitions", json=change).status_code == 428
    assert station.post(f"{url}/transitions", json=change, headers={"If-Match": '"stale"'}).status_code == 412
    etag = station.get(url).headers["ETag"]
    assert station.post(f"{url}/transitions", json=change, headers={"If-Match": etag}).status_code == 200
    replay = station.post(f"{url}/transitions", json=change, headers={"If-Match": etag})
    assert replay.status_code == 200 and replay.json["state"] == "forwarded"


def test_the_bulletin_prints_the_chain(login_as, world):
    station = login_as("station_officer")
    incident = report(login_as("grid_worker"), world)
    act(station, incident["id"], "forward")
    later_report(station, incident["id"], "final")
    pdf = station.get(f"/api/v1/incidents/{incident['id']}/bulletin.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert len(pdf.data) > 2000


def test_timeliness_per_street(app, login_as, world):
    station, supervisor = login_as("station_officer"), login_as("supervisor")
    fast = report(login_as("grid_worker"), world)
    act(station, fast["id"], "forward")
    slow = report(login_as("grid_worker"), world)
    with app.app_context():
        row = db.session.get(Incident, uuid.UUID(slow["id"]))
        row.received_at -= timedelta(minutes=45)
        row.forward_due_at -= timedelta(minutes=45)
        db.session.commit()
    act(station, slow["id"], "forward")
    report(login_as("station_officer_b"), world, grid_id=world["grid_b1"])
    figures = supervisor.get("/api/v1/incidents/timeliness").json
    streets = {s["street_id"]: s for s in figures["streets"]}
    a, b = streets[world["street_a"]], streets[world["street_b"]]
    assert (a["received"], a["forwarded"], a["within_target"], a["on_time_rate"]) == (2, 2, 1, 0.5)
    assert a["max_minutes"] >= 45 and (b["received"], b["waiting"]) == (1, 1)
    assert figures["total"]["received"] == 3 and figures["target_minutes"] == 30
    own = station.get("/api/v1/incidents/timeliness").json  # a station: its own street only
    assert [s["street_id"] for s in own["streets"]] == [world["street_a"]]
    assert login_as("grid_worker").get("/api/v1/incidents/timeliness").status_code == 403


def test_scope(login_as, world):
    incident = report(login_as("grid_worker"), world)
    url = f"/api/v1/incidents/{incident['id']}"
    for person, visible in [
        ("station_officer", True),
        ("supervisor", True),
        ("station_officer_b", False),
        ("grid_worker", True),  # another worker of the same grid
        ("enterprise_user", False),
    ]:
        caller = login_as(person)
        status = caller.get(url).status_code
        listed = [i["id"] for i in caller.get("/api/v1/incidents").json]
        assert (status == 200) is visible, person
        assert (incident["id"] in listed) is visible, person
        assert caller.get(f"{url}/bulletin.pdf").status_code == (200 if visible else 404)
    outside = login_as("grid_worker").post("/api/v1/incidents", json=body(world, grid_id=world["grid_b1"]))
    assert outside.status_code == 422 and outside.json["errors"]["json"]["grid_id"]


def test_the_classification_is_served(login_as):
    types = login_as("grid_worker").get("/api/v1/incident-types").json
    kinds = [t["name_zh"] for t in types if t["parent"] is None]
    assert kinds == ["自然灾害", "事故灾难", "公共卫生事件", "社会安全事件"]
    assert all(any(t["parent"] == k["code"] for t in types) for k in types if k["parent"] is None)


def test_naive_times_are_refused(login_as, world):
    resp = login_as("grid_worker").post("/api/v1/incidents", json=body(world, occurred_at="2026-07-06T07:40:00"))
    assert resp.status_code == 422


def test_the_bulletin_shows_the_photos_and_every_report_of_a_long_chain(login_as, world):
    worker, station = login_as("grid_worker"), login_as("station_officer")
    photo_id = uid()
    assert put(worker, make_photo(), photo_id).status_code == 201
    incident = report(worker, world, photo_ids=[photo_id])
    act(station, incident["id"], "forward")
    for n in range(11):
        assert later_report(station, incident["id"], "followup", trapped=max(0, 2 - n)).status_code == 201
    pdf = station.get(f"/api/v1/incidents/{incident['id']}/bulletin.pdf").data
    assert pdf.count(b"/Subtype /Image") == 1  # the cited photo, as on the hazards' documents
    assert len(station.get(f"/api/v1/incidents/{incident['id']}").json["reports"]) == 11


def test_chinese_numerals_for_long_chains():
    assert [numeral(n) for n in (1, 10, 11, 12, 20, 35)] == ["一", "十", "十一", "十二", "二十", "三十五"]
