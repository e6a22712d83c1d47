"""Every inspector drawn for a target carries its task: the feed brings it to the co-inspectors' phones as to the
lead's, and its changes after; a drawn inspector who leaves is replaced from the same register and seed (补抽), on the
chain, re-derived by the verification; the published page names who took their place."""

import uuid

from sqlalchemy import select

from server.core.db import db
from server.draws import algorithm, departures
from server.draws.models import Draw
from server.evidence import services as evidence
from server.people.models import RoleAssignment, User
from server.plans.models import Task, TaskInspector
from tests.draws.test_tasks import by_id, drawn, drawn_people, this_month_draw
from tests.inspections.factory import inspection_body, published
from tests.sync.test_feed import ids, sync


def test_the_feed_brings_a_draw_task_to_every_inspector_drawn_for_it(app, login_as, markets, officers):
    template = published(login_as("district_admin"))
    body = this_month_draw(template)
    drawn(login_as("supervisor"), body)
    site, (lead_id, co_id), *_ = drawn_people(app, body["id"])[0]
    lead, co = by_id(officers, lead_id), by_id(officers, co_id)
    with app.app_context():
        task_id = str(db.session.scalar(select(Task.id).where(Task.site_id == site, Task.kind == "draw")))

    # nobody else may be given it: the picker has no one to offer
    offered = login_as("supervisor").get(f"/api/v1/tasks/{task_id}/candidates")
    assert offered.status_code == 409 and offered.json["code"] == "task_of_draw"

    first, cursor, _ = sync(co)
    assert task_id in ids(first, "task")  # the snapshot: the co-inspector's phone has it
    shown = next(c for c in first if c["id"] == task_id)["data"]
    assert shown["assignee_id"] == str(lead_id) and shown["co_inspector_ids"] == [str(co_id)]
    assert task_id in ids(sync(lead)[0], "task")
    for other in officers:
        drawn_ids = {u for _s, people, *_ in drawn_people(app, body["id"]) for u in people}
        if other.user.id not in drawn_ids:
            assert ids(sync(other)[0], "task") == []

    # The lead inspects it: the co-inspector's phone hears it is done, through the changes since its cursor.
    made = lead.post("/api/v1/inspections", json=inspection_body(template, site, mode="double_random"))
    assert made.status_code == 201, made.json
    later, _cursor, _ = sync(co, cursor)
    assert [c["data"]["state"] for c in later if c["id"] == task_id] == ["done"]


def _leave(app, officer, how):
    with app.app_context():
        user = db.session.get(User, officer.user.id)
        if how == "deactivated":
            user.is_active = False
        else:  # their role taken away: another one given instead
            for role in db.session.scalars(select(RoleAssignment).where(RoleAssignment.user_id == user.id)):
                db.session.delete(role)
            db.session.flush()
            db.session.add(RoleAssignment(user_id=user.id, role="station_officer", area_id=role.area_id))
        db.session.commit()


def _named(app, site):
    with app.app_context():
        task = db.session.scalars(select(Task).where(Task.site_id == site, Task.kind == "draw")).one()
        rows = db.session.scalars(select(TaskInspector).where(TaskInspector.task_id == task.id)).all()
        return task, [r.user_id for r in sorted(rows, key=lambda r: r.slot)]


