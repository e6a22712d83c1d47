"""Benchmark: a warning's Web Push to --subscriptions browsers (800: the fan-out's 700 grid workers and 100 officers,
one device each), as the `deliver` job sends it (the subscriptions read, each message sealed for its browser with
aes128gcm and signed with VAPID, posted 16 at a time, the commit), against a local push service on this machine
(tests/warnings/push_service.py, which checks every VAPID signature). The baseline, in turns with it in the same run:
as many bare POSTs of a body of the same size to the same service from 16 threads, nothing sealed or signed.

Run: .venv/bin/python bench/warning_push.py [--subscriptions 800] [--runs 3]
Needs nothing else (a throwaway SQLite file). Prints figures; asserts nothing.
"""

import argparse
import os
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import requests
from py_vapid import Vapid
from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server import create_app  # noqa: E402
from server.core.db import Base, db  # noqa: E402
from server.core.time import utcnow  # noqa: E402
from server.models import import_all_models  # noqa: E402
from server.people.models import User  # noqa: E402
from server.warnings import push  # noqa: E402
from server.warnings.models import WarningMessage, WarningRecipient  # noqa: E402
from server.warnings.subscriptions import PushSubscription  # noqa: E402
from server.warnings.vapid import generate_keys  # noqa: E402
from tests.warnings.push_service import Browser, PushService  # noqa: E402


def world(app, service: PushService, count: int) -> str:
    """`count` users, each one browser subscribed at the service, all recipients of one red warning."""
    now = utcnow()
    with app.app_context():
        message = WarningMessage(
            id=uuid.uuid4(), identifier="JH-BENCH", msg_type="alert", sender="weather", status="actual",
            event="rainstorm", category="Met", level="red", area_ids=[1], headline="暴雨红色预警",
            effective_at=now, expires_at=now + timedelta(hours=12), sent_at=now,
        )  # fmt: skip
        message.root_id = message.id
        db.session.add(message)
        for n in range(count):
            user = User(id=uuid.uuid4(), username=f"bench{n}", name=f"网格员{n}", password_hash="-")
            keys = Browser(service.endpoint()).subscription()
            db.session.add(user)
            db.session.flush()
            db.session.add(WarningRecipient(warning_id=message.id, user_id=user.id, role="grid_worker"))
            db.session.add(
                PushSubscription(
                    user_id=user.id,
                    endpoint=keys["endpoint"],
                    p256dh=keys["keys"]["p256dh"],
                    auth=keys["keys"]["auth"],
                    server_key=app.config["VAPID_PUBLIC_KEY"],
                )
            )
        db.session.commit()
        return str(message.id)


def bare_posts(urls: list[str], body: bytes, headers: dict) -> float:
    local = threading.local()

    def post(url):
        session = getattr(local, "session", None) or setattr(local, "session", requests.Session()) or local.session
        session.post(url, data=body, headers={**headers, "TTL": "3600", "Content-Encoding": "aes128gcm"}, timeout=10)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=push.CONCURRENCY) as pool:
        list(pool.map(post, urls))
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=800)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    public, private = generate_keys()
    folder = tempfile.mkdtemp(prefix="bench-push-")
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": folder,
            "DATABASE_URL": f"sqlite:///{folder}/bench.db",
            "SECRET_KEY": "bench-" + uuid.uuid4().hex,
            "REDIS_URL": None,
            "VAPID_PUBLIC_KEY": public,
            "VAPID_PRIVATE_KEY": private,
            "VAPID_SUBJECT": "mailto:bench@example.org",
        }
    )
    import_all_models()
    Base.metadata.create_all(db.engine)
    service = PushService(public).start()
    warning_id = world(app, service, args.subscriptions)
    with app.app_context():
        urls = list(db.session.scalars(select(PushSubscription.endpoint)))
        sample = len(push.payload(db.session.get(WarningMessage, uuid.UUID(warning_id))).encode())
    body = os.urandom(sample + 103)  # aes128gcm's header (86 bytes), its tag (16) and delimiter (1)
    # one real VAPID header for all: the service checks its signature as it does the job's (but it is signed once)
    vapid = Vapid.from_string(private)
    claims = {"sub": "mailto:bench@example.org", "aud": service.origin, "exp": int(time.time()) + 3600}
    authorization = vapid.sign(claims)
    rows = []
    for run in range(args.runs):
        service.received.clear()
        bare = bare_posts(urls, body, authorization)
        bare_verified = len(service.received)
        service.received.clear()
        service.refused.clear()
        started = time.perf_counter()
        with app.app_context():
            outcome = push.deliver(warning_id)
        job = time.perf_counter() - started
        verified = len(service.received)
        rows.append((bare, job))
        print(
            f"run {run + 1}: bare POSTs {bare:.2f} s ({bare_verified} received); deliver {job:.2f} s ({outcome}; "
            f"{verified} received with a valid VAPID signature, {len(service.refused)} refused); "
            f"ratio {job / bare:.2f}x; "
            f"{job / args.subscriptions * 1000:.2f} ms a subscription"
        )
    service.stop()
    best_bare, best_job = min(r[0] for r in rows), min(r[1] for r in rows)
    print(f"best of {args.runs}: bare {best_bare:.2f} s, deliver {best_job:.2f} s, ratio {best_job / best_bare:.2f}x")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
