"""Benchmark: the maintenance round (server/jobs/maintenance.py) when nothing changed, step by step, in process.

Set-up: the demo data in a throwaway PostgreSQL schema (BENCH_DATABASE_URL, default the test database on 127.0.0.1;
created and dropped), or with --sqlite in a throwaway SQLite file. One warm-up round (a fresh process does the work
once), then --rounds rounds of every step registered with `periodic(...)`, each step timed from its call to its
return (each commits its own work); printed per step and for the whole round: p50 / p95 / max. Target: the whole
round under ~10 ms when nothing changed. Asserts nothing.

Run: .venv/bin/python bench/maintenance_round.py [--rounds 50] [--sqlite]
"""

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api_read import fresh_schema  # noqa: E402
from bench.hazard_reports import percentile  # noqa: E402
from server import create_app  # noqa: E402
from server.core.db import Base, db  # noqa: E402
from server.demo.loader import load  # noqa: E402
from server.evidence.models import ChainHead  # noqa: E402
from server.evidence.services import GENESIS  # noqa: E402
from server.jobs import maintenance  # noqa: E402
from server.models import import_all_models  # noqa: E402

STATEMENTS = [0]
SHOW = [False]


def count(_conn, _cursor, statement, *_args):
    if statement.split(None, 1)[0].upper() in {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}:
        return  # transaction control (SQLite's BEGIN IMMEDIATE) left out, as PostgreSQL's driver sends it apart
    STATEMENTS[0] += 1
    if SHOW[0]:
        print("    SQL:", " ".join(statement.split())[:300])


def timed_round(app, statements: dict | None = None) -> dict:
    """One round as `maintenance.run_once` runs it, each step's milliseconds by its name (and in `statements`, how
    many SQL statements it sent)."""
    took = {}
    for task in list(maintenance._TASKS):
        STATEMENTS[0] = 0
        started = time.perf_counter()
        try:
            with app.app_context():
                task()
        except Exception as error:  # noqa: BLE001 -- shown, the others still run (as run_once does)
            print(f"  {task.__module__}.{task.__qualname__} failed: {error!r}")
        name = f"{task.__module__}.{task.__qualname__}"
        took[name] = (time.perf_counter() - started) * 1000
        if statements is not None:
            statements[name] = STATEMENTS[0]
    return took


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--sqlite", action="store_true", help="a throwaway SQLite file instead of PostgreSQL")
    parser.add_argument("--show", action="store_true", help="print the statements of the last round")
    args = parser.parse_args()

    instance = tempfile.mkdtemp(prefix="safegrid-bench-")
    admin = schema = None
    if args.sqlite:
        database_url = f"sqlite:///{instance}/bench.db"
    else:
        admin, schema, database_url = fresh_schema()
    try:
        app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": instance})
        import_all_models()
        with app.app_context():
            Base.metadata.create_all(db.engine)
            db.session.add(ChainHead(id=1, seq=0, hash=GENESIS))
            print(f"demo data: {load()}")
            db.session.commit()
            event.listen(db.engine, "before_cursor_execute", count)
        started = time.perf_counter()
        sent: dict = {}
        first = timed_round(app, sent)
        print(f"first round (the work done once): {(time.perf_counter() - started) * 1000:.1f} ms")
        for name, ms in first.items():
            print(f"  {ms:8.1f} ms {sent[name]:5d} statements  {name}")
        rounds = [timed_round(app, sent) for _ in range(args.rounds - 1)]
        SHOW[0] = args.show
        rounds.append(timed_round(app, sent))
        SHOW[0] = False
        print(f"{args.rounds} rounds with nothing changed, p50 / p95 / max ms, statements (the last round):")
        for name in rounds[0]:
            values = sorted(r[name] for r in rounds)
            print(
                f"  {percentile(values, 0.5):7.2f} {percentile(values, 0.95):7.2f} {values[-1]:7.2f}"
                f" {sent[name]:5d}  {name}"
            )
        whole = sorted(sum(r.values()) for r in rounds)
        print(f"  {percentile(whole, 0.5):7.2f} {percentile(whole, 0.95):7.2f} {whole[-1]:7.2f}  the whole round")
    finally:
        db.engine.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
