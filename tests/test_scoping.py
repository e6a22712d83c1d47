"""Scoping as a table: role × resource × in / out of scope. Out of scope reads exactly like absent (404)."""
import pytest

# (person, resource, world key, visible?)
#   world: street A holds grid A1 (the market, enterprise `market`) and grid A2 (a public fire lane);
#          street B holds grid B1 (the mall, enterprise `mall`).
TABLE = [
    ("grid_worker", "sites", "market_site", True),
    ("grid_worker", "sites", "fire_lane", False),  # same community, another grid
    ("grid_worker", "sites", "mall_site", False),
    ("grid_worker", "enterprises", "market", True),  # it has a site in the worker's grid
    ("grid_worker", "enterprises", "mall", False),
    ("station_officer", "sites", "market_site", True),
    ("station_officer", "sites", "fire_lane", True),
    ("station_officer", "sites", "mall_site", False),
    ("station_officer", "enterprises", "market", True),
    ("station_officer", "enterprises", "mall", False),
    ("enforcement_officer", "sites", "mall_site", True),
    ("enforcement_officer", "enterprises", "mall", True),
    ("department_officer", "sites", "market_site", True),  # the market bureau sees markets
    ("department_officer", "sites", "mall_site", False),
    ("department_officer", "sites", "fire_lane", False),  # no enterprise, no sector
    ("department_officer", "enterprises", "market", True),
    ("department_officer", "enterprises", "mall", False),
    ("enterprise_user", "sites", "market_site", True),
    ("enterprise_user", "sites", "fire_lane", False),
    ("enterprise_user", "sites", "mall_site", False),
    ("enterprise_user", "enterprises", "market", True),
    ("enterprise_user", "enterprises", "mall", False),
    ("expert", "sites", "mall_site", True),
    ("expert", "sites", "market_site", False),
    ("supervisor", "sites", "market_site", True),
    ("supervisor", "sites", "mall_site", True),
    ("supervisor", "sites", "fire_lane", True),
    ("supervisor", "enterprises", "mall", True),
    ("admin", "sites", "mall_site", True),
    ("admin", "sites", "market_site", False),
    ("admin", "enterprises", "mall", True),
    ("admin", "enterprises", "market", False),
]


@pytest.mark.parametrize("person,resource,key,visible", TABLE)
def test_lookup_and_list_agree_on_scope(login_as, world, person, resource, key, visible):
    caller = login_as(person)
    target = str(world[key])
    one = caller.get(f"/api/v1/{resource}/{target}")
    assert one.status_code == (200 if visible else 404), one.json
    listed = caller.get(f"/api/v1/{resource}?page_size=100")
    assert listed.status_code == 200
    assert (target in {item["id"] for item in listed.json}) is visible
    if not visible:
        assert one.json["code"] == "not_found"


def test_out_of_scope_is_indistinguishable_from_absent(login_as, world):
    caller = login_as("grid_worker")
    hidden = caller.get(f"/api/v1/sites/{world['mall_site']}")
    absent = caller.get("/api/v1/sites/00000000-0000-4000-8000-000000000000")
    assert (hidden.status_code, hidden.json) == (absent.status_code, absent.json)


# Users: who may see whom. Admin of street B, supervisor of the district; others have no user list.
USER_TABLE = [
    ("admin", "station_officer", False),  # the officer works in street A
    ("admin", "expert", True),  # the expert is assigned to street B
    ("district_admin", "station_officer", True),
    ("district_admin", "enterprise_user", True),
    ("supervisor", "grid_worker", True),
]


@pytest.mark.parametrize("viewer,subject,visible", USER_TABLE)
def test_users_are_scoped_to_the_admins_area(login_as, viewer, subject, visible):
    target = login_as(subject).user
    caller = login_as(viewer)
    one = caller.get(f"/api/v1/users/{target.id}")
    assert one.status_code == (200 if visible else 404)
    listed = caller.get("/api/v1/users?page_size=100")
    assert (str(target.id) in {u["id"] for u in listed.json}) is visible


@pytest.mark.parametrize("person", ["grid_worker", "station_officer", "enterprise_user", "expert",
                                    "department_officer", "enforcement_officer"])
def test_field_roles_have_no_user_directory(login_as, person):
    assert login_as(person).get("/api/v1/users").status_code == 403


@pytest.mark.parametrize("person,can_edit", [
    ("station_officer", True), ("supervisor", True), ("admin", False),  # admin of street B, site in A
    ("grid_worker", False), ("enterprise_user", False), ("department_officer", False), ("expert", False),
])
def test_who_may_edit_a_site(login_as, world, person, can_edit):
    caller = login_as(person)
    url = f"/api/v1/sites/{world['market_site']}"
    read = caller.get(url)
    if read.status_code == 404:
        assert not can_edit
        return
    resp = caller.patch(url, json={"risk_level": "high"}, headers={"If-Match": read.headers["ETag"]})
    assert resp.status_code == (200 if can_edit else 403), resp.json
    if can_edit:
        assert resp.json["risk_level"] == "high"
