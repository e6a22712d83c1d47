"""Warnings through the API: issued to the right people by area, read (offline replays included) and relayed,
updated and cancelled by reference, reminded at 10 and 30 minutes, and coverage up to 100%."""

import uuid
from datetime import timedelta

from sqlalchemy import select

from server.core.db import db
from server.evidence import services as evidence
from server.warnings import clocks
from server.warnings.models import WarningClock, WarningMessage, WarningRecipient
from tests.conftest import uid
from tests.sync.test_feed import sync
from tests.warnings.conftest import issue, warning_body

WARNINGS = "/api/v1/warnings"


def recipients(app, warning_id):
    with app.app_context():
        rows = db.session.execute(
            select(WarningRecipient.user_id, WarningRecipient.role).where(
                WarningRecipient.warning_id == uuid.UUID(warning_id)
            )
        ).all()
    return {(row.user_id, row.role) for row in rows}


def inbox(caller):
    return [(n["kind"], n["record_id"]) for n in caller.get("/api/v1/inbox").json]


def ack(caller, warning_id, client_id=None):
    resp = caller.post(f"{WARNINGS}/{warning_id}/acknowledge", json={"client_id": client_id or uid()})
    assert resp.status_code == 200, resp.json
    return resp.json


def test_a_warning_for_two_streets_reaches_their_grid_workers_stations_and_enterprise_leads(app, town, world):
    warning = issue(town["district"], [world["street_a"], world["street_b"]])
    assert warning["msg_type"] == "alert" and warning["title"] == "红色暴雨预警"
    assert warning["identifier"].startswith("JH-") and warning["sender_name"] == "武汉市气象台"
    assert warning["totals"] == {
        "recipients": 7,
        "acknowledged": 0,
        "relayed": 0,
        "relayers": 3,
        "households": 0,
        "share": 0.0,
    }
    expected = {
        (town[name].user.id, role)
        for name, role in [
            ("a1", "grid_worker"),
            ("a2", "grid_worker"),
            ("b1", "grid_worker"),
            ("station_a", "station_officer"),
            ("station_b", "station_officer"),
            ("market_lead", "enterprise_user"),
            ("mall_lead", "enterprise_user"),
        ]
    }
    assert recipients(app, warning["id"]) == expected
    assert inbox(town["a1"]) == [("warning", warning["id"])]
    assert inbox(town["elsewhere"]) == [] and inbox(town["station_elsewhere"]) == []
    with app.app_context():
        assert [e.action for e in evidence.timeline("warning", warning["id"])] == ["issue"]


def test_a_warning_for_one_grid_reaches_its_worker_its_street_station_and_its_sites_leads(app, town, world):
    warning = issue(town["district"], [world["grid_a1"]])
    assert recipients(app, warning["id"]) == {
        (town["a1"].user.id, "grid_worker"),
        (town["station_a"].user.id, "station_officer"),
        (town["market_lead"].user.id, "enterprise_user"),
    }


def test_only_the_district_issues_and_only_over_streets_communities_or_grids(town, world, login_as):
    body = warning_body([world["street_a"]])
    assert town["station_a"].post(WARNINGS, json=body).status_code == 403
    assert town["a1"].post(WARNINGS, json=body).status_code == 403
    district = town["district"]
    resp = district.post(WARNINGS, json=warning_body([world["district"]]))
    assert resp.status_code == 422 and resp.json["code"] == "bad_areas"
    resp = district.post(WARNINGS, json=warning_body([999999]))
    assert resp.status_code == 422 and resp.json["code"] == "bad_areas"
    past = warning_body([world["street_a"]], expires_at="2020-01-01T00:00:00+00:00")
    assert district.post(WARNINGS, json=past).json["code"] == "bad_times"


def test_issuing_again_under_the_same_id_answers_the_stored_message(app, town, world):
    body = warning_body([world["street_a"]])
    first = town["district"].post(WARNINGS, json=body)
    again = town["district"].post(WARNINGS, json=body)
    assert (first.status_code, again.status_code) == (201, 200) and first.json["id"] == again.json["id"]
    with app.app_context():
        assert db.session.query(WarningMessage).count() == 1


def test_an_acknowledgement_replayed_from_the_outbox_counts_once(app, town, world):
    warning = issue(town["district"], [world["street_a"]])
    client_id = uid()
    first = ack(town["a1"], warning["id"], client_id)
    assert first["receipt"]["acknowledged_at"] is not None
    again = ack(town["a1"], warning["id"], client_id)  # the outbox sent it again after a lost answer
    assert again["receipt"]["acknowledged_at"] == first["receipt"]["acknowledged_at"]
    ack(town["a1"], warning["id"])  # another phone of theirs
    with app.app_context():
        actions = [e.action for e in evidence.timeline("warning_receipt", warning["id"])]
    assert actions == ["acknowledge"]
    # someone it was not sent to: absent
    resp = town["b1"].post(f"{WARNINGS}/{warning['id']}/acknowledge", json={"client_id": uid()})
    assert resp.status_code == 404


