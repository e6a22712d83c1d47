"""Benchmark: production's layout (two gunicorn instances, two job workers, PostgreSQL, a private Redis) under a
burst of reports with photos and rectification notices while Redis is stopped, then the clocks with their ticking
worker killed and Redis flushed, then the same change raced on both instances.

Prints, for the outage: what was accepted, what was finished afterwards, and how long after Redis came back the last
photo's copies and the last notice's PDF existed; for the clocks: how long due clocks waited after each death; for
the races: the answers' statuses and how many were stale. The burst is also run with Redis up, in the same run, as the
baseline of how long the same work takes to finish.

Run: .venv/bin/python bench/background_faults.py [--reports 500] [--notices 20] [--outage 60] [--races 200]
Needs PostgreSQL (BENCH_DATABASE_URL, default the test database on 127.0.0.1; a throwaway schema with the demo data)
and redis-server (a private one on a free port; the machine's own is never touched). Prints figures; asserts
nothing. Targets (issue 11): with Redis stopped for 60 s during a burst of 500 reports and 20 notices, every photo's
copies and every document exist within 2 minutes of Redis returning; killing the ticking worker, or flushing Redis,
leaves no due clock unfired for more than 90 s; 200 same-change races on two instances give 0 5xx and 0 stale
answers.
"""

import argparse
import os
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server.core.time import utcnow  # noqa: E402
from tests.production.client import Client, photo_bytes  # noqa: E402
from tests.production.layout import Layout, wait_for  # noqa: E402
from tests.production.test_change_races import race  # noqa: E402

BASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def count(layout, sql, **params):
    engine = layout.engine()
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()
    finally:
        engine.dispose()


def burst(layout, reports: int, notices: int, during=None) -> dict:
    """`reports` reports with a photo each from 16 clients spread over both instances, and `notices` notices;
    `during(elapsed)` is called as the burst goes (to stop Redis at a point). What was accepted."""
    grids = [Client(layout.urls[i % len(layout.urls)], "demo-grid") for i in range(16)]
    station = Client(layout.urls[0], "demo-station")
    site = grids[0].first_site()
    statuses, hazards, photos, lock = Counter(), [], [], threading.Lock()
    started = time.monotonic()

    def one(n):
        client = grids[n % len(grids)]
        try:
            photo = client.upload(photo_bytes(n + int(started)))
            hazard = client.report(site, [photo])
        except AssertionError as exc:
            with lock:
                statuses[str(exc)[:40]] += 1
            return
        with lock:
            statuses["201"] += 1
            hazards.append(hazard["id"])
            photos.append(photo)
        if during:
            during(time.monotonic() - started)

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(one, range(reports)))
    noticed = []
    for hazard_id in hazards[:notices]:
        if (
            station.act(hazard_id, "acknowledge").status_code == 200
            and station.act(hazard_id, "issue_notice", responsible_party="测试单位").status_code == 200
        ):
            noticed.append(hazard_id)
    return {"statuses": statuses, "photos": photos, "notices": noticed, "seconds": time.monotonic() - started}


def finished(layout, accepted) -> bool:
    ids = [uuid.UUID(i) for i in accepted["photos"]]
    ready = count(layout, "SELECT count(*) FROM photos WHERE state = 'ready' AND id = ANY(:ids)", ids=ids)
    documents = count(
        layout,
        "SELECT count(*) FROM hazard_documents WHERE state = 'ready' AND hazard_id = ANY(:ids)",
        ids=[uuid.UUID(i) for i in accepted["notices"]],
    )
    return ready == len(ids) and documents == len(accepted["notices"])


