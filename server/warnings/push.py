"""Web Push (VAPID) for warnings, where a push service is configured: nothing else depends on it.

Delivery never needs a service outside the district: a phone learns of a message from the delta feed and the app's
short poll while it is open. Web Push only wakes a closed app sooner. It is configured by VAPID_PUBLIC_KEY,
VAPID_PRIVATE_KEY and VAPID_SUBJECT together; with any of them absent (the default), `announce` does nothing and the
app is told not to subscribe (`GET /api/v1/warnings/push`).

Each message fanned out (an alert, an update, a cancellation) is one `deliver` job, recorded in the fan-out's
transaction and run after it commits, never in the request: on a worker, or without Redis on the next maintenance
round (`inline=False`). It seals a small payload (the message's id, level and Chinese title: nothing about anyone)
for each recipient's subscriptions (RFC 8291, aes128gcm), signs for the push service (RFC 8292) and posts them at
once, a few at a time. A subscription the push service no longer has (404, 410) is deleted; one that failed otherwise
gets a `resend` job of its own, tried a bounded number of times.
"""

import json
import logging
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from urllib.parse import urlsplit

import requests
from flask import current_app
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from server.core.db import db
from server.core.errors import DomainError
from server.core.time import utcnow
from server.jobs import job, later, run_after_commit
from server.warnings import subscriptions
from server.warnings.models import WarningMessage, subject
from server.warnings.subscriptions import PushSubscription

log = logging.getLogger("safegrid.warnings.push")

CONCURRENCY = 16  # posts in flight at once, to the push services of one message's recipients
TIMEOUT = (3.05, 10)  # seconds to connect, to read the answer
DELIVER_TIMEOUT = 300  # the job's; what it has not posted by its end (less a margin) is left to resends
URGENT_LEVELS = ("red", "orange")  # RFC 8030 Urgency: high, else normal


class NotConfigured(DomainError):
    status, code = 409, "push_not_configured"
    zh, en = "本系统未配置推送服务：预警经同步送达", "No push service is configured here: warnings arrive by sync"


class PushFailed(RuntimeError):
    """The push service did not take the message (an error, no answer): the resend job is tried again."""


def configured() -> bool:
    config = current_app.config
    return bool(config.get("VAPID_PUBLIC_KEY") and config.get("VAPID_PRIVATE_KEY") and config.get("VAPID_SUBJECT"))


def public_key() -> str | None:
    return current_app.config.get("VAPID_PUBLIC_KEY") if configured() else None


def announce(message: WarningMessage, users) -> int:
    """Offer a message fanned out to its recipients' push subscriptions, after the fan-out commits: how many
    recipients it was offered for (0 when unconfigured). Only records the job: nothing here waits for push."""
    if not configured() or not users:
        return 0
    later(deliver, str(message.id))
    return len(users)