def test_a_grid_worker_relays_with_households_and_a_photo_and_it_counts_as_read(app, town, world):
    warning = issue(town["district"], [world["street_a"]])
    relay = {"client_id": uid(), "households": 126, "photo_id": uid(), "note": "逐户敲门告知，张贴通知"}
    resp = town["a2"].post(f"{WARNINGS}/{warning['id']}/relay", json=relay)
    assert resp.status_code == 200, resp.json
    receipt = resp.json["receipt"]
    assert receipt["households"] == 126 and receipt["relayed_at"] and receipt["acknowledged_at"]
    assert town["a2"].post(f"{WARNINGS}/{warning['id']}/relay", json=relay).status_code == 200  # a replay
    other = {**relay, "client_id": uid()}
    assert town["a2"].post(f"{WARNINGS}/{warning['id']}/relay", json=other).json["code"] == "already_relayed"
    resp = town["station_a"].post(f"{WARNINGS}/{warning['id']}/relay", json={**relay, "client_id": uid()})
    assert resp.status_code == 409 and resp.json["code"] == "relay_not_expected"
    with app.app_context():
        actions = [e.action for e in evidence.timeline("warning_receipt", warning["id"])]
    assert actions == ["acknowledge", "relay"]


def test_an_update_and_a_cancellation_refer_to_the_message_they_change(app, town, world):
    district = town["district"]
    alert = issue(district, [world["street_a"]])
    resp = district.post(
        f"{WARNINGS}/{alert['id']}/update",
        json={"id": uid(), "level": "orange", "area_ids": [world["street_a"], world["street_b"]]},
    )
    assert resp.status_code == 201, resp.json
    update = resp.json
    assert update["msg_type"] == "update" and update["references"] == alert["id"]
    assert update["root_id"] == alert["id"] and update["level"] == "orange" and update["title"] == "橙色暴雨预警"
    assert update["headline"] == alert["headline"]  # what the update did not change is kept
    assert update["totals"]["recipients"] == 7  # the update's areas: both streets now
    stale = district.get(f"{WARNINGS}/{alert['id']}").json
    assert stale["superseded_by"] == update["id"] and not stale["in_force"]
    resp = district.post(f"{WARNINGS}/{alert['id']}/cancel", json={})
    assert resp.status_code == 409 and resp.json["code"] == "warning_not_current"
    cancel = district.post(f"{WARNINGS}/{update['id']}/cancel", json={"description": "降雨减弱，解除预警"}).json
    assert cancel["msg_type"] == "cancel" and cancel["references"] == update["id"]
    assert ("warning_cancel", cancel["id"]) in inbox(town["b1"])
    assert district.get(WARNINGS, query_string={"current": True}).json == []
    with app.app_context():
        assert [e.action for e in evidence.timeline("warning", update["id"])] == ["update"]
        assert [e.action for e in evidence.timeline("warning", cancel["id"])] == ["cancel"]


def test_those_who_have_not_read_it_are_reminded_at_10_and_30_minutes(app, town, world):
    warning = issue(town["district"], [world["street_a"]])
    ack(town["a1"], warning["id"])
    with app.app_context():
        sent = db.session.get(WarningMessage, uuid.UUID(warning["id"])).sent_at

    def tick(minutes):
        with app.app_context():
            return clocks.tick(sent + timedelta(minutes=minutes))

    assert tick(9.9) == 0
    assert tick(10) == 1
    reminders = [n for n in inbox(town["a2"]) if n[0] == "warning_reminder"]
    assert reminders == [("warning_reminder", warning["id"])]
    assert [n for n in inbox(town["a1"]) if n[0] == "warning_reminder"] == []  # read already
    assert tick(20) == 0  # each reminder once
    ack(town["a2"], warning["id"])
    assert tick(30) == 1  # the station and the market's lead have still not read it
    assert [n for n in inbox(town["a2"]) if n[0] == "warning_reminder"] == reminders
    assert len([n for n in inbox(town["station_a"]) if n[0] == "warning_reminder"]) == 2
    with app.app_context():
        assert [e.action for e in evidence.timeline("warning", warning["id"])] == ["issue", "remind", "remind"]


