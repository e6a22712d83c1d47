"""Plans and their tasks through the API: generation (idempotent, assigned to the grid's worker), tasks following the
people and sites, completion by an inspection (a far check-in flagged), missed tasks at a period's end."""

from datetime import timedelta

from server.core.db import db
from server.core.time import utcnow
from server.people.models import User
from server.plans import periods, services
from server.sites.models import Site
from tests.inspections.test_inspections import checked_in
from tests.plans.helpers import FINISHED, PERIOD, checklist, generate, inspect, make_plan, someone, tasks
from tests.sync.test_feed import ids, sync


def test_a_plan_gives_each_site_of_its_area_a_task_once(login_as, world):
    station, worker = login_as("station_officer"), login_as("grid_worker")
    template = checklist(login_as)
    plan = make_plan(station, template, world)
    assert plan["current_period"] and plan["template_name"] == "测试巡查表" and plan["area_name"] == "测试社区A1"
    assert generate(station, plan) == {"period": PERIOD, "planned": 2, "cancelled": 0, "moved": 0, "done": 0}
    assert generate(station, plan)["planned"] == 0  # again: nothing more
    mine = tasks(worker, mine="true")
    assert [(t["site_name"], t["state"], t["template_id"]) for t in mine] == [("测试农贸市场", "open", template["id"])]
    assert mine[0]["assignee_id"] == str(worker.user.id) and mine[0]["period"] == PERIOD
    everything = tasks(station, plan_id=plan["id"])
    fire_lane = next(t for t in everything if t["site_id"] == str(world["fire_lane"]))
    assert fire_lane["assignee_id"] is None  # grid A2 has no worker yet


def test_the_tasks_reach_the_phone_and_move_to_whoever_takes_the_grid(app, login_as, world):
    station, leaving = login_as("station_officer"), login_as("grid_worker", username="a-leaving")
    plan = make_plan(station, checklist(login_as), world)
    generate(station, plan)
    (task_id,) = ids(sync(leaving)[0], "task")
    with app.app_context():
        db.session.get(User, leaving.user.id).is_active = False  # they leave; someone else takes the grid
        db.session.commit()
    taking = login_as("grid_worker", username="b-taking")
    with app.app_context():
        services.maintain()
    assert [t["id"] for t in tasks(taking, mine="true")] == [task_id]
    assert ids(sync(taking)[0], "task") == [task_id]
    assert tasks(station, site_id=str(world["market_site"]))[0]["assignee_name"] == taking.user.name


def test_a_worker_moved_to_another_grid_hears_the_task_is_no_longer_theirs(app, login_as, world):
    station, moving = login_as("station_officer"), login_as("grid_worker", username="a-moving")
    staying = login_as("grid_worker", username="b-staying")
    plan = make_plan(station, checklist(login_as), world)
    generate(station, plan)
    changes, cursor, _ = sync(moving)
    (task_id,) = ids(changes, "task")
    with app.app_context():
        db.session.get(User, moving.user.id).roles[0].area_id = world["grid_a2"]
        db.session.commit()
        services.maintain()
    heard = {c["data"]["site_id"]: c["data"] for c in sync(moving, cursor)[0] if c["kind"] == "task"}
    gone = heard[str(world["market_site"])]
    assert gone["id"] == task_id and gone["assignee_id"] == str(staying.user.id)  # the phone drops it
    assert heard[str(world["fire_lane"])]["assignee_id"] == str(moving.user.id)  # grid A2's, theirs now


def test_an_inspection_does_its_task_and_a_far_check_in_is_flagged(app, client, login_as, world):
    station, worker = login_as("station_officer"), login_as("grid_worker")
    template = checklist(login_as)
    plan = make_plan(station, template, world)
    generate(station, plan)
    _, cursor, _ = sync(worker)
    done = inspect(worker, template, world["market_site"], checkin_id=checked_in(worker, login_as, world))
    (task,) = tasks(worker, mine="true")
    assert (task["state"], task["inspection_id"], task["flagged"]) == ("done", done["id"], False)
    assert [c["data"]["state"] for c in sync(worker, cursor)[0] if c["kind"] == "task"] == ["done"]

    other = someone(app, client, "grid_worker", area_id=world["grid_a2"])  # the fire lane's grid
    with_far = checked_in(other, login_as, world, site="fire_lane", at=(30.70, 114.40))
    generate(station, plan)  # the fire lane's task goes to the grid's new worker as the plan is generated again
    inspect(other, template, world["fire_lane"], checkin_id=with_far)
    (far,) = tasks(other, mine="true")
    assert (far["state"], far["flagged"], far["flags"]) == ("done", True, ["checkin_far"])


def test_a_full_sync_brings_this_period_s_done_tasks_so_the_phone_counts_its_coverage(login_as, world):
    station, worker = login_as("station_officer"), login_as("grid_worker")
    template = checklist(login_as)
    generate(station, make_plan(station, template, world))
    inspect(worker, template, world["market_site"])
    snapshot = [c["data"] for c in sync(worker)[0] if c["kind"] == "task"]  # a phone starting afresh
    assert [(t["site_name"], t["state"]) for t in snapshot] == [("测试农贸市场", "done")]


