"""The draw creates the tasks: one a drawn target, for its lead inspector (the others drawn named as co-inspectors),
once; done only by an inspection a drawn inspector took part in; unannounced to the enterprise until then."""

import uuid
from datetime import datetime, timedelta

from sqlalchemy import func, select

from server.core.db import db
from server.core.i18n import SHANGHAI
from server.draws import services
from server.draws.models import Draw
from server.plans.models import Plan, Task, TaskInspector
from tests.conftest import WORLD
from tests.draws.conftest import SEED, draw_body
from tests.inspections.factory import inspection_body, published


def this_month_draw(template, **changes):
    """A draw over today (so that an inspection now falls in its period), on the template's checklist."""
    today = datetime.now(SHANGHAI).date()
    return draw_body(
        template_family_id=template["family_id"],
        period_start=(today - timedelta(days=1)).isoformat(),
        period_end=(today + timedelta(days=30)).isoformat(),
        **changes,
    )


def drawn(supervisor, body):
    made = supervisor.post("/api/v1/draws", json=body)
    assert made.status_code == 201, made.json
    ran = supervisor.post(f"/api/v1/draws/{body['id']}/run", json={"seed": SEED})
    assert ran.status_code == 200, ran.json
    return ran.json


def drawn_people(app, draw_id) -> list[tuple]:
    with app.app_context():
        return services.assignments(db.session.get(Draw, uuid.UUID(draw_id)))


def by_id(officers, user_id):
    return next(o for o in officers if o.user.id == user_id)


def test_running_a_draw_makes_exactly_its_tasks_for_the_drawn_leads_and_again_none(app, login_as, markets, officers):
    template = published(login_as("district_admin"))
    body = this_month_draw(template)
    supervisor = login_as("supervisor")
    drawn(supervisor, body)
    expected = drawn_people(app, body["id"])
    assert len(expected) == 3  # a tenth of 30
    with app.app_context():
        tasks = db.session.scalars(select(Task).where(Task.plan_id == uuid.UUID(body["id"]))).all()
        assert {(t.site_id, t.assignee_id) for t in tasks} == {(site, people[0]) for site, people, *_ in expected}
        assert all(t.kind == "draw" and t.unannounced and t.state == "open" for t in tasks)
        assert {str(t.template_family_id) for t in tasks} == {template["family_id"]}
        plan = db.session.get(Plan, uuid.UUID(body["id"]))
        assert (plan.kind, plan.frequency, plan.assignee, plan.unannounced) == ("draw", "once", "enforcement", True)
    # replaying the run (same seed), and making the tasks again, add none
    assert supervisor.post(f"/api/v1/draws/{body['id']}/run", json={"seed": SEED}).status_code == 200
    with app.app_context():
        assert services.make_tasks(db.session.get(Draw, uuid.UUID(body["id"]))) == 0
        assert db.session.scalar(select(func.count()).select_from(Task)) == 3
        assert db.session.scalar(select(func.count()).select_from(TaskInspector)) == 6

    site, (lead_id, co_id), *_ = expected[0]
    lead, co = by_id(officers, lead_id), by_id(officers, co_id)
    mine = lead.get("/api/v1/tasks?mine=true").json
    assert str(site) in [t["site_id"] for t in mine]
    shown = next(t for t in mine if t["site_id"] == str(site))
    assert shown["assignee_id"] == str(lead_id) and shown["co_inspector_ids"] == [str(co_id)]
    assert shown["co_inspector_names"] == [co.user.name] and shown["template_id"] == template["id"]
    assert str(site) in [t["site_id"] for t in co.get("/api/v1/tasks?mine=true").json]  # the co-inspector's too
    drawn_ids = {u for _site, people, *_ in expected for u in people}
    for other in officers:
        if other.user.id not in drawn_ids:
            assert other.get("/api/v1/tasks?mine=true").json == []

    month = body["period_start"][:7]
    kinds = supervisor.get(f"/api/v1/coverage?period={month}&by=kind").json["rows"]
    assert [(r["key"], r["name"], r["planned"], r["done"]) for r in kinds] == [("draw", "双随机抽查", 3, 0)]


