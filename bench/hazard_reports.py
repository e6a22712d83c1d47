"""Benchmark: hazard reports from the field, each with one ~300 KB photo, against gunicorn + PostgreSQL +
Redis with an RQ worker, as in production; then how long the queued work takes to drain, and whether
every accepted report and photo is in the database.

16 clients (threads of this process, each a demo grid worker reporting at the sites of their own grid)
loop for --seconds: PUT /api/v1/photos/<uuid> with a JPEG of unique bytes and its Content-Digest, then
POST /api/v1/hazards citing it. A report counts when both answered 2xx; its latency is the two requests
together. Then: how long until the RQ queue is empty and no job runs (the photos' variants, the clock
tick; notifications are made in the request), and hazards and ready photos against what was accepted.
Ingestion finished, not just accepted: each photo's upload-to-ready latency (from its PUT's sending to the
moment both its copies exist, by their files' modification times) with p50/p95, and the accepted-and-finished
rate: the run's reports divided by the time from the run's start until the last of their photos' copies
existed (what a report needs is all there).
Also printed: where the two cores went (gunicorn, the RQ worker, PostgreSQL, this load generator). The
baseline, measured first in the same run: the same clients sending the same two requests to hello-world
views (bench/hello_wsgi.py: the body's SHA-256 checked, the JSON parsed) on the same gunicorn.

Run: .venv/bin/python bench/hazard_reports.py [--seconds 30] [--baseline-seconds 10] [--workers 2]
         [--app bench.framework_free_wsgi:app]
         [--worker-class gthread --threads 4] [--clients 16] [--py-spy DIR]
Needs PostgreSQL (BENCH_DATABASE_URL, default the test database on 127.0.0.1; a throwaway schema with
the demo data is created and dropped) and Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379/14,
flushed at start and end); a few GB free in the temp directory for the photos (deleted at the end).
--py-spy DIR profiles gunicorn's workers (during the run) and the RQ worker (run and drain) into DIR as
collapsed stacks; it needs py-spy (`.venv/bin/pip install py-spy`, not a project dependency) and costs
CPU, so the figures of such a run are not the benchmark's. Prints figures; asserts nothing.
Targets: (hazard loop issue) ≥ 170 reports/s with p95 < 175 ms, every accepted report durable; (ingestion
issue) accepted-and-finished ≥ 70 reports/s at 16 clients for 30 s, acceptance not slower than before, report
p95 < 200 ms, a photo's copies ready within 5 s of its upload at p95 during the burst.
"""

import argparse
import base64
import hashlib
import http.client
import io
import itertools
import json
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from redis import Redis
from rq import Queue
from sqlalchemy import func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api_read import fresh_schema  # noqa: E402
from bench.photo_variants import phone_exif, scene  # noqa: E402
from server import create_app  # noqa: E402
from server.areas.models import Area  # noqa: E402
from server.auth.models import AuthToken  # noqa: E402
from server.auth.services import token_digest  # noqa: E402
from server.core.db import Base, db  # noqa: E402
from server.core.time import utcnow  # noqa: E402
from server.demo.loader import load  # noqa: E402
from server.evidence.models import ChainHead  # noqa: E402
from server.evidence.services import GENESIS, verify  # noqa: E402
from server.hazards.models import Hazard  # noqa: E402
from server.models import import_all_models  # noqa: E402
from server.people.models import RoleAssignment, User  # noqa: E402
from server.photos.models import Photo, blob_key  # noqa: E402
from server.sites.models import Site  # noqa: E402

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
TARGET_RATE, TARGET_P95_MS = 170, 175
TARGET_FINISHED, TARGET_INGEST_P95_MS, TARGET_READY_P95_S = 70, 200, 5.0
SHANGHAI = timezone(timedelta(hours=8))
TICK_JOB = "hazard-clock-tick"  # re-schedules itself every minute: never "drained", so not waited for


# ---- the data --------------------------------------------------------------------------------------------


@dataclass
class Reporter:
    """One client: a grid worker's token and the sites of their grid (id, latitude, longitude)."""

    username: str
    street: str
    token: str
    sites: list[tuple[str, float, float]]


