"""Benchmark: department officers submitting the 68-item gas station assessment, each citing 10 photos uploaded
beforehand, against gunicorn + PostgreSQL + Redis with an RQ worker, as in production; against hello-world.

The demo data (its gas station assessment, 加油站安全考核（演示）: 5 sections, 68 items), --units gas stations in all
(the demo's 14, and more beside them if asked), and --clients officers of the fuel retail department, each with a
token. Each officer uploads 10 ~300 KB photos (PUT /api/v1/photos/<uuid>, as the phone does) and the queue drains
their copies; then every officer, a thread of this process, submits for --seconds in a closed loop: POST
/api/v1/inspections, a new assessment as soon as the last was answered (--think S: after a random pause of mean S
seconds), at a unit chosen at random, in 交叉考核, every item answered: three failed (procedures with a note; lanes
and hot-work, its section's 否决项, with a photo each, both proposing a hazard, so two hazards a submission), one
N/A, the best option or a passing reading for the others, and the other 8 photos on passing items as evidence.
16 clients with no think time is the hard version of "16 officers submitting": each keeps one request in flight all
the time, so the server never idles and a submission's latency is mostly its wait in the queue (16 / the rate).
The baseline, measured first in the same run: the same clients POSTing the same bodies to a hello-world view on
the same gunicorn (bench/hello_wsgi.py: the JSON parsed, 201 answered).

Printed: submissions/s and the ratio to the baseline's, p50/p95/p99, errors by status, where the two cores went
(gunicorn, the RQ worker, PostgreSQL, this load generator), the drain afterwards, and the accepted inspections, their
hazards and the event chain against the database.

Run: .venv/bin/python bench/inspection_submissions.py [--seconds 20] [--baseline-seconds 10] [--clients 16]
         [--units 14] [--think 0] [--workers 2] [--worker-class gthread --threads 4] [--py-spy DIR]
Needs PostgreSQL and Redis as bench/hazard_reports.py does. Prints figures; asserts nothing.
Target (issue 14): p95 of a submission under 100 ms.
"""

import argparse
import base64
import hashlib
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from redis import Redis
from rq import Queue
from sqlalchemy import func, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api_read import fresh_schema  # noqa: E402
from bench.hazard_reports import (  # noqa: E402
    REDIS_URL,
    SHANGHAI,
    PhotoMaker,
    backlog,
    busy_share,
    call,
    cpu_by_process,
    cpu_split,
    machine_busy,
    percentile,
    rq_worker,
    serve,
    server_env,
    spy,
    stop,
)
from server import create_app  # noqa: E402
from server.areas.models import Area  # noqa: E402
from server.auth.models import AuthToken  # noqa: E402
from server.auth.services import token_digest  # noqa: E402
from server.core.db import Base, db  # noqa: E402
from server.core.time import utcnow  # noqa: E402
from server.demo.loader import load  # noqa: E402
from server.enterprises.models import Enterprise  # noqa: E402
from server.evidence.models import ChainHead  # noqa: E402
from server.evidence.services import GENESIS, verify  # noqa: E402
from server.inspections.models import Inspection, InspectionHazard, InspectionTemplate  # noqa: E402
from server.jobs.queues import QUEUES  # noqa: E402
from server.models import import_all_models  # noqa: E402
from server.people.models import RoleAssignment, User  # noqa: E402
from server.sites.models import Site  # noqa: E402

CHECKLIST = "加油站安全考核（演示）"
FAILED = {"procedures": "note", "lanes": "photo", "hot-work": "photo"}  # as tests/e2e/test_officer_assessment.py
NOT_APPLICABLE = "tank-area-kit"
PHOTOS = 10
TARGET_P95_MS = 100


# ---- the queues: the photos' copies (default) and any document (documents) -----------------------------------


class Queues:
    """Both of the project's queues, counted as one by bench.hazard_reports' backlog()."""

    def __init__(self, redis):
        self.queues = [Queue(name, connection=redis) for name in QUEUES]

    def waiting(self) -> int:
        return sum(backlog(queue) for queue in self.queues)


def drain(queues: Queues, timeout: float, since: float | None = None) -> float | None:
    """Seconds from `since` (default now) until no job of either queue waits or runs (seen twice), or None."""
    t0, empty_since = since or time.monotonic(), None
    while time.monotonic() - t0 < timeout:
        if queues.waiting() == 0:
            if empty_since is not None:
                return empty_since - t0
            empty_since = time.monotonic()
        else:
            empty_since = None
        time.sleep(0.1)
    return None


# ---- the data --------------------------------------------------------------------------------------------


