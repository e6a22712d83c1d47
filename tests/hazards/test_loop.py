"""The hazard loop through the API, for each role: happy and unhappy paths, replays, scope, evidence."""

import hashlib
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, update

from server.core.db import db
from server.evidence import services as evidence
from server.evidence.models import Event
from server.hazards.models import Hazard
from tests.conftest import uid

SHANGHAI = timezone(timedelta(hours=8))


def report_body(world, **changes):
    return {
        "id": uid(),
        "site_id": str(world["market_site"]),
        "category": "fire",
        "level": "general",
        "description": "安全出口被杂物堵塞",
        "observed_at": datetime(2026, 11, 29, 9, 5, tzinfo=SHANGHAI).isoformat(),
        "latitude": 30.5901,
        "longitude": 114.2702,
        "accuracy_m": 6.0,
        "photo_ids": [uid()],
        **changes,
    }


def report(caller, world, **changes):
    resp = caller.post("/api/v1/hazards", json=report_body(world, **changes))
    assert resp.status_code == 201, resp.json
    return resp.json


def act(caller, hazard_id, action, *, change_id=None, if_match=None, **payload):
    url = f"/api/v1/hazards/{hazard_id}"
    etag = if_match or caller.get(url).headers.get("ETag")
    return caller.post(
        f"{url}/transitions",
        json={"id": change_id or uid(), "action": action, **payload},
        headers={"If-Match": etag} if etag else {},
    )


def later(days=7):
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def events_of(app, hazard_id):
    with app.app_context():
        return [(e.action, e.from_state, e.to_state) for e in evidence.timeline("hazard", hazard_id)]


def test_the_whole_loop_from_report_to_close(app, login_as, world):
    worker, station = login_as("grid_worker"), login_as("station_officer")
    enterprise, supervisor = login_as("enterprise_user"), login_as("supervisor")
    hazard = report(worker, world)
    assert hazard["state"] == "reported" and hazard["street_id"] == world["street_a"]
    assert hazard["enterprise_id"] == str(world["market"]) and hazard["sector"] == "market"
    assert hazard["photos"][0]["state"] == "pending"  # cited before it arrived
    assert hazard["allowed_actions"] == []  # a grid worker reports; the station decides
    queue = station.get("/api/v1/hazards", query_string={"state": "reported"}).json
    assert [h["id"] for h in queue] == [hazard["id"]]
    assert queue[0]["allowed_actions"] == ["acknowledge", "merge", "reject", "transfer"]

    assert act(station, hazard["id"], "acknowledge").json["state"] == "acknowledged"
    notice = act(station, hazard["id"], "issue_notice", deadline=later(), responsible_party="测试农贸市场有限公司")
    assert notice.status_code == 200 and notice.json["state"] == "rectifying"
    assert enterprise.get(f"/api/v1/hazards/{hazard['id']}").json["allowed_actions"] == ["submit_rectification"]
    fixed = act(enterprise, hazard["id"], "submit_rectification", description="已清理杂物", photo_ids=[uid()])
    assert fixed.json["state"] == "submitted"
    closed = act(station, hazard["id"], "close", result="复查合格")
    assert closed.json["state"] == "closed" and closed.json["closed_at"]
    assert supervisor.get(f"/api/v1/hazards/{hazard['id']}").json["state"] == "closed"

    assert events_of(app, hazard["id"]) == [
        ("report", None, "reported"),
        ("acknowledge", "reported", "acknowledged"),
        ("issue_notice", "acknowledged", "rectifying"),
        ("submit_rectification", "rectifying", "submitted"),
        ("close", "submitted", "closed"),
    ]
    timeline = station.get(f"/api/v1/hazards/{hazard['id']}/timeline").json
    assert [e["action"] for e in timeline] == ["report", "acknowledge", "issue_notice", "submit_rectification", "close"]
    with app.app_context():
        assert evidence.verify()[1] is None


def test_replaying_every_create_and_change_three_times_changes_nothing_more(app, login_as, world):
    worker, station = login_as("grid_worker"), login_as("station_officer")
    body = report_body(world)
    first = worker.post("/api/v1/hazards", json=body)
    for _ in range(3):
        again = worker.post("/api/v1/hazards", json=body)
        assert again.status_code == 200 and again.json["id"] == first.json["id"]
    etag = station.get(f"/api/v1/hazards/{body['id']}").headers["ETag"]
    change = uid()
    for attempt in range(4):  # the phone never heard back, so it sends the same change again
        resp = act(station, body["id"], "acknowledge", change_id=change, if_match=etag)
        assert resp.status_code == 200 and resp.json["state"] == "acknowledged", (attempt, resp.json)
    with app.app_context():
        assert (
            db.session.scalar(select(func.count()).select_from(Hazard).where(Hazard.id == uuid.UUID(body["id"]))) == 1
        )
    assert events_of(app, body["id"]) == [("report", None, "reported"), ("acknowledge", "reported", "acknowledged")]


