"""The demo plans: every grid's monthly patrol and the assessments, this month's tasks partly done by the demo
inspections, on the demo grid worker's phone and in the supervisor's coverage (with the demo draw's tasks, its own
plan's); a second load adds nothing."""

from sqlalchemy import func, select

from server.core.db import db
from server.core.time import utcnow
from server.demo.loader import load
from server.evidence.models import Event
from server.plans import periods
from server.plans.models import Plan, Task
from tests.demo.test_demo_inspections import token_of


def test_the_demo_plans_give_this_month_tasks_partly_done(app, client):
    with app.app_context():
        plans = db.session.scalars(select(Plan).where(Plan.is_demo, Plan.kind == "patrol")).all()
        assert sorted(p.name for p in plans) == [
            "农贸市场月度考核（演示）",
            "加油站月度考核（演示）",
            "商场月度考核（演示）",
            "网格月度巡查（演示）",
        ]
        assert (
            db.session.scalars(select(Plan.name).where(Plan.is_demo, Plan.kind == "draw"))
            .one()
            .endswith("农贸市场安全生产双随机抽查（演示）")
        )
        this_month = periods.containing("monthly", periods.local_date(utcnow()))
        month = this_month.key
        states = dict(
            db.session.execute(
                select(Task.state, func.count())
                .where(Task.period_start.between(this_month.start, this_month.end), Task.is_demo)
                .group_by(Task.state)
            ).all()
        )
        assert states["done"] > 0 and states["open"] > 0 and set(states) == {"done", "open"}
        counted = [db.session.scalar(select(func.count()).select_from(m)) for m in (Plan, Task, Event)]
        assert load()["plans"] == 0
        db.session.commit()
        assert [db.session.scalar(select(func.count()).select_from(m)) for m in (Plan, Task, Event)] == counted

    grid = token_of(client, "demo-grid")
    mine = client.get("/api/v1/tasks", query_string={"mine": "true", "period": month, "page_size": 100}, headers=grid)
    assert mine.status_code == 200 and mine.json
    assert {t["plan_name"] for t in mine.json} == {"网格月度巡查（演示）"}
    assert {t["state"] for t in mine.json} <= {"open", "done"}

    supervisor = token_of(client, "demo-supervisor")
    shown = client.get("/api/v1/coverage", query_string={"period": month, "by": "street"}, headers=supervisor)
    assert shown.status_code == 200 and len(shown.json["rows"]) > 1
    total = shown.json["total"]
    assert total["planned"] == sum(states.values()) and 0 < total["done"] < total["planned"]