def outage(layout, reports, notices, seconds):
    print(f"== burst of {reports} reports with photos and {notices} notices", flush=True)
    accepted = burst(layout, reports, notices)
    drained = time.monotonic()
    wait_for(lambda: finished(layout, accepted), 600, every=0.5, what="the baseline burst's work")
    print(
        f"   Redis up (baseline): {accepted['statuses']['201']} accepted in {accepted['seconds']:.1f} s, "
        f"all finished {time.monotonic() - drained:.1f} s after the burst",
        flush=True,
    )

    stopped = {}

    def stop_early(elapsed):
        if not stopped and elapsed > 2:
            stopped["at"] = time.monotonic()
            layout.redis.stop()

    accepted = burst(layout, reports, notices, during=stop_early)
    done_then = count(
        layout,
        "SELECT count(*) FROM photos WHERE state = 'ready' AND id = ANY(:ids)",
        ids=[uuid.UUID(i) for i in accepted["photos"]],
    )
    waiting = count(layout, "SELECT count(*) FROM pending_jobs")
    rest = seconds - (time.monotonic() - stopped["at"])
    if rest > 0:
        time.sleep(rest)
    layout.redis.start()
    back = time.monotonic()
    wait_for(lambda: finished(layout, accepted), 600, every=0.5, what="the outage burst's work")
    print(
        f"   Redis stopped {seconds} s from 2 s into the burst: answers {dict(accepted['statuses'])}, "
        f"{len(accepted['notices'])} notices issued; when Redis came back {done_then} of "
        f"{len(accepted['photos'])} photos had their copies and {waiting} jobs waited in their rows; every photo's "
        f"copies and every notice's PDF existed {time.monotonic() - back:.1f} s after Redis came back",
        flush=True,
    )


def due_clock(layout, grid) -> str:
    hazard = grid.report(grid.first_site(), [])
    engine = layout.engine()
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE hazard_clocks SET due_at = :due WHERE hazard_id = :id"),
            {"due": utcnow() - timedelta(seconds=1), "id": uuid.UUID(hazard["id"])},
        )
    engine.dispose()
    return hazard["id"]


def clocks(layout):
    print("== clocks (MAINTENANCE_SECONDS=10: a round every 10 s in each worker, every 30 s in each web process)")
    grid = Client(layout.urls[0], "demo-grid")
    for death in ("the ticking worker killed (kill -9)", "Redis flushed", "Redis stopped", "every worker killed"):
        if death.startswith("the ticking"):
            layout.kill(layout.workers.pop(0))
        elif death == "Redis flushed":
            layout.redis.flush()
        elif death == "Redis stopped":
            layout.redis.stop()
        else:
            for worker in layout.workers:
                layout.kill(worker)
            layout.workers.clear()
        waits = []
        for _ in range(3):
            hazard_id, made = due_clock(layout, grid), time.monotonic()
            wait_for(
                lambda: (
                    count(
                        layout,
                        "SELECT count(*) FROM hazard_clocks WHERE hazard_id = :id AND fired_at IS NULL",
                        id=uuid.UUID(hazard_id),
                    )
                    == 0
                ),
                300,
                every=0.2,
            )
            waits.append(time.monotonic() - made)
        print(f"   {death}: due clocks fired after {', '.join(f'{w:.1f}' for w in waits)} s", flush=True)
    layout.redis.start()
    while len(layout.workers) < 2:
        layout.start_worker()


def races(layout, n):
    grid = Client(layout.urls[0], "demo-grid")
    station = Client(layout.urls[0], "demo-station")
    other = station.on(layout.urls[1])
    site, statuses, stale, latencies = grid.first_site(), Counter(), 0, []
    for _ in range(n):
        hazard = grid.report(site, [])
        started = time.perf_counter()
        answers = race(station, other, hazard["id"], "acknowledge")
        latencies.append(time.perf_counter() - started)
        statuses.update(answer.status_code for answer in answers)
        stale += sum(answer.status_code == 200 and answer.json()["state"] != "acknowledged" for answer in answers)
        stale += answers[0].headers.get("ETag") != answers[1].headers.get("ETag")
    print(
        f"== {n} same-change races on two instances: statuses {dict(statuses)}, stale answers {stale}, "
        f"median pair {statistics.median(latencies) * 1000:.0f} ms",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=500)
    parser.add_argument("--notices", type=int, default=20)
    parser.add_argument("--outage", type=int, default=60, help="seconds Redis stays stopped")
    parser.add_argument("--races", type=int, default=200)
    args = parser.parse_args()
    layout = Layout(BASE_URL, web=2, workers=2, maintenance_seconds=10, lease_margin_seconds=15, web_workers=2)
    try:
        outage(layout, args.reports, args.notices, args.outage)
        clocks(layout)
        races(layout, args.races)
    finally:
        layout.close()


if __name__ == "__main__":
    main()
