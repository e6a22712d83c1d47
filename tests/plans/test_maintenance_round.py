"""The maintenance round is cheap when there is nothing to do (one statement a step, none of the steps' own work),
and still does the work after a change: an ended period, a new plan, a worker who left, a fresh process."""

from datetime import timedelta

import pytest
from sqlalchemy import event

from server.core.db import db
from server.jobs import maintenance
from server.people.models import User
from server.plans import periods, services
from tests.plans.helpers import FINISHED, checklist, generate, make_plan, tasks


@pytest.fixture
def statements(app):
    """The SQL statements sent while the test runs (transaction control left out: BEGIN, COMMIT, SAVEPOINT …)."""
    sent: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        if statement.split(None, 1)[0].upper() not in {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}:
            sent.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", seen)
    yield sent
    event.remove(engine, "before_cursor_execute", seen)


def maintain(app):
    with app.app_context():
        services.maintain()


def test_a_round_with_nothing_to_do_sends_one_statement_a_step(app, login_as, world, statements):
    station, _worker = login_as("station_officer"), login_as("grid_worker")
    generate(station, make_plan(station, checklist(login_as), world))
    maintenance.run_once(app)  # this process's first look: whatever there is to do, done
    statements.clear()
    maintenance.run_once(app)
    assert len(statements) == len(maintenance._TASKS), statements
    plans = [s for s in statements if "tasks" in s or "plans" in s]
    assert len(plans) == 1 and plans[0].startswith("SELECT EXISTS")  # the plans step's look, nothing more


def test_an_ended_period_is_still_recorded_after_rounds_with_nothing_to_do(app, login_as, world, statements):
    station, worker = login_as("station_officer"), login_as("grid_worker")
    plan = make_plan(station, checklist(login_as), world)
    maintain(app)
    maintain(app)
    last_month = periods.containing("monthly", periods.local_date(FINISHED).replace(day=1) - timedelta(days=1))
    generate(station, plan, period=last_month.key)
    statements.clear()
    maintain(app)
    assert any(s.startswith("UPDATE tasks") for s in statements)
    assert tasks(worker, mine="true", period=last_month.key)[0]["state"] == "missed"


def test_a_new_plan_is_generated_by_the_next_round(app, login_as, world):
    station = login_as("station_officer")
    maintain(app)
    maintain(app)
    plan = make_plan(station, checklist(login_as), world)
    assert tasks(station, plan_id=plan["id"]) == []
    maintain(app)
    assert len(tasks(station, plan_id=plan["id"])) == 2
    maintain(app)  # once
    assert len(tasks(station, plan_id=plan["id"])) == 2


def test_a_worker_who_leaves_after_quiet_rounds_has_their_tasks_moved(app, login_as, world, statements):
    station, leaving = login_as("station_officer"), login_as("grid_worker", username="a-leaving")
    generate(station, make_plan(station, checklist(login_as), world))
    maintain(app)
    maintain(app)
    with app.app_context():
        db.session.get(User, leaving.user.id).is_active = False
        db.session.commit()
    taking = login_as("grid_worker", username="b-taking")
    maintain(app)
    assert [t["site_id"] for t in tasks(taking, mine="true")] == [str(world["market_site"])]
    # moved in place (the same role row, another grid): seen as well
    with app.app_context():
        db.session.get(User, taking.user.id).roles[0].area_id = world["grid_a2"]
        db.session.commit()
    statements.clear()
    maintain(app)
    assert len(statements) > 1
    assert {t["site_id"] for t in tasks(taking, mine="true")} == {str(world["fire_lane"])}


def test_a_fresh_process_puts_the_tasks_right_once(app, login_as, world, statements, monkeypatch):
    station, _worker = login_as("station_officer"), login_as("grid_worker")
    generate(station, make_plan(station, checklist(login_as), world))
    maintain(app)
    statements.clear()
    maintain(app)
    assert len(statements) == 1
    monkeypatch.setattr(services, "_LAST_SEEN", {})  # another process, or this one restarted
    statements.clear()
    maintain(app)
    assert len(statements) > 1  # reassign_orphaned's query
    statements.clear()
    maintain(app)
    assert len(statements) == 1