def test_the_same_id_with_other_content_is_a_conflict(login_as, world):
    worker = login_as("grid_worker")
    body = report_body(world)
    worker.post("/api/v1/hazards", json=body)
    resp = worker.post("/api/v1/hazards", json={**body, "description": "另一件事"})
    assert resp.status_code == 409 and resp.json["code"] == "id_conflict" and "description" in resp.json["message"]


@pytest.mark.parametrize("same_content", [True, False])
def test_someone_else_s_report_id_is_taken_and_tells_nothing_of_that_report(login_as, world, same_content):
    victim, attacker = login_as("grid_worker"), login_as("station_officer_b")  # another street
    body = report_body(world, description="仓库内违规存放液化气钢瓶")
    victim.post("/api/v1/hazards", json=body)
    guess = body if same_content else {**body, "description": "x", "level": "major"}
    resp = attacker.post("/api/v1/hazards", json=guess)
    assert resp.status_code == 409 and resp.json["code"] == "id_taken" and "errors" not in resp.json
    assert not any(word in resp.get_data(as_text=True) for word in ("description", "level", "reporter", "钢瓶"))
    assert attacker.get(f"/api/v1/hazards/{body['id']}").status_code == 404  # and it stays out of reach


def test_a_stale_change_is_412_with_the_current_state_and_an_invalid_one_409_with_the_allowed(login_as, world):
    station, other = login_as("station_officer"), login_as("station_officer")
    hazard = report(login_as("grid_worker"), world)
    stale = station.get(f"/api/v1/hazards/{hazard['id']}").headers["ETag"]
    act(other, hazard["id"], "acknowledge")
    late = act(station, hazard["id"], "reject", if_match=stale, reason="重复上报")
    assert late.status_code == 412 and late.json["errors"]["current"]["state"] == "acknowledged"
    wrong = act(station, hazard["id"], "close", result="x")
    assert wrong.status_code == 409 and wrong.json["code"] == "invalid_transition"
    assert wrong.json["errors"]["allowed"] == ["invite_expert", "issue_notice", "merge", "transfer"]
    missing = station.post(f"/api/v1/hazards/{hazard['id']}/transitions", json={"id": uid(), "action": "reject"})
    assert missing.status_code == 428


def test_unhappy_paths_reject_merge_transfer_and_a_failed_reinspection(app, login_as, world):
    worker, station = login_as("grid_worker"), login_as("station_officer")
    rejected = report(worker, world)
    assert act(station, rejected["id"], "reject").status_code == 422  # a reason is required
    assert act(station, rejected["id"], "reject", reason="非安全隐患").json["state"] == "rejected"

    original, twin = report(worker, world), report(worker, world)
    dupes = station.get(f"/api/v1/hazards/{twin['id']}/duplicates").json
    assert original["id"] in {h["id"] for h in dupes}
    merged = act(station, twin["id"], "merge", reason="同一隐患", duplicate_of=original["id"])
    assert merged.json["state"] == "merged" and merged.json["merged_into_id"] == original["id"]

    fire_lane = report(station, world, site_id=str(world["fire_lane"]))
    assert login_as("department_officer").get(f"/api/v1/hazards/{fire_lane['id']}").status_code == 404
    moved = act(station, fire_lane["id"], "transfer", reason="属市场监管职责", sector="market")
    assert moved.json["state"] == "reported" and moved.json["sector"] == "market"
    department = login_as("department_officer")
    assert department.get(f"/api/v1/hazards/{fire_lane['id']}").status_code == 200

    act(station, original["id"], "acknowledge")
    act(station, original["id"], "issue_notice", deadline=later(3), responsible_party="市场方")
    act(login_as("enterprise_user"), original["id"], "submit_rectification", description="已整改", photo_ids=[uid()])
    returned = act(station, original["id"], "return", result="仍有堆放", deadline=later(5))
    assert returned.json["state"] == "rectifying"
    assert act(station, original["id"], "issue_notice", deadline=later(), responsible_party="x").status_code == 409


def test_an_enterprise_reports_and_rectifies_its_own_hazard(login_as, world):
    enterprise, station = login_as("enterprise_user"), login_as("station_officer")
    hazard = report(enterprise, world, category="electrical")
    assert hazard["source"] == "self_report" and hazard["allowed_actions"] == ["self_rectify"]
    fixed = act(enterprise, hazard["id"], "self_rectify", description="更换老化电线", photo_ids=[uid()])
    assert fixed.json["state"] == "submitted"
    assert act(station, hazard["id"], "close", result="复查合格").json["state"] == "closed"