def populate(n_clients: int) -> list[Reporter]:
    """The demo data (district, 700 grids, ~940 users, 316 sites), and tokens for n_clients grid
    workers of grids with sites, spread over the streets as real reports would be."""
    # What the event chain's migration inserts, and create_all does not: without it the first reports
    # race to create the chain's head, and the losers get 409s
    db.session.add(ChainHead(id=1, seq=0, hash=GENESIS))
    counts = load()
    db.session.commit()
    print(f"demo data: {counts}")
    rows = db.session.execute(
        select(User.id, User.username, Area.path, Site.id, Site.latitude, Site.longitude)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .join(Area, Area.id == RoleAssignment.area_id)
        .join(Site, Site.grid_id == Area.id)
        .where(User.username.like("gw-%"), RoleAssignment.role == "grid_worker")
        .order_by(User.username, Site.name)
    )
    workers, by_street = {}, defaultdict(list)
    for user_id, username, path, site_id, lat, lng in rows:
        if username not in workers:
            workers[username] = (user_id, street := path.strip("/").split("/")[1], [])
            by_street[street].append(username)
        workers[username][2].append((str(site_id), lat, lng))
    # Round robin over the streets: the station officers notified, and the rows touched, differ by street
    chosen = [name for group in itertools.zip_longest(*by_street.values()) for name in group if name][:n_clients]
    if len(chosen) < n_clients:
        raise SystemExit(f"only {len(chosen)} grid workers have sites in their grid")
    reporters = []
    for username in chosen:
        user_id, street, sites = workers[username]
        token = secrets.token_urlsafe(24)
        db.session.add(
            AuthToken(user_id=user_id, token_hash=token_digest(token), expires_at=utcnow() + timedelta(hours=2))
        )
        reporters.append(Reporter(username, street, token, sites))
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return reporters


# ---- the photos ------------------------------------------------------------------------------------------


class PhotoMaker:
    """~300 KB phone-like JPEGs (1600×1200, EXIF with GPS), each of unique bytes and unique pixels,
    at a fifth of a millisecond each: a few base JPEGs are encoded once, and each photo is a copy with
    a comment segment naming its number (unique bytes, so unique SHA-256) and four entries of the luma
    quantisation table nudged by that number (unique decoded pixels, so the worker's display copy and
    thumbnail are new blobs too, as for real photos, rather than found already stored by content)."""

    def __init__(self, qualities=(82, 83, 84, 85)):
        self.bases = [self._base(quality) for quality in qualities]
        self.numbers = itertools.count()  # next() on it is atomic under the GIL: shared by the threads

    @staticmethod
    def _base(quality: int) -> tuple[bytes, int]:
        out = io.BytesIO()
        scene(1600, 1200).save(out, "JPEG", quality=quality, exif=phone_exif(None))
        return out.getvalue(), luma_table(out.getvalue())

    def __call__(self) -> bytes:
        n = next(self.numbers)
        data, table = self.bases[n % len(self.bases)]
        n //= len(self.bases)
        patched = bytearray(data)
        for k, i in enumerate((1, 2, 3, 4)):  # the first AC entries: every block uses them
            patched[table + i] += (n >> 4 * k) % 16
        comment = f"safegrid bench photo {n}".encode()
        return b"\xff\xd8\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + bytes(patched[2:])


def luma_table(jpeg: bytes) -> int:
    """Where the 64 entries of quantisation table 0 (8-bit) start in a JPEG."""
    position = 2
    while jpeg[position + 1] != 0xDA:  # up to the start of scan
        length = int.from_bytes(jpeg[position + 2 : position + 4], "big")
        if jpeg[position + 1] == 0xDB:
            at = position + 4
            while at < position + 2 + length:
                precision, table_id = jpeg[at] >> 4, jpeg[at] & 15
                if precision == 0 and table_id == 0:
                    assert max(jpeg[at + 2 : at + 6]) < 240, "no room to nudge the entries"
                    return at + 1
                at += 1 + 64 * (2 if precision else 1)
        position += 2 + length
    raise ValueError("no 8-bit luma quantisation table")


