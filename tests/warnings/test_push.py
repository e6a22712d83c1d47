"""Web Push for warnings against a real push service on this machine (tests/warnings/push_service.py): the phones'
subscriptions, the sealed and signed messages, a dropped subscription, an unconfigured deployment, a service down."""

from datetime import timedelta
from urllib.parse import quote, urlsplit

import pytest
from sqlalchemy import select

from server import jobs
from server.config import ConfigError, load_config
from server.core.db import db
from server.core.time import utcnow
from server.jobs.models import PendingJob
from server.warnings.subscriptions import MAX_PER_USER, PushSubscription
from server.warnings.vapid import generate_keys
from tests.sync.test_feed import sync
from tests.warnings.conftest import issue
from tests.warnings.push_service import Browser, PushService
from tests.warnings.test_warnings import ack, inbox

WARNINGS = "/api/v1/warnings"
SUBSCRIPTIONS = f"{WARNINGS}/push/subscriptions"
SUBJECT = "mailto:ops@example.org"


@pytest.fixture
def vapid(app):
    """A deployment with Web Push configured: a key pair as `flask warnings vapid-keys` makes it."""
    public, private = generate_keys()
    keys = {"VAPID_PUBLIC_KEY": public, "VAPID_PRIVATE_KEY": private, "VAPID_SUBJECT": SUBJECT}
    app.config.update(keys)
    yield keys
    for key in keys:
        app.config[key] = None


@pytest.fixture
def service(vapid):
    push_service = PushService(vapid["VAPID_PUBLIC_KEY"]).start()
    yield push_service
    push_service.stop()


def subscribe(caller, service) -> Browser:
    """The app on a phone: a subscription from the browser, registered for the signed-in user."""
    browser = Browser(service.endpoint())
    resp = caller.post(SUBSCRIPTIONS, json=browser.subscription())
    assert resp.status_code == 201, resp.json
    return browser


def delivered(service, browser) -> list[dict]:
    """What reached one browser, decrypted with its own keys."""
    path = urlsplit(browser.endpoint).path
    return [browser.decrypt(message.body) for message in service.received if message.path == path]


def sweep(app, now=None) -> int:
    """The next maintenance round of a process without Redis: it runs the pushes the requests recorded."""
    with app.app_context():
        return jobs.sweep(now)


def pending(app) -> list[PendingJob]:
    with app.app_context():
        return db.session.scalars(select(PendingJob).order_by(PendingJob.created_at)).all()


def stored_endpoints(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(PushSubscription.endpoint)))


def test_a_warning_reaches_its_recipients_phones_sealed_for_each_and_signed_by_the_deployment(
    app, town, world, service
):
    worker_phone, worker_tablet = subscribe(town["a1"], service), subscribe(town["a1"], service)  # two devices
    station_phone = subscribe(town["station_a"], service)
    elsewhere = subscribe(town["b1"], service)  # a grid worker of another street: not a recipient
    warning = issue(town["district"], [world["grid_a1"]])
    # the request did not wait for the push service: the job waits for the next round
    assert service.received == [] and [row.name for row in pending(app)] == ["server.warnings.push:deliver"]
    assert inbox(town["a1"]) == [("warning", warning["id"])]
    assert sweep(app) == 1
    expected = {
        "id": warning["id"],
        "root_id": warning["id"],
        "type": "alert",
        "level": "red",
        "title": "红色暴雨预警",
    }
    assert delivered(service, worker_phone) == delivered(service, worker_tablet) == [expected]
    assert delivered(service, station_phone) == [expected]
    assert delivered(service, elsewhere) == [] and service.refused == []
    message = service.received[0]
    assert message.claims["aud"] == service.origin and message.claims["sub"] == SUBJECT
    assert message.headers["content-encoding"] == "aes128gcm" and message.headers["urgency"] == "high"
    assert 0 < int(message.headers["ttl"]) <= 6 * 3600
    assert message.headers["topic"] == warning["id"].replace("-", "")  # an update replaces it at the service
    assert pending(app) == []