@dataclass
class Officer:
    """One client: an officer's token and the 10 photos they uploaded."""

    username: str
    token: str
    photos: list = field(default_factory=list)


def populate(n_clients: int, n_units: int) -> tuple[list[Officer], dict, list[str]]:
    """The demo data, gas stations up to n_units, and n_clients fuel retail officers with tokens:
    (officers, the assessment's published version, the units' ids)."""
    db.session.add(ChainHead(id=1, seq=0, hash=GENESIS))  # as the event chain's migration does
    counts = load()
    db.session.commit()
    print(f"demo data: {counts}")
    template = db.session.scalars(
        select(InspectionTemplate).where(InspectionTemplate.name == CHECKLIST, InspectionTemplate.state == "published")
    ).one()
    stations = db.session.scalars(select(Site).where(Site.type == "gas_station").order_by(Site.name)).all()
    chains = db.session.scalars(select(Enterprise.id).where(Enterprise.sector == "fuel_retail")).all()
    extra = [
        {
            "id": uuid.uuid4(),
            "name": f"测试加油站{i:04d}",
            "type": "gas_station",
            "enterprise_id": chains[i % len(chains)],  # a chain's stations: the department sees them by sector
            "address": f"江汉区测试路{i}号",
            "latitude": stations[i % len(stations)].latitude + 0.0001 * (i // len(stations)),
            "longitude": stations[i % len(stations)].longitude,
            "grid_id": stations[i % len(stations)].grid_id,
            "risk_level": "general",
            "is_demo": False,
            "version": 1,
            "created_at": utcnow(),
            "updated_at": utcnow(),
        }
        for i in range(max(0, n_units - len(stations)))
    ]
    if extra:
        db.session.execute(insert(Site), extra)
    units = [str(s.id) for s in stations[:n_units]] + [str(row["id"]) for row in extra]
    district = db.session.scalar(select(Area.id).where(Area.level == "district"))
    officers = []
    for k in range(n_clients):
        user = User(
            username=f"bench-fuel-{k}",
            name=f"考核员{k}",
            password_hash="x",
            roles=[RoleAssignment(role="department_officer", area_id=district, sector="fuel_retail")],
        )
        db.session.add(user)
        db.session.flush()
        token = secrets.token_urlsafe(24)
        db.session.add(
            AuthToken(user_id=user.id, token_hash=token_digest(token), expires_at=utcnow() + timedelta(hours=2))
        )
        officers.append(Officer(user.username, token))
    sections = template.sections
    template_id = str(template.id)
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return officers, {"id": template_id, "sections": sections}, units


# ---- the assessment --------------------------------------------------------------------------------------


def passing_reading(item) -> float:
    low, high = item.get("min"), item.get("max")
    if low is not None and high is not None:
        return (low + high) / 2
    return high / 2 if high is not None else low + 1


def assessment(template: dict, site_id: str, photos: list[str]) -> tuple[str, bytes]:
    """An assessment as the phone sends it: every item answered, three failed, one N/A, 10 photos cited."""
    spare = iter(photos[len([k for k, need in FAILED.items() if need == "photo"]) :])
    failing_photos = iter(photos)
    answers = []
    for section in template["sections"]:
        for item in section["items"]:
            answer = {"item": item["key"]}
            if item["key"] in FAILED:
                answer["value"] = "fail"
                if FAILED[item["key"]] == "photo":
                    answer["photo_ids"] = [next(failing_photos)]
                else:
                    answer["note"] = "制度未上墙，现场无法出示"
            elif item["key"] == NOT_APPLICABLE:
                answer["value"] = "na"
            elif item["answer_type"] == "choice":
                answer["value"] = max(item["options"], key=lambda o: o["score"])["key"]
            elif item["answer_type"] == "number":
                answer["value"] = passing_reading(item)
            else:
                answer["value"] = "pass"
                evidence = next(spare, None)
                if evidence:
                    answer["photo_ids"] = [evidence]
            answers.append(answer)
    finished = datetime.now(SHANGHAI) - timedelta(minutes=1)
    inspection_id = str(uuid.uuid4())
    return inspection_id, json.dumps(
        {
            "id": inspection_id,
            "template_id": template["id"],
            "site_id": site_id,
            "mode": "cross_assessment",
            "started_at": (finished - timedelta(minutes=40)).isoformat(),
            "finished_at": finished.isoformat(),
            "answers": answers,
        },
        ensure_ascii=False,
    ).encode()


# ---- the clients -----------------------------------------------------------------------------------------


@dataclass
class Tally:
    submit_ms: list = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    inspections: list = field(default_factory=list)

    def merge(self, other: "Tally"):
        self.submit_ms.extend(other.submit_ms)
        self.inspections.extend(other.inspections)
        self.errors.update(other.errors)


def upload_photos(port: int, officers: list[Officer], make_photo: PhotoMaker):
    """Each officer's 10 photos, as the phone sends them, before the run."""
    for officer in officers:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for _ in range(PHOTOS):
            photo, photo_id = make_photo(), str(uuid.uuid4())
            digest = base64.b64encode(hashlib.sha256(photo).digest()).decode()
            status = call(
                conn,
                "PUT",
                f"/api/v1/photos/{photo_id}",
                photo,
                {
                    "Authorization": f"Bearer {officer.token}",
                    "Content-Type": "image/jpeg",
                    "Content-Digest": f"sha-256=:{digest}:",
                },
            )
            if status not in (200, 201):
                raise SystemExit(f"photo upload: {status}")
            officer.photos.append(photo_id)
        conn.close()


def run_client(port, officer, template, units, until, tally, rng, path, think):
    """Submit until the deadline, one assessment after another (a closed loop), pausing a random time of mean `think`
    seconds between them (0: no pause)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {officer.token}", "Content-Type": "application/json"}
    while time.monotonic() < until:
        if think:
            time.sleep(rng.expovariate(1 / think))
        inspection_id, body = assessment(template, rng.choice(units), officer.photos)
        headers["Device-Time"] = datetime.now(SHANGHAI).isoformat()
        t0 = time.perf_counter()
        status = call(conn, "POST", path, body, headers)
        elapsed = (time.perf_counter() - t0) * 1000
        if status not in (200, 201):
            tally.errors[f"POST {status}"] += 1
            continue
        tally.submit_ms.append(elapsed)
        tally.inspections.append(inspection_id)
    conn.close()


def load_test(port, officers, template, units, seconds, path="/api/v1/inspections", think=0.0) -> tuple[Tally, float]:
    until = time.monotonic() + seconds
    tallies = [Tally() for _ in officers]
    threads = [
        threading.Thread(target=run_client, args=(port, o, template, units, until, t, random.Random(i), path, think))
        for i, (o, t) in enumerate(zip(officers, tallies, strict=True))
    ]
    t0 = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - t0
    total = Tally()
    for tally in tallies:
        total.merge(tally)
    return total, elapsed


# ---- the run ---------------------------------------------------------------------------------------------


def baseline(port, officers, template, units, args, gunicorn) -> dict:
    cpu_before = cpu_by_process()
    tally, elapsed = load_test(
        port, officers, template, units, args.baseline_seconds, path="/bench/inspections", think=args.think
    )
    used = cpu_split(cpu_before, cpu_by_process(), {"gunicorn": {gunicorn.pid}})["gunicorn"]
    found = {
        "rate": len(tally.submit_ms) / elapsed,
        "p95": percentile(tally.submit_ms, 0.95),
        "cpu_ms": used / max(len(tally.submit_ms), 1) * 1000,
    }
    print(
        f"baseline, a hello-world view for {args.baseline_seconds} s: {found['rate']:.1f} submissions/s, "
        f"p95 {found['p95']:.1f} ms, errors {sum(tally.errors.values())}"
    )
    return found


def measure(port, officers, template, units, queue, args, gunicorn, worker) -> Tally:
    print(f"machine before the run, servers idle: {busy_share() * 100:.0f}% busy")
    floor = baseline(port, officers, template, units, args, gunicorn)
    spies = []
    if args.py_spy:
        args.py_spy.mkdir(parents=True, exist_ok=True)
        spies = [spy(gunicorn.pid, args.py_spy / "gunicorn.txt", args.seconds), spy(worker.pid, args.py_spy / "rq.txt")]
    cpu_before, busy_before = cpu_by_process(), machine_busy()
    tally, elapsed = load_test(port, officers, template, units, args.seconds, think=args.think)
    cpu_after, busy_after = cpu_by_process(), machine_busy()
    ended = time.monotonic()
    left = queue.waiting()
    drained = drain(queue, args.drain_timeout, since=ended)
    for proc in spies:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        proc.wait()

    server = f"{args.workers} {args.worker_class} workers" + (f" × {args.threads} threads" if args.threads else "")
    n = len(tally.submit_ms)
    rate = n / elapsed
    p50, p95, p99 = (percentile(tally.submit_ms, p) for p in (0.5, 0.95, 0.99))
    print(
        f"\ngunicorn {server}, 1 RQ worker; {len(officers)} clients in a closed loop "
        + (f"(think time {args.think:g} s) " if args.think else "(no think time) ")
        + f"for {args.seconds} s "
        f"({elapsed:.1f} s wall), {len(units)} units"
    )
    print(
        f"submissions:  {n:6d}  = {rate:6.1f} /s   ({rate / floor['rate']:.3f}× the baseline's {floor['rate']:.0f}/s)"
    )
    print(
        f"submission:   p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   p99 {p99:6.1f} ms   (target p95 < {TARGET_P95_MS} ms; "
        f"{p95 / floor['p95']:.1f}× the baseline's p95)"
    )
    print(f"errors:       {sum(tally.errors.values())}  {dict(tally.errors) or ''}")
    split = cpu_split(
        cpu_before,
        cpu_after,
        {
            "gunicorn": {gunicorn.pid},
            "RQ worker": {worker.pid},
            "py-spy": {p.pid for p in spies},
            "load generator": {os.getpid()},
        },
    )
    busy = (busy_after[0] - busy_before[0]) / (busy_after[1] - busy_before[1])
    print(
        f"CPU:          {busy * 100:.0f}% busy; cores used: "
        + ", ".join(f"{name} {seconds / elapsed:.2f}" for name, seconds in split.most_common())
    )
    each = {name: seconds / max(n, 1) * 1000 for name, seconds in split.items()}
    print(
        f"per submission: gunicorn {each['gunicorn']:.1f} ms CPU, PostgreSQL {each['PostgreSQL']:.1f} ms, "
        f"RQ worker {each.get('RQ worker', 0):.1f} ms (baseline: gunicorn {floor['cpu_ms']:.1f} ms)"
    )
    print(
        f"queues at the end of the run: {left} jobs; drained in "
        + (f"{drained:.1f} s" if drained is not None else f"more than {args.drain_timeout:.0f} s")
    )
    return tally


def durability(accepted: Tally):
    ids = [uuid.UUID(i) for i in accepted.inspections]
    stored = db.session.scalar(select(func.count()).where(Inspection.id.in_(ids)))
    hazards = db.session.scalar(select(func.count()).where(InspectionHazard.inspection_id.in_(ids)))
    print(f"  inspections in the database: {stored} of {len(ids)} accepted")
    print(f"  hazards linked to them:      {hazards} (2 each: {2 * len(ids)})")
    checked, broken = verify()
    print(f"  event chain:                 {checked} events, " + ("holds" if broken is None else f"BROKEN: {broken}"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--baseline-seconds", type=int, default=10)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--units", type=int, default=14)
    parser.add_argument("--think", type=float, default=0.0, help="mean seconds between a client's submissions")
    parser.add_argument("--app", default="bench.hello_wsgi:app")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--drain-timeout", type=float, default=300)
    parser.add_argument("--py-spy", type=Path, metavar="DIR", help="profile gunicorn and the RQ worker into DIR")
    args = parser.parse_args()

    admin, schema, database_url = fresh_schema()
    instance = tempfile.mkdtemp(prefix="safegrid-bench-")
    redis = Redis.from_url(REDIS_URL)
    redis.flushdb()
    gunicorn = worker = None
    try:
        app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": instance})
        import_all_models()
        Base.metadata.create_all(db.engine)
        t0 = time.perf_counter()
        with app.app_context():
            officers, template, units = populate(args.clients, args.units)
        db.engine.dispose()
        items = sum(len(s["items"]) for s in template["sections"])
        print(f"setup: {time.perf_counter() - t0:.1f} s (schema {schema}); {len(officers)} officers, {items} items")

        env = server_env(database_url, instance)
        log_path = Path(instance) / "server.log"
        with open(log_path, "ab") as log:
            gunicorn = serve(env, args.port, args, log)
            worker = rq_worker(env, log)
            queue = Queues(redis)
            t0 = time.perf_counter()
            upload_photos(args.port, officers, PhotoMaker())
            drain(queue, args.drain_timeout)
            print(f"photos: {PHOTOS * len(officers)} uploaded in {time.perf_counter() - t0:.1f} s, copies made")
            warm, _ = load_test(args.port, officers, template, units, 3)
            print(f"warm-up: {len(warm.submit_ms)} submissions, errors {dict(warm.errors) or 0}")
            drain(queue, args.drain_timeout)
            tally = measure(args.port, officers, template, units, queue, args, gunicorn, worker)
            tally.merge(warm)
        print("durability (the warm-up's included):")
        with app.app_context():
            durability(tally)
        db.engine.dispose()
        if tally.errors:
            print("server log (last lines):\n" + "\n".join(log_path.read_text().splitlines()[-20:]))
    finally:
        stop(gunicorn)
        stop(worker)
        redis.flushdb()
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
