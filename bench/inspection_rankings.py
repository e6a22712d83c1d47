"""Benchmark: the month's ranking (月度排名) of the gas station assessment over 1,000 units with 100,000 assessments in
PostgreSQL, through the API on gunicorn and in-process, against a hello-world view on the same gunicorn.

The demo data (its gas station assessment and 14 stations with a year of monthly assessments), gas stations beside
them up to --units, and assessments of that checklist up to --assessments in all, bulk inserted in one statement:
each unit's spread evenly over the last --months months (12: about 8 a unit a month, the hard case; 100 would be
one a month for eight years), with percentages from 40 to 100. Then, for last month: GET /api/v1/inspection-rankings
as a supervisor (every unit listed) and as a fuel retail officer (the department's units), --repeats times each,
one request at a time, beside GET /bench/hello on the same gunicorn; and rankings.month_ranking in this process,
split into its parts (the two months' grouped queries, the ranking, the units' query), with the plan of the month's
query (EXPLAIN ANALYZE).

Run: .venv/bin/python bench/inspection_rankings.py [--units 1000] [--assessments 100000] [--months 12] [--repeats 30]
Needs PostgreSQL (as bench/api_read.py). Prints figures; asserts nothing. Target (issue 14): under 200 ms.
"""

import argparse
import http.client
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select, text, true

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api_read import fresh_schema  # noqa: E402
from bench.hazard_reports import serve, server_env, stop  # noqa: E402
from bench.inspection_submissions import CHECKLIST  # noqa: E402
from server import create_app  # noqa: E402
from server.areas.models import Area  # noqa: E402
from server.auth.models import AuthToken  # noqa: E402
from server.auth.services import token_digest  # noqa: E402
from server.core.db import Base, db  # noqa: E402
from server.core.i18n import SHANGHAI  # noqa: E402
from server.core.time import utcnow  # noqa: E402
from server.demo.loader import load  # noqa: E402
from server.evidence.models import ChainHead  # noqa: E402
from server.evidence.services import GENESIS  # noqa: E402
from server.inspections import queries, rankings  # noqa: E402
from server.inspections.models import Inspection, InspectionTemplate  # noqa: E402
from server.models import import_all_models  # noqa: E402
from server.people.models import RoleAssignment, User  # noqa: E402
from server.sites.models import Site  # noqa: E402

TARGET_MS = 200

# The units beside the demo's stations: each a copy of one of them (its grid, its enterprise), a little way off
ADD_UNITS = text("""
    INSERT INTO sites (id, name, type, enterprise_id, address, latitude, longitude, grid_id, risk_level, is_demo,
                       version, created_at, updated_at)
    SELECT gen_random_uuid(), '测试加油站' || lpad(n::text, 4, '0'), 'gas_station', s.enterprise_id, s.address,
           s.latitude + 0.0001 * n, s.longitude, s.grid_id, 'general', false, 1, now(), now()
    FROM generate_series(1, :count) AS n
    JOIN (SELECT *, row_number() OVER (ORDER BY name) - 1 AS k, count(*) OVER () AS total
          FROM sites WHERE type = 'gas_station') AS s ON s.k = n % s.total
""")
# Each unit's assessments spread evenly over the months (the unit's k-th in month k % months), on any day of it
ADD_ASSESSMENTS = text("""
    INSERT INTO inspections (id, template_id, site_id, grid_id, enterprise_id, sector, mode, inspector_id,
                             started_at, finished_at, received_at, flags, flagged, revision, points, max_points,
                             percentage, passed)
    SELECT gen_random_uuid(), :template_id, u.id, u.grid_id, u.enterprise_id, 'fuel_retail', 'cross_assessment',
           :inspector_id, f - interval '40 minutes', f, f, '[]', false, 1, p, 100, p, p >= 80
    FROM generate_series(0, :count - 1) AS n
    JOIN (SELECT id, grid_id, enterprise_id, row_number() OVER (ORDER BY id) - 1 AS k, count(*) OVER () AS total
          FROM sites WHERE type = 'gas_station') AS u ON u.k = n % u.total
    CROSS JOIN LATERAL (SELECT round((40 + random() * 60)::numeric, 1)::float AS p,
                               :last_month - make_interval(months => ((n / u.total) % :months)::int)
                                 + random() * interval '27 days' AS f) AS r
""")


def populate(n_units: int, n_assessments: int, months: int) -> tuple[dict, str, date]:
    """(tokens by role, the checklist's family, the month to rank: the last ended one)."""
    db.session.add(ChainHead(id=1, seq=0, hash=GENESIS))
    counts = load()
    db.session.commit()
    print(f"demo data: {counts}")
    template = db.session.scalars(
        select(InspectionTemplate).where(InspectionTemplate.name == CHECKLIST, InspectionTemplate.state == "published")
    ).one()
    stations = db.session.scalar(select(func.count()).where(Site.type == "gas_station"))
    db.session.execute(ADD_UNITS, {"count": max(0, n_units - stations)})
    family = select(InspectionTemplate.id).where(InspectionTemplate.family_id == template.family_id)
    stored = db.session.scalar(select(func.count()).where(Inspection.template_id.in_(family)))
    district = db.session.scalar(select(Area.id).where(Area.level == "district"))
    tokens, users = {}, {}
    for role, sector in (("supervisor", None), ("department_officer", "fuel_retail")):
        user = User(
            username=f"bench-{role}".replace("_", "-"),
            name=role,
            password_hash="x",
            roles=[RoleAssignment(role=role, area_id=district, sector=sector)],
        )
        db.session.add(user)
        db.session.flush()
        users[role] = user.id
        tokens[role] = secrets.token_urlsafe(24)
        db.session.add(
            AuthToken(user_id=user.id, token_hash=token_digest(tokens[role]), expires_at=utcnow() + timedelta(hours=2))
        )
    today = utcnow().astimezone(SHANGHAI).date()
    month = rankings.previous(date(today.year, today.month, 1))
    start, _end = rankings.month_bounds(month)
    t0 = time.perf_counter()
    db.session.execute(
        ADD_ASSESSMENTS,
        {
            "count": max(0, n_assessments - stored),
            "template_id": template.id,
            "inspector_id": users["department_officer"],
            "last_month": start + timedelta(hours=12),
            "months": months,
        },
    )
    db.session.commit()
    print(f"bulk insert of the assessments: {time.perf_counter() - t0:.1f} s")
    return tokens, str(template.family_id), month


