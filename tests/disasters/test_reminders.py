"""The disaster statistics' reminders, with a controlled clock: a community without its first report (初报) at 2 hours
after the start, or without the day's follow-up (续报) at the day's hour while the response is on, is reminded in its
reporters' inboxes (its grids' workers, its street's station), once per due moment."""

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from server.areas.models import Area
from server.core.db import db
from server.core.i18n import SHANGHAI
from server.disasters import clocks
from tests.conftest import uid
from tests.disasters.test_disasters import open_disaster, second_community, send


def reminders(caller, kind):
    return [n["title"] for n in caller.get("/api/v1/inbox").json if n["kind"] == kind]


def tick_at(app, moment):
    with app.app_context():
        return clocks.tick(moment)


def test_a_late_first_report_is_reminded_once_to_those_who_owe_it(app, login_as, world):
    worker, station, station_b = login_as("grid_worker"), login_as("station_officer"), login_as("station_officer_b")
    start = datetime.now(UTC) - timedelta(minutes=30)
    name = f"暴雨{uid()[:4]}"
    disaster = open_disaster(
        login_as("supervisor"), world, name=name, area_id=world["street_a"], started_at=start.isoformat()
    )
    other = second_community(app, world)
    assert send(station, disaster, other, "initial", affected=10).status_code == 201  # A2 reported in time
    assert tick_at(app, start + timedelta(hours=2) - timedelta(seconds=1)) == 0
    assert tick_at(app, start + timedelta(hours=2)) == 1
    assert reminders(worker, "disaster_initial_due") == [f"灾情初报已超时未报：{name}（测试社区A1）"]
    [told] = reminders(station, "disaster_initial_due")
    assert "测试社区A1" in told and "测试社区A2" not in told  # only those that owe it
    assert reminders(station_b, "disaster_initial_due") == []  # another street's station
    assert tick_at(app, start + timedelta(hours=3)) == 0  # once
    assert len(reminders(worker, "disaster_initial_due")) == 1


def test_nobody_owing_the_first_report_is_no_reminder(app, login_as, world):
    worker = login_as("grid_worker")
    start = datetime.now(UTC) - timedelta(minutes=30)
    disaster = open_disaster(login_as("supervisor"), world, area_id=world["street_a"], started_at=start.isoformat())
    with app.app_context():  # the street's other communities (made by other tests) have reported too
        street = db.session.get(Area, world["street_a"])
        owing = db.session.scalars(
            select(Area.id).where(
                Area.level == "community", Area.path.startswith(street.path), Area.id != world["comm_a"]
            )
        ).all()
    station = login_as("station_officer")
    for community in owing:
        assert send(station, disaster, community, "initial").status_code == 201
    assert send(worker, disaster, world["comm_a"], "initial").status_code == 201
    assert tick_at(app, start + timedelta(hours=2)) == 0
    assert reminders(worker, "disaster_initial_due") == reminders(station, "disaster_initial_due") == []


def test_the_daily_follow_up_is_reminded_each_day_of_the_response(app, login_as, world):
    worker, station, supervisor = login_as("grid_worker"), login_as("station_officer"), login_as("supervisor")
    start = datetime.now(UTC) - timedelta(days=1)  # yesterday: today's follow-up is due at 16:00 in Shanghai
    disaster = open_disaster(supervisor, world, area_id=world["street_a"], started_at=start.isoformat())
    second_community(app, world)
    assert send(worker, disaster, world["comm_a"], "initial", affected=5).status_code == 201  # today: A1's is in
    today = datetime.now(UTC).astimezone(SHANGHAI).date()
    due = datetime.combine(today, time(16), SHANGHAI)
    assert tick_at(app, due - timedelta(seconds=1)) == 1  # the first report's deadline (A2 owes it), not yet today's
    assert reminders(station, "disaster_followup_due") == []
    assert tick_at(app, due) == 1
    [told] = reminders(station, "disaster_followup_due")
    assert "测试社区A2" in told and "测试社区A1" not in told  # A1 reported today, even if only its first report
    assert reminders(worker, "disaster_followup_due") == []
    assert tick_at(app, due + timedelta(hours=1)) == 0  # once per due moment
    # the next day, with nothing sent: A1 owes its follow-up (even unchanged) and its worker is told
    assert tick_at(app, due + timedelta(days=1)) == 1
    assert (
        len(reminders(worker, "disaster_followup_due")) == 1 and len(reminders(station, "disaster_followup_due")) == 2
    )
    url = f"/api/v1/disasters/{disaster['id']}"
    ended = supervisor.patch(
        url, json={"response_active": False}, headers={"If-Match": supervisor.get(url).headers["ETag"]}
    )
    assert ended.status_code == 200
    assert tick_at(app, due + timedelta(days=2)) == 0  # the response ended: no more follow-ups owed
    assert tick_at(app, due + timedelta(days=5)) == 0
    assert len(reminders(station, "disaster_followup_due")) == 2


def test_after_days_without_a_round_only_the_latest_day_is_reminded(app, login_as, world):
    worker, supervisor = login_as("grid_worker"), login_as("supervisor")
    start = datetime.now(UTC) - timedelta(days=1)
    disaster = open_disaster(supervisor, world, area_id=world["street_a"], started_at=start.isoformat())
    assert send(worker, disaster, world["comm_a"], "initial", affected=5).status_code == 201
    first = datetime.combine(datetime.now(UTC).astimezone(SHANGHAI).date(), time(16), SHANGHAI)
    # no round for four days: at the fifth day's moment plus an hour, one reminder (that day's), not five
    assert tick_at(app, first + timedelta(days=4, hours=1)) == 1
    assert len(reminders(worker, "disaster_followup_due")) == 1
    assert tick_at(app, first + timedelta(days=4, hours=2)) == 0
    assert tick_at(app, first + timedelta(days=5)) == 1  # and the days after it, as before
    assert len(reminders(worker, "disaster_followup_due")) == 2