def test_scope_decides_who_sees_and_who_acts(login_as, world):
    hazard = report(login_as("grid_worker"), world)
    assert login_as("station_officer_b").get(f"/api/v1/hazards/{hazard['id']}").status_code == 404
    assert login_as("admin").get(f"/api/v1/hazards/{hazard['id']}").status_code == 404  # admin of street B
    assert login_as("supervisor").get(f"/api/v1/hazards/{hazard['id']}").status_code == 200
    assert login_as("enterprise_user").get(f"/api/v1/hazards/{hazard['id']}").status_code == 200  # the market's
    assert act(login_as("supervisor"), hazard["id"], "acknowledge").status_code == 403
    outside = login_as("grid_worker").post("/api/v1/hazards", json=report_body(world, site_id=str(world["mall_site"])))
    assert outside.status_code == 422 and "site_id" in outside.json["errors"]["json"]


def test_the_30_minute_target_is_measured_from_arrival(app, login_as, world):
    worker, station = login_as("grid_worker"), login_as("station_officer")
    hazard = report(worker, world)
    received = datetime.fromisoformat(hazard["received_at"])
    assert datetime.fromisoformat(hazard["ack_due_at"]) - received == timedelta(minutes=30)
    assert not hazard["overdue_ack"]
    with app.app_context():
        db.session.execute(
            update(Hazard)
            .where(Hazard.id == uuid.UUID(hazard["id"]))
            .values(ack_due_at=datetime.now(UTC) - timedelta(minutes=1))
        )
        db.session.commit()
    late = station.get("/api/v1/hazards", query_string={"overdue_ack": "true"}).json
    assert [h["id"] for h in late] == [hazard["id"]] and late[0]["overdue_ack"]


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"category": "nonsense"}, "category"),
        ({"level": "huge"}, "level"),
        ({"site_id": None}, "site_id"),
        ({"observed_at": "2026-11-29T09:05:00"}, "observed_at"),
        ({"photo_ids": ["x"]}, "photo_ids"),
    ],
)
def test_bad_reports_are_clear_4xx_and_leave_nothing(app, login_as, world, changes, field):
    resp = login_as("grid_worker").post("/api/v1/hazards", json=report_body(world, **changes))
    assert resp.status_code == 422 and field in resp.json["errors"]["json"], resp.json
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Event).where(Event.record_type == "hazard")) == 0


def test_replaying_every_step_of_the_loop_three_times_leaves_one_event_per_change(app, login_as, world):
    worker, station, enterprise = login_as("grid_worker"), login_as("station_officer"), login_as("enterprise_user")
    body = report_body(world)
    for _ in range(3):
        assert worker.post("/api/v1/hazards", json=body).status_code in (200, 201)
    steps = [
        (station, "acknowledge", {}),
        (station, "issue_notice", {"deadline": later(), "responsible_party": "市场方"}),
        (enterprise, "submit_rectification", {"description": "已整改", "photo_ids": [uid()]}),
        (station, "close", {"result": "复查合格"}),
    ]
    for caller, action, payload in steps:
        etag, change = caller.get(f"/api/v1/hazards/{body['id']}").headers["ETag"], uid()
        for _ in range(3):  # the same change, as a phone with a flaky connection sends it
            resp = act(caller, body["id"], action, change_id=change, if_match=etag, **payload)
            assert resp.status_code == 200, (action, resp.json)
    assert events_of(app, body["id"]) == [
        ("report", None, "reported"),
        ("acknowledge", "reported", "acknowledged"),
        ("issue_notice", "acknowledged", "rectifying"),
        ("submit_rectification", "rectifying", "submitted"),
        ("close", "submitted", "closed"),
    ]
    documents = station.get(f"/api/v1/hazards/{body['id']}/documents").json
    assert [d["kind"] for d in documents] == ["rectification_notice", "reinspection_opinion"]
    notices = [n for n in enterprise.get("/api/v1/inbox").json if n["kind"] == "notice"]
    assert len(notices) == 1


def test_each_answer_carries_the_etag_for_the_next_change_without_a_read(login_as, world):
    worker, station = login_as("grid_worker"), login_as("station_officer")
    created = worker.post("/api/v1/hazards", json=report_body(world))
    assert created.status_code == 201 and created.headers["ETag"]
    acked = act(station, created.json["id"], "acknowledge", if_match=created.headers["ETag"])
    assert acked.status_code == 200, acked.json
    notice = act(
        station,
        created.json["id"],
        "issue_notice",
        responsible_party="测试农贸市场有限公司",
        if_match=acked.headers["ETag"],
    )
    assert notice.status_code == 200, notice.json
    assert notice.headers["ETag"] == station.get(f"/api/v1/hazards/{created.json['id']}").headers["ETag"]
    stale = act(station, created.json["id"], "close", result="合格", if_match=acked.headers["ETag"])
    assert stale.status_code == 412


