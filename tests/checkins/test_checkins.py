"""Check-ins: idempotent on the phone's id; far, revoked, forged and out-of-scope ones flagged, not dropped;
a site outside the scanner's scope reads to them as an unknown tag."""

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

import qr.codes
from server.core.db import db
from server.people.models import RoleAssignment
from server.tags import services as tag_services
from tests.conftest import uid

SHANGHAI = timezone(timedelta(hours=8))
SITE = (30.59, 114.27)  # where the test world puts every site


def issue(login_as, world, key="market_site", person="station_officer"):
    return login_as(person).post(f"/api/v1/sites/{world[key]}/tag").json


def checkin(code, *, at=SITE, accuracy=8.0, **changes):
    body = {
        "id": uid(),
        "code": code,
        "observed_at": datetime(2026, 11, 29, 9, 30, tzinfo=SHANGHAI).isoformat(),
        "latitude": at[0] if at else None,
        "longitude": at[1] if at else None,
        "accuracy_m": accuracy,
    }
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
    assert "latitude" in changed.json["message"] and set(changed.json["errors"]["json"]) == {"latitude"}


@pytest.mark.parametrize(
    "case,flags",
    [
        ("far", ["far"]),
        ("no_location", ["no_location"]),
        ("revoked", ["revoked_tag"]),
        ("forged", ["invalid_tag"]),
    ],
)
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
    resp = worker.post("/api/v1/checkins", json=body)
    assert resp.status_code == 201 and resp.json["flags"] == flags
    if case == "forged":
        assert resp.json["site"] is None
    supervisor = login_as("supervisor")
    flagged = supervisor.get("/api/v1/checkins", query_string={"flagged": "true", "user_id": str(worker.user.id)})
    assert [c["id"] for c in flagged.json] == ([body["id"]] if case != "forged" else [])


def test_a_phone_whose_clock_is_off_has_its_check_in_time_corrected_and_flagged(login_as, world):
    tag, worker = issue(login_as, world), login_as("grid_worker")
    now = datetime.now(UTC)
    phone_now = now + timedelta(hours=2)  # its clock runs two hours fast
    body = checkin(tag["code"], observed_at=(phone_now - timedelta(minutes=1)).isoformat())
    resp = worker.post("/api/v1/checkins", json=body, headers={"Device-Time": phone_now.isoformat()})
    assert resp.status_code == 201 and resp.json["flags"] == ["clock_off"]
    assert -7200 <= resp.json["clock_offset_s"] < -7190
    at_site = datetime.fromisoformat(resp.json["observed_at_server"])
    assert abs(at_site - (now - timedelta(minutes=1))) < timedelta(seconds=10)

    within = checkin(tag["code"], observed_at=now.isoformat())  # a clock a minute off is not odd
    resp = worker.post(
        "/api/v1/checkins", json=within, headers={"Device-Time": (now + timedelta(minutes=1)).isoformat()}
    )
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
    for body in (
        {"code": "X"},
        checkin("A", observed_at="yesterday"),
        checkin("A", latitude=91),
        checkin("A", id="not-a-uuid"),
        checkin("A", observed_at="2026-11-29T09:30:00"),
    ):
        resp = worker.post("/api/v1/checkins", json=body)
        assert resp.status_code == 422, body
    assert uuid.UUID(checkin("A")["id"])


# ---- a site outside the scanner's scope reads as an unknown tag: the attacker's attempts --------------------

FAR = (30.6, 114.27)  # about 1.1 km north of every site
PER_REQUEST = ("id", "code", "received_at", "clock_offset_s", "observed_at_server")


def as_seen(view):
    """What a check-in tells its viewer beyond what the phone itself sent and when it arrived."""
    return {k: v for k, v in view.items() if k not in PER_REQUEST}


def never_issued(app):
    with app.app_context():
        return qr.codes.sign(999_999, tag_services.keyring())


@pytest.fixture
def codes(app, login_as, world):
    """Codes a grid worker of grid A1 might scan: their market's, the mall's (street B), live and revoked."""
    made = {}
    for site, station in (("market_site", "station_officer"), ("mall_site", "station_officer_b")):
        revoked = issue(login_as, world, site, station)["code"]
        made[site] = {"revoked": revoked, "live": issue(login_as, world, site, station)["code"]}
    made["absent"] = never_issued(app)
    made["forged"] = made["market_site"]["live"][:-1] + ("X" if not made["market_site"]["live"].endswith("X") else "Y")
    return made


# (the code, where the phone was, its clock) → what the scanner is shown; "unknown" is exactly what a code
# for a tag never issued shows with the same place and clock
SCANS = [
    ("market_site.live", SITE, None, {"site": "测试农贸市场", "distance": True, "flags": []}),
    ("market_site.live", FAR, None, {"site": "测试农贸市场", "distance": True, "flags": ["far"]}),
    ("market_site.revoked", SITE, None, {"site": "测试农贸市场", "distance": True, "flags": ["revoked_tag"]}),
    ("forged", SITE, None, {"site": None, "distance": False, "flags": ["invalid_tag"]}),
    ("absent", None, None, {"site": None, "distance": False, "flags": ["no_location", "invalid_tag"]}),
    ("mall_site.live", SITE, None, "unknown"),
    ("mall_site.live", FAR, None, "unknown"),
    ("mall_site.live", None, None, "unknown"),
    ("mall_site.live", SITE, "2 hours fast", "unknown"),
    ("mall_site.revoked", SITE, None, "unknown"),
    ("mall_site.revoked", FAR, "2 hours fast", "unknown"),
]


