"""The demo data's year of inspections: every unit assessed monthly and scored by the server's own rules, a ranking
with units to summon, the failed items' hazards in the loop, and nothing added by a second load."""

from collections import Counter, defaultdict
from datetime import datetime
from statistics import median

from sqlalchemy import func, select

from server.checkins.models import CheckIn
from server.core.db import db
from server.core.i18n import SHANGHAI
from server.demo import history, inspected
from server.demo.loader import DEMO_PASSWORD, load
from server.evidence import services as evidence
from server.evidence.models import Event
from server.hazards.models import Hazard
from server.inspections import scoring
from server.inspections.models import (
    Inspection,
    InspectionHazard,
    InspectionRevision,
    InspectionTemplate,
    RankingMonth,
    Summons,
)
from server.notifications.models import Notification
from server.sites.models import Site

ASSESSED = {
    "加油站安全考核（演示）": "gas_station",
    "商场安全考核（演示）": "mall",
    "农贸市场安全考核（演示）": "market",
}
PATROL = "社区消防安全巡查表（演示）"


def token_of(client, username):
    login = client.post("/api/v1/auth/login", json={"login": username, "password": DEMO_PASSWORD})
    assert login.status_code == 201, login.json
    return {"Authorization": f"Bearer {login.json['token']}"}


def month_of(at: datetime) -> str:
    return at.astimezone(SHANGHAI).strftime("%Y-%m")


def test_every_unit_has_a_year_of_assessments_scored_as_the_server_scores(app):
    with app.app_context():
        demo = select(InspectionTemplate).where(InspectionTemplate.is_demo)
        templates = {t.name: t for t in db.session.scalars(demo)}
        by_site = defaultdict(Counter)
        for site_id, finished_at, template_id in db.session.execute(
            select(Inspection.site_id, Inspection.finished_at, Inspection.template_id)
        ):
            by_site[(site_id, template_id)][month_of(finished_at)] += 1
        for name, site_type in ASSESSED.items():
            sites = db.session.scalars(select(Site.id).where(Site.is_demo, Site.type == site_type)).all()
            assert sites
            for site_id in sites:  # one assessment a month, twelve months running
                months = by_site[(site_id, templates[name].id)]
                assert len(months) == 12 and set(months.values()) == {1}, (name, months)
        patrolled = {site for site, template_id in by_site if template_id == templates[PATROL].id}
        compounds = db.session.scalars(select(Site.id).where(Site.is_demo, Site.type == "residential_compound")).all()
        assert compounds and set(compounds) <= patrolled

        # each stored score is scoring.py's computation of the stored answers on the version they name
        for inspection, revision in db.session.execute(
            select(Inspection, InspectionRevision).join(InspectionRevision, InspectionRevision.id == Inspection.id)
        ):
            template = db.session.get(InspectionTemplate, inspection.template_id)
            answers = {a["item"]: a for a in revision.answers}
            computed = scoring.score(template.sections, answers, template.pass_mark)
            assert revision.score == computed
            assert (inspection.points, inspection.max_points, inspection.percentage, inspection.passed) == (
                computed["points"],
                computed["max"],
                computed["percentage"],
                computed["passed"],
            )
            # a failing answer says why (the demo has no photo files): a note, never a blank
            assert all(answers[key]["note"] for key in computed["failed_items"])

        # realistic: most assessments land between 80 and 98, not all pass, not all the same
        scores = db.session.scalars(select(Inspection.percentage).where(Inspection.mode == "cross_assessment")).all()
        assert 80 <= median(scores) <= 98 and sum(80 <= s <= 98 for s in scores) > 0.6 * len(scores)
        assert any(s < 80 for s in scores) and any(s == 100 for s in scores)
        # each submission is on the chain, which still verifies, at its own past time
        submits = db.session.scalar(
            select(func.count()).select_from(Event).where(Event.record_type == "inspection", Event.action == "submit")
        )
        assert submits == db.session.scalar(select(func.count()).select_from(Inspection))
        assert evidence.verify()[1] is None
        # presence is proven by a check-in at the site, but for the few made without one (flagged)
        checked = db.session.scalars(select(Inspection.checkin_id)).all()
        assert 0 < checked.count(None) < 0.1 * len(checked)
        assert db.session.scalar(select(func.count()).select_from(CheckIn)) == len(checked) - checked.count(None)