def test_a_hazard_etag_is_a_hash_of_its_id_and_version_and_stays_so(login_as, world):
    """Phones hold ETags offline, for days: the value must not change with the server's code or libraries."""
    worker, station = login_as("grid_worker"), login_as("station_officer")
    created = worker.post("/api/v1/hazards", json=report_body(world))
    hazard_id = created.json["id"]

    def pinned(version):
        digest = hashlib.sha1(f'{{"hazard": "{hazard_id}", "version": {version}}}'.encode()).hexdigest()
        return f'"{digest}"'

    assert created.headers["ETag"] == station.get(f"/api/v1/hazards/{hazard_id}").headers["ETag"] == pinned(1)
    acked = act(station, hazard_id, "acknowledge", if_match=pinned(1))
    assert acked.status_code == 200 and acked.headers["ETag"] == pinned(2)
    assert station.get(f"/api/v1/hazards/{hazard_id}").headers["ETag"] == pinned(2)


def test_the_answer_to_a_report_is_the_hazard_as_stored(login_as, world):
    """The phone keeps the answer to its report as its copy: the same as any later read of it, times in
    UTC whatever zone the phone wrote, defaults (state, version, received_at) filled in."""
    worker = login_as("grid_worker")
    answered = worker.post("/api/v1/hazards", json=report_body(world))
    assert answered.status_code == 201
    read = worker.get(f"/api/v1/hazards/{answered.json['id']}")
    assert answered.json == read.json and answered.headers["ETag"] == read.headers["ETag"]
    assert answered.json["observed_at"] == "2026-11-29T01:05:00+00:00"
    assert answered.json["state"] == "reported" and answered.json["version"] == 1 and answered.json["received_at"]


def test_a_phone_whose_clock_is_off_is_measured_by_its_device_time_and_its_observation_corrected(login_as, world):
    worker = login_as("grid_worker")
    now = datetime.now(UTC)
    phone_now = now - timedelta(minutes=10)  # its clock runs 10 minutes slow
    body = report_body(world, observed_at=(phone_now - timedelta(minutes=5)).astimezone(SHANGHAI).isoformat())
    sent = worker.post("/api/v1/hazards", json=body, headers={"Device-Time": phone_now.isoformat()})
    assert sent.status_code == 201
    assert 600 <= sent.json["clock_offset_s"] < 610
    assert datetime.fromisoformat(sent.json["observed_at"]) == datetime.fromisoformat(body["observed_at"])  # kept
    seen = datetime.fromisoformat(sent.json["observed_at_server"])
    assert abs(seen - (now - timedelta(minutes=5))) < timedelta(seconds=10)

    # sent again later (the answer was lost): the same report, measured when it first arrived
    again = worker.post(
        "/api/v1/hazards", json=body, headers={"Device-Time": (phone_now + timedelta(minutes=3)).isoformat()}
    )
    assert again.status_code == 200 and again.json["clock_offset_s"] == sent.json["clock_offset_s"]


def test_without_device_time_the_observation_stands_as_the_phone_wrote_it(login_as, world):
    hazard = report(login_as("grid_worker"), world)
    assert hazard["clock_offset_s"] is None and hazard["observed_at_server"] == hazard["observed_at"]


@pytest.mark.parametrize("value", ["yesterday", "2026-11-29T09:05:00", ""])
def test_a_device_time_that_is_not_a_time_with_its_zone_is_a_400_and_nothing_is_stored(app, login_as, world, value):
    body = report_body(world)
    resp = login_as("grid_worker").post("/api/v1/hazards", json=body, headers={"Device-Time": value})
    assert resp.status_code == 400 and resp.json["code"] == "device_time_malformed"
    assert "Device-Time" in resp.json["message"]
    with app.app_context():
        assert db.session.get(Hazard, uuid.UUID(body["id"])) is None


def test_an_observation_the_clock_offset_would_push_off_the_calendar_is_a_422(login_as, world):
    body = report_body(world, observed_at="9999-12-31T12:00:00+00:00")
    resp = login_as("grid_worker").post("/api/v1/hazards", json=body, headers={"Device-Time": "2000-01-01T00:00:00Z"})
    assert resp.status_code == 422 and "observed_at" in resp.json["errors"]["json"]