# ---- the clients -----------------------------------------------------------------------------------------


@dataclass
class Tally:
    """One client's results (merged after the run, so the threads share no lock)."""

    report_ms: list = field(default_factory=list)
    put_ms: list = field(default_factory=list)
    post_ms: list = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    photos: list = field(default_factory=list)
    uploaded_at: dict = field(default_factory=dict)  # photo id → wall time its PUT was sent
    report_photos: list = field(default_factory=list)  # the photo of each accepted report
    hazards: list = field(default_factory=list)
    started: float = 0.0  # the measured run's wall-clock start, and its length
    elapsed: float = 0.0

    def merge(self, other: "Tally"):
        self.uploaded_at.update(other.uploaded_at)
        for name in ("report_ms", "put_ms", "post_ms", "photos", "report_photos", "hazards"):
            getattr(self, name).extend(getattr(other, name))
        self.errors.update(other.errors)


def call(conn: http.client.HTTPConnection, method: str, path: str, body: bytes, headers: dict):
    """One request: its status, or the name of the exception that ended it."""
    try:
        conn.request(method, path, body, headers)
        response = conn.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException) as exc:
        conn.close()  # http.client reconnects on the next request
        return type(exc).__name__


def report_body(reporter: Reporter, rng: random.Random, photo_id: str) -> tuple[str, bytes]:
    """A report as the phone sends it (see tests/hazards/test_loop.py), at one of the reporter's sites."""
    site_id, lat, lng = rng.choice(reporter.sites)
    hazard_id = str(uuid.uuid4())
    return hazard_id, json.dumps(
        {
            "id": hazard_id,
            "site_id": site_id,
            "category": rng.choice(("fire", "electrical", "gas")),
            "level": "general",
            "description": "安全出口被杂物堵塞",
            "observed_at": datetime.now(SHANGHAI).isoformat(),
            "latitude": round(lat + rng.uniform(-2e-4, 2e-4), 7),
            "longitude": round(lng + rng.uniform(-2e-4, 2e-4), 7),
            "accuracy_m": 6.0,
            "photo_ids": [photo_id],
        },
        ensure_ascii=False,
    ).encode()


def run_client(
    port: int, reporter: Reporter, make_photo: PhotoMaker, until: float, tally: Tally, rng: random.Random, prefix: str
):
    """Report until the deadline: a photo, then the hazard citing it, as a phone does."""
    # Keep-alive where the server allows it (gthread); sync workers close each connection after answering
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    auth = {"Authorization": f"Bearer {reporter.token}"}
    while time.monotonic() < until:
        photo, photo_id = make_photo(), str(uuid.uuid4())
        digest = base64.b64encode(hashlib.sha256(photo).digest()).decode()
        t0, sent_at = time.perf_counter(), time.time()
        status = call(
            conn,
            "PUT",
            f"{prefix}/photos/{photo_id}",
            photo,
            {**auth, "Content-Type": "image/jpeg", "Content-Digest": f"sha-256=:{digest}:"},
        )
        put_ms = (time.perf_counter() - t0) * 1000
        tally.put_ms.append(put_ms)
        if status not in (200, 201):
            tally.errors[f"PUT photo {status}"] += 1
            continue
        tally.photos.append(photo_id)
        tally.uploaded_at[photo_id] = sent_at
        hazard_id, body = report_body(reporter, rng, photo_id)
        t0 = time.perf_counter()  # the report's latency is the two requests, not the client's work between
        status = call(conn, "POST", f"{prefix}/hazards", body, {**auth, "Content-Type": "application/json"})
        post_ms = (time.perf_counter() - t0) * 1000
        tally.post_ms.append(post_ms)
        if status not in (200, 201):
            tally.errors[f"POST hazard {status}"] += 1
            continue
        tally.hazards.append(hazard_id)
        tally.report_photos.append(photo_id)
        tally.report_ms.append(put_ms + post_ms)
    conn.close()


