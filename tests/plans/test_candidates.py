"""Whom a task may be given to (GET /tasks/<id>/candidates): exactly those PATCH accepts, the grid's first, then the
community's and the street's; never an inactive user, another grid's worker, nor for a draw's task anyone at all."""

from server.core.db import db
from server.people.models import User
from tests.plans.helpers import checklist, generate, make_plan, someone, tasks


def test_the_candidates_are_those_who_may_do_it_nearest_first(app, client, login_as, world):
    template = checklist(login_as)
    station = login_as("station_officer")
    plan = make_plan(station, template, world)
    generate(station, plan)
    here = someone(app, client, "grid_worker", area_id=world["grid_a2"], name="丙网格员")  # the fire lane's grid
    community = someone(app, client, "grid_worker", area_id=world["comm_a"], name="乙协管员")
    street = someone(app, client, "grid_worker", area_id=world["street_a"], name="甲街道网格员")
    elsewhere = someone(app, client, "grid_worker", area_id=world["grid_a1"])  # another grid of the community
    other_street = someone(app, client, "grid_worker", area_id=world["grid_b1"])
    gone = someone(app, client, "grid_worker", area_id=world["grid_a2"])
    with app.app_context():
        db.session.get(User, gone.user.id).is_active = False
        db.session.commit()
    task = next(t for t in tasks(station) if t["site_id"] == str(world["fire_lane"]))

    found = station.get(f"/api/v1/tasks/{task['id']}/candidates")
    assert found.status_code == 200, found.json
    listed = [(p["name"], p["nearness"], p["area_level"]) for p in found.json]
    assert listed == [("丙网格员", 0, "grid"), ("乙协管员", 1, "community"), ("甲街道网格员", 2, "street")]
    ids = {p["id"] for p in found.json}
    assert not ids & {str(elsewhere.user.id), str(other_street.user.id), str(gone.user.id)}

    # everyone listed is accepted, and the one first is the grid's own
    for person in (street, community, here):
        now = station.get(f"/api/v1/tasks/{task['id']}")
        given = station.patch(
            f"/api/v1/tasks/{task['id']}",
            json={"assignee_id": str(person.user.id)},
            headers={"If-Match": now.headers["ETag"]},
        )
        assert given.status_code == 200 and given.json["assignee_id"] == str(person.user.id)
    # …and one not listed is refused
    now = station.get(f"/api/v1/tasks/{task['id']}")
    refused = station.patch(
        f"/api/v1/tasks/{task['id']}",
        json={"assignee_id": str(other_street.user.id)},
        headers={"If-Match": now.headers["ETag"]},
    )
    assert refused.status_code == 422


def test_the_candidates_are_for_those_who_assign_within_their_scope(app, client, login_as, world):
    template = checklist(login_as)
    station = login_as("station_officer")
    plan = make_plan(station, template, world)
    generate(station, plan)
    task = tasks(station)[0]
    assert login_as("grid_worker").get(f"/api/v1/tasks/{task['id']}/candidates").status_code == 403
    outside = login_as("station_officer_b").get(f"/api/v1/tasks/{task['id']}/candidates")
    assert outside.status_code == 404  # another street's task reads as one never issued
