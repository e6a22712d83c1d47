"""The clocks, with a controlled clock and once through the maintenance round: warn at 20, escalate at 30,
deadlines and supervision; each fires once, and only while it still applies. And the inbox they fill."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from server.core.db import db
from server.evidence import services as evidence
from server.hazards import clocks
from server.hazards.models import Hazard, HazardClock
from server.jobs import maintenance
from tests.hazards.test_loop import act, later, report


def inbox(caller, **query):
    return [(n["kind"], n["hazard_id"]) for n in caller.get("/api/v1/inbox", query_string=query).json]


def tick_at(app, moment):
    with app.app_context():
        return clocks.tick(moment)


def received(app, hazard):
    with app.app_context():
        return db.session.get(Hazard, uuid.UUID(hazard["id"])).received_at


def test_a_new_report_reaches_the_station_and_is_escalated_at_30_minutes(app, login_as, world):
    station, supervisor = login_as("station_officer"), login_as("supervisor")
    other_street = login_as("station_officer_b")
    hazard = report(login_as("grid_worker"), world)
    assert inbox(station) == [("new_report", hazard["id"])]
    assert inbox(other_street) == [] and inbox(supervisor) == []
    start = received(app, hazard)
    assert tick_at(app, start + timedelta(minutes=19, seconds=59)) == 0
    assert tick_at(app, start + timedelta(minutes=20)) == 1
    assert ("ack_warning", hazard["id"]) in inbox(station) and inbox(supervisor) == []
    assert tick_at(app, start + timedelta(minutes=30)) == 1
    assert ("ack_escalation", hazard["id"]) in inbox(supervisor)
    assert tick_at(app, start + timedelta(minutes=45)) == 0  # each clock fires once
    with app.app_context():
        actions = [e.action for e in evidence.timeline("hazard", hazard["id"])]
    assert actions == ["report", "escalate"]


def test_an_acknowledged_report_is_not_escalated(app, login_as, world):
    station, supervisor = login_as("station_officer"), login_as("supervisor")
    hazard = report(login_as("grid_worker"), world)
    act(station, hazard["id"], "acknowledge")
    assert tick_at(app, received(app, hazard) + timedelta(hours=1)) == 0
    assert inbox(supervisor) == []
    with app.app_context():
        outcomes = db.session.scalars(
            select(HazardClock.outcome).where(HazardClock.hazard_id == uuid.UUID(hazard["id"]))
        ).all()
    assert sorted(outcomes) == ["moot", "moot"]


def test_an_overdue_rectification_goes_to_supervision_and_a_new_deadline_restarts(app, login_as, world):
    station, enterprise, supervisor = login_as("station_officer"), login_as("enterprise_user"), login_as("supervisor")
    hazard = report(login_as("grid_worker"), world)
    act(station, hazard["id"], "acknowledge")
    deadline = later(3)
    act(station, hazard["id"], "issue_notice", deadline=deadline, responsible_party="市场方")
    assert ("notice", hazard["id"]) in inbox(enterprise)
    due = datetime.fromisoformat(deadline)
    assert tick_at(app, due - timedelta(hours=24)) >= 1
    assert ("deadline_near", hazard["id"]) in inbox(enterprise)
    assert tick_at(app, due + timedelta(minutes=1)) == 1
    assert ("overdue", hazard["id"]) in inbox(supervisor)
    with app.app_context():
        assert [e.action for e in evidence.timeline("hazard", hazard["id"])][-1] == "supervise"
        assert evidence.verify()[1] is None


def test_rectified_in_time_nothing_fires_and_the_station_is_asked_to_reinspect(app, login_as, world):
    station, enterprise, supervisor = login_as("station_officer"), login_as("enterprise_user"), login_as("supervisor")
    hazard = report(login_as("grid_worker"), world)
    act(station, hazard["id"], "acknowledge")
    act(station, hazard["id"], "issue_notice", deadline=later(2), responsible_party="市场方")
    act(enterprise, hazard["id"], "submit_rectification", description="已整改", photo_ids=[str(uuid.uuid4())])
    assert ("reinspection_due", hazard["id"]) in inbox(station)
    assert tick_at(app, datetime.now(UTC) + timedelta(days=5)) == 1  # only the station's re-inspection
    assert ("overdue", hazard["id"]) not in inbox(supervisor)
    assert ("reinspection_overdue", hazard["id"]) in inbox(supervisor)


def test_the_inbox_is_private_and_marks_read(login_as, world):
    station, other = login_as("station_officer"), login_as("station_officer")
    hazard = report(login_as("grid_worker"), world)
    note = station.get("/api/v1/inbox").json[0]
    assert note["title"] == "新上报隐患待受理" and note["read_at"] is None
    assert other.post(f"/api/v1/inbox/{note['id']}/read").status_code == 404  # the same street, but not theirs
    assert station.post(f"/api/v1/inbox/{note['id']}/read").json["read_at"]
    assert inbox(station, unread="true") == [] and inbox(station, unread="false") == [("new_report", hazard["id"])]
    assert other.get("/api/v1/inbox", headers={"Accept-Language": "en"}).json[0]["title"] == "A new report to triage"


def test_every_process_s_maintenance_round_fires_the_due_clocks(app, login_as, world):
    supervisor = login_as("supervisor")
    hazard = report(login_as("grid_worker"), world)
    with app.app_context():
        db.session.execute(
            HazardClock.__table__.update()
            .where(HazardClock.hazard_id == uuid.UUID(hazard["id"]))
            .values(due_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        db.session.commit()
    maintenance.run_once(app)  # what each web worker and each job worker does every few seconds
    with app.app_context():
        fired = db.session.scalars(
            select(HazardClock.outcome).where(HazardClock.hazard_id == uuid.UUID(hazard["id"]))
        ).all()
    assert fired == ["fired", "fired"]
    assert ("ack_escalation", hazard["id"]) in inbox(supervisor)


def test_a_backlog_larger_than_a_batch_fires_in_one_tick_each_clock_once(app, login_as, world):
    station = login_as("station_officer")
    hazards = [report(login_as("grid_worker"), world) for _ in range(7)]
    moment = received(app, hazards[-1]) + timedelta(minutes=31)
    assert tick_at_in_batches(app, moment, batch=3) == 14  # warning and escalation of each, 3 a transaction
    assert tick_at_in_batches(app, moment, batch=3) == 0
    kinds = inbox(station, page_size=100)
    assert all(kinds.count((kind, h["id"])) == 1 for h in hazards for kind in ("ack_warning", "ack_escalation"))


def tick_at_in_batches(app, moment, batch):
    with app.app_context():
        return clocks.tick(moment, batch=batch)


def test_a_clock_that_cannot_fire_does_not_hold_the_others_back(app, login_as, world, monkeypatch):
    hazards = [report(login_as("grid_worker"), world) for _ in range(3)]
    poisoned = uuid.UUID(hazards[1]["id"])
    real = evidence.record_many

    def record_many(changes):
        if any(change["record_id"] == poisoned for change in changes):
            raise RuntimeError("this one cannot be recorded")
        return real(changes)

    monkeypatch.setattr(evidence, "record_many", record_many)
    assert tick_at_in_batches(app, received(app, hazards[-1]) + timedelta(minutes=31), batch=10) == 5
    with app.app_context():
        waiting = db.session.scalars(select(HazardClock.kind).where(HazardClock.fired_at.is_(None))).all()
    assert waiting == ["ack_escalation"]  # the poisoned hazard's escalation, tried again next round


def test_a_notice_without_a_deadline_gets_the_default_for_its_level(app, login_as, world):
    station = login_as("station_officer")
    for level, days in (("general", 7), ("major", 30)):
        hazard = report(login_as("grid_worker"), world, level=level)
        act(station, hazard["id"], "acknowledge")
        notice = act(station, hazard["id"], "issue_notice", responsible_party="市场方").json
        given = datetime.fromisoformat(notice["deadline"]) - datetime.now(UTC)
        assert timedelta(days=days, minutes=-1) < given <= timedelta(days=days)
        with app.app_context():
            recorded = evidence.timeline("hazard", hazard["id"])[-1].data["deadline"]
        assert datetime.fromisoformat(recorded) == datetime.fromisoformat(notice["deadline"])


def test_a_rectification_not_reinspected_in_time_is_flagged_to_the_district(app, login_as, world):
    station, enterprise, supervisor = login_as("station_officer"), login_as("enterprise_user"), login_as("supervisor")
    hazard = report(login_as("grid_worker"), world)
    act(enterprise, hazard["id"], "self_rectify", description="已整改", photo_ids=[str(uuid.uuid4())])
    now = datetime.now(UTC)
    assert tick_at(app, now + timedelta(days=2, hours=23)) == 0
    assert tick_at(app, now + timedelta(days=3, minutes=1)) == 1
    assert ("reinspection_overdue", hazard["id"]) in inbox(supervisor)
    assert ("reinspection_overdue", hazard["id"]) in inbox(station)
