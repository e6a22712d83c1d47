"""Who may change an account: a change to the whole account (password, deactivation, phone, name) needs an
admin whose scope covers every role it holds; one role is changed by whoever's scope holds that role."""

import pytest

from server.core.db import db
from server.people.models import RoleAssignment
from tests.conftest import TEST_PASSWORD, WORLD, Caller, issue_token, make_user

# The accounts under attack: the roles each holds, as (role, scope) with the scope's world keys.
#   street A: grid A1 (the market); street B: grid B1 (the mall, enterprise `mall`); both in the district.
ACCOUNTS = {
    "worker_in_b": [("grid_worker", {"area_id": "grid_b1"})],
    "worker_in_a": [("grid_worker", {"area_id": "grid_a1"})],
    "supervisor_and_station_b": [("supervisor", {"area_id": "district"}), ("station_officer", {"area_id": "street_b"})],
    "department_and_worker_b": [
        ("department_officer", {"area_id": "district", "sector": "market"}),
        ("grid_worker", {"area_id": "grid_b1"}),
    ],
    "mall_lead_and_worker_a": [("enterprise_user", {"enterprise_id": "mall"}), ("grid_worker", {"area_id": "grid_a1"})],
    "workers_in_a_and_b": [("grid_worker", {"area_id": "grid_a1"}), ("grid_worker", {"area_id": "grid_b1"})],
}

# The admins: the area of their admin role.
ADMINS = {"admin_b": "street_b", "admin_a": "street_a", "district_admin": "district"}

# (account, admin) → the answer to an account-wide change: allowed, 403 (it holds roles beyond the admin's
# scope) or 404 (none of its roles is in the admin's scope: the account is not there for them).
AUTHORITY = {
    ("worker_in_b", "admin_b"): 200,
    ("worker_in_b", "admin_a"): 404,
    ("worker_in_b", "district_admin"): 200,
    ("worker_in_a", "admin_b"): 404,
    ("worker_in_a", "admin_a"): 200,
    ("worker_in_a", "district_admin"): 200,
    ("supervisor_and_station_b", "admin_b"): 403,
    ("supervisor_and_station_b", "admin_a"): 404,
    ("supervisor_and_station_b", "district_admin"): 200,
    ("department_and_worker_b", "admin_b"): 403,
    ("department_and_worker_b", "admin_a"): 404,
    ("department_and_worker_b", "district_admin"): 200,
    ("mall_lead_and_worker_a", "admin_b"): 403,
    ("mall_lead_and_worker_a", "admin_a"): 403,  # the mall is B's
    ("mall_lead_and_worker_a", "district_admin"): 200,
    ("workers_in_a_and_b", "admin_b"): 403,
    ("workers_in_a_and_b", "admin_a"): 403,
    ("workers_in_a_and_b", "district_admin"): 200,
}

NEW_PASSWORD = "taken-over-pass-1"
CHANGES = {
    "password": {"password": NEW_PASSWORD},
    "deactivate": {"is_active": False},
    "phone": {"phone": "13600000999"},
    "name": {"name": "改过的名字"},
}


def scoped(scope):
    return {k: (WORLD[v] if k != "sector" else v) for k, v in scope.items()}


@pytest.fixture
def sign_in(app, client):
    """A signed-in user holding the given roles (a Caller with their token)."""

    def make(roles):
        with app.app_context():
            (role, scope), *others = roles
            user = make_user(role, **scoped(scope))
            user.roles += [RoleAssignment(role=r, **scoped(s)) for r, s in others]
            db.session.flush()
            token = issue_token(user)
            db.session.commit()
        return Caller(client, user, token)

    return make


def patch(admin, account, body):
    url = f"/api/v1/users/{account.user.id}"
    read = admin.get(url)
    return admin.patch(url, json=body, headers={"If-Match": read.headers.get("ETag", '"unread"')})


def logs_in(client, account, password) -> bool:
    resp = client.post("/api/v1/auth/login", json={"login": account.user.username, "password": password})
    return resp.status_code == 201


@pytest.mark.parametrize("change", list(CHANGES))
@pytest.mark.parametrize("account_name,admin_name", list(AUTHORITY))
def test_an_account_wide_change_needs_authority_over_every_role(client, sign_in, account_name, admin_name, change):
    account = sign_in(ACCOUNTS[account_name])
    admin = sign_in([("admin", {"area_id": ADMINS[admin_name]})])
    before = account.get("/api/v1/me").json
    expected = AUTHORITY[account_name, admin_name]

    resp = patch(admin, account, CHANGES[change])

    assert resp.status_code == expected, resp.json
    if expected == 200:
        assert_changed(client, account, change)
        return
    if expected == 403:
        assert resp.json["code"] == "account_outside_scope" and "管理员" in resp.json["message"]
    else:
        assert resp.json["code"] == "not_found"
    me = account.get("/api/v1/me")  # not logged out, nothing changed
    assert me.status_code == 200 and me.json == before
    if change == "password":
        assert logs_in(client, account, TEST_PASSWORD)


