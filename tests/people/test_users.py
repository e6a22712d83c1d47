"""Admins manage the users of their own scope, and only there."""

from tests.conftest import TEST_PASSWORD


def new_user(world, **changes):
    return {
        "username": "zhang.wei",
        "phone": "13807100001",
        "name": "张伟",
        "password": "initial-pass-1",
        "roles": [{"role": "grid_worker", "area_id": world["grid_b1"]}],
        **changes,
    }


def test_admin_creates_a_grid_worker_who_can_then_log_in(client, login_as, world):
    admin = login_as("admin")  # street B
    resp = admin.post("/api/v1/users", json=new_user(world))
    assert resp.status_code == 201, resp.json
    assert resp.json["roles"] == [
        {
            "role": "grid_worker",
            "sector": None,
            "enterprise": None,
            "area": {"id": world["grid_b1"], "code": "T-B1-1", "name": "测试网格B1-1", "level": "grid"},
        }
    ]
    assert "password" not in resp.json
    login = client.post("/api/v1/auth/login", json={"login": "13807100001", "password": "initial-pass-1"})
    assert login.status_code == 201


def test_admin_cannot_grant_roles_outside_their_street(login_as, world):
    resp = login_as("admin").post(
        "/api/v1/users", json=new_user(world, roles=[{"role": "station_officer", "area_id": world["street_a"]}])
    )
    assert resp.status_code == 422
    assert "area_id" in resp.json["errors"]["json"]["roles"]["0"]


def test_a_role_must_fit_its_level_and_scope_kind(login_as, world):
    admin = login_as("district_admin")
    wrong_level = admin.post(
        "/api/v1/users", json=new_user(world, roles=[{"role": "station_officer", "area_id": world["grid_a1"]}])
    )
    assert wrong_level.status_code == 422
    no_enterprise = admin.post(
        "/api/v1/users", json=new_user(world, roles=[{"role": "enterprise_user", "area_id": world["street_a"]}])
    )
    assert no_enterprise.status_code == 422
    no_sector = admin.post(
        "/api/v1/users", json=new_user(world, roles=[{"role": "department_officer", "area_id": world["district"]}])
    )
    assert no_sector.status_code == 422 and "sector" in no_sector.json["errors"]["json"]["roles"]["0"]
    ok = admin.post(
        "/api/v1/users",
        json=new_user(world, roles=[{"role": "enterprise_user", "enterprise_id": str(world["market"])}]),
    )
    assert ok.status_code == 201, ok.json


def test_username_and_phone_are_unique(login_as, world):
    admin = login_as("admin")
    assert admin.post("/api/v1/users", json=new_user(world)).status_code == 201
    same_name = admin.post("/api/v1/users", json=new_user(world, phone="13807100002"))
    assert same_name.status_code == 409 and same_name.json["code"] == "duplicate_username"
    same_phone = admin.post("/api/v1/users", json=new_user(world, username="li.na"))
    assert same_phone.status_code == 409 and same_phone.json["code"] == "duplicate_phone"


def test_editing_roles_keeps_the_ones_held_outside_the_admins_scope(login_as, world):
    district_admin, street_admin = login_as("district_admin"), login_as("admin")
    created = district_admin.post(
        "/api/v1/users",
        json=new_user(
            world,
            roles=[
                {"role": "grid_worker", "area_id": world["grid_a1"]},
                {"role": "grid_worker", "area_id": world["grid_b1"]},
            ],
        ),
    )
    url = f"/api/v1/users/{created.json['id']}"
    etag = street_admin.get(url).headers["ETag"]
    resp = street_admin.patch(
        url, json={"roles": [{"role": "expert", "area_id": world["street_b"]}]}, headers={"If-Match": etag}
    )
    assert resp.status_code == 200, resp.json
    held = {(r["role"], r["area"]["id"]) for r in resp.json["roles"]}
    assert held == {("grid_worker", world["grid_a1"]), ("expert", world["street_b"])}


def test_a_password_reset_clears_the_throttle_and_logs_out(client, login_as, world):
    worker = login_as("grid_worker")
    admin = login_as("district_admin")

    def login(login, password, address="203.0.113.9"):
        return client.post(
            "/api/v1/auth/login", json={"login": login, "password": password}, environ_base={"REMOTE_ADDR": address}
        )

    for identifier in (worker.user.username, worker.user.phone):  # the worker's phone, typed with a bad password
        for _ in range(5):
            login(identifier, "guess")
        assert login(identifier, TEST_PASSWORD).status_code == 429
    for n in range(5):  # and, with their token, the current password, till the token is signed out
        worker.post("/api/v1/me/password", json={"current_password": f"guess-{n}", "new_password": "a good passphrase"})
    url = f"/api/v1/users/{worker.user.id}"
    assert "locked_until" not in admin.get(url).json
    resp = admin.patch(url, json={"password": "brand-new-pass"}, headers={"If-Match": admin.get(url).headers["ETag"]})
    assert resp.status_code == 200
    assert worker.get("/api/v1/me").status_code == 401
    signed_in = login(worker.user.phone, "brand-new-pass")  # from the same address, at once
    assert signed_in.status_code == 201
    assert login(worker.user.username, TEST_PASSWORD).status_code == 401
    change = client.post(
        "/api/v1/me/password",
        json={"current_password": "brand-new-pass", "new_password": "my own passphrase"},
        headers={"Authorization": f"Bearer {signed_in.json['token']}"},
    )
    assert change.status_code == 204


def test_supervisors_read_users_but_do_not_edit_them(login_as):
    worker = login_as("grid_worker").user
    supervisor = login_as("supervisor")
    url = f"/api/v1/users/{worker.id}"
    read = supervisor.get(url)
    assert read.status_code == 200
    assert supervisor.patch(url, json={"name": "x"}, headers={"If-Match": read.headers["ETag"]}).status_code == 403


def test_users_list_filters(login_as, world):
    login_as("grid_worker", name="赵网格")
    supervisor = login_as("supervisor")
    names = {u["name"] for u in supervisor.get("/api/v1/users?q=赵网格").json}
    assert names == {"赵网格"}
    roles = {r["role"] for u in supervisor.get("/api/v1/users?role=grid_worker&page_size=100").json for r in u["roles"]}
    assert "grid_worker" in roles
    in_b = supervisor.get(f"/api/v1/users?area_id={world['street_b']}&page_size=100").json
    assert all(
        any(r["area"] and r["area"]["id"] in (world["street_b"], world["comm_b"], world["grid_b1"]) for r in u["roles"])
        for u in in_b
    )