def test_another_checklist_or_another_period_does_not_do_the_task(login_as, world):
    station, worker = login_as("station_officer"), login_as("grid_worker")
    template, other = checklist(login_as), checklist(login_as)
    plan = make_plan(station, template, world)
    generate(station, plan)
    inspect(worker, other, world["market_site"])
    inspect(worker, template, world["market_site"], finished=FINISHED - timedelta(days=40))
    assert [t["state"] for t in tasks(worker, mine="true")] == ["open"]


def test_a_period_that_ends_records_its_open_tasks_missed_once(app, login_as, world):
    station, worker = login_as("station_officer"), login_as("grid_worker")
    template = checklist(login_as)
    plan = make_plan(station, template, world)
    last_month = periods.containing("monthly", periods.local_date(FINISHED).replace(day=1) - timedelta(days=1))
    generate(station, plan, period=last_month.key)
    with app.app_context():
        assert services.close_ended() == 2
        assert services.close_ended() == 0
        db.session.commit()
    (task,) = tasks(worker, mine="true", period=last_month.key)
    assert task["state"] == "missed"
    # an inspection made offline within the period and sent late still does it
    late = periods.datetime.combine(last_month.end, periods.datetime.min.time(), periods.SHANGHAI)
    inspect(worker, template, world["market_site"], finished=late + timedelta(hours=10))
    assert tasks(worker, mine="true", period=last_month.key)[0]["state"] == "done"


def test_generating_a_period_under_way_counts_what_was_already_inspected(login_as, world):
    station, worker = login_as("station_officer"), login_as("grid_worker")
    template = checklist(login_as)
    inspect(worker, template, world["market_site"])  # before any plan (no check-in: it counts, flagged)
    plan = make_plan(station, template, world)
    assert generate(station, plan)["done"] == 1
    (task,) = tasks(worker, mine="true")
    assert (task["state"], task["flags"]) == ("done", ["no_checkin"])


def test_a_site_that_moves_or_leaves_the_plan_takes_its_open_task_along(app, client, login_as, world):
    station = login_as("station_officer")
    worker_a2 = someone(app, client, "grid_worker", area_id=world["grid_a2"])
    plan = make_plan(station, checklist(login_as), world)
    generate(station, plan)
    with app.app_context():
        db.session.get(Site, world["market_site"]).grid_id = world["grid_a2"]  # the market is now in grid A2
        db.session.commit()
        services.maintain()
    assert {t["site_id"] for t in tasks(worker_a2, mine="true")} == {str(world["market_site"]), str(world["fire_lane"])}
    edited = station.get(f"/api/v1/plans/{plan['id']}")
    changed = station.patch(
        f"/api/v1/plans/{plan['id']}", json={"site_types": ["market"]}, headers={"If-Match": edited.headers["ETag"]}
    )
    assert changed.status_code == 200, changed.json
    assert generate(station, plan)["cancelled"] == 1  # the fire lane is no longer in it
    assert [t["site_type"] for t in tasks(worker_a2, mine="true", state="open")] == ["market"]


def test_the_maintenance_round_generates_each_active_plan_s_period_once(app, login_as, world):
    station = login_as("station_officer")
    make_plan(station, checklist(login_as), world)
    with app.app_context():
        assert services.generate_due(utcnow()) == 1
        assert services.generate_due(utcnow()) == 0
        db.session.commit()
    assert len(tasks(station)) == 2


def test_a_station_gives_its_task_to_one_of_its_officers(login_as, world):
    station, colleague = login_as("station_officer"), login_as("station_officer")
    other_street, worker = login_as("station_officer_b"), login_as("grid_worker")
    plan = make_plan(station, checklist(login_as), world, assignee="station", area_id=world["street_a"])
    generate(station, plan)
    task = tasks(station, site_id=str(world["market_site"]))[0]
    assert task["assignee_id"] is None and task["assignee"] == "station"
    url = f"/api/v1/tasks/{task['id']}"
    etag = station.get(url).headers["ETag"]
    assert station.patch(url, json={"assignee_id": str(colleague.user.id)}).status_code == 428
    for wrong in (other_street, worker):  # another street's officer; not a station officer
        refused = station.patch(url, json={"assignee_id": str(wrong.user.id)}, headers={"If-Match": etag})
        assert refused.status_code == 422 and "assignee_id" in refused.json["errors"]["json"]
    given = station.patch(url, json={"assignee_id": str(colleague.user.id)}, headers={"If-Match": etag})
    assert given.status_code == 200 and given.json["assignee_name"] == colleague.user.name
    assert [t["id"] for t in tasks(colleague, mine="true")] == [task["id"]]
    assert ids(sync(colleague)[0], "task") == [task["id"]]
    assert station.patch(url, json={"assignee_id": None}, headers={"If-Match": etag}).status_code == 412
    assert other_street.get(url).status_code == 404


def test_the_command_records_the_missed_tasks_once(app, login_as, world):
    station = login_as("station_officer")
    plan = make_plan(station, checklist(login_as), world)
    last_month = periods.containing("monthly", periods.local_date(FINISHED).replace(day=1) - timedelta(days=1))
    generate(station, plan, period=last_month.key)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["plans", "maintain"])
    assert first.exit_code == 0 and "missed: 2 recorded" in first.output, first.output
    assert "missed: 0 recorded" in runner.invoke(args=["plans", "maintain"]).output
    assert {t["state"] for t in tasks(station, period=last_month.key)} == {"missed"}
