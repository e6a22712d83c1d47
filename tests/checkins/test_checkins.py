"""Check-ins: idempotent on the phone's id; far, revoked, forged and out-of-scope ones flagged, not dropped."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import uid

SHANGHAI = timezone(timedelta(hours=8))
SITE = (30.59, 114.27)  # where the test world puts every site


def issue(login_as, world, key="market_site", person="station_officer"):
    return login_as(person).post(f"/api/v1/sites/{world[key]}/tag").json


def checkin(code, *, at=SITE, accuracy=8.0, **changes):
    body = {"id": uid(), "code": code, "observed_at": datetime(2026, 11, 29, 9, 30, tzinfo=SHANGHAI).isoformat(),
            "latitude": at[0] if at else None, "longitude": at[1] if at else None, "accuracy_m": accuracy}
    return {**body, **changes}


def test_a_grid_worker_checks_in_at_the_site(login_as, world):
    tag = issue(login_as, world)
    worker = login_as("grid_worker")
    resp = worker.post("/api/v1/checkins", json=checkin(tag["url"], at=(30.5905, 114.2702)))
    assert resp.status_code == 201, resp.json
    assert resp.json["flags"] == [] and resp.json["site"]["name"] == "测试农贸市场"
    assert 50 < resp.json["distance_m"] < 70
    assert resp.json["observed_at"] == "2026-11-29T01:30:00+00:00"  # stored in UTC


def test_sending_it_again_returns_the_stored_check_in_and_no_second_one(login_as, world):
    tag = issue(login_as, world)
    worker = login_as("grid_worker")
    body = checkin(tag["code"])
    first = worker.post("/api/v1/checkins", json=body)
    for _ in range(3):
        again = worker.post("/api/v1/checkins", json=body)
        assert again.status_code == 200 and again.json == first.json
    assert [c["id"] for c in worker.get("/api/v1/checkins").json] == [body["id"]]
    changed = worker.post("/api/v1/checkins", json={**body, "latitude": 30.6})
    assert changed.status_code == 409 and changed.json["code"] == "id_conflict"
    assert "latitude" in changed.json["message"]


@pytest.mark.parametrize("case,flags", [
    ("far", ["far"]),
    ("no_location", ["no_location"]),
    ("revoked", ["revoked_tag"]),
    ("forged", ["invalid_tag"]),
    ("other_grid", ["outside_scope"]),
])
def test_odd_check_ins_are_recorded_and_flagged(login_as, world, case, flags):
    tag = issue(login_as, world)
    worker = login_as("grid_worker")
    body = checkin(tag["code"])
    if case == "far":
        body = checkin(tag["code"], at=(30.6, 114.27))  # about 1.1 km north
    elif case == "no_location":
        body = checkin(tag["code"], at=None, accuracy=None)
    elif case == "revoked":
        issue(login_as, world)  # reissued: the first tag is revoked
    elif case == "forged":
        body = checkin(tag["code"][:-2] + ("ZZ" if not tag["code"].endswith("ZZ") else "YY"))
    elif case == "other_grid":
        body = checkin(issue(login_as, world, "mall_site", "station_officer_b")["code"])
    resp = worker.post("/api/v1/checkins", json=body)
    assert resp.status_code == 201 and resp.json["flags"] == flags
    if case in ("forged", "other_grid"):
        assert resp.json["site"] is None  # nothing learned about a site the worker may not see
    supervisor = login_as("supervisor")
    flagged = supervisor.get("/api/v1/checkins", query_string={"flagged": "true", "user_id": str(worker.user.id)})
    assert [c["id"] for c in flagged.json] == ([body["id"]] if case != "forged" else [])


def test_a_phone_whose_clock_is_off_has_its_check_in_time_corrected_and_flagged(login_as, world):
    tag, worker = issue(login_as, world), login_as("grid_worker")
    now = datetime.now(timezone.utc)
    phone_now = now + timedelta(hours=2)  # its clock runs two hours fast
    body = checkin(tag["code"], observed_at=(phone_now - timedelta(minutes=1)).isoformat())
    resp = worker.post("/api/v1/checkins", json=body, headers={"Device-Time": phone_now.isoformat()})
    assert resp.status_code == 201 and resp.json["flags"] == ["clock_off"]
    assert -7200 <= resp.json["clock_offset_s"] < -7190
    at_site = datetime.fromisoformat(resp.json["observed_at_server"])
    assert abs(at_site - (now - timedelta(minutes=1))) < timedelta(seconds=10)

    within = checkin(tag["code"], observed_at=now.isoformat())  # a clock a minute off is not odd
    resp = worker.post("/api/v1/checkins", json=within, headers={"Device-Time": (now + timedelta(minutes=1)).isoformat()})
    assert resp.status_code == 201 and resp.json["flags"] == [] and resp.json["clock_offset_s"] < 0

    beyond = checkin(tag["code"], observed_at="9999-12-31T23:00:00+00:00")  # cannot be put right: stands as sent
    resp = worker.post("/api/v1/checkins", json=beyond, headers={"Device-Time": "2000-01-01T00:00:00+00:00"})
    assert resp.status_code == 201 and resp.json["flags"] == ["clock_off"] and resp.json["clock_offset_s"] is None
    assert resp.json["observed_at_server"] == resp.json["observed_at"]


def test_the_station_sees_check_ins_at_its_sites_and_others_do_not(login_as, world):
    tag = issue(login_as, world)
    worker = login_as("grid_worker")
    made = worker.post("/api/v1/checkins", json=checkin(tag["code"])).json
    assert login_as("station_officer").get(f"/api/v1/checkins/{made['id']}").status_code == 200
    assert login_as("station_officer_b").get(f"/api/v1/checkins/{made['id']}").status_code == 404
    assert login_as("grid_worker").get(f"/api/v1/checkins/{made['id']}").status_code == 200  # same grid
    by_site = login_as("station_officer").get("/api/v1/checkins", query_string={"site_id": str(world["market_site"])})
    assert [c["id"] for c in by_site.json] == [made["id"]]


def test_bad_check_ins_are_clear_4xx(login_as):
    worker = login_as("grid_worker")
    for body in ({"code": "X"}, checkin("A", observed_at="yesterday"), checkin("A", latitude=91),
                 checkin("A", id="not-a-uuid"), checkin("A", observed_at="2026-11-29T09:30:00")):
        resp = worker.post("/api/v1/checkins", json=body)
        assert resp.status_code == 422, body
    assert uuid.UUID(checkin("A")["id"])