def test_an_inspection_by_a_drawn_inspector_does_the_task_and_nobody_elses(app, login_as, markets, officers):
    template = published(login_as("district_admin"))
    body = this_month_draw(template)
    drawn(login_as("supervisor"), body)
    site, (lead_id, co_id), *_ = drawn_people(app, body["id"])[0]
    outsider = next(o for o in officers if o.user.id not in (lead_id, co_id))
    by_outsider = outsider.post("/api/v1/inspections", json=inspection_body(template, site, mode="double_random"))
    assert by_outsider.status_code == 201, by_outsider.json
    task = login_as("supervisor").get(f"/api/v1/tasks?plan_id={body['id']}&site_id={site}").json[0]
    assert task["state"] == "open"  # someone not drawn inspected it: not the draw's inspection

    co = by_id(officers, co_id)
    by_co = co.post("/api/v1/inspections", json=inspection_body(template, site, mode="double_random"))
    assert by_co.status_code == 201, by_co.json
    task = by_id(officers, lead_id).get(f"/api/v1/tasks/{task['id']}").json
    assert (task["state"], task["inspection_id"]) == ("done", by_co.json["id"])
    month = body["period_start"][:7]
    total = login_as("supervisor").get(f"/api/v1/coverage?period={month}&by=kind").json["total"]
    assert (total["planned"], total["done"]) == (3, 1)


def test_an_enterprise_does_not_see_its_draw_task_before_the_inspection(app, login_as, markets, officers):
    template = published(login_as("district_admin"))
    body = this_month_draw(template, share=1)  # every market: the enterprise user's own is drawn
    drawn(login_as("supervisor"), body)
    lead_id = next(people[0] for site, people, *_ in drawn_people(app, body["id"]) if site == WORLD["market_site"])
    with app.app_context():
        task_id = db.session.scalar(select(Task.id).where(Task.site_id == WORLD["market_site"]))
    enterprise = login_as("enterprise_user")
    assert enterprise.get("/api/v1/tasks").json == []
    assert enterprise.get(f"/api/v1/tasks/{task_id}").status_code == 404
    lead = by_id(officers, lead_id)
    made = lead.post("/api/v1/inspections", json=inspection_body(template, WORLD["market_site"], mode="double_random"))
    assert made.status_code == 201, made.json
    assert [t["id"] for t in enterprise.get("/api/v1/tasks").json] == [str(task_id)]  # once it is done


def test_a_draws_plan_and_tasks_stay_as_drawn(app, login_as, markets, officers):
    template = published(login_as("district_admin"))
    body = this_month_draw(template)
    drawn(login_as("supervisor"), body)
    admin = login_as("district_admin")
    plan = admin.get(f"/api/v1/plans/{body['id']}")
    assert plan.status_code == 200 and plan.json["kind"] == "draw"
    assert plan.json["current_period"] == body["period_start"]
    etag = {"If-Match": plan.headers["ETag"]}
    changed = admin.patch(f"/api/v1/plans/{body['id']}", json={"name": "改名"}, headers=etag)
    assert changed.status_code == 409 and changed.json["code"] == "plan_of_draw"
    assert admin.post(f"/api/v1/plans/{body['id']}/generate").json["code"] == "plan_of_draw"
    task = admin.get(f"/api/v1/tasks/{admin.get('/api/v1/tasks?kind=draw').json[0]['id']}")
    other = next(o for o in officers if str(o.user.id) != task.json["assignee_id"])
    given = admin.patch(
        f"/api/v1/tasks/{task.json['id']}",
        json={"assignee_id": str(other.user.id)},
        headers={"If-Match": task.headers["ETag"]},
    )
    assert given.status_code == 409 and given.json["code"] == "task_of_draw"


def test_a_draw_without_a_checklist_makes_no_tasks(app, login_as, markets, officers):
    body = draw_body()
    drawn(login_as("supervisor"), body)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Task)) == 0
        assert db.session.get(Plan, uuid.UUID(body["id"])) is None
