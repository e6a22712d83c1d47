"""Benchmark: a warning's fan-out to 700 grid workers and 100 station officers (target < 2 s), and 700
acknowledgements (已阅) arriving within one minute against gunicorn + PostgreSQL (target p95 < 100 ms).

Set-up: the demo data (700 grids, a worker each; the streets' stations, topped up to --officers station officers)
in a throwaway PostgreSQL schema. Fan-out: a red rainstorm warning over every street, issued --runs times (each a new
alert: every one fans out anew), timed two ways: `warnings.services.issue` in process up to its commit (the people
concerned read, their rows and inbox entries bulk inserted, the reminders set, the event appended), and the same
through `POST /api/v1/warnings` on gunicorn as the district's supervisor. Acknowledgements: each of the 700 grid
workers sends `POST /api/v1/warnings/<id>/acknowledge` at its own moment, spread evenly over --seconds (60), from
--clients threads (open loop: a late answer does not delay the next request), against gunicorn (--workers 2 sync).
The baseline, first in the same run: the same schedule of POSTs to a hello-world view (bench/hello_wsgi.py's
`/bench/hazards`, the JSON parsed and its id answered) on the same gunicorn, over --baseline-seconds at the same
rate. Then every recipient's row against the acknowledgements answered 200.

Run: .venv/bin/python bench/warnings.py [--runs 3] [--seconds 60] [--baseline-seconds 20] [--clients 16]
Needs PostgreSQL (BENCH_DATABASE_URL, default the test database on 127.0.0.1; a throwaway schema with the demo data is
created and dropped). No Redis: nothing here queues a job. Prints figures; asserts nothing.
"""

import argparse
import http.client
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api_read import fresh_schema  # noqa: E402
from bench.hazard_reports import call, percentile, stop  # noqa: E402
from server import create_app  # noqa: E402
from server.areas.models import Area  # noqa: E402
from server.auth.models import AuthToken  # noqa: E402
from server.auth.scope import grants_for  # noqa: E402
from server.auth.services import identity_for_token, token_digest  # noqa: E402
from server.core.db import Base, db  # noqa: E402
from server.core.time import utcnow  # noqa: E402
from server.demo.loader import load  # noqa: E402
from server.evidence.models import ChainHead  # noqa: E402
from server.evidence.services import GENESIS  # noqa: E402
from server.models import import_all_models  # noqa: E402
from server.people.models import RoleAssignment, User  # noqa: E402
from server.warnings import services  # noqa: E402
from server.warnings.models import WarningRecipient  # noqa: E402

TARGET_FANOUT_S, TARGET_P95_MS = 2.0, 100


def token_for(user_id) -> str:
    token = secrets.token_urlsafe(24)
    db.session.add(AuthToken(user_id=user_id, token_hash=token_digest(token), expires_at=utcnow() + timedelta(hours=3)))
    return token


def populate(officers: int) -> dict:
    """The demo data, station officers topped up to `officers`, tokens for the supervisor and every grid worker."""
    db.session.add(ChainHead(id=1, seq=0, hash=GENESIS))
    print(f"demo data: {load()}")
    streets = db.session.scalars(select(Area).where(Area.level == "street").order_by(Area.code)).all()
    have = db.session.scalar(select(func.count()).where(RoleAssignment.role == "station_officer"))
    for n in range(max(0, officers - have)):
        user = User(username=f"bench-so-{n}", phone=f"1880000{n:04d}", name=f"安监员{n}", password_hash="x")
        user.roles = [RoleAssignment(role="station_officer", area_id=streets[n % len(streets)].id)]
        db.session.add(user)
    db.session.flush()
    supervisor = db.session.scalar(select(User.id).where(User.username == "demo-supervisor"))
    workers = db.session.scalars(
        select(RoleAssignment.user_id).where(RoleAssignment.role == "grid_worker").order_by(RoleAssignment.user_id)
    ).all()
    found = {
        "streets": [s.id for s in streets],
        "supervisor": token_for(supervisor),
        "workers": [token_for(w) for w in workers],
    }
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return found


def body(street_ids) -> dict:
    return {
        "sender": "weather",
        "event": "rainstorm",
        "level": "red",
        "area_ids": street_ids,
        "headline": "武汉市气象台发布暴雨红色预警信号（基准测试）",
        "description": "预计未来3小时内全区降雨量将达100毫米以上。",
        "instruction": "网格员逐户告知并确认传达。",
        "expires_at": utcnow() + timedelta(hours=6),
    }


def fan_out_in_process(app, setup, runs: int) -> list[tuple[float, int, dict]]:
    """Each run: (seconds from issue to commit, recipients, by role)."""
    found = []
    with app.test_request_context():
        identity = identity_for_token(setup["supervisor"])
        scope = grants_for(identity.roles, "warnings.issue")
        for _ in range(runs):
            t0 = time.perf_counter()
            message, _ = services.issue(identity, body(setup["streets"]), scope)
            db.session.commit()
            elapsed = time.perf_counter() - t0
            roles = dict(
                db.session.execute(
                    select(WarningRecipient.role, func.count())
                    .where(WarningRecipient.warning_id == message.id)
                    .group_by(WarningRecipient.role)
                ).all()
            )
            found.append((elapsed, message.recipients_count, roles))
    return found


