"""The demo's published draw: a tenth of the 78 markets, on the public page on first start, verifying; the tie
demo-enforcement declared is recused."""

import json

from sqlalchemy import select

from server.core.db import db
from server.demo.draws import DRAW_ID
from server.demo.loader import load
from server.draws import services
from server.draws.models import ConflictDeclaration, Draw
from server.people.models import User
from server.plans.models import Task


def test_the_demo_has_a_published_draw_that_verifies_with_a_recusal(app, client):
    with app.app_context():
        counts = load()
        assert counts["draws"] == 1
        officer = db.session.scalars(select(User).where(User.username == "demo-enforcement")).one()
        tie = db.session.scalars(select(ConflictDeclaration).where(ConflictDeclaration.user_id == officer.id)).one()
        draw = db.session.get(Draw, DRAW_ID)
        assert draw.template_family_id is not None  # the markets' assessment
        targets = {t["id"]: t["enterprise_id"] for t in json.loads(draw.targets_snapshot)}
        tied = [a for a in json.loads(draw.result)["assignments"] if targets[a["site_id"]] == str(tie.enterprise_id)]
        assert len(tied) == 1 and str(officer.id) not in tied[0]["inspector_ids"]
        # the draw made its tasks: one a drawn market, for its lead, unannounced; loading again makes none
        tasks = db.session.scalars(select(Task).where(Task.plan_id == DRAW_ID)).all()
        leads = {site: people[0] for site, people, *_ in services.assignments(draw)}
        assert {t.site_id: t.assignee_id for t in tasks} == leads and len(leads) == 8
        assert all(t.unannounced and t.kind == "draw" for t in tasks)
        db.session.commit()
        assert load()["draws"] == 0
        assert len(db.session.scalars(select(Task).where(Task.plan_id == DRAW_ID)).all()) == 8
        db.session.commit()
    listed = client.get("/api/v1/public/draws").json
    assert [d["id"] for d in listed] == [str(DRAW_ID)]
    assert (listed[0]["candidates"], listed[0]["drawn"]) == (79, 8)  # the demo's 78 markets and the tests' one
    assert client.get(f"/api/v1/public/draws/{DRAW_ID}/verify").json["ok"]
    assert "农贸市场安全生产双随机抽查" in client.get("/public/draws").get_data(as_text=True)
