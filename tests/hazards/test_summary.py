"""The supervisors' summary: counts, closure rate, overdue, medians and the 30-minute share, by street and scope."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from server.areas.models import Area
from server.core.db import db
from server.evidence.models import Event
from server.hazards import summary
from server.hazards.machine import STATES
from server.hazards.models import Hazard
from tests.conftest import uid
from tests.hazards.test_loop import SHANGHAI, act, later, report

URL = "/api/v1/hazards/summary"
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}
BASE = datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI)  # long past: every 30-minute target has expired


def set_times(app, hazard_id, *, received=BASE, observed_before=0, acknowledged=None, closed=None, deadline=None):
    """Put a hazard's clocks at known values: received at `received`, the rest in minutes after it. Its
    recorded events move to `received` too, so that its history agrees with it (the overdue counts of a
    past period are read from the history)."""
    values = {
        "received_at": received,
        "ack_due_at": received + timedelta(minutes=30),
        "observed_at": received - timedelta(minutes=observed_before),
    }
    if acknowledged is not None:
        values["acknowledged_at"] = received + timedelta(minutes=acknowledged)
    if closed is not None:
        values["closed_at"] = received + timedelta(minutes=closed)
    if deadline is not None:
        values["deadline"] = deadline
    with app.app_context():
        db.session.execute(update(Hazard).where(Hazard.id == uuid.UUID(hazard_id)).values(**values))
        for event in events(hazard_id):
            event.at = received
            if deadline is not None:  # the deadline set, and the one in force after each change that has one
                moved = {
                    key: deadline.astimezone(UTC).isoformat()
                    for key in ("deadline", "deadline_in_force")
                    if event.data.get(key)
                }
                event.data = {**event.data, **moved}
        db.session.commit()


def events(hazard_id) -> list[Event]:
    return db.session.scalars(
        select(Event).where(Event.record_type == "hazard", Event.record_id == hazard_id).order_by(Event.seq)
    ).all()


def rewrite_history(app, hazard_id, times, deadlines=()):
    """Make the hazard's recorded events, in order, happen at `times`, and the notices and failed
    re-inspections among them set `deadlines`, in order; its row follows (received, acknowledged, closed,
    its deadline now)."""
    with app.app_context():
        recorded, set_deadlines = events(hazard_id), iter(deadlines)
        assert [e.action for e in recorded] and len(recorded) == len(times), [e.action for e in recorded]
        when, in_force = {}, None
        for event, moment in zip(recorded, times, strict=True):
            event.at = when[event.action] = moment
            if event.action in ("issue_notice", "return"):
                in_force = next(set_deadlines).astimezone(UTC).isoformat()
                event.data = {**event.data, "deadline": in_force}
            if "deadline_in_force" in event.data:
                event.data = {**event.data, "deadline_in_force": in_force}
        hazard = db.session.get(Hazard, uuid.UUID(hazard_id))
        hazard.received_at, hazard.ack_due_at = times[0], times[0] + timedelta(minutes=30)
        hazard.acknowledged_at, hazard.closed_at = when.get("acknowledge"), when.get("close")
        hazard.deadline = deadlines[-1] if deadlines else None
        db.session.commit()


def get_summary(caller, **params):
    resp = caller.get(URL, query_string=params)
    assert resp.status_code == 200, resp.json
    return resp.json


def street_block(body, street_id):
    return next(s for s in body["streets"] if s["street_id"] == street_id)


def states(**counts):
    return {**dict.fromkeys(STATES, 0), **counts}


def in_street_b(caller, world, **changes):
    return report(caller, world, site_id=str(world["mall_site"]), **changes)


@pytest.fixture
def march(app, login_as, world):
    """Four hazards in street A and one in street B, received in March with known clocks."""
    worker, station, station_b = login_as("grid_worker"), login_as("station_officer"), login_as("station_officer_b")
    closed, rectifying, waiting, rejected = (report(worker, world)["id"] for _ in range(4))
    act(station, closed, "acknowledge")
    act(station, closed, "issue_notice", deadline=later(), responsible_party="测试农贸市场有限公司")
    act(station, closed, "submit_rectification", description="已清理", photo_ids=[uid()])
    assert act(station, closed, "close", result="复查合格").json["state"] == "closed"
    act(station, rectifying, "acknowledge")
    act(station, rectifying, "issue_notice", deadline=later(), responsible_party="测试农贸市场有限公司")
    assert act(station, rejected, "reject", reason="非安全隐患").json["state"] == "rejected"
    acknowledged_b = in_street_b(station_b, world)["id"]
    assert act(station_b, acknowledged_b, "acknowledge").json["state"] == "acknowledged"

    set_times(app, closed, observed_before=5, acknowledged=10, closed=120)
    set_times(app, rectifying, observed_before=5, acknowledged=45, deadline=BASE + timedelta(days=3))  # long past
    set_times(app, waiting)
    set_times(app, rejected)
    set_times(app, acknowledged_b, observed_before=0, acknowledged=20)
    return {
        "closed": closed,
        "rectifying": rectifying,
        "waiting": waiting,
        "rejected": rejected,
        "acknowledged_b": acknowledged_b,
    }


def test_a_street_block_counts_states_closure_overdue_and_times(login_as, world, march):
    body = get_summary(login_as("supervisor"), **MARCH)
    a = street_block(body, world["street_a"])
    assert a["street_name"] == "民族街道"
    assert a["reported"] == 4
    assert a["by_state"] == states(closed=1, rectifying=1, reported=1, rejected=1)
    assert a["closed"] == 1 and a["closure_rate"] == round(1 / 3, 4)  # the rejected one never entered the loop
    assert a["overdue_rectification"] == 1 and a["overdue_acknowledgement"] == 1
    assert a["median_minutes_to_acknowledge"] == 27.5  # 10 and 45 minutes
    assert a["median_minutes_to_acknowledge_from_observed"] == 32.5  # the phones saw them 5 minutes earlier
    assert a["median_minutes_to_close"] == 120.0
    assert a["acknowledged_within_target"] == 0.5  # 10 minutes in time, 45 late


def test_times_from_the_observation_are_on_the_servers_clock_where_the_phone_said_how_far_off_its_was(
    app, login_as, world, march
):
    with app.app_context():  # the phone that reported the closed one ran 20 minutes fast (Device-Time)
        db.session.get(Hazard, uuid.UUID(march["closed"])).clock_offset_s = -1200.0
        db.session.commit()
    a = street_block(get_summary(login_as("supervisor"), **MARCH), world["street_a"])
    assert a["median_minutes_to_acknowledge_from_observed"] == 42.5  # 25 + 10 and 5 + 45 minutes
    assert a["median_minutes_to_acknowledge"] == 27.5  # from receipt: the server's clock all along


def test_street_b_and_the_total_add_up_across_streets(login_as, world, march):
    body = get_summary(login_as("supervisor"), **MARCH)
    assert (body["from"], body["to"], body["area_id"], body["level"]) == ("2026-03-01", "2026-03-31", None, None)
    b = street_block(body, world["street_b"])
    assert b["street_name"] == "花楼街道" and b["reported"] == 1 and b["by_state"] == states(acknowledged=1)
    assert b["closure_rate"] == 0.0 and b["median_minutes_to_close"] is None
    assert b["median_minutes_to_acknowledge"] == 20.0 and b["acknowledged_within_target"] == 1.0
    total = body["total"]
    assert total["reported"] == 5
    assert total["by_state"] == states(closed=1, rectifying=1, reported=1, rejected=1, acknowledged=1)
    assert total["closure_rate"] == 0.25
    assert total["median_minutes_to_acknowledge"] == 20.0  # of 10, 20 and 45: not a median of medians
    assert total["acknowledged_within_target"] == round(2 / 3, 4)
    assert (total["overdue_rectification"], total["overdue_acknowledgement"]) == (1, 1)


def test_a_supervisor_sees_every_street_of_the_district_quiet_ones_with_zeros(app, login_as, world, march):
    body = get_summary(login_as("supervisor"), **MARCH)
    with app.app_context():
        streets = db.session.execute(select(Area.id, Area.name).where(Area.level == "street").order_by(Area.code)).all()
    assert [(s["street_id"], s["street_name"]) for s in body["streets"]] == [tuple(s) for s in streets]
    quiet = [s for s in body["streets"] if s["street_id"] not in (world["street_a"], world["street_b"])]
    assert quiet and all(s["reported"] == 0 and s["closure_rate"] is None and s["by_state"] == states() for s in quiet)


def test_a_station_officer_sees_only_their_street(login_as, world, march):
    body = get_summary(login_as("station_officer"), **MARCH)
    assert [s["street_id"] for s in body["streets"]] == [world["street_a"]]
    assert body["total"]["reported"] == 4 and body["total"] == {
        k: v for k, v in body["streets"][0].items() if k not in ("street_id", "street_name")
    }
    # asking for another street narrows their scope to nothing; it does not widen it
    other = get_summary(login_as("station_officer"), area_id=world["street_b"], **MARCH)
    assert other["streets"] == [] and other["total"]["reported"] == 0


def test_a_department_officer_counts_only_their_sector(login_as, world, march):
    body = get_summary(login_as("department_officer"), **MARCH)  # market sector: street A's market, not B's mall
    assert body["total"]["reported"] == 4 and street_block(body, world["street_b"])["reported"] == 0


def test_area_and_level_narrow_the_summary(app, login_as, world, march):
    supervisor = login_as("supervisor")
    only_b = get_summary(supervisor, area_id=world["street_b"], **MARCH)
    assert [s["street_id"] for s in only_b["streets"]] == [world["street_b"]]
    assert only_b["total"]["reported"] == 1 and only_b["area_id"] == world["street_b"]
    district = get_summary(supervisor, area_id=world["district"], **MARCH)
    assert district["total"] == get_summary(supervisor, **MARCH)["total"]

    major = report(login_as("grid_worker"), world, level="major")["id"]
    set_times(app, major)
    assert get_summary(supervisor, level="major", **MARCH)["total"]["by_state"] == states(reported=1)
    assert get_summary(supervisor, level="general", **MARCH)["total"]["reported"] == 5


def test_the_period_is_whole_days_in_shanghai_by_received_at(app, login_as, world):
    worker = login_as("grid_worker")
    first_minute, day_before, day_after = (report(worker, world)["id"] for _ in range(3))
    set_times(app, first_minute, received=datetime(2026, 3, 10, 0, 0, tzinfo=SHANGHAI))  # 03-09 16:00 UTC
    set_times(app, day_before, received=datetime(2026, 3, 9, 23, 59, 59, tzinfo=SHANGHAI))
    set_times(app, day_after, received=datetime(2026, 3, 11, 0, 0, tzinfo=SHANGHAI))
    one_day = get_summary(login_as("supervisor"), **{"from": "2026-03-10", "to": "2026-03-10"})
    assert one_day["total"]["reported"] == 1
    assert get_summary(login_as("supervisor"), **{"from": "2026-03-09", "to": "2026-03-11"})["total"]["reported"] == 3


def test_the_default_period_is_the_last_30_days(app, login_as, world):
    worker = login_as("grid_worker")
    report(worker, world)  # received now: inside the default period
    old = report(worker, world)["id"]
    set_times(app, old, received=datetime.now(UTC) - timedelta(days=31))
    body = get_summary(login_as("supervisor"))
    today = datetime.now(SHANGHAI).date()
    assert (body["from"], body["to"]) == ((today - timedelta(days=29)).isoformat(), today.isoformat())
    assert body["total"]["reported"] == 1 and street_block(body, world["street_a"])["by_state"]["reported"] == 1
    # the fresh one has 30 minutes to go; the one received before the period still waits, overdue now
    assert body["total"]["overdue_acknowledgement"] == 1


# ---- overdue: at the period's end (or now), whenever received -----------------------------------------------


def rectifying(station, hazard_id):
    act(station, hazard_id, "acknowledge")
    act(station, hazard_id, "issue_notice", deadline=later(), responsible_party="测试农贸市场有限公司")


def rectify_and_close(caller, hazard_id):
    act(caller, hazard_id, "submit_rectification", description="已整改", photo_ids=[uid()])
    act(caller, hazard_id, "close", result="复查合格")


def test_overdue_now_counts_hazards_received_before_the_period_and_not_those_closed(app, login_as, world):
    worker, station, supervisor = login_as("grid_worker"), login_as("station_officer"), login_as("supervisor")
    long_ago = datetime.now(UTC) - timedelta(days=60)
    late, closed, in_time = (report(worker, world)["id"] for _ in range(3))
    for hazard_id in (late, closed, in_time):
        rectifying(station, hazard_id)
    rectify_and_close(station, closed)
    past_deadline = long_ago + timedelta(days=7)  # well before the default period's first day
    rewrite_history(
        app, late, [long_ago, long_ago + timedelta(minutes=10), long_ago + timedelta(hours=1)], [past_deadline]
    )
    rewrite_history(
        app,
        closed,
        [long_ago + timedelta(minutes=m) for m in (0, 10, 60)] + [past_deadline + timedelta(days=d) for d in (1, 2)],
        [past_deadline],
    )
    total = get_summary(supervisor)["total"]
    assert total["reported"] == 1  # only the one with a deadline to come was received in the period
    assert total["overdue_rectification"] == 1  # the late one, received 60 days ago; closed is closed
    a = street_block(get_summary(supervisor, area_id=world["street_a"]), world["street_a"])
    assert a["overdue_rectification"] == 1 and a["by_state"]["rectifying"] == 1


def test_a_past_period_counts_what_was_overdue_at_its_end(app, login_as, world):
    """March 2026: each hazard's notice set a deadline of 13 March; what happened next decides whether it
    was overdue at the end of March (midnight, 1 April, Shanghai)."""
    worker, station, enterprise = login_as("grid_worker"), login_as("station_officer"), login_as("enterprise_user")
    still_late, fixed_in_april, fixed_in_march, returned_in_april, february = (
        report(worker, world)["id"] for _ in range(5)
    )
    for hazard_id in (still_late, fixed_in_april, fixed_in_march, returned_in_april, february):
        rectifying(station, hazard_id)
    for hazard_id in (fixed_in_april, fixed_in_march):
        rectify_and_close(station, hazard_id)
    act(enterprise, returned_in_april, "submit_rectification", description="已整改", photo_ids=[uid()])
    act(station, returned_in_april, "return", result="仍未整改到位", deadline=later(3))

    day = lambda d, month=3: datetime(2026, month, d, 10, 0, tzinfo=SHANGHAI)  # noqa: E731
    notice = [day(10), day(10), day(11)]  # reported, acknowledged, notice issued
    rewrite_history(app, still_late, notice, [day(13)])
    rewrite_history(app, fixed_in_april, notice + [day(5, 4), day(6, 4)], [day(13)])
    rewrite_history(app, fixed_in_march, notice + [day(12), day(2, 4)], [day(13)])
    rewrite_history(
        app,
        returned_in_april,
        notice + [day(3, 4), day(5, 4)],
        [day(13), datetime.now(UTC) + timedelta(days=3)],
    )
    rewrite_history(app, february, [day(2, 2), day(2, 2), day(3, 2)], [day(20, 2)])  # received before March

    supervisor = login_as("supervisor")
    march = get_summary(supervisor, **MARCH)["total"]
    assert march["reported"] == 4 and march["overdue_rectification"] == 4  # not the one fixed in March
    assert get_summary(supervisor, **{"from": "2026-02-01", "to": "2026-02-28"})["total"]["overdue_rectification"] == 1
    assert get_summary(supervisor, **{"from": "2026-03-01", "to": "2026-03-12"})["total"]["overdue_rectification"] == 1
    assert get_summary(supervisor)["total"]["overdue_rectification"] == 2  # now: still late, and February's


def test_a_past_period_counts_the_reports_still_waiting_for_acknowledgement_at_its_end(app, login_as, world):
    worker, station = login_as("grid_worker"), login_as("station_officer")
    acknowledged_in_april, rejected_in_march, rejected_in_april = (report(worker, world)["id"] for _ in range(3))
    act(station, acknowledged_in_april, "acknowledge")
    for hazard_id in (rejected_in_march, rejected_in_april):
        act(station, hazard_id, "reject", reason="非安全隐患")
    received = datetime(2026, 3, 31, 9, 0, tzinfo=SHANGHAI)
    rewrite_history(app, acknowledged_in_april, [received, datetime(2026, 4, 1, 8, 0, tzinfo=SHANGHAI)])
    rewrite_history(app, rejected_in_march, [received, received + timedelta(hours=2)])
    rewrite_history(app, rejected_in_april, [received, datetime(2026, 4, 2, 8, 0, tzinfo=SHANGHAI)])
    march = get_summary(login_as("supervisor"), **MARCH)["total"]
    assert march["overdue_acknowledgement"] == 2 and march["by_state"] == states(acknowledged=1, rejected=2)
    assert get_summary(login_as("supervisor"))["total"]["overdue_acknowledgement"] == 0


def test_an_empty_period_gives_zeros_and_nulls(login_as, world, march):
    total = get_summary(login_as("supervisor"), **{"from": "2025-01-01", "to": "2025-01-31"})["total"]
    assert total == {
        "reported": 0,
        "by_state": states(),
        "closed": 0,
        "closure_rate": None,
        "overdue_rectification": 0,
        "overdue_acknowledgement": 0,
        "median_minutes_to_acknowledge": None,
        "median_minutes_to_acknowledge_from_observed": None,
        "median_minutes_to_close": None,
        "acknowledged_within_target": None,
    }


@pytest.mark.parametrize("person", ["grid_worker", "enterprise_user", "expert"])
def test_roles_without_a_summary_get_403(login_as, person):
    assert login_as(person).get(URL).status_code == 403


def test_without_a_login_401(client):
    assert client.get(URL).status_code == 401


@pytest.mark.parametrize(
    "params,field",
    [
        ({"from": "2026-03-02", "to": "2026-03-01"}, "from"),
        ({"from": "2025-01-01", "to": "2026-01-02"}, "to"),  # 367 days
        ({"from": "2026-02-30"}, "from"),
        ({"to": "9999-12-31"}, "to"),
        ({"from": "2099-01-01"}, "from"),  # after today, the default end
        ({"level": "huge"}, "level"),
        ({"area_id": "0"}, "area_id"),
        ({"state": "reported"}, "state"),  # not a parameter of the summary
    ],
)
def test_bad_queries_are_422_naming_the_parameter(login_as, params, field):
    resp = login_as("supervisor").get(URL, query_string=params)
    assert resp.status_code == 422 and field in resp.json["errors"]["query"], resp.json


def test_a_year_is_allowed_a_grid_is_not_an_area_to_summarize_and_an_unknown_area_is_404(login_as, world):
    supervisor = login_as("supervisor")
    assert supervisor.get(URL, query_string={"from": "2024-01-01", "to": "2024-12-31"}).status_code == 200
    grid = supervisor.get(URL, query_string={"area_id": world["grid_a1"]}, headers={"Accept-Language": "en"})
    assert grid.status_code == 422 and grid.json["errors"]["query"]["area_id"] == ["Choose a street or the district"]
    assert supervisor.get(URL, query_string={"area_id": 2**31 - 1}).status_code == 404


# ---- the arithmetic, without the database --------------------------------------------------------------


def test_the_overdue_counts_are_taken_at_the_period_end_or_now_whichever_comes_first():
    end = datetime(2026, 4, 1, 0, 0, tzinfo=SHANGHAI)
    assert summary.overdue_at(end, end + timedelta(days=200)) == end
    assert summary.overdue_at(end, end - timedelta(hours=5)) == end - timedelta(hours=5)


def test_replaying_a_history_gives_the_state_and_the_deadline_in_force():
    def deadline(d):
        return {"deadline": datetime(2026, 3, d, tzinfo=UTC).isoformat()}

    notice = [
        ("report", "reported", {}),
        ("acknowledge", "acknowledged", {}),
        ("issue_notice", "rectifying", deadline(13)),
    ]
    assert summary.replay([]) == (None, None)
    assert summary.replay(notice[:2]) == ("acknowledged", None)
    assert summary.replay(notice) == ("rectifying", datetime(2026, 3, 13, tzinfo=UTC))
    asked = [*notice, ("request_extension", "rectifying", deadline(20))]
    assert summary.replay(asked)[1].day == 13  # asked, not yet granted
    assert summary.replay([*asked, ("decide_extension", "rectifying", {"approved": False})])[1].day == 13
    assert summary.replay([*asked, ("decide_extension", "rectifying", {"approved": True})])[1].day == 20
    returned = [*notice, ("submit_rectification", "submitted", {}), ("return", "rectifying", deadline(25))]
    assert summary.replay(returned[:-1]) == ("submitted", datetime(2026, 3, 13, tzinfo=UTC))
    assert summary.replay(returned)[1].day == 25


@pytest.mark.parametrize(
    "state,deadline_day,late",
    [
        ("rectifying", 13, (1, 0)),
        ("rectifying", 31, (0, 0)),
        ("submitted", 13, (0, 0)),
        ("closed", 13, (0, 0)),
        ("reported", None, (0, 1)),
        ("acknowledged", None, (0, 0)),
        (None, None, (0, 0)),
    ],
)
def test_what_counts_as_overdue_at_a_moment(state, deadline_day, late):
    at = datetime(2026, 3, 20, tzinfo=UTC)
    deadline = datetime(2026, 3, deadline_day, tzinfo=UTC) if deadline_day else None
    counted = summary.overdue(state, deadline, at - timedelta(days=1), at)
    assert (counted.overdue_rectification, counted.overdue_acknowledgement) == late


def timing(ack=None, close=None, observed_before=0, street=1):
    received = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
    at = lambda m: None if m is None else received + timedelta(minutes=m)  # noqa: E731
    return summary.Timing(
        street,
        received,
        received - timedelta(minutes=observed_before),
        at(ack),
        received + timedelta(minutes=30),
        at(close),
    )


def test_a_block_from_counts_and_times():
    counts = summary.Counts(states(closed=2, submitted=1, merged=1), overdue_rectification=0)
    times = [
        timing(ack=30),
        timing(ack=31, close=200),
        timing(close=60),
    ]  # the last rectified itself, never acknowledged
    result = summary.block(counts, times)
    assert result["reported"] == 4 and result["closure_rate"] == round(2 / 3, 4)
    assert result["median_minutes_to_acknowledge"] == 30.5 and result["median_minutes_to_close"] == 130.0
    assert result["acknowledged_within_target"] == 0.5  # exactly at 30 minutes is in time


def test_closure_rate_is_null_when_nothing_entered_the_loop():
    assert summary.closure_rate(states(rejected=2, merged=1)) is None
    assert summary.closure_rate(states()) is None


@pytest.mark.parametrize(
    "first,last,expected",
    [
        (None, None, (date(2026, 10, 31), date(2026, 11, 29))),
        (None, date(2026, 3, 31), (date(2026, 3, 2), date(2026, 3, 31))),
        (date(2026, 11, 1), None, (date(2026, 11, 1), date(2026, 11, 29))),
        (date(2024, 1, 1), date(2024, 12, 31), (date(2024, 1, 1), date(2024, 12, 31))),  # 366 days
    ],
)
def test_periods_and_their_defaults(first, last, expected):
    assert summary.resolve_period(first, last, date(2026, 11, 29)) == expected


def test_a_period_is_bounded_by_shanghai_midnights():
    start, end = summary.bounds(date(2026, 3, 10), date(2026, 3, 10))
    assert start == datetime(2026, 3, 9, 16, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 10, 16, 0, tzinfo=UTC)