def test_the_current_ranking_lists_every_unit_and_flags_some_for_summons(app, client):
    with app.app_context():
        families = {
            t.name: t.family_id
            for t in db.session.scalars(select(InspectionTemplate).where(InspectionTemplate.name.in_(ASSESSED)))
        }
        demo_units = {
            name: set(db.session.scalars(select(Site.id).where(Site.is_demo, Site.type == site_type)))
            for name, site_type in ASSESSED.items()
        }
    supervisor = token_of(client, "demo-supervisor")
    month = month_of(datetime.now(SHANGHAI))
    flagged = 0
    for name, family_id in families.items():
        response = client.get(
            "/api/v1/inspection-rankings", query_string={"family_id": family_id, "month": month}, headers=supervisor
        )
        assert response.status_code == 200, response.json
        units = {u["site_id"]: u for u in response.json["units"]}
        assert {str(s) for s in demo_units[name]} <= set(units)
        assert all(units[str(s)]["assessed"] and units[str(s)]["rank"] for s in demo_units[name])
        assert response.json["ranked"] == len(demo_units[name])
        flagged += sum(u["summon"] for u in units.values())
    assert flagged >= 1

    # the ended months are confirmed as the maintenance round confirms them: 约谈 on record, in the owning
    # department's inbox (the market bureau's, for the markets), the earlier months' read
    with app.app_context():
        confirmed = Counter(db.session.scalars(select(RankingMonth.family_id)))
        assert set(confirmed.values()) == {11} and set(confirmed) == set(families.values())
        summonses = db.session.scalars(select(Summons)).all()
        assert summonses and all(s.confirmed_by is None for s in summonses)
        repeat = Counter(s.site_id for s in summonses)
        assert max(repeat.values()) >= 3  # a unit left low month after month
    department = token_of(client, "demo-department")
    seen = client.get("/api/v1/summonses", headers=department)
    assert seen.status_code == 200 and seen.json
    assert {s["family_id"] for s in seen.json} == {str(families["农贸市场安全考核（演示）"])}
    inbox = client.get("/api/v1/inbox", query_string={"unread": True, "page_size": 100}, headers=department).json
    last_month = max(s.month for s in summonses)
    unread = [n for n in inbox if n["kind"] == "summons"]
    with app.app_context():
        months = {str(s.id): s.month for s in db.session.scalars(select(Summons))}
        assert db.session.scalar(
            select(func.count()).select_from(Notification).where(Notification.kind == "summons")
        ) > len(unread)
    assert unread and {months[n["record_id"]] for n in unread} == {last_month}


def test_the_failed_items_hazards_are_linked_both_ways_and_in_the_loop(app, client):
    with app.app_context():
        links = db.session.scalars(select(InspectionHazard)).all()
        assert links
        states = Counter()
        for link in links:
            inspection = db.session.get(Inspection, link.inspection_id)
            hazard = db.session.get(Hazard, link.hazard_id)
            revision = db.session.get(InspectionRevision, inspection.id)
            answer = next(a for a in revision.answers if a["item"] == link.item)
            assert link.item in revision.score["failed_items"] and answer["raise_hazard"] is not False
            assert (hazard.site_id, hazard.observed_at, hazard.reporter_id) == (
                inspection.site_id,
                inspection.finished_at,
                inspection.inspector_id,
            )
            assert hazard.received_at == inspection.received_at
            states[hazard.state] += 1
        assert states["closed"] > 0.6 * len(links)  # most put right long ago, a few still open
        assert states["rectifying"] + states["reported"] + states["acknowledged"] + states["submitted"] > 0
        # a failing item the inspector saw put right on the spot made no hazard
        linked = {(link.inspection_id, link.item) for link in links}
        fixed = [
            (revision.inspection_id, answer["item"])
            for revision in db.session.scalars(select(InspectionRevision))
            for answer in revision.answers
            if answer["raise_hazard"] is False
        ]
        assert fixed and not linked & set(fixed)
        # the year's hazards, those the inspections found included, are the history's total
        assert db.session.scalar(select(func.count()).select_from(Hazard)) == history.HAZARDS
        some = links[0]
    station = token_of(client, "demo-supervisor")
    found = client.get("/api/v1/inspections", query_string={"hazard_id": some.hazard_id}, headers=station)
    assert found.status_code == 200 and [i["id"] for i in found.json] == [str(some.inspection_id)]
    shown = client.get(f"/api/v1/inspections/{some.inspection_id}", headers=station).json
    assert {"item": some.item, "hazard_id": str(some.hazard_id)} in shown["hazards"]


def test_a_second_load_adds_no_inspections(app):
    models = (Inspection, InspectionRevision, InspectionHazard, CheckIn, Summons, RankingMonth, Notification, Event)
    with app.app_context():
        assert inspected.stored()
        counted = [db.session.scalar(select(func.count()).select_from(m)) for m in models]
        assert load()["hazards"] == 0
        db.session.commit()
        assert [db.session.scalar(select(func.count()).select_from(m)) for m in models] == counted
