"""The demo data's year of the loop: every street busy, loops closed and overdue, majors; its history honest."""

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from server.core.db import db
from server.core.i18n import SHANGHAI
from server.demo import history
from server.demo.loader import DEMO_PASSWORD, load
from server.evidence import services as evidence
from server.evidence.models import Event
from server.hazards import summary
from server.hazards.models import Hazard, HazardClock, HazardDocument

URL = "/api/v1/hazards/summary"


def token_of(client, username):
    login = client.post("/api/v1/auth/login", json={"login": username, "password": DEMO_PASSWORD})
    assert login.status_code == 201, login.json
    return {"Authorization": f"Bearer {login.json['token']}"}


def summary_of(client, headers, **query):
    response = client.get(URL, query_string=query, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def test_every_street_is_busy_this_month_and_this_year(app, demo, client):
    assert demo["hazards"] == history.HAZARDS
    supervisor = token_of(client, "demo-supervisor")

    month = summary_of(client, supervisor)  # the default: the last 30 days
    today = datetime.now(SHANGHAI).date()
    year = summary_of(client, supervisor, **{"from": str(today - timedelta(days=364)), "to": str(today)})
    for period in (month, year):
        assert len(period["streets"]) == 14
        assert all(street["reported"] > 0 for street in period["streets"]), period["streets"]
    assert year["total"]["reported"] == history.HAZARDS  # all of them received within the year

    total = year["total"]
    assert all(total["by_state"][state] > 0 for state in total["by_state"]), total["by_state"]
    assert total["overdue_rectification"] > 0 and total["overdue_acknowledgement"] > 0
    assert 0.5 < total["closure_rate"] < 1
    assert 0.6 < total["acknowledged_within_target"] < 0.95  # most within 30 minutes, not all
    assert all(street["closed"] > 0 for street in year["streets"])
    majors = summary_of(client, supervisor, level="major", **{"from": str(today - timedelta(days=364))})
    assert majors["total"]["reported"] > 10 and majors["total"]["closed"] > 0

    # The overdue counts of a past period, replayed from the events, agree with a count from the rows' own times.
    with app.app_context():
        end = datetime.now(UTC) - timedelta(days=90)
        assert _overdue_replayed(end) == _overdue_from_rows(end)


def _overdue_replayed(at):
    total = summary.Counts()
    for counts in summary.overdue_by_street([], at).values():
        total.add(counts)
    return total.overdue_rectification, total.overdue_acknowledgement


def _overdue_from_rows(at):
    """Overdue at `at` by the events' own story, hazard by hazard: a second reading of the same history."""
    rows = {str(h.id): h for h in db.session.scalars(select(Hazard).where(Hazard.received_at < at))}
    stories = {}
    for event in db.session.scalars(select(Event).where(Event.record_type == "hazard", Event.at < at)):
        stories.setdefault(event.record_id, []).append(event)
    rectification = acknowledgement = 0
    for hazard_id, hazard in rows.items():
        story = sorted(stories.get(hazard_id, []), key=lambda e: e.at)
        state = story[-1].to_state
        deadlines = [e.data["deadline_in_force"] for e in story if "deadline_in_force" in e.data]
        deadline = datetime.fromisoformat(deadlines[-1]) if deadlines and deadlines[-1] else None
        rectification += state == "rectifying" and deadline is not None and deadline < at
        acknowledgement += state == "reported" and hazard.ack_due_at < at
    return rectification, acknowledgement


def test_the_history_is_on_the_chain_in_time_order_and_its_clocks_are_settled(app):
    with app.app_context():
        now = datetime.now(UTC)
        checked, broken = evidence.verify()
        assert broken is None and checked >= history.HAZARDS
        # each past story (the hazards' year, a warning's day…) is on the chain in its own time order, all before now:
        # the summary replays the hazards' events in chain order
        stories = defaultdict(list)
        for record_type, at in db.session.execute(select(Event.record_type, Event.at).order_by(Event.seq)):
            stories[record_type].append(at)
        assert "hazard" in stories and all(times == sorted(times) and times[-1] < now for times in stories.values())

        # every hazard's last event leaves it in the state its row has, and it changed last then
        last = {}
        for record_id, to_state, at, action in db.session.execute(
            select(Event.record_id, Event.to_state, Event.at, Event.action).order_by(Event.seq)
        ):
            last[record_id] = (to_state, at if action not in ("escalate", "supervise", "forward") else None)
        for hazard in db.session.scalars(select(Hazard)):
            state, at = last[str(hazard.id)]
            assert hazard.state == state
            assert at is None or hazard.updated_at >= at

        # nothing of the past is left to fire at first start: what is still to fire is due later
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(HazardClock)
                .where(HazardClock.fired_at.is_(None), HazardClock.due_at <= now)
            )
            == 0
        )
        outcomes = Counter(db.session.scalars(select(HazardClock.outcome)))
        assert outcomes["fired"] > 0 and outcomes["moot"] > 0 and outcomes[""] > 0
        actions = Counter(db.session.scalars(select(Event.action)))
        for action in (
            "forward",
            "escalate",
            "supervise",
            "submit_plan",
            "record_dual_report",
            "list",
            "delist",
            "request_extension",
            "decide_extension",
            "return",
            "self_rectify",
            "merge",
            "reject",
        ):
            assert actions[action] > 0, action
        escalated = db.session.scalar(
            select(func.count()).select_from(Event).where(Event.record_type == "hazard", Event.action == "escalate")
        )
        assert escalated == db.session.scalar(
            select(func.count())
            .select_from(HazardClock)
            .where(HazardClock.kind == "ack_escalation", HazardClock.outcome == "fired")
        )

        # the listed majors carry the number of their listing notice
        listed = db.session.scalars(select(Hazard).where(Hazard.listed_at.is_not(None))).all()
        numbers = set(db.session.scalars(select(HazardDocument.number).where(HazardDocument.kind == "listing_notice")))
        assert listed and {h.listing_number for h in listed} == numbers


def test_loading_twice_adds_no_history(app):
    with app.app_context():
        counted = [db.session.scalar(select(func.count()).select_from(m)) for m in (Hazard, Event, HazardClock)]
        head = db.session.scalar(select(func.max(Event.seq)))
        assert load()["hazards"] == 0
        assert [db.session.scalar(select(func.count()).select_from(m)) for m in (Hazard, Event, HazardClock)] == counted
        assert db.session.scalar(select(func.max(Event.seq))) == head
