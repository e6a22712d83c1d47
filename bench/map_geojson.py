"""Benchmark: the map's GeoJSON (一张图) of a city-wide bounding box, clustered, on PostgreSQL at 1,000,000 hazards and
50,000 sites (bench/supervision_data.py), through the app in process (Flask's test client: the token, the scope, the
query, the JSON) as the district's supervisor and as a street's station, --repeats times each: p50 and p95 against
the target; beside the bare GROUP BY of the same cells in SQL (what the database alone costs), and the plan.

Run: .venv/bin/python bench/map_geojson.py [--hazards 1000000] [--sites 50000] [--repeats 30] [--keep | --schema S]
(--keep leaves the populated schema and prints its name; --schema reuses one so kept, with fresh tokens.)
Needs PostgreSQL (as bench/api_read.py). Prints figures; asserts nothing. Target (issue 16): under 300 ms.
"""

import argparse
import secrets
import statistics
import sys
import tempfile
import time
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
from server.maps import features  # noqa: E402
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
        client = app.test_client()
        cases = [
            ("supervisor", "hazards", ""),
            ("supervisor", "hazards", "&open=true"),
            ("supervisor", "sites", ""),
            ("station_officer", "hazards", ""),
            ("station_officer", "sites", ""),
        ]
        print(f"city-wide bbox {CITY}, zoom {ZOOM} (cells of {features.cell_degrees(ZOOM):.4f}°), {args.repeats} runs")
        for role, layer, extra in cases:
            path = f"/api/v1/map/{layer}?bbox={CITY}&zoom={ZOOM}{extra}"
            timed(client, path, tokens[role], 2)  # warm: the statement's compilation, the caches
            times, size, count = timed(client, path, tokens[role], args.repeats)
            print(
                f"  {role:16} {layer:8}{extra:11} p50 {p(times, 50):6.1f} ms  p95 {p(times, 95):6.1f} ms  "
                f"({count} clusters, {size / 1024:.1f} KB)  target < {TARGET_MS} ms"
            )
        with app.app_context():
            bare = bare_sql(args.repeats)
            print(f"  bare SQL GROUP BY of every hazard's cell: p50 {p(bare, 50):.1f} ms  p95 {p(bare, 95):.1f} ms")
            db.session.remove()
    finally:
        if args.keep or args.schema:
            print(f"schema kept: --schema {schema}")
        else:
            with admin.connect() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


if __name__ == "__main__":
    main()
