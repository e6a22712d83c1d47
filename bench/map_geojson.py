"""Benchmark: the map's GeoJSON (一张图) of a city-wide bounding box, clustered, on PostgreSQL at 1,000,000 hazards and
50,000 sites (bench/supervision_data.py), through the app in process (Flask's test client: the token, the scope, the
query, the JSON) as the district's supervisor and as a street's station, --repeats times each: p50 and p95 against
the target; in turns with the same request counted as before the summary (server/maps/summary.py) and the scope's
disjoint parts (one statement per source, the scope's OR in it), on the same data and indexes, and the ratio; beside
the bare GROUP BY of every hazard's cell in SQL (what the database alone costs). Then what the summary's triggers and
the map's indexes cost a write: single-row reports (INSERT) and transitions (UPDATE of the state), in turns with the
triggers disabled and the indexes dropped (inside a transaction rolled back).

Run: .venv/bin/python bench/map_geojson.py [--hazards 1000000] [--sites 50000] [--repeats 30] [--keep | --schema S]
(--keep leaves the populated schema and prints its name; --schema reuses one so kept, with fresh tokens.)
Needs PostgreSQL (as bench/api_read.py). Prints figures; asserts nothing. Target (issue 16): under 300 ms.
"""

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api_read import BASE_URL, fresh_schema  # noqa: E402
from bench.supervision_data import populate  # noqa: E402
from server import create_app  # noqa: E402
from server.auth.models import AuthToken  # noqa: E402
from server.auth.services import token_digest  # noqa: E402
from server.core.db import Base, db  # noqa: E402
from server.core.time import utcnow  # noqa: E402
from server.maps import features, summary  # noqa: E402
from server.models import import_all_models  # noqa: E402
from server.people.models import User  # noqa: E402

TARGET_MS = 300
CITY = "113.70,29.97,115.08,31.36"  # Wuhan's whole administrative extent, west,south,east,north
ZOOM = 10  # a city on a desk's screen


def reused_schema(schema: str):
    url = make_url(BASE_URL).set(drivername="postgresql+psycopg")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    return admin, schema, url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(False)


def fresh_tokens() -> dict:
    """A new token for each of the bench's users in a kept schema (the old ones expire in two hours)."""
    tokens = {}
    for user in db.session.scalars(select(User).where(User.username.like("bench-%"))).all():
        role = user.roles[0].role
        tokens[role] = secrets.token_urlsafe(24)
        db.session.add(
            AuthToken(user_id=user.id, token_hash=token_digest(tokens[role]), expires_at=utcnow() + timedelta(hours=2))
        )
    db.session.commit()
    return tokens


@contextmanager
def as_before():
    """The clusters counted as before the summary and the scope's parts: every source in one statement."""
    answers, parts = summary.answers, features._parts
    summary.answers, features._parts = (lambda *args: False), (lambda clauses: [clauses])
    try:
        yield
    finally:
        summary.answers, features._parts = answers, parts


def write_cost(repeats: int) -> None:
    """Single-row reports and transitions with the map's triggers and indexes, and without them (disabled and dropped
    inside a transaction, rolled back), in turns: the milliseconds a write pays for the map."""
    reporter = db.session.scalar(select(User.id).where(User.username == "bench-grid-worker"))
    site = db.session.execute(text("SELECT id, grid_id FROM sites LIMIT 1")).one()
    street = db.session.scalar(text("SELECT street_id FROM hazards WHERE grid_id = :g LIMIT 1"), {"g": site.grid_id})
    db.session.rollback()  # its locks would keep the DROP INDEX below waiting
    insert_one = text(
        "INSERT INTO hazards (id, site_id, grid_id, street_id, latitude, longitude, category, level, description,"
        " source, photo_ids, reporter_id, observed_at, received_at, state, ack_due_at, responsible_party, version,"
        " created_at, updated_at) VALUES (:id, :site, :grid, :street, 30.6, 114.26, 'fire', 'general', 'x', 'patrol',"
        " '[]', :reporter, now(), now(), 'reported', now(), '', 1, now(), now())"
    )
    step = text("UPDATE hazards SET state = 'acknowledged', acknowledged_at = now(), version = 2 WHERE id = :id")
    without = (
        "ALTER TABLE hazards DISABLE TRIGGER USER",
        "DROP INDEX ix_hazards_map_points, ix_hazards_longitude, ix_hazards_latitude",
    )
    times = {(what, kind): [] for what in ("with", "without") for kind in ("report", "transition")}
    for turn in range(2 * repeats):
        what = ("with", "without")[turn % 2]
        with db.engine.connect() as conn:
            tx = conn.begin()
            for statement in without if what == "without" else ():
                conn.execute(text(statement))
            for _ in range(50):
                hazard = uuid.uuid4()
                values = {"id": hazard, "site": site.id, "grid": site.grid_id, "street": street, "reporter": reporter}
                t0 = time.perf_counter()
                conn.execute(insert_one, values)
                t1 = time.perf_counter()
                conn.execute(step, {"id": hazard})
                times[(what, "report")].append((t1 - t0) * 1000)
                times[(what, "transition")].append((time.perf_counter() - t1) * 1000)
            tx.rollback()
    for kind in ("report", "transition"):
        having, bare = times[("with", kind)], times[("without", kind)]
        print(
            f"  a {kind:10} with the map's triggers and indexes p50 {p(having, 50):.3f} ms (p95 {p(having, 95):.3f}),"
            f" without p50 {p(bare, 50):.3f} ms (p95 {p(bare, 95):.3f}): +{p(having, 50) - p(bare, 50):.3f} ms"
        )