def serve(env_url: str, instance: str, port: int, workers: int, log, maintenance: int) -> subprocess.Popen:
    """gunicorn serving the app and the hello-world views (bench/hello_wsgi.py), without Redis (nothing queues)."""
    env = dict(os.environ, DATABASE_URL=env_url, BENCH_INSTANCE_PATH=instance, PYTHONPATH=str(ROOT))
    env["MAINTENANCE_SECONDS"] = str(maintenance)
    env.pop("REDIS_URL", None)
    cmd = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(
        [*cmd, "--log-level", "warning", "bench.hello_wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/bench/hello")
            conn.getresponse().read()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def post_json(port, path, payload, token=None) -> tuple[object, float, dict | None]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    t0 = time.perf_counter()
    conn.request("POST", path, json.dumps(payload, default=str).encode(), headers)
    response = conn.getresponse()
    data = response.read()
    elapsed = time.perf_counter() - t0
    conn.close()
    return response.status, elapsed, json.loads(data) if data else None


def scheduled(port, requests: list[tuple[str, bytes, dict]], seconds: float, clients: int, method: str = "POST"):
    """Send each request at its own moment, evenly over `seconds` (open loop), from `clients` threads: latencies (ms)
    and statuses."""
    start = time.perf_counter() + 0.5
    step = seconds / len(requests)
    latencies, statuses, lock = [], {}, threading.Lock()
    turn = iter(range(len(requests)))

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                n = next(turn, None)
            if n is None:
                return
            delay = start + n * step - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            path, payload, headers = requests[n]
            t0 = time.perf_counter()
            status = call(conn, method, path, payload, headers)
            with lock:
                latencies.append((time.perf_counter() - t0) * 1000)
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses


def print_latencies(name, latencies, statuses, seconds):
    p50, p95, p99 = (percentile(latencies, p) for p in (0.5, 0.95, 0.99))
    print(
        f"{name}: {len(latencies)} in {seconds:.0f} s   p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   p99 {p99:6.1f} ms   "
        f"max {max(latencies):6.1f} ms   statuses {statuses}"
    )
    return p95


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--officers", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--baseline-seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument(
        "--maintenance-seconds",
        type=int,
        default=10,
        help="the web processes' maintenance round (the app's default 10; 3600 keeps it out of the run)",
    )
    args = parser.parse_args()

    admin, schema, database_url = fresh_schema()
    instance = tempfile.mkdtemp(prefix="safegrid-bench-")
    gunicorn = None
    try:
        app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": instance})
        import_all_models()
        Base.metadata.create_all(db.engine)
        with app.app_context():
            setup = populate(args.officers)
        print(f"{len(setup['workers'])} grid workers with tokens, {len(setup['streets'])} streets")

        print(f"fan-out in process (services.issue to commit, target < {TARGET_FANOUT_S} s):")
        for elapsed, recipients, roles in fan_out_in_process(app, setup, args.runs):
            print(f"  {elapsed * 1000:7.1f} ms   {recipients} recipients {roles}")
        db.engine.dispose()

        with open(Path(instance) / "gunicorn.log", "ab") as log:
            gunicorn = serve(database_url, instance, args.port, args.workers, log, args.maintenance_seconds)
            post_json(args.port, "/bench/hazards", {"id": "warm"})
            print("fan-out through POST /api/v1/warnings on gunicorn:")
            issued = None
            # each gunicorn worker's first issue loads and compiles what the rest reuse: two more, shown apart
            for n in range(args.runs + 2):
                status, elapsed, issued = post_json(
                    args.port, "/api/v1/warnings", body(setup["streets"]), setup["supervisor"]
                )
                note = "   (warm-up)" if n < 2 else ""
                print(
                    f"  {elapsed * 1000:7.1f} ms   status {status}   {issued['totals']['recipients']} recipients{note}"
                )
            warning_id = issued["id"]

            rate = len(setup["workers"]) / args.seconds
            n_base = max(1, int(rate * args.baseline_seconds))
            hello = [
                ("/bench/hazards", json.dumps({"id": str(uuid.uuid4())}).encode(), {"Content-Type": "application/json"})
                for _ in range(n_base)
            ]
            base_lat, base_statuses = scheduled(args.port, hello, args.baseline_seconds, args.clients)
            base_p95 = print_latencies(
                "baseline (hello-world POST, same rate)", base_lat, base_statuses, args.baseline_seconds
            )

            acks = [
                (
                    f"/api/v1/warnings/{warning_id}/acknowledge",
                    json.dumps({"client_id": str(uuid.uuid4())}).encode(),
                    {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
                )
                for token in setup["workers"]
            ]
            # the same schedule reading the message (GET, no write, no commit): what the acknowledgement's write adds
            reads = [(f"/api/v1/warnings/{warning_id}", None, {"Authorization": h[2]["Authorization"]}) for h in acks]
            read_lat, read_statuses = scheduled(args.port, reads[:n_base], args.baseline_seconds, args.clients, "GET")
            print_latencies("reads of the message (GET, same rate)", read_lat, read_statuses, args.baseline_seconds)
            ack_lat, ack_statuses = scheduled(args.port, acks, args.seconds, args.clients)
            p95 = print_latencies(
                f"acknowledgements (target p95 < {TARGET_P95_MS} ms)", ack_lat, ack_statuses, args.seconds
            )
            print(f"  p95 against the baseline's: {p95 / base_p95:.1f}×; median {statistics.median(ack_lat):.1f} ms")
        with app.app_context():
            read = db.session.scalar(
                select(func.count()).where(
                    WarningRecipient.warning_id == uuid.UUID(warning_id), WarningRecipient.acknowledged_at.is_not(None)
                )
            )
        db.engine.dispose()
        print(f"durability: {read} recipients' rows read against {ack_statuses.get(200, 0)} answered 200")
    finally:
        stop(gunicorn)
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
