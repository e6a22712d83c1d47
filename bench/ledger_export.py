"""Benchmark: the hazard ledger (隐患台账) of 1,000,000 hazards exported as XLSX on PostgreSQL, by the job that builds
large exports (server/ledgers/services.build: keyset batches, each batch's history and notices read once, openpyxl's
write-only workbook to a temporary file, progress committed per batch, the file stored, the inbox told), in a process
of its own: its peak resident memory (VmHWM), against the same process's before the export, and the time.

The data (bench/supervision_data.py): 50,000 sites, --hazards hazards over the last year, a third closed with their
notice and their rectification and re-inspection on the event record; generated with INSERT … SELECT.
Then, as a baseline in the same run, a bare loop writing the same number of rows of as many constant cells to a
write-only workbook (what openpyxl alone costs), so the export's time reads as a ratio.

Run: .venv/bin/python bench/ledger_export.py [--hazards 1000000] [--sites 50000] [--csv]
Needs PostgreSQL (as bench/api_read.py). Prints figures; asserts nothing. Target (issue 16): under 300 MB.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api_read import fresh_schema  # noqa: E402
from bench.supervision_data import populate  # noqa: E402
from server import create_app  # noqa: E402
from server.core.db import Base, db  # noqa: E402
from server.models import import_all_models  # noqa: E402
from server.people.models import User  # noqa: E402

TARGET_MB = 300


def peak_mb() -> float:
    """This process's peak resident set (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def current_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(database_url: str, instance: str, fmt: str):
    """In a process of its own: one export as its job builds it; prints its figures as JSON."""
    from server.ledgers import services
    from server.ledgers.models import LedgerExport

    app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": instance, "REDIS_URL": None})
    with app.app_context():
        supervisor = db.session.scalar(select(User.id).where(User.username == "bench-supervisor"))
        export = LedgerExport(user_id=supervisor, kind="hazards", format=fmt, filters={}, total=0)
        db.session.add(export)
        db.session.commit()
        export_id = str(export.id)
        db.session.execute(text("SELECT 1"))
        before = current_mb()
        t0 = time.perf_counter()
        services.build(export_id)
        seconds = time.perf_counter() - t0
        row = db.session.get(LedgerExport, export.id)
        db.session.refresh(row)
        print(
            json.dumps(
                {
                    "before_mb": before,
                    "peak_mb": peak_mb(),
                    "seconds": seconds,
                    "rows": row.done,
                    "bytes": row.size,
                    "state": row.state,
                }
            )
        )


def baseline(rows: int, columns: int) -> dict:
    """openpyxl alone: as many rows of as many constant cells (text and numbers) to a write-only workbook."""
    code = f"""
import time, tempfile, os, json
from openpyxl import Workbook
t0 = time.perf_counter()
book = Workbook(write_only=True); sheet = book.create_sheet("s")
row = (["测试隐患：安全出口被杂物堵塞", 30.59, 114.27] * {columns})[:{columns}]
for _ in range({rows}): sheet.append(row)
path = os.path.join(tempfile.mkdtemp(), "b.xlsx"); book.save(path)
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
print(json.dumps({{"seconds": time.perf_counter() - t0, "peak_mb": int(hwm) / 1024, "bytes": os.path.getsize(path)}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hazards", type=int, default=1_000_000)
    parser.add_argument("--sites", type=int, default=50_000)
    parser.add_argument("--csv", action="store_true", help="CSV instead of XLSX")
    parser.add_argument("--child", nargs=2, metavar=("DATABASE_URL", "INSTANCE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    fmt = "csv" if args.csv else "xlsx"
    if args.child:
        child(*args.child, fmt)
        return
    admin, schema, url = fresh_schema()
    instance = tempfile.mkdtemp(prefix="bench-ledger-")
    try:
        app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": instance, "REDIS_URL": None})
        import_all_models()
        with app.app_context():
            Base.metadata.create_all(db.engine)
            populate(args.sites, args.hazards)
            db.session.remove()
            db.engine.dispose()
        print(f"exporting {args.hazards:,} hazards as {fmt.upper()} in a process of its own…", flush=True)
        out = subprocess.run(
            [sys.executable, __file__, "--child", url, instance, *(["--csv"] if args.csv else [])],
            capture_output=True,
            text=True,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
            check=False,
        )
        if out.returncode:
            print(out.stdout, out.stderr)
            raise SystemExit(out.returncode)
        got = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"export: {got['rows']:,} rows in {got['seconds']:.1f} s ({got['rows'] / got['seconds']:,.0f} rows/s), "
            f"file {got['bytes'] / 1e6:.1f} MB, state {got['state']}"
        )
        print(
            f"memory: {got['before_mb']:.0f} MB before the export, peak {got['peak_mb']:.0f} MB "
            f"(target under {TARGET_MB} MB)"
        )
        if not args.csv:
            base = baseline(got["rows"], 23)
            print(
                f"baseline (openpyxl alone, {got['rows']:,} rows × 23 constant cells): {base['seconds']:.1f} s, "
                f"peak {base['peak_mb']:.0f} MB; the export takes {got['seconds'] / base['seconds']:.2f}× as long"
            )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


if __name__ == "__main__":
    main()
