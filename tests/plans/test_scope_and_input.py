"""四不两直 as a scope rule (an unannounced task and its existence hidden from the inspected enterprise until the
inspection is submitted), who sees and plans what, and bad input answered as a clear 4xx."""

import uuid

import pytest

from tests.inspections.test_inspections import checked_in
from tests.plans.helpers import checklist, generate, inspect, make_plan, tasks

# (person, sees the task before it is done, after)
UNANNOUNCED = [
    ("enterprise_user", False, True),  # the inspected enterprise: not before the inspection is submitted
    ("grid_worker", True, True),  # whose task it is
    ("station_officer", True, True),
    ("station_officer_b", False, False),  # another street
    ("department_officer", True, True),  # markets
    ("supervisor", True, True),
    ("expert", False, False),  # street B's
]


@pytest.fixture
def unannounced(login_as, world):
    station = login_as("station_officer")
    template = checklist(login_as)
    plan = make_plan(station, template, world, unannounced=True, name="四不两直暗查")
    generate(station, plan)
    (task,) = tasks(station, site_id=str(world["market_site"]))
    return template, task


@pytest.mark.parametrize("person,before,after", UNANNOUNCED)
def test_an_unannounced_task_is_hidden_from_the_enterprise_until_it_is_done(
    login_as, world, unannounced, person, before, after
):
    template, task = unannounced
    caller = login_as(person)

    def sees() -> bool:
        one = caller.get(f"/api/v1/tasks/{task['id']}")
        assert one.status_code in (200, 404), one.json
        listed = task["id"] in {t["id"] for t in tasks(caller)}
        by_site = task["id"] in {t["id"] for t in tasks(caller, site_id=str(world["market_site"]))}
        assert listed is by_site is (one.status_code == 200), person  # the list and the lookup agree
        return listed

    assert sees() is before
    worker = login_as("grid_worker")
    inspect(worker, template, world["market_site"], mode="unannounced", checkin_id=checked_in(worker, login_as, world))
    assert sees() is after


def test_an_unannounced_task_reads_exactly_as_none(login_as, unannounced):
    enterprise = login_as("enterprise_user")
    hidden = enterprise.get(f"/api/v1/tasks/{unannounced[1]['id']}")
    absent = enterprise.get(f"/api/v1/tasks/{uuid.uuid4()}")
    assert hidden.status_code == absent.status_code == 404 and hidden.json == absent.json
    assert (
        enterprise.get("/api/v1/tasks", query_string={"state": "open"}).headers["X-Pagination"]
        == enterprise.get("/api/v1/tasks", query_string={"state": "open", "plan_id": str(uuid.uuid4())}).headers[
            "X-Pagination"
        ]
    )


def test_an_announced_task_is_the_enterprise_s_to_see(login_as, world):
    station = login_as("station_officer")
    generate(station, make_plan(station, checklist(login_as), world))
    assert [t["site_name"] for t in tasks(login_as("enterprise_user"))] == ["测试农贸市场"]


@pytest.mark.parametrize(
    "person,status",
    [("grid_worker", 403), ("enterprise_user", 403), ("expert", 403), ("station_officer", 201), ("supervisor", 201)],
)
def test_who_may_plan(login_as, world, person, status):
    make_plan(login_as(person), checklist(login_as), world, status=status)


def test_plans_are_seen_where_they_overlap_the_caller_s_areas(login_as, world):
    district = make_plan(login_as("supervisor"), checklist(login_as), world, area_id=world["district"])
    street_b = make_plan(login_as("station_officer_b"), checklist(login_as), world, area_id=world["comm_b"])
    seen = {p["id"] for p in login_as("station_officer").get("/api/v1/plans").json}
    assert district["id"] in seen and street_b["id"] not in seen
    assert login_as("station_officer").get(f"/api/v1/plans/{street_b['id']}").status_code == 404
    assert login_as("enforcement_officer").get(f"/api/v1/plans/{street_b['id']}").status_code == 200


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"frequency": "daily"}, "frequency"),
        ({"assignee": "nobody"}, "assignee"),
        ({"area_id": 0}, "area_id"),
        ({"area_id": 999_999}, "area_id"),
        ({"site_types": ["castle"]}, "site_types"),
        ({"template_family_id": str(uuid.uuid4())}, "template_family_id"),
        ({"assignee": "department"}, "sector"),  # a department's plan names its sector
        ({"unannounced": "yes"}, "unannounced"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_plan_is_a_422_naming_the_field(login_as, world, changes, field):
    refused = make_plan(login_as("station_officer"), checklist(login_as), world, status=422, **changes)
    assert refused["code"] == "validation_error" and field in refused["errors"]["json"], refused


def test_a_plan_outside_one_s_scope_is_refused(login_as, world):
    template = checklist(login_as)
    refused = make_plan(login_as("station_officer"), template, world, status=403, area_id=world["comm_b"])
    assert refused["code"] == "plan_outside_scope"
    department = login_as("department_officer")  # markets
    assert make_plan(department, template, world, status=403, sector="commerce")["code"] == "plan_outside_scope"
    made = make_plan(department, template, world, sector="market", assignee="department", area_id=world["district"])
    assert made["sector"] == "market"


def test_a_bad_period_edit_or_delete_is_refused(login_as, world):
    station = login_as("station_officer")
    plan = make_plan(station, checklist(login_as), world)
    for period in ("2026-13", "2026-W49", "2026", "soon"):
        refused = generate(station, plan, period=period, status=422)
        assert "period" in refused["errors"]["query"], period
    url = f"/api/v1/plans/{plan['id']}"
    assert station.patch(url, json={"name": "新名称"}).status_code == 428
    assert station.get("/api/v1/tasks", query_string={"period": "2026-00"}).status_code == 422
    generate(station, plan)
    etag = station.get(url).headers["ETag"]
    held = station.delete(url, headers={"If-Match": etag})
    assert held.status_code == 409 and held.json["code"] == "plan_has_tasks"
    other = make_plan(station, checklist(login_as), world)
    gone = station.delete(
        f"/api/v1/plans/{other['id']}",
        headers={"If-Match": station.get(f"/api/v1/plans/{other['id']}").headers["ETag"]},
    )
    assert gone.status_code == 204 and station.get(f"/api/v1/plans/{other['id']}").status_code == 404
    assert login_as("station_officer_b").patch(url, json={"name": "x"}, headers={"If-Match": etag}).status_code == 404