def payload(message: WarningMessage) -> str:
    """What a phone's service worker gets: enough to show the notification and open the warning, nothing more."""
    body = {
        "id": str(message.id),
        "root_id": str(message.root_id),
        "type": message.msg_type,
        "level": message.level,
        "title": subject(message),
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def ttl_of(message: WarningMessage, now: datetime) -> int:
    """How long a push service keeps the message for a phone that is off: PUSH_TTL_SECONDS from when it was sent,
    never past the warning's expiry."""
    until = min(message.expires_at.timestamp(), message.sent_at.timestamp() + current_app.config["PUSH_TTL_SECONDS"])
    return max(0, int(until - now.timestamp()))


def headers_of(message: WarningMessage) -> dict:
    # Topic: a message of the same warning replaces one the push service still holds (an update its alert)
    return {"Urgency": "high" if message.level in URGENT_LEVELS else "normal", "Topic": message.root_id.hex}


@job(queue="default", timeout=DELIVER_TIMEOUT, retry=(60, 300), inline=False)
def deliver(warning_id: str) -> str:
    """The job: post a message to every subscription of its recipients; the failed ones get a resend each."""
    if not configured():
        return "off"
    message = db.session.get(WarningMessage, uuid.UUID(warning_id))
    if message is None:
        raise LookupError(f"warning {warning_id} is not stored")
    ttl = ttl_of(message, utcnow())
    if ttl <= 0:
        return "expired"
    targets = {s.id: _info(s) for s in subscriptions.of_recipients(message.id, public_key())}
    data, headers = payload(message), headers_of(message)
    db.session.commit()  # no transaction held while the push services answer
    deadline = time.monotonic() + DELIVER_TIMEOUT - 30
    outcomes = _post_all(targets, data, headers, ttl, deadline)
    gone = [sid for sid, outcome in outcomes.items() if outcome == "gone"]
    failed = [sid for sid, outcome in outcomes.items() if outcome not in ("sent", "gone")]
    for sid in gone:
        subscriptions.gone(sid)
    for sid in failed:
        later(resend, warning_id, str(sid))
    db.session.commit()
    run_after_commit()  # the resends to a worker (without Redis, they wait for the next round)
    sent = len(outcomes) - len(gone) - len(failed)
    log.info("warning %s pushed: %d sent, %d gone, %d to try again", warning_id, sent, len(gone), len(failed))
    return f"{sent} sent, {len(gone)} gone, {len(failed)} to try again"


@job(queue="default", timeout=30, retry=(30, 120, 600), inline=False)
def resend(warning_id: str, subscription_id: str) -> str:
    """The job: post a message to one subscription again; a failure propagates, to be tried again (four times in
    all), unless the message is past its time to live, or the subscription is gone or was made with another key."""
    if not configured():
        return "off"
    message = db.session.get(WarningMessage, uuid.UUID(warning_id))
    subscription = db.session.get(PushSubscription, uuid.UUID(subscription_id))
    if message is None or subscription is None or subscription.server_key != public_key():
        return "moot"
    ttl = ttl_of(message, utcnow())
    if ttl <= 0:
        return "expired"
    info = _info(subscription)
    db.session.commit()
    outcome = _post(info, payload(message), headers_of(message), ttl)
    if outcome == "gone":
        subscriptions.gone(subscription.id)
        db.session.commit()
    elif outcome != "sent":
        raise PushFailed(f"push to subscription {subscription_id}: {outcome}")
    return outcome


# ---- posting -------------------------------------------------------------------------------------------------

_sessions = threading.local()  # a connection pool per posting thread (one push service holds most endpoints)


def _info(subscription: PushSubscription) -> dict:
    return {"endpoint": subscription.endpoint, "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}}


def _vapid() -> tuple[Vapid, str]:
    config = current_app.config
    return Vapid.from_string(config["VAPID_PRIVATE_KEY"]), config["VAPID_SUBJECT"]


def _post_all(targets: dict, data: str, headers: dict, ttl: int, deadline: float) -> dict:
    """Post to every target, CONCURRENCY at a time: {subscription id: outcome}. What is not started by the deadline
    is "late" (it gets a resend like a failure)."""
    if not targets:
        return {}
    vapid = _vapid()

    def post(info):
        if time.monotonic() > deadline:
            return "late"
        return _post(info, data, headers, ttl, vapid)

    with ThreadPoolExecutor(max_workers=min(CONCURRENCY, len(targets)), thread_name_prefix="safegrid-push") as pool:
        return dict(zip(targets, pool.map(post, targets.values()), strict=True))


def _post(info: dict, data: str, headers: dict, ttl: int, vapid: tuple[Vapid, str] | None = None) -> str:
    """One message to one subscription: "sent", "gone" (404/410: the subscription is no more), or what failed."""
    key, contact = vapid or _vapid()
    origin = urlsplit(info["endpoint"])
    claims = {"sub": contact, "aud": f"{origin.scheme}://{origin.netloc}"}  # a dict each: webpush adds its exp
    try:
        webpush(
            info,
            data=data,
            vapid_private_key=key,
            vapid_claims=claims,
            ttl=ttl,
            headers=headers,
            timeout=TIMEOUT,
            requests_session=_session(),
        )
    except WebPushException as exc:
        status = exc.status_code
        if status in (404, 410):
            return "gone"
        log.warning("push service at %s answered %s", origin.netloc, status)
        return f"HTTP {status}"
    except requests.RequestException as exc:  # no answer
        log.warning("push service at %s did not answer: %s", origin.netloc, type(exc).__name__)
        return type(exc).__name__
    except Exception as exc:  # a bug, or a subscription that cannot be sealed for: the others go on
        log.exception("push to %s failed", origin.netloc)
        return type(exc).__name__
    return "sent"


def _session() -> requests.Session:
    session = getattr(_sessions, "session", None)
    if session is None:
        session = _sessions.session = requests.Session()
    return session