def test_a_drawn_lead_who_leaves_is_replaced_reproducibly_and_on_the_chain(app, login_as, markets, officers):
    template = published(login_as("district_admin"))
    body = this_month_draw(template)
    supervisor = login_as("supervisor")
    drawn(supervisor, body)
    supervisor.post(f"/api/v1/draws/{body['id']}/publish")
    site, (lead_id, co_id), *_ = drawn_people(app, body["id"])[0]
    lead, co = by_id(officers, lead_id), by_id(officers, co_id)
    theirs = [s for s, people, *_ in drawn_people(app, body["id"]) if lead_id in people]
    _, cursor, _ = sync(lead)
    _leave(app, lead, "deactivated")
    with app.app_context():
        assert departures.replace_departed() == len(theirs)  # each of their open draw tasks
        db.session.commit()
        assert departures.replace_departed() == 0  # idempotent: the tasks name only those still there
        replaced = departures.replaced(db.session.get(Draw, uuid.UUID(body["id"])))
    assert sorted((r["site_id"], r["departed"]) for r in replaced) == sorted((str(s), str(lead_id)) for s in theirs)
    replaced = [r for r in replaced if r["site_id"] == str(site)]
    newcomer = uuid.UUID(replaced[0]["replacement"])
    assert newcomer not in (lead_id, co_id)
    task, named = _named(app, site)
    assert named == [newcomer, co_id] and task.assignee_id == newcomer  # the lead's slot, so the new one leads
    newcomer_officer = by_id(officers, newcomer)
    assert str(task.id) in [t["id"] for t in newcomer_officer.get("/api/v1/tasks?mine=true").json]
    assert str(task.id) in ids(sync(newcomer_officer)[0], "task")
    with app.app_context():
        user_gone = db.session.get(User, lead_id)
        user_gone.is_active = True  # only so that their old phone can read the feed again
        db.session.commit()
    # the departed's phone, from its cursor: the task comes back no longer theirs (the app drops it)
    told = [c["data"] for c in sync(lead, cursor)[0] if c["id"] == str(task.id)]
    assert told and told[-1]["assignee_id"] == str(newcomer) and str(lead_id) not in told[-1]["co_inspector_ids"]

    # anyone re-derives it: the public verification holds, with the replacement checked
    verified = supervisor.get(f"/api/v1/public/draws/{body['id']}/verify").json
    assert verified["ok"] and any(c["name"] == "replacements" and c["ok"] for c in verified["checks"])
    record = supervisor.get(f"/api/v1/public/draws/{body['id']}/record").json  # and offline, from the record alone
    assert len(record["replacements"]) == len(theirs)
    offline = algorithm.verify(record)
    assert all(c.ok for c in offline) and "replacements" in [c.name for c in offline]
    # someone else named for the first site (another of the lead's sites may rightly have had co_id as its own)
    next(r for r in record["replacements"] if r["site_id"] == str(site))["replacement"] = str(co_id)
    assert [c.name for c in algorithm.verify(record) if not c.ok] == ["replacements"]
    page = supervisor.get(f"/api/v1/public/draws/{body['id']}").json
    target = next(t for t in page["targets"] if t["position"] == 1)  # the first drawn: `site`
    assert target["replacements"] == [
        {
            "departed": {"name": lead.user.name, "certificate_no": lead.user.certificate_no},
            "replacement": {"name": newcomer_officer.user.name, "certificate_no": newcomer_officer.user.certificate_no},
        }
    ]
    # the replacement's inspection does the task
    made = newcomer_officer.post("/api/v1/inspections", json=inspection_body(template, site, mode="double_random"))
    assert made.status_code == 201, made.json
    assert co.get(f"/api/v1/tasks/{task.id}").json["state"] == "done"


def test_a_recorded_replacement_changed_fails_the_verification(app, login_as, markets, officers):
    template = published(login_as("district_admin"))
    body = this_month_draw(template)
    supervisor = login_as("supervisor")
    drawn(supervisor, body)
    supervisor.post(f"/api/v1/draws/{body['id']}/publish")
    _site, (_lead_id, co_id), *_ = drawn_people(app, body["id"])[0]
    _leave(app, by_id(officers, co_id), "role removed")
    with app.app_context():
        assert departures.replace_departed() >= 1
        db.session.commit()
        draw = db.session.get(Draw, uuid.UUID(body["id"]))
        event = next(e for e in evidence.timeline("draw", draw.id) if e.action == "replace")
        others = [str(o.user.id) for o in officers if str(o.user.id) not in event.data["exclude"]]
        wrong = next(o for o in others if o != event.data["replacement"])
        event.data = {**event.data, "replacement": wrong}  # history edited: the chain and the re-derivation say so
        db.session.commit()
    verified = supervisor.get(f"/api/v1/public/draws/{body['id']}/verify").json
    assert not verified["ok"]
    assert {c["name"] for c in verified["checks"] if not c["ok"]} >= {"replacements"}


def test_when_nobody_is_left_the_slot_goes_and_the_other_drawn_leads(app, login_as, markets, officers):
    template = published(login_as("district_admin"))
    body = this_month_draw(template, count=1)
    del body["share"]
    drawn(login_as("supervisor"), body)
    site, (lead_id, co_id), *_ = drawn_people(app, body["id"])[0]
    for officer in officers:
        if officer.user.id != co_id:
            _leave(app, officer, "deactivated")
    with app.app_context():
        assert departures.replace_departed() == 1
        db.session.commit()
        (made,) = departures.replaced(db.session.get(Draw, uuid.UUID(body["id"])))
    assert made["replacement"] is None and made["departed"] == str(lead_id)
    task, named = _named(app, site)
    assert named == [co_id] and task.assignee_id == co_id
