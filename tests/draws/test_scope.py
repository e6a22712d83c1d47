"""Who runs which draws and sees which declared conflicts, as a table: role × area × in / out of scope. A draw
outside one's areas reads as absent (404); the public pages show only published ones, to anyone."""

import pytest

from tests.conftest import WORLD, uid
from tests.draws.conftest import draw_body

# (person, the draw's area, visible?) — a draw over street A (the market) or street B (the mall)
DRAWS = [
    ("supervisor", "street_a", True),
    ("supervisor", "street_b", True),
    ("district_admin", "street_a", True),
    ("admin", "street_b", True),  # the admin of street B
    ("admin", "street_a", False),
]


@pytest.mark.parametrize("person,area,visible", DRAWS)
def test_a_draw_is_seen_and_run_only_over_ones_areas(login_as, officers, person, area, visible):
    body = draw_body(area_id=WORLD[area], site_types=[], share=1)
    assert login_as("supervisor").post("/api/v1/draws", json=body).status_code == 201
    caller = login_as(person)
    one = caller.get(f"/api/v1/draws/{body['id']}")
    assert one.status_code == (200 if visible else 404)
    assert (body["id"] in [d["id"] for d in caller.get("/api/v1/draws").json]) is visible
    ran = caller.post(f"/api/v1/draws/{body['id']}/run", json={"seed": "wrong"})
    assert ran.status_code == (422 if visible else 404)
    made = caller.post("/api/v1/draws", json={**draw_body(area_id=WORLD[area], site_types=[], share=1)})
    assert made.status_code == (201 if visible else 404), made.json


@pytest.mark.parametrize(
    "person",
    ["grid_worker", "station_officer", "enforcement_officer", "department_officer", "enterprise_user", "expert"],
)
def test_other_roles_run_no_draws(login_as, person):
    caller = login_as(person)
    assert caller.get("/api/v1/draws").status_code == 403
    assert caller.post("/api/v1/draws", json=draw_body()).status_code == 403


# (person, whose declaration: the enterprise in street A (market) or B (mall), visible?)
CONFLICTS = [
    ("supervisor", "market", True),
    ("admin", "mall", True),
    ("admin", "market", False),
    ("station_officer", "market", False),  # no draws.manage: only their own
    ("enterprise_user", "market", False),  # the enterprise never learns who declared a tie to it
]


@pytest.mark.parametrize("person,enterprise,visible", CONFLICTS)
def test_a_declared_conflict_is_seen_by_its_declarer_and_who_runs_draws_over_the_enterprise(
    login_as, officers, person, enterprise, visible
):
    declared = officers[0].post(
        "/api/v1/conflicts", json={"id": uid(), "enterprise_id": str(WORLD[enterprise]), "reason": "亲属"}
    )
    assert declared.status_code == 201
    listed = login_as(person).get("/api/v1/conflicts")
    assert listed.status_code == 200
    assert (declared.json["id"] in [d["id"] for d in listed.json]) is visible


def test_only_published_draws_are_public(client, login_as, officers):
    body = draw_body(area_id=WORLD["street_a"], site_types=[], share=1)
    login_as("supervisor").post("/api/v1/draws", json=body)
    for path in ("", "/record", "/verify"):
        assert client.get(f"/api/v1/public/draws/{body['id']}{path}").status_code == 404
    assert client.get(f"/public/draws/{body['id']}").status_code == 404
    assert body["id"] not in [d["id"] for d in client.get("/api/v1/public/draws").json]