def load_test(
    port: int, reporters: list[Reporter], make_photo: PhotoMaker, seconds: float, prefix: str = "/api/v1"
) -> tuple[Tally, float]:
    """All clients at once for `seconds`: (their merged tally, the wall time until the last finished).
    prefix "/bench": the same requests to the hello-world views of bench/hello_wsgi.py (the baseline)."""
    until = time.monotonic() + seconds
    tallies = [Tally() for _ in reporters]
    threads = [
        threading.Thread(target=run_client, args=(port, r, make_photo, until, t, random.Random(i), prefix))
        for i, (r, t) in enumerate(zip(reporters, tallies, strict=True))
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


def percentile(values: list, p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else float("nan")


# ---- the servers -----------------------------------------------------------------------------------------


def server_env(database_url: str, instance: str) -> dict:
    return dict(
        os.environ, DATABASE_URL=database_url, REDIS_URL=REDIS_URL, BENCH_INSTANCE_PATH=instance, PYTHONPATH=str(ROOT)
    )


def serve(env: dict, port: int, args, log) -> subprocess.Popen:
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        args.app,
    ]
    if args.threads:  # given to sync workers, gunicorn would quietly make them gthread
        cmd[5:5] = ["--threads", str(args.threads)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log)
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


def rq_worker(env: dict, log) -> subprocess.Popen:
    # The project's own command as the Procfile runs it: an RQ worker inside the app, with its scheduler
    # and the clock tick, at a lower priority than the web workers
    flask = Path(sys.executable).parent / "flask"
    return subprocess.Popen(
        ["nice", "-n", "10", str(flask), "--app", "bench.hello_wsgi", "jobs", "worker"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )


def stop(proc: subprocess.Popen | None):
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---- the queue -------------------------------------------------------------------------------------------


def backlog(queue: Queue) -> int:
    """Jobs waiting, running, or scheduled to retry; the self-rescheduling clock tick only while it runs."""
    scheduled = [job_id for job_id in queue.scheduled_job_registry.get_job_ids() if job_id != TICK_JOB]
    return queue.count + queue.started_job_registry.count + len(scheduled)


def drain(queue: Queue, timeout: float, since: float | None = None) -> float | None:
    """Seconds from `since` (default now) until nothing is queued or running (seen twice, 0.1 s apart),
    or None after the timeout."""
    t0, empty_since = since or time.monotonic(), None
    while time.monotonic() - t0 < timeout:
        if backlog(queue) == 0:
            if empty_since is not None:
                return empty_since - t0
            empty_since = time.monotonic()
        else:
            empty_since = None
        time.sleep(0.1)
    return None


def queued_by_function(queue: Queue) -> Counter:
    return Counter(job.func_name.rsplit(".", 1)[-1] for job in queue.get_jobs() if job is not None)


# ---- CPU: where the two cores went -----------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def cpu_by_process() -> dict[int, tuple[str, int, float]]:
    """pid → (command, parent pid, CPU seconds of its own and of its reaped children)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            raw = stat.read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()
        found[int(stat.parent.name)] = (
            raw[raw.index("(") + 1 : raw.rindex(")")],
            int(fields[1]),
            sum(int(f) for f in fields[11:15]) / TICK,
        )
    return found


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds since boot, over all cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICK, sum(values) / TICK


def busy_share(seconds: float = 2.0) -> float:
    """How busy the whole machine is over the next `seconds` (0–1)."""
    busy, total = machine_busy()
    time.sleep(seconds)
    busy_after, total_after = machine_busy()
    return (busy_after - busy) / (total_after - total)


def cpu_split(before, after, groups: dict[str, set[int]]) -> dict[str, float]:
    """CPU seconds spent between two snapshots, by group of processes (by pid, parent, or name)."""
    spent = Counter()
    for pid, (comm, parent, seconds) in after.items():
        used = seconds - before.get(pid, (None, None, 0.0))[2]
        group = next((name for name, pids in groups.items() if pid in pids or parent in pids), None)
        group = group or {"postgres": "PostgreSQL", "redis-server": "Redis"}.get(comm, "other")
        spent[group] += used
    return spent


# ---- the run ---------------------------------------------------------------------------------------------


def readiness(run: Tally, media: Path) -> None:
    """Ingestion finished: when each of the run's photos had both copies (their files' modification times, on
    this machine's clock like the client's), against when its upload was sent; and the reports accepted
    and finished a second, counted to the moment the last of them had everything it needs."""
    ids = [uuid.UUID(p) for p in run.photos]
    rows = db.session.execute(
        select(Photo.id, Photo.state, Photo.display_sha256, Photo.thumb_sha256).where(Photo.id.in_(ids))
    ).all()
    ready_at = {}
    for photo_id, state, display, thumb in rows:
        if state == "ready":
            ready_at[str(photo_id)] = max(
                (media / blob_key(kind, sha)).stat().st_mtime for kind, sha in (("display", display), ("thumb", thumb))
            )
    latencies = [ready_at[p] - run.uploaded_at[p] for p in run.photos if p in ready_at]
    print(
        f"upload to ready: p50 {percentile(latencies, 0.5):.2f} s   p95 {percentile(latencies, 0.95):.2f} s   "
        f"max {max(latencies, default=float('nan')):.2f} s   ({len(latencies)} of {len(run.photos)} photos ready; "
        f"target p95 < {TARGET_READY_P95_S:.0f} s)"
    )
    finished = [ready_at[p] for p in run.report_photos if p in ready_at]
    if run.report_photos and len(finished) == len(run.report_photos):
        span = max(finished) - run.started
        print(
            f"finished:     {len(finished)} reports accepted, their photos' copies all made {span:.1f} s after the "
            f"start = {len(finished) / span:.1f} reports/s accepted and finished (target ≥ {TARGET_FINISHED}; "
            f"acceptance alone {len(run.report_ms) / run.elapsed:.1f}/s)"
        )
    else:
        print(f"finished:     {len(run.report_photos) - len(finished)} reports' photos never became ready")


def durability(accepted: Tally) -> None:
    hazard_ids = [uuid.UUID(h) for h in accepted.hazards]
    photo_ids = [uuid.UUID(p) for p in accepted.photos]
    hazards = db.session.scalar(select(func.count()).select_from(Hazard))
    stored = db.session.scalar(select(func.count()).where(Hazard.id.in_(hazard_ids)))
    states = dict(
        db.session.execute(select(Photo.state, func.count()).where(Photo.id.in_(photo_ids)).group_by(Photo.state)).all()
    )
    print(f"  hazards in the database:   {stored} of {len(hazard_ids)} accepted ({hazards} rows in all)")
    print(f"  photos ready:              {states.get('ready', 0)} of {len(photo_ids)} accepted  (states {states})")
    checked, broken = verify()
    print(f"  event chain:               {checked} events, " + ("holds" if broken is None else f"BROKEN: {broken}"))


def spy(target_pid: int, out: Path, seconds: int | None = None) -> subprocess.Popen:
    """py-spy on a process and its children (gunicorn's workers, RQ's work horses), as collapsed stacks:
    flamegraph.pl or speedscope.app draw them, and grep reads them."""
    py_spy = shutil.which("py-spy", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    if py_spy is None:
        raise SystemExit("--py-spy needs py-spy: .venv/bin/pip install py-spy")
    until = ["--duration", str(seconds)] if seconds else []  # else until SIGINT, when it writes what it has
    return subprocess.Popen(
        [
            py_spy,
            "record",
            "--pid",
            str(target_pid),
            *until,
            "--subprocesses",
            "--rate",
            "97",
            "--nonblocking",
            "--format",
            "raw",
            "--output",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def measure(port, reporters, make_photo, queue, args, gunicorn, worker) -> Tally:
    """The measured run, then the drain, each with the figures it makes."""
    # Anything else running on the machine (a test suite, another benchmark) skews every figure
    print(f"machine before the run, servers idle: {busy_share() * 100:.0f}% busy")
    floor = baseline(port, reporters, make_photo, args, gunicorn)
    spies = start_spies(args, gunicorn, worker)
    cpu_before, busy_before = cpu_by_process(), machine_busy()
    started = time.time()
    tally, elapsed = load_test(port, reporters, make_photo, args.seconds)
    tally.started, tally.elapsed = started, elapsed
    cpu_after, busy_after = cpu_by_process(), machine_busy()
    ended = time.monotonic()
    left, queued = backlog(queue), queued_by_function(queue)
    drained = drain(queue, args.drain_timeout, since=ended)
    drain_cpu = cpu_split(cpu_after, cpu_by_process(), {"RQ worker": {worker.pid}})["RQ worker"]
    for proc in spies:
        if proc.poll() is None:  # the RQ worker's, which ran until now; SIGINT has py-spy write its file
            proc.send_signal(signal.SIGINT)
        proc.wait()

    server = f"{args.workers} {args.worker_class} workers" + (f" × {args.threads} threads" if args.threads else "")
    print(
        f"\ngunicorn {server} ({args.app}), 1 RQ worker; {len(reporters)} clients for {args.seconds} s "
        f"({elapsed:.1f} s wall)"
    )
    print_latencies(tally, elapsed)
    rate, p95 = len(tally.report_ms) / elapsed, percentile(tally.report_ms, 0.95)
    print(f"against the baseline: {rate / floor['rate']:.2f}× its reports/s, {p95 / floor['p95']:.1f}× its p95")
    # Groups match a pid or its parent, first match first: gunicorn and the worker are children of this one
    split = cpu_split(
        cpu_before,
        cpu_after,
        {
            "gunicorn": {gunicorn.pid},
            "RQ worker": {worker.pid},
            "py-spy": {proc.pid for proc in spies},
            "load generator": {os.getpid()},
        },
    )
    busy = (busy_after[0] - busy_before[0]) / (busy_after[1] - busy_before[1])
    print(
        f"CPU:          {busy * 100:.0f}% of {os.cpu_count()} cores busy; cores used: "
        + ", ".join(f"{name} {seconds / elapsed:.2f}" for name, seconds in split.most_common())
    )
    per_report = {name: seconds / max(len(tally.report_ms), 1) * 1000 for name, seconds in split.items()}
    print(
        f"per report:   gunicorn {per_report['gunicorn']:.1f} ms CPU, PostgreSQL {per_report['PostgreSQL']:.1f} ms "
        f"(baseline: gunicorn {floor['cpu_ms']:.1f} ms)"
    )
    print(f"queue at the end of the run: {left} jobs  {dict(queued)}")
    if drained is None:
        print(f"drain:        not drained after {args.drain_timeout:.0f} s ({backlog(queue)} left)")
    else:
        print(
            f"drain:        {drained:.1f} s until the queue was empty and no job ran "
            f"(≈ {left / max(drained, 0.1):.1f} jobs/s; the RQ worker used {drain_cpu:.1f} CPU-s, "
            f"{drain_cpu / max(left, 1) * 1000:.0f} ms a job)"
        )
    if queue.failed_job_registry.count:
        print(f"failed jobs:  {queue.failed_job_registry.count}")
    return tally


def baseline(port, reporters, make_photo, args, gunicorn) -> dict:
    """The same clients and requests against bench/hello_wsgi.py's hello-world views, served by the same
    gunicorn: what HTTP, gunicorn and Flask cost before SafeGrid does anything. Its rate, p95 and
    gunicorn's CPU per report."""
    cpu_before = cpu_by_process()
    tally, elapsed = load_test(port, reporters, make_photo, args.baseline_seconds, prefix="/bench")
    used = cpu_split(cpu_before, cpu_by_process(), {"gunicorn": {gunicorn.pid}})["gunicorn"]
    found = {
        "rate": len(tally.report_ms) / elapsed,
        "p95": percentile(tally.report_ms, 0.95),
        "cpu_ms": used / max(len(tally.report_ms), 1) * 1000,
    }
    print(
        f"baseline, hello-world views for {args.baseline_seconds} s: {found['rate']:.1f} reports/s, "
        f"p95 {found['p95']:.1f} ms, errors {sum(tally.errors.values())}"
    )
    return found


def print_latencies(tally: Tally, elapsed: float):
    p50, p95, p99 = (percentile(tally.report_ms, p) for p in (0.50, 0.95, 0.99))
    print(
        f"reports:      {len(tally.report_ms):6d}  = {len(tally.report_ms) / elapsed:6.1f} reports/s   "
        f"(target ≥ {TARGET_RATE})"
    )
    print(
        f"report:       p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   p99 {p99:6.1f} ms   "
        f"(targets p95 < {TARGET_P95_MS} ms, < {TARGET_INGEST_P95_MS} ms)"
    )
    for name, values in (("PUT photo", tally.put_ms), ("POST hazard", tally.post_ms)):
        print(
            f"  {name:11s} p50 {percentile(values, 0.5):6.1f} ms   p95 {percentile(values, 0.95):6.1f} ms   "
            f"p99 {percentile(values, 0.99):6.1f} ms   ({len(values)} requests)"
        )
    print(f"errors:       {sum(tally.errors.values())}  {dict(tally.errors) or ''}")


def start_spies(args, gunicorn, worker) -> list[subprocess.Popen]:
    if not args.py_spy:
        return []
    args.py_spy.mkdir(parents=True, exist_ok=True)
    # gunicorn's workers during the run; the RQ worker during the run and the drain (stopped by measure)
    return [
        spy(gunicorn.pid, args.py_spy / "gunicorn.txt", args.seconds),
        spy(worker.pid, args.py_spy / "rq-worker.txt"),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--baseline-seconds", type=int, default=10)
    parser.add_argument(
        "--app",
        default="bench.hello_wsgi:app",
        help="what gunicorn serves: bench.framework_free_wsgi:app is the same work without the framework",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=0, help="gthread threads per worker")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--drain-timeout", type=float, default=900)
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
            reporters = populate(args.clients)
            settings = {name: db.session.scalar(text(f"SHOW {name}")) for name in ("fsync", "synchronous_commit")}
        db.engine.dispose()
        make_photo = PhotoMaker()
        sizes = sorted(len(data) // 1000 for data, _ in make_photo.bases)
        print(
            f"setup: {time.perf_counter() - t0:.1f} s (schema {schema}); {len(reporters)} grid workers in "
            f"{len({r.street for r in reporters})} streets; photos of {sizes[0]}–{sizes[-1]} KB; "
            f"PostgreSQL {settings}"
        )

        env = server_env(database_url, instance)
        logs = Path(instance) / "gunicorn.log", Path(instance) / "rq-worker.log"
        with open(logs[0], "ab") as gunicorn_log, open(logs[1], "ab") as worker_log:
            gunicorn = serve(env, args.port, args, gunicorn_log)
            worker = rq_worker(env, worker_log)
            queue = Queue("default", connection=redis)
            # Warm up every worker process (imports, first connections, compiled queries), and drain its jobs
            warm, _ = load_test(args.port, reporters, make_photo, 2)
            print(f"warm-up: {len(warm.report_ms)} reports, errors {dict(warm.errors) or 0}")
            drain(queue, args.drain_timeout)
            tally = measure(args.port, reporters, make_photo, queue, args, gunicorn, worker)
        with app.app_context():
            readiness(tally, Path(app.config["MEDIA_ROOT"]))
        tally.merge(warm)
        print("durability (after the drain, the warm-up's reports included):")
        with app.app_context():
            durability(tally)
        db.engine.dispose()
        if tally.errors:
            print(f"server log (last lines of {logs[0]}):\n" + "\n".join(logs[0].read_text().splitlines()[-20:]))
    finally:
        stop(gunicorn)
        stop(worker)
        redis.flushdb()
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        shutil.rmtree(instance, ignore_errors=True)  # the photos: over a gigabyte after a full run


if __name__ == "__main__":
    main()