def assert_changed(client, account, change):
    me = account.get("/api/v1/me")
    if change == "password":
        assert me.status_code == 401  # logged out everywhere
        assert logs_in(client, account, NEW_PASSWORD)  # the one password: the old one no longer works
    elif change == "deactivate":
        assert me.status_code == 401
    else:
        assert me.status_code == 200 and me.json[change] == CHANGES[change][change]


# (account, admin) → the roles held after the admin sets theirs to one expert role in their own area:
# only the roles within the admin's scope are replaced, the others kept. Accounts not listed for an admin
# are not theirs to see (404).
ROLE_EDITS = {
    ("worker_in_b", "admin_b"): {("expert", "street_b")},
    ("worker_in_a", "admin_a"): {("expert", "street_a")},
    ("supervisor_and_station_b", "admin_b"): {("supervisor", "district"), ("expert", "street_b")},
    ("department_and_worker_b", "admin_b"): {("department_officer", "district"), ("expert", "street_b")},
    ("mall_lead_and_worker_a", "admin_b"): {("grid_worker", "grid_a1"), ("expert", "street_b")},
    ("mall_lead_and_worker_a", "admin_a"): {("enterprise_user", "mall"), ("expert", "street_a")},
    ("workers_in_a_and_b", "admin_a"): {("grid_worker", "grid_b1"), ("expert", "street_a")},
    ("workers_in_a_and_b", "admin_b"): {("grid_worker", "grid_a1"), ("expert", "street_b")},
    **{(account, "district_admin"): {("expert", "district")} for account in ACCOUNTS},
}


def held(user_json) -> set:
    names = {str(WORLD[key]): key for key in ("district", "street_a", "street_b", "grid_a1", "grid_b1", "mall")}
    return {
        (r["role"], names[str(r["area"]["id"]) if r["area"] else r["enterprise"]["id"]]) for r in user_json["roles"]
    }


@pytest.mark.parametrize("account_name,admin_name", list(AUTHORITY))
def test_an_admin_replaces_the_roles_in_their_scope_and_keeps_the_others(sign_in, account_name, admin_name):
    account = sign_in(ACCOUNTS[account_name])
    admin = sign_in([("admin", {"area_id": ADMINS[admin_name]})])
    before = account.get("/api/v1/me").json

    resp = patch(admin, account, {"roles": [{"role": "expert", "area_id": WORLD[ADMINS[admin_name]]}]})

    if (account_name, admin_name) not in ROLE_EDITS:
        assert resp.status_code == 404 and account.get("/api/v1/me").json == before
        return
    assert resp.status_code == 200, resp.json
    assert held(resp.json) == ROLE_EDITS[account_name, admin_name]
    assert account.get("/api/v1/me").status_code == 200  # a role change logs no one out


def test_a_refused_edit_applies_nothing_of_the_request(sign_in):
    account = sign_in(ACCOUNTS["supervisor_and_station_b"])
    admin = sign_in([("admin", {"area_id": "street_b"})])
    before = account.get("/api/v1/me").json
    resp = patch(admin, account, {"roles": [{"role": "expert", "area_id": WORLD["street_b"]}], "name": "冒名"})
    assert resp.status_code == 403 and resp.json["code"] == "account_outside_scope"
    assert account.get("/api/v1/me").json == before


def test_an_edit_that_sends_the_current_details_back_is_only_a_role_change(sign_in):
    # a form that sends the whole record back: unchanged details need no authority beyond the roles'
    account = sign_in(ACCOUNTS["supervisor_and_station_b"])
    admin = sign_in([("admin", {"area_id": "street_b"})])
    me = account.get("/api/v1/me").json
    resp = patch(
        admin,
        account,
        {
            "name": me["name"],
            "phone": me["phone"],
            "is_active": True,
            "roles": [{"role": "expert", "area_id": WORLD["street_b"]}],
        },
    )
    assert resp.status_code == 200, resp.json
    assert held(resp.json) == {("supervisor", "district"), ("expert", "street_b")}


def test_a_street_admin_cannot_reactivate_an_account_the_district_deactivated(sign_in):
    account = sign_in(ACCOUNTS["supervisor_and_station_b"])
    district, street = sign_in([("admin", {"area_id": "district"})]), sign_in([("admin", {"area_id": "street_b"})])
    assert patch(district, account, {"is_active": False}).status_code == 200
    resp = patch(street, account, {"is_active": True})
    assert resp.status_code == 403 and resp.json["code"] == "account_outside_scope"
    assert district.get(f"/api/v1/users/{account.user.id}").json["is_active"] is False