def test_an_update_and_a_cancellation_are_pushed_too_with_their_level(app, town, world, service):
    phone = subscribe(town["a1"], service)
    alert = issue(town["district"], [world["grid_a1"]], level="orange")
    update = town["district"].post(f"{WARNINGS}/{alert['id']}/update", json={"level": "yellow"}).json
    cancel = town["district"].post(f"{WARNINGS}/{update['id']}/cancel", json={}).json
    assert sweep(app) == 3
    got = [(phone.decrypt(m.body), m.headers["urgency"]) for m in service.received]
    assert sorted((m["id"], m["type"], m["level"], m["title"], urgency) for m, urgency in got) == sorted(
        [
            (alert["id"], "alert", "orange", "橙色暴雨预警", "high"),
            (update["id"], "update", "yellow", "黄色暴雨预警", "normal"),
            (cancel["id"], "cancel", "yellow", "黄色暴雨预警", "normal"),
        ]
    )
    assert {m["root_id"] for m, _ in got} == {alert["id"]}


def test_a_subscription_the_push_service_dropped_is_deleted_and_not_tried_again(app, town, world, service):
    kept, dropped = subscribe(town["a1"], service), subscribe(town["a1"], service)
    service.answers[urlsplit(dropped.endpoint).path] = 410  # the browser unsubscribed, or the app was removed
    issue(town["district"], [world["grid_a1"]])
    sweep(app)
    assert stored_endpoints(app) == {kept.endpoint}
    assert pending(app) == []  # a 410 is an answer, not a failure: nothing to try again
    service.received.clear()
    issue(town["district"], [world["grid_a1"]], headline="第二条")
    sweep(app)
    assert [m.path for m in service.received] == [urlsplit(kept.endpoint).path]


def test_with_no_push_service_configured_nothing_is_sent_and_no_phone_can_subscribe(app, town, world, service, vapid):
    phone = subscribe(town["a1"], service)
    for key in vapid:  # the deployment takes its push service away
        app.config[key] = None
    assert town["a1"].get(f"{WARNINGS}/push").json == {"enabled": False, "public_key": None}
    resp = town["a2"].post(SUBSCRIPTIONS, json=Browser(service.endpoint()).subscription())
    assert resp.status_code == 409 and resp.json["code"] == "push_not_configured"
    warning = issue(town["district"], [world["grid_a1"]])
    assert pending(app) == [] and sweep(app) == 0
    assert delivered(service, phone) == [] and service.received == []
    assert [c["id"] for c in sync(town["a1"])[0] if c["kind"] == "warning"] == [warning["id"]]


def test_with_the_push_service_down_the_warning_is_fanned_out_and_the_push_tried_a_bounded_number_of_times(
    app, town, world, service
):
    phone = subscribe(town["a1"], service)
    service.answers[urlsplit(phone.endpoint).path] = 503
    warning = issue(town["district"], [world["grid_a1"]])
    assert inbox(town["a1"]) == [("warning", warning["id"])]
    assert [c["id"] for c in sync(town["a1"])[0] if c["kind"] == "warning"] == [warning["id"]]
    ack(town["a1"], warning["id"])
    sweep(app)  # the push fails: its resend waits
    (resend,) = pending(app)
    assert resend.name == "server.warnings.push:resend" and resend.state == "pending"
    service.stop()  # now nothing answers at all
    later = utcnow()
    for _ in range(4):  # the resend's four attempts, each after its wait
        later += timedelta(minutes=11)
        sweep(app, later)
    (resend,) = pending(app)
    assert resend.state == "failed" and resend.attempts == 4 and "ConnectionError" in resend.last_error
    assert stored_endpoints(app) == {phone.endpoint}  # a failure is not a dropped subscription
    assert town["district"].get(f"{WARNINGS}/{warning['id']}/coverage").json["totals"]["acknowledged"] == 1


