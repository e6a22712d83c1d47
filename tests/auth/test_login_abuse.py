"""Password guessing, as an attacker would try it, and what must stop them: throttled by address, by
login and by both, without letting a stranger lock the owner out, and with no answer that tells a
login that exists from one that does not."""

import threading
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import delete

from server.auth import throttle
from server.auth.models import LoginThrottle
from server.core.db import db
from server.core.time import utcnow
from server.people.models import User
from tests.conftest import TEST_PASSWORD, WORLD, make_user

LOGIN = "/api/v1/auth/login"
STRANGER, OWNER = "203.0.113.9", "198.51.100.7"


def attempt(client, login, password="not the password", address=STRANGER, **headers):
    return client.post(
        LOGIN, json={"login": login, "password": password}, headers=headers, environ_base={"REMOTE_ADDR": address}
    )


def refused(resp):
    """The throttle's one answer: 429 in the one error shape, with Retry-After, and no token."""
    return (
        resp.status_code == 429
        and resp.json["code"] == "too_many_attempts"
        and resp.json["status"] == 429
        and set(resp.json) == {"code", "status", "message"}
        and int(resp.headers["Retry-After"]) > 0
    )


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, stopped, and moved on by hand."""

    class Clock:
        now = utcnow()

        def advance(self, **delta):
            self.now += timedelta(**delta)

    stopped = Clock()
    monkeypatch.setattr(throttle, "utcnow", lambda: stopped.now)
    return stopped


@pytest.fixture
def checks(monkeypatch):
    """How many argon2 verifications have run: what a password check costs, and what timing would show."""
    ran = []
    verify = PasswordHasher.verify
    monkeypatch.setattr(PasswordHasher, "verify", lambda self, *args: ran.append(1) or verify(self, *args))
    return ran


def spellings(user):
    """The ways of typing one login that the throttle must count as one."""
    return {
        "username": user.username,
        "upper": user.username.upper(),
        "padded": f"  {user.username} ",
        "phone": user.phone,
        "padded phone": f" {user.phone}",
    }


# ---- a stranger who tries to lock the owner out ------------------------------------------------


@pytest.mark.parametrize(
    "spelled, addresses",
    [
        (["username"], [STRANGER]),
        (["phone"], [STRANGER]),
        (["username", "upper", "padded"], [STRANGER]),  # the same login, however it is typed
        (["phone", "padded phone"], [STRANGER]),
        (["username"], ["2001:db8:1:2::10", "2001:db8:1:2::99", "2001:db8:1:2:ffff::1"]),  # one IPv6 /64
        (["username"], ["::ffff:203.0.113.9", STRANGER]),  # IPv4, mapped into IPv6 or not
    ],
    ids=["username", "phone", "respelled", "phone-respelled", "ipv6-neighbours", "ipv4-mapped"],
)
def test_a_stranger_guessing_is_stopped_but_the_owner_elsewhere_still_signs_in(
    app, client, login_as, clock, spelled, addresses
):
    user = login_as("station_officer").user
    logins = spellings(user)
    limit = app.config["LOGIN_MAX_FAILURES"]
    for n in range(limit):
        resp = attempt(client, logins[spelled[n % len(spelled)]], f"guess-{n}", addresses[n % len(addresses)])
        assert resp.status_code == 401 and resp.json["code"] == "login_failed"
    for address in addresses:  # stopped, even with the right password, without a check
        stopped = attempt(client, logins[spelled[0]], TEST_PASSWORD, address)
        assert refused(stopped) and "token" not in stopped.json
        assert 0 < int(stopped.headers["Retry-After"]) <= app.config["LOGIN_LOCK_MINUTES"] * 60
    for login in logins.values():  # the owner, from their own address, is not locked out
        assert attempt(client, login, TEST_PASSWORD, OWNER).status_code == 201


def test_the_stranger_may_try_again_when_the_window_ends_and_a_success_starts_them_afresh(app, client, login_as, clock):
    user = login_as("grid_worker").user
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        attempt(client, user.username)
    assert refused(attempt(client, user.username, TEST_PASSWORD))
    clock.advance(minutes=app.config["LOGIN_LOCK_MINUTES"] - 1)
    assert refused(attempt(client, user.username, TEST_PASSWORD))
    clock.advance(minutes=1)
    assert attempt(client, user.username, TEST_PASSWORD).status_code == 201
    for _ in range(2):  # each success gives the address a clean record at this login again
        for _ in range(limit - 1):
            assert attempt(client, user.username).status_code == 401
        assert attempt(client, user.username, TEST_PASSWORD).status_code == 201


# ---- one address spraying many logins --------------------------------------------------------


@pytest.mark.parametrize("targets", ["unknown", "known", "mixed"])
def test_spraying_a_guess_at_each_of_many_logins_from_one_address_is_stopped(app, client, login_as, targets):
    per_client = app.config["LOGIN_MAX_FAILURES_PER_CLIENT"]
    victim = login_as("grid_worker").user
    logins = [
        f"nobody{n}" if targets == "unknown" or (targets == "mixed" and n % 2) else login_as("grid_worker").user.phone
        for n in range(per_client)
    ]
    for login in logins:
        assert attempt(client, login, "123456789").status_code == 401
    assert refused(attempt(client, f"nobody{per_client}", "123456789"))
    assert refused(attempt(client, victim.username, TEST_PASSWORD))  # the whole address is stopped
    assert attempt(client, victim.username, TEST_PASSWORD, OWNER).status_code == 201


def test_successes_behind_one_shared_address_do_not_use_up_its_allowance(app, client, login_as):
    # many grid workers behind one carrier's address, signing in all morning
    workers = [login_as("grid_worker").user for _ in range(app.config["LOGIN_MAX_FAILURES_PER_CLIENT"] + 5)]
    for worker in workers:
        assert attempt(client, worker.username, TEST_PASSWORD, "100.64.0.1").status_code == 201


# ---- many addresses guessing at one login ------------------------------------------------------


def test_distributed_guessing_gets_about_one_guess_per_address_past_the_login_limit(app, client, login_as, clock):
    user = login_as("supervisor").user
    per_account = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    botnet = [f"192.0.2.{n}" for n in range(1, 60)]
    for address in botnet[:per_account]:  # one guess each, up to the login's limit
        assert attempt(client, user.username, address=address).status_code == 401
    assert refused(attempt(client, user.username, address=botnet[0]))  # failed here before: stopped
    assert refused(attempt(client, user.username, TEST_PASSWORD, botnet[1]))  # even with the right password
    fresh = botnet[per_account : per_account + 10]
    for address in fresh:  # a clean record still gets its one guess…
        assert attempt(client, user.username, address=address).status_code == 401
    for address in fresh:  # …and no second one
        assert refused(attempt(client, user.username, address=address))
    assert attempt(client, user.username, TEST_PASSWORD, OWNER).status_code == 201  # the owner signs in
    assert refused(attempt(client, user.username, address=botnet[2]))  # and that reopens nothing
    clock.advance(minutes=app.config["LOGIN_LOCK_MINUTES"])
    assert attempt(client, user.username, TEST_PASSWORD, botnet[0]).status_code == 201


@pytest.mark.no_transaction
def test_parallel_guesses_from_one_address_get_no_more_checks_than_the_limit(app, checks):
    """24 guesses sent at once, each in its own request, session and database connection (committing for real)."""
    with app.app_context():
        user = make_user("grid_worker", area_id=WORLD["grid_a1"])
        db.session.commit()
    limit, parallel = app.config["LOGIN_MAX_FAILURES"], 24
    start, answers = threading.Barrier(parallel), []

    def guess(n):
        client = app.test_client()
        start.wait()
        answers.append(attempt(client, user.username, f"guess-{n}").status_code)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(parallel)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(answers) == [401] * limit + [429] * (parallel - limit)
        assert len(checks) == limit
        assert attempt(app.test_client(), user.username, TEST_PASSWORD).status_code == 429
        assert attempt(app.test_client(), user.username, TEST_PASSWORD, OWNER).status_code == 201
    finally:
        with db.engine.begin() as conn:
            conn.execute(delete(LoginThrottle))
            conn.execute(delete(User).where(User.id == user.id))  # its roles and tokens cascade


# ---- nothing tells a login that exists from one that does not ----------------------------------


@pytest.mark.parametrize(
    "known",
    [
        ("username", "not the password"),
        ("phone", "not the password"),
        ("inactive", "not the password"),
        ("inactive", TEST_PASSWORD),  # the right password of a deactivated account
    ],
)
@pytest.mark.parametrize("language", ["zh", "en"])
def test_known_and_unknown_logins_answer_alike_attempt_after_attempt(
    app, client, login_as, clock, checks, known, language
):
    which, password = known
    user = login_as("grid_worker", is_active=which != "inactive").user
    known_login = user.phone if which == "phone" else user.username
    unknown_login = "13999999999" if which == "phone" else "no-such-user"
    answers = {}
    for login, address in ((known_login, "192.0.2.1"), (unknown_login, "192.0.2.2")):
        del checks[:]
        answers[login] = [
            attempt(client, login, password, address, **{"Accept-Language": language})
            for _ in range(app.config["LOGIN_MAX_FAILURES"] + 2)
        ]
        assert len(checks) == app.config["LOGIN_MAX_FAILURES"]  # one argon2 check per attempt, until refused
    for mine, theirs in zip(answers[known_login], answers[unknown_login], strict=True):
        assert (mine.status_code, mine.json, sorted(mine.headers.items())) == (
            theirs.status_code,
            theirs.json,
            sorted(theirs.headers.items()),
        )
    statuses = [resp.status_code for resp in answers[known_login]]
    assert statuses == [401] * app.config["LOGIN_MAX_FAILURES"] + [429, 429]
    assert ("Too many" in answers[known_login][-1].json["message"]) == (language == "en")


# ---- a stolen token guessing the password at /me/password -------------------------------------


def change(caller, current, new="a fresh passphrase 7", token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return caller.post("/api/v1/me/password", json={"current_password": current, "new_password": new}, headers=headers)


@pytest.mark.parametrize("stolen", [1, 2], ids=["one stolen token", "two stolen tokens"])
def test_a_stolen_token_cannot_keep_guessing_the_password(app, client, login_as, clock, checks, stolen):
    owner = login_as("station_officer")
    tokens = [attempt(client, owner.user.username, TEST_PASSWORD, OWNER).json["token"] for _ in range(stolen)]
    phone = attempt(client, owner.user.phone, TEST_PASSWORD, OWNER).json["token"]  # the owner's own session
    limit = app.config["LOGIN_MAX_FAILURES"]
    for n in range(limit - 1):
        wrong = change(owner, f"guess-{n}", token=tokens[n % stolen])
        assert wrong.status_code == 422 and "current_password" in wrong.json["errors"]["json"]
    last = tokens[(limit - 1) % stolen]
    assert refused(change(owner, "guess-last", token=last))  # the guess that reaches the limit…
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {last}"}).status_code == 401  # …signs it out
    for token in tokens:  # any further try, even with the right password, is refused unchecked and signs out too
        if token != last:
            assert refused(change(owner, TEST_PASSWORD, token=token))
        gone = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert gone.status_code == 401 and gone.json["code"] == "token_invalid"
    assert len(checks) == limit + stolen + 1  # the sign-ins, and the guesses up to the limit
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {phone}"}).status_code == 200
    clock.advance(minutes=app.config["LOGIN_LOCK_MINUTES"])  # the owner, later, changes the password
    assert change(owner, TEST_PASSWORD, token=phone).status_code == 204


def test_a_right_current_password_starts_the_count_afresh(app, login_as):
    caller = login_as("grid_worker")
    limit, password = app.config["LOGIN_MAX_FAILURES"], TEST_PASSWORD
    for n in range(3):
        for _ in range(limit - 1):
            assert change(caller, "guess").status_code == 422
        new = f"passphrase number {n}"
        assert change(caller, password, new).status_code == 204
        password = new
    assert caller.get("/api/v1/me").status_code == 200


def test_a_phone_sending_its_sign_in_again_after_lost_answers_is_never_locked_out(app, client, login_as):
    # The field app sends a sign-in again when its answer was dropped or cut (callPatiently in pwa/src/lib/api.js):
    # each copy of the right password that reached the server must cost nothing, even after typos.
    user = login_as("grid_worker").user
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit - 1):
        assert attempt(client, user.username).status_code == 401
    for _ in range(3 * limit):
        assert attempt(client, user.username, TEST_PASSWORD).status_code == 201
    for _ in range(limit - 1):  # typos after it count from a clean record
        assert attempt(client, user.username).status_code == 401
    assert attempt(client, user.username, TEST_PASSWORD).status_code == 201
