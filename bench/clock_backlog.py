"""Benchmark: a backlog of hazard clocks all due at once, fired by one and by two tickers (`flask jobs tick`, the
maintenance round's tick, in processes of their own), at the district's scale (4,400 clocks: the backlog the outside
test saw take 9 minutes) and at a city's (20,000 grid workers against the district's 700: 28.6 times as many).

Each clock is an acknowledgement warning or escalation of a report of its own, waiting at the station of its street,
so firing one is what production does: the inbox rows of the street's officers (and the district's supervisors for
an escalation), the escalation's event on the chain, the clock marked fired. The baseline, measured in the same run
on the same rows, is the least any ticker must do: one UPDATE marking every due clock fired.

Run: .venv/bin/python bench/clock_backlog.py [--clocks 4400,125840] [--tickers 1,2]
Needs PostgreSQL (BENCH_DATABASE_URL, default the test database on 127.0.0.1; a throwaway schema with the demo data).
Prints figures; asserts nothing. Target (issue 11): every due clock fired within 60 s of its time.
"""

import argparse
import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server.core.time import utcnow  # noqa: E402
from server.hazards.models import Hazard, HazardClock  # noqa: E402
from tests.production.layout import Layout  # noqa: E402

BASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def make_backlog(engine, clocks: int):
    """`clocks` due clocks: a warning and an escalation for each of clocks/2 new reports at the demo sites."""
    with engine.begin() as conn:
        sites = conn.execute(
            text("SELECT s.id, s.grid_id, a.path, s.enterprise_id FROM sites s JOIN areas a ON a.id = s.grid_id")
        ).all()
        reporter = conn.execute(text("SELECT id FROM users WHERE username = 'demo-grid'")).scalar()
        conn.execute(text("DELETE FROM notifications; DELETE FROM hazard_clocks"))
        now, hazards, rows = utcnow(), [], []
        for n in range(clocks // 2):
            site = sites[n % len(sites)]
            received = now - timedelta(minutes=31, seconds=n % 60)
            hazards.append(
                {
                    "id": uuid.uuid4(),
                    "site_id": site.id,
                    "grid_id": site.grid_id,
                    "street_id": int(site.path.strip("/").split("/")[1]),
                    "category": "fire",
                    "level": "general",
                    "description": "积压",
                    "source": "patrol",
                    "photo_ids": [],
                    "reporter_id": reporter,
                    "observed_at": received,
                    "received_at": received,
                    "enterprise_id": site.enterprise_id,
                    "state": "reported",
                    "ack_due_at": received + timedelta(minutes=30),
                    "responsible_party": "",
                    "version": 1,
                    "created_at": received,
                    "updated_at": received,
                }
            )
            rows += [
                {"id": uuid.uuid4(), "hazard_id": hazards[-1]["id"], "kind": kind, "due_at": due, "outcome": ""}
                for kind, due in (
                    ("ack_warning", received + timedelta(minutes=20)),
                    ("ack_escalation", received + timedelta(minutes=30)),
                )
            ]
        for start in range(0, len(hazards), 5000):
            conn.execute(insert(Hazard.__table__), hazards[start : start + 5000])
        for start in range(0, len(rows), 5000):
            conn.execute(insert(HazardClock.__table__), rows[start : start + 5000])


def reset(engine):
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE hazard_clocks SET fired_at = NULL, outcome = ''; DELETE FROM notifications; "
                "DELETE FROM events WHERE record_type = 'hazard' AND action = 'escalate'; "
                "UPDATE event_chain_head SET seq = coalesce((SELECT max(seq) FROM events), 0), "
                "hash = coalesce((SELECT hash FROM events ORDER BY seq DESC LIMIT 1), repeat('0', 64))"
            )
        )


def baseline(engine) -> float:
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text("UPDATE hazard_clocks SET fired_at = now(), outcome = 'fired' WHERE fired_at IS NULL"))
    return time.perf_counter() - started


def fire(layout: Layout, engine, tickers: int) -> tuple[float, int, int]:
    """(seconds until every clock fired, inbox rows, events) with `tickers` processes ticking at once: the longest
    tick, as the tickers report it (they start within a moment of each other)."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", layout._spec(), "jobs", "tick"],
            cwd=ROOT,
            env=layout.env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(tickers)
    ]
    # each ticker times its own tick ("N clocks fired in S s"), leaving out its process's start-up
    elapsed = max(float(process.communicate()[0].split(" in ")[1].split()[0]) for process in processes)
    with engine.connect() as conn:
        left = conn.execute(text("SELECT count(*) FROM hazard_clocks WHERE fired_at IS NULL")).scalar()
        notes = conn.execute(text("SELECT count(*) FROM notifications")).scalar()
        events = conn.execute(text("SELECT count(*) FROM events WHERE action = 'escalate'")).scalar()
    if left:
        raise SystemExit(f"{left} clocks left unfired")
    return elapsed, notes, events


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clocks", default="4400,125840", help="backlog sizes, comma-separated")
    parser.add_argument("--tickers", default="1,2", help="numbers of tickers at once, comma-separated")
    args = parser.parse_args()
    layout = Layout(BASE_URL, web=0, workers=0)
    engine = layout.engine()
    try:
        print(
            f"{'clocks':>8} {'tickers':>7} {'seconds':>8} {'clocks/s':>9} {'baseline s':>10} {'× baseline':>10} "
            f"{'inbox rows':>10} {'events':>7}"
        )
        for clocks in (int(n) for n in args.clocks.split(",")):
            make_backlog(engine, clocks)
            for tickers in (int(n) for n in args.tickers.split(",")):
                reset(engine)
                floor = baseline(engine)
                reset(engine)
                seconds, notes, events = fire(layout, engine, tickers)
                print(
                    f"{clocks:>8} {tickers:>7} {seconds:>8.1f} {clocks / seconds:>9.0f} {floor:>10.2f} "
                    f"{seconds / floor:>10.1f} {notes:>10} {events:>7}",
                    flush=True,
                )
    finally:
        engine.dispose()
        layout.close()


if __name__ == "__main__":
    main()