def scan(caller, code, at, clock):
    now = datetime.now(UTC)
    headers = {"Device-Time": (now + timedelta(hours=2)).isoformat()} if clock else {}
    return caller.post("/api/v1/checkins", json=checkin(code, at=at, accuracy=8.0 if at else None), headers=headers)


def code_of(codes, key):
    site, _, state = key.partition(".")
    return codes[site][state] if state else codes[site]


@pytest.mark.parametrize("key,at,clock,expected", SCANS)
def test_a_check_in_at_a_site_outside_your_scope_reads_as_an_unknown_tag(
    app, login_as, codes, key, at, clock, expected
):
    worker = login_as("grid_worker")
    made = scan(worker, code_of(codes, key), at, clock)
    assert made.status_code == 201, made.json
    if expected == "unknown":
        assert as_seen(made.json) == as_seen(scan(worker, codes["absent"], at, clock).json)
    else:
        assert (made.json["site"] or {}).get("name") == expected["site"]
        assert (made.json["distance_m"] is not None) == expected["distance"]
        assert made.json["flags"] == expected["flags"] + (["clock_off"] if clock else [])
    again = worker.post(
        "/api/v1/checkins",
        json={k: made.json[k] for k in ("id", "code", "observed_at", "latitude", "longitude", "accuracy_m")},
    )
    assert again.status_code == 200 and again.json == made.json  # the replay tells no more
    assert worker.get(f"/api/v1/checkins/{made.json['id']}").json == made.json


# (the code) → the flags the supervisors and the site's station see, with the site and the distance
TRUTH = [
    ("mall_site.live", SITE, ["outside_scope"]),
    ("mall_site.live", FAR, ["far", "outside_scope"]),
    ("mall_site.revoked", None, ["no_location", "revoked_tag", "outside_scope"]),
]


@pytest.mark.parametrize("key,at,flags", TRUTH)
def test_those_who_may_see_the_site_see_the_truth(login_as, codes, key, at, flags):
    worker = login_as("grid_worker")
    made = scan(worker, code_of(codes, key), at, None).json
    for person in ("supervisor", "station_officer_b"):
        seen = login_as(person).get(f"/api/v1/checkins/{made['id']}")
        assert seen.status_code == 200, person
        assert seen.json["site"]["name"] == "测试商场" and seen.json["flags"] == flags
        assert (seen.json["distance_m"] is not None) == (at is not None)
    assert login_as("station_officer").get(f"/api/v1/checkins/{made['id']}").status_code == 404  # not their site


def test_the_scanners_filters_do_not_find_the_hidden_site_either(login_as, world, codes):
    worker = login_as("grid_worker")
    made = scan(worker, codes["mall_site"]["live"], SITE, None).json
    listed = {
        name: [c["id"] for c in worker.get("/api/v1/checkins", query_string=query).json]
        for name, query in {
            "by_site": {"site_id": str(world["mall_site"])},
            "flagged": {"flagged": "true"},
            "unflagged": {"flagged": "false"},
        }.items()
    }
    assert listed == {"by_site": [], "flagged": [made["id"]], "unflagged": []}


def test_a_check_in_reads_as_unknown_once_its_site_leaves_your_scope(app, login_as, world, codes):
    worker = login_as("grid_worker")
    made = scan(worker, codes["market_site"]["live"], SITE, None).json
    assert made["site"] is not None and made["flags"] == []
    with app.app_context():  # the worker is moved to street B's grid
        db.session.get(RoleAssignment, worker.user.roles[0].id).area_id = world["grid_b1"]
        db.session.commit()
    now = worker.get(f"/api/v1/checkins/{made['id']}").json
    assert as_seen(now) == as_seen(scan(worker, codes["absent"], SITE, None).json)
    flagged = [c["id"] for c in worker.get("/api/v1/checkins", query_string={"flagged": "true"}).json]
    assert made["id"] in flagged
    assert worker.get("/api/v1/checkins", query_string={"site_id": str(world["market_site"])}).json == []


# (whose check-in holds the id, the content sent) → the answer
ID_CONFLICTS = [
    ("own", "same", 200),
    ("own", "other", "differs"),
    ("someone else's", "same", "taken"),
    ("someone else's", "other", "taken"),
]
TAKEN = {"code": "id_conflict", "status": 409, "message": "该打卡编号已被占用，请重新打卡"}


@pytest.mark.parametrize("whose,content,expected", ID_CONFLICTS)
def test_an_id_already_used_answers_without_describing_someone_elses_check_in(
    login_as, codes, whose, content, expected
):
    owner = login_as("grid_worker")
    body = checkin(codes["market_site"]["live"])
    assert owner.post("/api/v1/checkins", json=body).status_code == 201
    sender = owner if whose == "own" else login_as("grid_worker")
    sent = body if content == "same" else {**body, "latitude": 30.6, "accuracy_m": 3.0}
    resp = sender.post("/api/v1/checkins", json=sent)
    if expected == 200:
        assert resp.status_code == 200
    elif expected == "differs":
        assert resp.status_code == 409 and set(resp.json["errors"]["json"]) == {"latitude", "accuracy_m"}
    else:
        assert resp.status_code == 409 and resp.json == TAKEN