def get_ms(port: int, path: str, token: str | None, repeats: int) -> tuple[list[float], int]:
    """The times of `repeats` GETs one after another on a kept-alive connection, and the last body's size."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    times, size = [], 0
    for _ in range(repeats):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)  # sync workers close after each answer
        t0 = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        times.append((time.perf_counter() - t0) * 1000)
        conn.close()
        if response.status != 200:
            raise SystemExit(f"GET {path}: {response.status} {body[:300]!r}")
        size = len(body)
    return times, size


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {statistics.median(ordered):6.1f} ms   p95 {p95:6.1f} ms   min {ordered[0]:6.1f} ms"


def timed(repeats: int, work) -> list[float]:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        work()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def in_process(family_id: str, month: date, repeats: int):
    """month_ranking in this process, and its parts, every unit visible (the supervisor's case)."""
    template = rankings.latest_version(family_id)
    bounds = rankings.month_bounds(month)
    scores = queries.monthly_means(template.family_id, *bounds)
    n = rankings.bottom_size(len(scores), None, None)
    parts = {
        "month_ranking (all of it)": lambda: rankings.month_ranking(template, month, true()),
        "  one month's grouped query": lambda: queries.monthly_means(template.family_id, *bounds),
        "  ranking the month's scores": lambda: rankings.ranked({k: v[0] for k, v in scores.items()}, n),
        "  the units' query": lambda: rankings.assessed_units(template, set(scores), true()),
    }
    for name, work in parts.items():
        print(f"{name:34s} {summary(timed(repeats, work))}")
        db.session.rollback()
    versions = select(InspectionTemplate.id).where(InspectionTemplate.family_id == template.family_id)
    stmt = (
        select(Inspection.site_id, func.avg(Inspection.percentage), func.count())
        .where(
            Inspection.template_id.in_(versions),
            Inspection.finished_at >= bounds[0],
            Inspection.finished_at < bounds[1],
            Inspection.percentage.is_not(None),
            Inspection.mode != "self_check",
        )
        .group_by(Inspection.site_id)
    )
    compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = db.session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}")).scalars().all()
    print("the month's grouped query, EXPLAIN ANALYZE:\n  " + "\n  ".join(plan))
    db.session.rollback()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--assessments", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--app", default="bench.hello_wsgi:app")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--port", type=int, default=8768)
    args = parser.parse_args()

    admin, schema, database_url = fresh_schema()
    instance = tempfile.mkdtemp(prefix="safegrid-bench-")
    gunicorn = None
    try:
        app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": instance})
        import_all_models()
        Base.metadata.create_all(db.engine)
        t0 = time.perf_counter()
        with app.app_context():
            tokens, family_id, month = populate(args.units, args.assessments, args.months)
        with admin.connect() as conn:  # as autovacuum leaves a table at rest: its statistics, its visibility map
            conn.execute(text(f"VACUUM ANALYZE {schema}.inspections"))
            conn.execute(text(f"ANALYZE {schema}.sites"))
        with app.app_context():
            units = db.session.scalar(select(func.count()).where(Site.type == "gas_station"))
            assessed = db.session.scalar(select(func.count()).select_from(Inspection))
            in_month = len(queries.monthly_means(family_id, *rankings.month_bounds(month)))
        print(
            f"setup: {time.perf_counter() - t0:.1f} s (schema {schema}); {units} gas stations, {assessed} inspections "
            f"in all, {in_month} units assessed in {month:%Y-%m}"
        )
        with open(Path(instance) / "gunicorn.log", "ab") as log:
            gunicorn = serve(server_env(database_url, instance), args.port, args, log)
            path = f"/api/v1/inspection-rankings?family_id={family_id}&month={month:%Y-%m}"
            get_ms(args.port, "/bench/hello", None, 10)  # every worker warm: imports, connections, compiled queries
            for token in tokens.values():
                get_ms(args.port, path, token, 4)
            hello, _ = get_ms(args.port, "/bench/hello", None, args.repeats)
            print(f"\ngunicorn {args.workers} {args.worker_class} workers, one request at a time, {args.repeats} each")
            print(f"{'hello-world':34s} {summary(hello)}")
            for role, token in tokens.items():
                times, size = get_ms(args.port, path, token, args.repeats)
                ratio = statistics.median(times) / statistics.median(hello)
                print(
                    f"{'ranking as ' + role:34s} {summary(times)}   ({size // 1000} KB; {ratio:.0f}× hello's p50; "
                    f"target < {TARGET_MS} ms)"
                )
        print("\nin-process, every unit visible:")
        client = app.test_client()
        auth = {"Authorization": f"Bearer {tokens['supervisor']}"}
        through_flask = timed(args.repeats, lambda: client.get(path, headers=auth))
        print(f"{'the API call (Flask test client)':34s} {summary(through_flask)}")
        with app.app_context():
            in_process(family_id, month, args.repeats)
        db.engine.dispose()
    finally:
        stop(gunicorn)
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
