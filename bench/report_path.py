"""Benchmark: one hazard report's request path, in process, one client at a time: the CPU and the wall time of a
report (PUT photo + POST hazard, through Flask's test client against PostgreSQL), each request's p50/p95 and how
many round trips it makes to PostgreSQL (counted in libpq's own trace: a Sync or a simple Query sent).

Without gunicorn, the network and the other clients' queueing, what is left is the request's own work and its
waits on PostgreSQL and the disk (the photo's fsyncs): the figures a change to the path moves, measurable beside
other work on a shared machine better than bench/hazard_reports.py's, whose latency is mostly queueing. The
baseline, in the same run, the same requests to the hello-world views of bench/hello_wsgi.py (the body's SHA-256
checked, the JSON parsed) in the same app: the figures are printed as ratios against it too.

Run: .venv/bin/python bench/report_path.py [--reports 300] [--rounds 3]
Needs PostgreSQL (BENCH_DATABASE_URL, default the test database on 127.0.0.1; a throwaway schema with the demo
data is created and dropped). Prints figures; asserts nothing.
"""

import argparse
import base64
import hashlib
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from flask import request
from sqlalchemy import event, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api_read import fresh_schema  # noqa: E402
from bench.hazard_reports import PhotoMaker, percentile, populate, report_body  # noqa: E402
from server import create_app  # noqa: E402
from server.core.db import Base, db  # noqa: E402
from server.models import import_all_models  # noqa: E402


def add_hello_views(app):
    """bench/hello_wsgi.py's two views, in this app."""

    @app.put("/bench/photos/<photo_id>")
    def hello_photo(photo_id):
        digest = base64.b64encode(hashlib.sha256(request.get_data(cache=False)).digest()).decode()
        return {"id": photo_id, "matches": request.headers["Content-Digest"] == f"sha-256=:{digest}:"}, 201

    @app.post("/bench/hazards")
    def hello_report():
        return {"id": json.loads(request.get_data())["id"]}, 201


class Trips:
    """Round trips to PostgreSQL, read from libpq's trace of every connection (a Sync or a Query sent)."""

    def __init__(self, engine, directory: str):
        self.path = Path(directory) / "libpq.trace"
        self.file = open(self.path, "w")  # noqa: SIM115 (open for the run)
        event.listen(engine, "connect", self._trace)
        engine.dispose()

    def _trace(self, dbapi_connection, _record):
        import psycopg

        dbapi_connection.pgconn.trace(self.file.fileno())
        dbapi_connection.pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)

    def mark(self) -> int:
        self.file.flush()
        return self.path.stat().st_size

    def since(self, mark: int) -> int:
        self.file.flush()
        with open(self.path) as trace:
            trace.seek(mark)
            return sum(1 for line in trace if line.startswith("F") and ("\tSync" in line or '\tQuery\t "' in line))


def run(client, reporters, make_photo, n: int, prefix: str, trips: Trips | None):
    """n reports, one after the other: (CPU ms, wall ms a report, PUT ms list, POST ms list, the round trips of most
    PUTs and of most POSTs)."""
    rng = random.Random(7)
    put_ms, post_ms, put_trips, post_trips = [], [], [], []
    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(n):
        reporter = reporters[i % len(reporters)]
        auth = {"Authorization": f"Bearer {reporter.token}"}
        photo, photo_id = make_photo(), str(uuid.uuid4())
        digest = base64.b64encode(hashlib.sha256(photo).digest()).decode()
        mark = trips.mark() if trips else 0
        t0 = time.perf_counter()
        answer = client.put(
            f"{prefix}/photos/{photo_id}",
            data=photo,
            headers={**auth, "Content-Type": "image/jpeg", "Content-Digest": f"sha-256=:{digest}:"},
        )
        put_ms.append((time.perf_counter() - t0) * 1000)
        if trips:
            put_trips.append(trips.since(mark))
            mark = trips.mark()
        assert answer.status_code == 201, answer.get_data(as_text=True)
        _hazard_id, body = report_body(reporter, rng, photo_id)
        t0 = time.perf_counter()
        answer = client.post(f"{prefix}/hazards", data=body, headers={**auth, "Content-Type": "application/json"})
        post_ms.append((time.perf_counter() - t0) * 1000)
        if trips:
            post_trips.append(trips.since(mark))
        assert answer.status_code == 201, answer.get_data(as_text=True)
    cpu, wall = (time.process_time() - cpu) * 1000 / n, (time.perf_counter() - wall) * 1000 / n
    trip_counts = (statistics.mode(put_trips), statistics.mode(post_trips)) if trips else (0, 0)
    return cpu, wall, put_ms, post_ms, trip_counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    admin, schema, database_url = fresh_schema()
    instance = tempfile.mkdtemp(prefix="safegrid-bench-")
    try:
        # No maintenance round in this process (it would add its own statements to the count and its CPU)
        app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": instance, "MAINTENANCE_SECONDS": 86400})
        add_hello_views(app)
        import_all_models()
        Base.metadata.create_all(db.engine)
        with app.app_context():
            reporters = populate(4)
            trips = Trips(db.engine, instance)
        client = app.test_client()
        make_photo = PhotoMaker()
        run(client, reporters, make_photo, 20, "/api/v1", None)  # warm: imports, connections, compiled statements
        print(f"load before: {os.getloadavg()[0]:.1f} (1-minute average; 2 cores)")
        for round_ in range(1, args.rounds + 1):
            base_cpu, base_wall, *_ = run(client, reporters, make_photo, args.reports, "/bench", None)
            cpu, wall, put_ms, post_ms, (put_trips, post_trips) = run(
                client, reporters, make_photo, args.reports, "/api/v1", trips
            )
            print(
                f"round {round_}: a report {cpu:.2f} ms CPU ({cpu / base_cpu:.1f}× the baseline's {base_cpu:.2f}), "
                f"{wall:.2f} ms wall ({wall / base_wall:.1f}× {base_wall:.2f}); "
                f"PUT p50 {percentile(put_ms, 0.5):.1f} / p95 {percentile(put_ms, 0.95):.1f} ms, "
                f"POST p50 {percentile(post_ms, 0.5):.1f} / p95 {percentile(post_ms, 0.95):.1f} ms; "
                f"round trips: PUT {put_trips}, POST {post_trips}; load {os.getloadavg()[0]:.1f}"
            )
        db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