def test_a_push_that_failed_is_delivered_once_the_service_is_back(app, town, world, service):
    phone = subscribe(town["a1"], service)
    path = urlsplit(phone.endpoint).path
    service.answers[path] = 500
    warning = issue(town["district"], [world["grid_a1"]])
    sweep(app)
    assert delivered(service, phone)[0]["id"] == warning["id"]  # taken, then refused with a 500
    service.answers[path] = 201
    service.received.clear()
    sweep(app, utcnow() + timedelta(seconds=1))
    assert [m["id"] for m in delivered(service, phone)] == [warning["id"]] and pending(app) == []


def test_a_subscription_is_registered_once_per_endpoint_for_whoever_is_signed_in_there(app, town, service):
    browser = Browser(service.endpoint())
    first = town["a1"].post(SUBSCRIPTIONS, json=browser.subscription())
    again = town["a1"].post(SUBSCRIPTIONS, json=browser.subscription())
    assert (first.status_code, again.status_code) == (201, 200) and first.json["id"] == again.json["id"]
    taken = town["a2"].post(SUBSCRIPTIONS, json=browser.subscription())  # another user signs in on that phone
    assert taken.status_code == 200 and taken.json["id"] == first.json["id"]
    with app.app_context():
        assert db.session.scalars(select(PushSubscription.user_id)).all() == [town["a2"].user.id]
    # a1 cannot unsubscribe a2's browser; a2 can
    assert town["a1"].delete(f"{SUBSCRIPTIONS}?endpoint={quote(browser.endpoint, safe='')}").status_code == 204
    assert stored_endpoints(app) == {browser.endpoint}
    assert town["a2"].delete(f"{SUBSCRIPTIONS}?endpoint={quote(browser.endpoint, safe='')}").status_code == 204
    assert stored_endpoints(app) == set()
    assert town["a2"].delete(f"{SUBSCRIPTIONS}?endpoint={quote(browser.endpoint, safe='')}").status_code == 204


def test_a_user_keeps_the_newest_devices_subscriptions(app, town, service):
    browsers = [subscribe(town["a1"], service) for _ in range(MAX_PER_USER + 1)]
    assert stored_endpoints(app) == {b.endpoint for b in browsers[1:]}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"endpoint": "http://push.example.org/x"}, "endpoint"),  # a push service is https
        ({"endpoint": "https://user:pw@push.example.org/x"}, "endpoint"),
        ({"endpoint": "not a url"}, "endpoint"),
        ({"keys": {"p256dh": "AAAA", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}}, "keys"),  # not a point on P-256
        ({"keys": {"p256dh": None, "auth": "short"}}, "keys"),
        ({"device": "mine"}, "device"),
    ],
)
def test_a_bad_subscription_is_refused_saying_what_is_wrong(town, service, change, field):
    body = {**Browser(service.endpoint()).subscription(), **change}
    resp = town["a1"].post(SUBSCRIPTIONS, json=body)
    assert resp.status_code == 422 and resp.json["code"] == "validation_error"
    assert field in resp.json["errors"]["json"]


def test_signed_out_no_subscription_is_taken(client, service):
    resp = client.post(SUBSCRIPTIONS, json=Browser(service.endpoint()).subscription())
    assert resp.status_code == 401 and resp.json["code"] == "unauthenticated"


def test_the_deployment_gets_its_key_pair_from_the_command_and_a_bad_one_is_refused_at_start(app, tmp_path):
    output = app.test_cli_runner().invoke(args=["warnings", "vapid-keys"]).output
    keys = dict(line.split("=", 1) for line in output.split())
    env = {**keys, "VAPID_SUBJECT": SUBJECT}
    config = load_config(tmp_path, env)
    assert {name: config[name] for name in keys} == keys
    other_public, _ = generate_keys()
    for wrong in ({"VAPID_PUBLIC_KEY": other_public}, {"VAPID_PRIVATE_KEY": "short"}, {"VAPID_SUBJECT": "ops"}):
        with pytest.raises(ConfigError):
            load_config(tmp_path, {**env, **wrong})
    assert load_config(tmp_path, {**env, "VAPID_SUBJECT": ""})["VAPID_SUBJECT"] is None  # two of three: off