def timed(client, path: str, token: str, repeats: int) -> tuple[list[float], int, int]:
    headers = {"Authorization": f"Bearer {token}"}
    times, size, count = [], 0, 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        resp = client.get(path, headers=headers)
        times.append((time.perf_counter() - t0) * 1000)
        assert resp.status_code == 200, resp.get_data(as_text=True)
        size, count = len(resp.data), len(resp.json["features"])
    return times, size, count


def p(times: list[float], q: float) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[int(q) - 1]


def bare_sql(repeats: int) -> list[float]:
    cell = features.cell_degrees(ZOOM)
    stmt = text(
        "SELECT CAST((coalesce(h.longitude, s.longitude) + 180) / :cell AS integer) AS cx,"
        " CAST((coalesce(h.latitude, s.latitude) + 90) / :cell AS integer) AS cy, count(*),"
        " avg(coalesce(h.longitude, s.longitude)), avg(coalesce(h.latitude, s.latitude))"
        " FROM hazards h LEFT JOIN sites s ON s.id = h.site_id GROUP BY cx, cy"
    )
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        db.session.execute(stmt, {"cell": cell}).all()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hazards", type=int, default=1_000_000)
    parser.add_argument("--sites", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="leave the populated schema for a later --schema")
    parser.add_argument("--schema", help="a schema an earlier --keep populated")
    args = parser.parse_args()
    admin, schema, url = reused_schema(args.schema) if args.schema else fresh_schema()
    try:
        app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": tempfile.mkdtemp(), "REDIS_URL": None})
        import_all_models()
        with app.app_context():
            if args.schema:
                tokens = fresh_tokens()
            else:
                Base.metadata.create_all(db.engine)
                tokens = populate(args.sites, args.hazards)
                t0 = time.perf_counter()
                folded = summary.fold()  # what the maintenance round does, here once after the bulk load
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(text("VACUUM ANALYZE hazards"))  # the visibility map autovacuum would set
                print(f"folded {folded:,} changes of the summary, VACUUM: {time.perf_counter() - t0:.1f} s")
        client = app.test_client()
        cases = [
            ("supervisor", "hazards", ""),
            ("supervisor", "hazards", "&open=true"),
            ("supervisor", "sites", ""),
            ("station_officer", "hazards", ""),
            ("station_officer", "hazards", "&open=true"),
            ("station_officer", "sites", ""),
        ]
        print(f"city-wide bbox {CITY}, zoom {ZOOM} (cells of {features.cell_degrees(ZOOM):.4f}°), {args.repeats} runs")
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        for role, layer, extra in cases:
            path = f"/api/v1/map/{layer}?bbox={CITY}&zoom={ZOOM}{extra}"
            timed(client, path, tokens[role], 2)  # warm: the statement's compilation, the caches
            with as_before():
                timed(client, path, tokens[role], 2)
            times, before, size, count = [], [], 0, 0
            for _ in range(args.repeats):  # in turns, so that the machine's load falls on both alike
                now, size, count = timed(client, path, tokens[role], 1)
                with as_before():
                    then, _size, _count = timed(client, path, tokens[role], 1)
                times += now
                before += then
            print(
                f"  {role:16} {layer:8}{extra:11} p50 {p(times, 50):6.1f} ms  p95 {p(times, 95):6.1f} ms  "
                f"({count} clusters, {size / 1024:.1f} KB)  target < {TARGET_MS} ms;  as before p50"
                f" {p(before, 50):6.1f} ms  p95 {p(before, 95):6.1f} ms: {p(times, 50) / p(before, 50):.3f}x"
            )
        with app.app_context():
            bare = bare_sql(args.repeats)
            print(f"  bare SQL GROUP BY of every hazard's cell: p50 {p(bare, 50):.1f} ms  p95 {p(bare, 95):.1f} ms")
            write_cost(args.repeats)
            db.session.remove()
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        if args.keep or args.schema:
            print(f"schema kept: --schema {schema}")
        else:
            with admin.connect() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


if __name__ == "__main__":
    main()
