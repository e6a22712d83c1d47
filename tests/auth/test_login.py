"""Logging in and out: phone or username, argon2 passwords, hashed expiring tokens (abuse: test_login_abuse.py)."""

from datetime import timedelta

from sqlalchemy import select

from server.auth.models import AuthToken
from server.core.db import db
from server.core.time import utcnow
from server.people.models import User
from tests.conftest import TEST_PASSWORD


def login(client, login, password=TEST_PASSWORD):
    return client.post("/api/v1/auth/login", json={"login": login, "password": password})


def test_log_in_by_phone_or_username_and_see_yourself(client, login_as):
    user = login_as("grid_worker").user
    for identifier in (user.phone, user.username, user.username.upper()):
        resp = login(client, identifier)
        assert resp.status_code == 201, resp.json
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {resp.json['token']}"})
        assert me.json["id"] == str(user.id)
        assert me.json["roles"][0]["role"] == "grid_worker"
        assert me.json["roles"][0]["area"]["level"] == "grid"
        assert {s["action"] for s in me.json["scope"]} >= {"sites.view", "enterprises.view"}
        assert "sites.manage" not in {s["action"] for s in me.json["scope"]}


def test_password_is_stored_as_argon2id_and_the_token_only_as_its_hash(app, client, login_as):
    user = login_as("grid_worker").user
    token = login(client, user.username).json["token"]
    with app.app_context():
        stored = db.session.get(User, user.id).password_hash
        hashes = db.session.scalars(select(AuthToken.token_hash).where(AuthToken.user_id == user.id)).all()
    assert stored.startswith("$argon2id$") and TEST_PASSWORD not in stored
    assert token not in hashes and len(hashes) == 2  # the fixture's token and this one


def test_wrong_password_and_unknown_login_look_the_same(client, login_as):
    user = login_as("grid_worker").user
    wrong = login(client, user.username, "not the password")
    unknown = login(client, "nobody-here", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json
    assert wrong.json["code"] == "login_failed"


def test_logout_revokes_the_token_but_not_other_devices(client, login_as):
    user = login_as("grid_worker").user
    phone = login(client, user.username).json["token"]
    tablet = login(client, user.phone).json["token"]
    assert client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {phone}"}).status_code == 204
    gone = client.get("/api/v1/me", headers={"Authorization": f"Bearer {phone}"})
    assert gone.status_code == 401 and gone.json["code"] == "token_invalid"
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {tablet}"}).status_code == 200


def test_an_expired_token_no_longer_works(app, client, login_as):
    caller = login_as("grid_worker")
    with app.app_context():
        for token in db.session.scalars(select(AuthToken).where(AuthToken.user_id == caller.user.id)):
            token.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert caller.get("/api/v1/me").status_code == 401


def test_a_deactivated_user_is_logged_out_and_cannot_log_in(client, login_as):
    worker = login_as("grid_worker")
    admin = login_as("district_admin")
    etag = admin.get(f"/api/v1/users/{worker.user.id}").headers["ETag"]
    resp = admin.patch(f"/api/v1/users/{worker.user.id}", json={"is_active": False}, headers={"If-Match": etag})
    assert resp.status_code == 200 and resp.json["is_active"] is False
    assert worker.get("/api/v1/me").status_code == 401
    assert login(client, worker.user.username).status_code == 401


def test_changing_my_password_logs_out_my_other_sessions(client, login_as):
    caller = login_as("station_officer")
    other = login(client, caller.user.username).json["token"]
    wrong = caller.post("/api/v1/me/password", json={"current_password": "nope", "new_password": "a-new-secret"})
    assert wrong.status_code == 422 and "current_password" in wrong.json["errors"]["json"]
    short = caller.post("/api/v1/me/password", json={"current_password": TEST_PASSWORD, "new_password": "short"})
    assert short.status_code == 422 and "new_password" in short.json["errors"]["json"]
    ok = caller.post("/api/v1/me/password", json={"current_password": TEST_PASSWORD, "new_password": "a-new-secret"})
    assert ok.status_code == 204
    assert caller.get("/api/v1/me").status_code == 200
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {other}"}).status_code == 401
    assert login(client, caller.user.username, "a-new-secret").status_code == 201
    assert login(client, caller.user.username).status_code == 401