def test_a_reminder_lapses_when_everyone_has_read_it_or_it_was_cancelled(app, town, world):
    district = town["district"]
    warning = issue(district, [world["grid_a1"]])
    for name in ("a1", "station_a", "market_lead"):
        ack(town[name], warning["id"])
    other = issue(district, [world["street_b"]])
    district.post(f"{WARNINGS}/{other['id']}/cancel", json={})
    with app.app_context():
        sent = db.session.get(WarningMessage, uuid.UUID(warning["id"])).sent_at
        assert clocks.tick(sent + timedelta(hours=1)) == 0
        outcomes = db.session.scalars(select(WarningClock.outcome)).all()
    assert sorted(outcomes) == ["moot"] * 4


def test_coverage_reaches_100_percent_by_street_and_grid(town, world):
    district = town["district"]
    warning = issue(district, [world["street_a"], world["street_b"]])
    coverage = district.get(f"{WARNINGS}/{warning['id']}/coverage").json
    assert coverage["totals"]["share"] == 0.0
    assert [(s["name"], s["recipients"]) for s in coverage["by_street"]] == [("民族街道", 4), ("花楼街道", 3)]
    for name in ("a1", "a2", "b1"):
        town[name].post(f"{WARNINGS}/{warning['id']}/relay", json={"client_id": uid(), "households": 40})
    coverage = district.get(f"{WARNINGS}/{warning['id']}/coverage").json
    grids = {g["name"]: (g["acknowledged"], g["recipients"], g["households"]) for g in coverage["by_grid"]}
    assert grids["测试网格A1-1"] == (1, 2, 40)  # its worker, and the market's lead (the market's grid), yet to read it
    for name in ("station_a", "station_b", "market_lead", "mall_lead"):
        ack(town[name], warning["id"])
    coverage = district.get(f"{WARNINGS}/{warning['id']}/coverage").json
    assert coverage["totals"] == {
        "recipients": 7,
        "acknowledged": 7,
        "relayed": 3,
        "relayers": 3,
        "households": 120,
        "share": 1.0,
        "read_in_time": 7,  # all within the first 10 minutes
    }
    assert all(s["share"] == 1.0 for s in coverage["by_street"])
    # a station follows its own street's warnings; a grid worker has no coverage view
    assert town["station_b"].get(f"{WARNINGS}/{warning['id']}/coverage").status_code == 200
    assert town["b1"].get(f"{WARNINGS}/{warning['id']}/coverage").status_code == 403


def test_the_feed_brings_a_warning_its_update_and_cancellation_and_the_users_own_receipt(town, world):
    worker, district = town["b1"], town["district"]
    _, cursor, _ = sync(worker)
    alert = issue(district, [world["street_b"]])
    changes, cursor, _ = sync(worker, cursor)
    assert [(c["kind"], c["id"]) for c in changes] == [("warning", alert["id"])]
    assert changes[0]["data"]["receipt"]["must_relay"] is True
    ack(worker, alert["id"])
    ack(town["station_b"], alert["id"])  # another's receipt: nothing for this phone
    changes, cursor, _ = sync(worker, cursor)
    assert [c["data"]["receipt"]["acknowledged_at"] is not None for c in changes] == [True]
    update = district.post(f"{WARNINGS}/{alert['id']}/update", json={"level": "orange"}).json
    changes, cursor, _ = sync(worker, cursor)
    assert [(c["id"], c["data"]["in_force"]) for c in changes] == [(alert["id"], False), (update["id"], True)]
    cancel = district.post(f"{WARNINGS}/{update['id']}/cancel", json={}).json
    changes, cursor, _ = sync(worker, cursor)
    assert [c["id"] for c in changes] == [update["id"], cancel["id"]]
    first, _, _ = sync(worker)  # a fresh phone's snapshot: the week's messages
    assert sorted(c["id"] for c in first if c["kind"] == "warning") == sorted([alert["id"], update["id"], cancel["id"]])
    assert [c for c in sync(town["a1"])[0] if c["kind"] == "warning"] == []  # street A's worker got none


def test_web_push_is_off_unless_configured(town):
    assert town["a1"].get(f"{WARNINGS}/push").json == {"enabled": False, "public_key": None}


def test_with_a_push_service_configured_the_app_is_told_and_delivery_is_unchanged(app, town, world):
    keys = {"VAPID_PUBLIC_KEY": "BPublicKey", "VAPID_PRIVATE_KEY": "private", "VAPID_SUBJECT": "mailto:ops@example.org"}
    app.config.update(keys)
    try:
        assert town["a1"].get(f"{WARNINGS}/push").json == {"enabled": True, "public_key": "BPublicKey"}
        warning = issue(town["district"], [world["grid_a1"]])  # fanned out as ever (its push a job of its own)
        assert inbox(town["a1"]) == [("warning", warning["id"])]
        assert [c["id"] for c in sync(town["a1"])[0] if c["kind"] == "warning"] == [warning["id"]]
    finally:
        for key in keys:
            app.config[key] = None
