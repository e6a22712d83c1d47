"""Benchmark: each dashboard figure (server/dashboards) on PostgreSQL at 1,000,000 hazards, 50,000 sites and 200,000
inspections, for the district (a supervisor) and for a street (its station officer).

The demo data first (areas, people, checklists, plans), then sites up to --sites (copies of the demo's, a little way
off), hazards up to --hazards spread over the last --months months with the loop's states as they are after it (most
closed, some rectifying past their deadline, some listed and de-listed), inspections up to --inspections over the
same months, this month's tasks of every site and --checkins check-ins: each one INSERT … SELECT over
generate_series. Then the months that have ended are frozen into the trend's rollup (dashboards.rollup, as the
maintenance round does), VACUUM ANALYZE (as autovacuum leaves tables at rest), and each figure of services.FIGURES,
--repeats times, in this process, for this month: p50 and p95 against the targets (district < 200 ms, street
< 100 ms); the trend from the table alone (as before the rollup) and from the rollup in turns, with their ratio and
whether they agree; then the whole answer through the Flask test client.

Run: .venv/bin/python bench/dashboards.py [--hazards 1000000] [--sites 50000] [--inspections 200000] [--repeats 30]
Needs PostgreSQL (BENCH_DATABASE_URL, as bench/api_read.py). Prints figures; asserts nothing.
"""

import argparse
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api_read import fresh_schema  # noqa: E402
from server import create_app  # noqa: E402
from server.areas.models import Area  # noqa: E402
from server.auth.models import AuthToken  # noqa: E402
from server.auth.scope import Role, grants_for  # noqa: E402
from server.auth.services import token_digest  # noqa: E402
from server.checkins.models import CheckIn  # noqa: E402
from server.core.db import Base, db  # noqa: E402
from server.core.time import utcnow  # noqa: E402
from server.dashboards import rollup, services  # noqa: E402
from server.demo.loader import load  # noqa: E402
from server.evidence.models import ChainHead  # noqa: E402
from server.evidence.services import GENESIS  # noqa: E402
from server.hazards.models import Hazard  # noqa: E402
from server.inspections.models import Inspection, InspectionTemplate  # noqa: E402
from server.models import import_all_models  # noqa: E402
from server.people.models import RoleAssignment, User  # noqa: E402
from server.plans.models import Plan, Task  # noqa: E402
from server.sites.models import Site  # noqa: E402

TARGETS_MS = {"district": 200, "street": 100}

ADD_SITES = text("""
    INSERT INTO sites (id, name, type, enterprise_id, address, latitude, longitude, grid_id, risk_level, is_demo,
                       version, created_at, updated_at)
    SELECT gen_random_uuid(), s.name || '-' || n, s.type, s.enterprise_id, s.address, s.latitude + 0.00001 * (n % 997),
           s.longitude + 0.00001 * (n % 991), s.grid_id, s.risk_level, false, 1, now(), now()
    FROM generate_series(1, :count) AS n
    JOIN (SELECT *, row_number() OVER (ORDER BY id) - 1 AS k FROM sites) AS s ON s.k = n % :sites
""")
# Each lateral draw names `n`, so that it is drawn again for every row (one that names nothing of the row is drawn
# once for all of them), and joins the numbers to the k-th site by `k = n % :sites`, a parameter (with the count
# taken from the sites' own row, the join is no equality PostgreSQL can hash, and a million numbers meet every site).
# Received evenly over the months; general or (1 in 20) major; the loop's outcome drawn by age: older hazards are
# mostly closed, a few rectifying (past their deadline: overdue), new ones still waiting or being rectified.
ADD_HAZARDS = text("""
    INSERT INTO hazards (id, site_id, grid_id, street_id, latitude, longitude, category, level, description, source,
                         photo_ids, reporter_id, observed_at, received_at, clock_offset_s, enterprise_id, sector,
                         state, ack_due_at, acknowledged_at, responsible_party, deadline, closed_at, listed_at,
                         listing_number, delisted_at, version, created_at, updated_at)
    SELECT gen_random_uuid(), s.id, s.grid_id, s.street_id, s.latitude, s.longitude, 'fire',
           CASE WHEN r.m < 0.05 THEN 'major' ELSE 'general' END, '基准隐患', 'patrol', '[]', :reporter,
           r.received - make_interval(mins => (r.a * 40)::int), r.received, NULL, s.enterprise_id, s.sector,
           st.state, r.received + interval '30 minutes',
           CASE WHEN st.state = 'reported' THEN NULL ELSE r.received + make_interval(mins => (r.a * 50)::int) END,
           '', CASE WHEN st.state IN ('rectifying', 'submitted', 'closed') THEN r.received + interval '10 days' END,
           CASE WHEN st.state = 'closed' THEN r.received + make_interval(days => (r.b * 14)::int) END,
           CASE WHEN r.m < 0.01 THEN r.received + interval '2 days' END,
           CASE WHEN r.m < 0.01 THEN 'B' || n END,
           CASE WHEN r.m < 0.01 AND st.state = 'closed'
                THEN r.received + make_interval(days => (r.b * 14 + 3)::int) END,
           1, r.received, r.received
    FROM generate_series(0, :count - 1) AS n
    JOIN (SELECT sites.id, sites.grid_id, sites.latitude, sites.longitude, sites.enterprise_id, e.sector,
                 CAST(split_part(areas.path, '/', 3) AS integer) AS street_id,
                 row_number() OVER (ORDER BY sites.id) - 1 AS k
          FROM sites JOIN areas ON areas.id = sites.grid_id LEFT JOIN enterprises e ON e.id = sites.enterprise_id)
      AS s ON s.k = (n::bigint * 7919) % :sites
    CROSS JOIN LATERAL (SELECT now() - :span * random() + 0 * n * interval '1 s' AS received, random() + 0 * n AS m,
                               random() AS a, random() AS b, random() AS c) AS r
    CROSS JOIN LATERAL (SELECT CASE
        WHEN now() - r.received < interval '1 hour' AND r.c < 0.5 THEN 'reported'
        WHEN now() - r.received < interval '30 days' THEN
            (ARRAY['acknowledged', 'rectifying', 'rectifying', 'submitted', 'closed', 'closed', 'rejected'])
            [1 + (r.c * 7)::int % 7]
        WHEN r.c < 0.04 THEN 'rectifying' WHEN r.c < 0.08 THEN 'rejected' WHEN r.c < 0.10 THEN 'merged'
        ELSE 'closed' END AS state) AS st
""")
ADD_INSPECTIONS = text("""
    INSERT INTO inspections (id, template_id, site_id, grid_id, enterprise_id, sector, mode, inspector_id,
                             started_at, finished_at, received_at, flags, flagged, revision, points, max_points,
                             percentage, passed)
    SELECT gen_random_uuid(), :template_id, s.id, s.grid_id, s.enterprise_id, NULL, 'patrol', :inspector,
           f - interval '40 minutes', f, f, '[]', r.p < 45, 1, r.p, 100, r.p, r.p >= 60
    FROM generate_series(0, :count - 1) AS n
    JOIN (SELECT id, grid_id, enterprise_id, row_number() OVER (ORDER BY id) - 1 AS k FROM sites) AS s
      ON s.k = (n::bigint * 7919) % :sites
    CROSS JOIN LATERAL (SELECT round((40 + random() * 60 + 0 * n)::numeric, 1)::float AS p,
                               now() - :span * random() AS f) AS r
""")
ADD_TASKS = text("""
    INSERT INTO tasks (id, plan_id, site_id, grid_id, enterprise_id, sector, site_type, template_family_id, period,
                       period_start, period_end, due_date, assignee, unannounced, kind, state, flags, flagged, is_demo,
                       created_at, version)
    SELECT gen_random_uuid(), :plan_id, s.id, s.grid_id, s.enterprise_id, e.sector, s.type, :family_id,
           CAST(:period AS varchar),
           :start, :end, :end, 'grid_worker', false, 'patrol',
           (ARRAY['done', 'done', 'open', 'missed'])[1 + (random() * 4)::int % 4], '[]', random() < 0.05, false,
           now(), 1
    FROM sites s LEFT JOIN enterprises e ON e.id = s.enterprise_id
    WHERE NOT EXISTS (SELECT 1 FROM tasks t
                      WHERE t.plan_id = :plan_id AND t.site_id = s.id AND t.period = CAST(:period AS varchar))
""")
ADD_CHECKINS = text("""
    INSERT INTO check_ins (id, user_id, code, site_id, observed_at, received_at, flags, flagged)
    SELECT gen_random_uuid(), :user_id, 'bench', s.id, f, f,
           CASE WHEN random() < 0.05 THEN '["far"]' ELSE '[]' END::json, false
    FROM generate_series(0, :count - 1) AS n
    JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM sites) AS s ON s.k = (n::bigint * 7919) % :sites
    CROSS JOIN LATERAL (SELECT now() - :span * random() + 0 * n * interval '1 s' AS f) AS r
""")


def populate(args) -> None:
    # the inserts join a million numbers to the sites: in memory, not in batches through temporary files
    db.session.execute(text("SET work_mem = '256MB'"))
    db.session.add(ChainHead(id=1, seq=0, hash=GENESIS))
    print(f"demo data: {load()}")
    db.session.commit()
    supervisor = db.session.scalars(
        select(User).join(RoleAssignment).where(RoleAssignment.role == "supervisor")
    ).first()
    span = timedelta(days=30.44 * args.months)
    steps = [
        (
            "sites",
            lambda: db.session.execute(ADD_SITES, {"count": max(0, args.sites - _count(Site)), "sites": _count(Site)}),
        ),
        (
            "hazards",
            lambda: db.session.execute(
                ADD_HAZARDS,
                {
                    "count": max(0, args.hazards - _count(Hazard)),
                    "reporter": supervisor.id,
                    "span": span,
                    "sites": _count(Site),
                },
            ),
        ),
        (
            "inspections",
            lambda: db.session.execute(
                ADD_INSPECTIONS,
                {
                    "count": max(0, args.inspections - _count(Inspection)),
                    "template_id": db.session.scalar(
                        select(InspectionTemplate.id).where(InspectionTemplate.state == "published").limit(1)
                    ),
                    "inspector": supervisor.id,
                    "span": span,
                    "sites": _count(Site),
                },
            ),
        ),
        ("tasks", _tasks),
        (
            "check-ins",
            lambda: db.session.execute(
                ADD_CHECKINS, {"count": args.checkins, "user_id": supervisor.id, "span": span, "sites": _count(Site)}
            ),
        ),
    ]
    for name, step in steps:
        t0 = time.perf_counter()
        step()
        db.session.commit()
        db.session.execute(text("SET work_mem = '256MB'"))
        print(f"bulk insert of the {name}: {time.perf_counter() - t0:.1f} s", flush=True)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _tasks():
    period = services.period(None, utcnow())
    plan = db.session.scalars(select(Plan).where(Plan.frequency == "monthly")).first()
    db.session.execute(
        ADD_TASKS,
        {
            "plan_id": plan.id,
            "family_id": plan.template_family_id,
            "period": period.key,
            "start": period.start,
            "end": period.end,
        },
    )


def scopes_of(role: str, area: Area, user_id) -> services.Scopes:
    """The scopes the resource gives a caller holding `role` over `area` (dashboards.resources.scopes)."""
    held = [Role(role, area.path, None, None)]
    return services.Scopes(
        hazards=Hazard.scope_clause(grants_for(held, "hazards.view"), user_id),
        tasks=Task.scope_clause(grants_for(held, "tasks.view"), user_id),
        inspections=Inspection.scope_clause(grants_for(held, "inspections.view"), user_id),
        checkins=CheckIn.scope_clause(grants_for(held, "sites.view"), user_id),
        sites=Site.scope_clause(grants_for(held, "sites.view")),
        user_id=user_id,
        hazards_granted=Hazard.scope_clause(grants_for(held, "hazards.view")),
    )


def summary(times: list[float]) -> tuple[float, float, str]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    p50 = statistics.median(ordered)
    return p50, p95, f"p50 {p50:6.1f} ms   p95 {p95:6.1f} ms"


def timed(repeats: int, work) -> list[float]:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        work()
        times.append((time.perf_counter() - t0) * 1000)
        db.session.rollback()
    return times


def trend_in_turns(args, ask):
    """The trend from the table alone (the code before the rollup: no grants for it to count) and from the rollup,
    one run of each in turn, so that the machine's drift favours neither."""
    table = services.Ask(replace(ask.scopes, hazards_granted=None), ask.period, ask.now)
    same = [m["found"]["count"] for m in services.trend(table)] == [m["found"]["count"] for m in services.trend(ask)]
    same = same and [m["closed"]["count"] for m in services.trend(table)] == [
        m["closed"]["count"] for m in services.trend(ask)
    ]
    db.session.rollback()
    times = {"table": [], "rollup": []}
    for _ in range(args.repeats):
        for name, which in (("table", table), ("rollup", ask)):
            times[name] += timed(1, lambda which=which: services.trend(which))
    (p50_t, _p95_t, line_t), (p50_r, _p95_r, line_r) = summary(times["table"]), summary(times["rollup"])
    print(f"  trend in turns: from the table {line_t}; from the rollup {line_r}; ", end="")
    print(f"p50 ratio {p50_r / p50_t:.3f}; the same figures: {'yes' if same else 'NO'}")


def trigger_cost(args):
    """What the rollup's trigger adds to a report's insert: single-row inserts of a copy of an open hazard, received
    this month (the trigger only looks the month up) and in a frozen month (it adds to the rollup), with the trigger
    and without it (disabled inside the transaction, which is rolled back) in turns."""
    columns = ", ".join(c.name for c in Hazard.__table__.columns if c.name not in ("id", "received_at"))
    copy = text(
        f"INSERT INTO hazards (id, received_at, {columns}) SELECT gen_random_uuid(), :received, {columns} "
        "FROM hazards WHERE id = :id"
    )
    source = db.session.scalar(select(Hazard.id).where(Hazard.closed_at.is_(None)).limit(1))
    print("\nthe rollup's trigger on a report's insert (single-row inserts, in turns with it disabled):")
    for label, received in (("this month", utcnow()), ("a frozen month", utcnow() - timedelta(days=60))):
        times = {"with": [], "without": []}
        for _ in range(max(3, args.repeats // 3)):
            for name in ("with", "without"):
                if name == "without":
                    db.session.execute(text("ALTER TABLE hazards DISABLE TRIGGER hazard_months_insert"))
                for _ in range(20):
                    t0 = time.perf_counter()
                    db.session.execute(copy, {"received": received, "id": source})
                    times[name].append((time.perf_counter() - t0) * 1000)
                db.session.rollback()
        with_, without = statistics.median(times["with"]), statistics.median(times["without"])
        print(f"  received {label:15s} with p50 {with_:.3f} ms, without {without:.3f} ms: +{with_ - without:.3f} ms")


def measure(args, app):
    with app.app_context():
        district = db.session.scalars(select(Area).where(Area.level == "district")).one()
        # the busiest street: the hard case of a station's view
        street_id = db.session.scalar(
            select(Hazard.street_id).group_by(Hazard.street_id).order_by(func.count().desc()).limit(1)
        )
        street = db.session.get(Area, street_id)
        in_street = db.session.scalar(select(func.count()).where(Hazard.street_id == street_id))
        print(f"\nthe street: {street.name}, {in_street} hazards; the period: this month; {args.repeats} runs each")
        now = utcnow()
        for label, role, area in (("district", "supervisor", district), ("street", "station_officer", street)):
            ask = services.Ask(scopes_of(role, area, None), services.period(None, now), now)
            found = services.loop(ask)["found"]["all"]["count"]
            print(f"\n{label} ({role}): {found} hazards found this month; target p95 < {TARGETS_MS[label]} ms:")
            services.dashboard(ask)  # warm: compiled statements, the plan cache
            db.session.rollback()
            worst = 0.0
            for name, compute in services.FIGURES.items():
                _p50, p95, line = summary(timed(args.repeats, lambda compute=compute: compute(ask)))
                worst = max(worst, p95)
                verdict = "ok" if p95 < TARGETS_MS[label] else "OVER"
                print(f"  {name:18s} {line}   {verdict}")
            _p50, _p95, line = summary(timed(args.repeats, lambda: services.dashboard(ask)))
            print(f"  {'(all of them)':18s} {line}   (worst single figure p95 {worst:.1f} ms)")
            trend_in_turns(args, ask)
        trigger_cost(args)
        users = {}
        for role, area in (("supervisor", district), ("station_officer", street)):
            user = User(
                username=f"bench-{role}".replace("_", "-"),
                name=role,
                password_hash="x",
                roles=[RoleAssignment(role=role, area_id=area.id)],
            )
            db.session.add(user)
            db.session.flush()
            token = secrets.token_urlsafe(24)
            db.session.add(
                AuthToken(user_id=user.id, token_hash=token_digest(token), expires_at=now + timedelta(hours=2))
            )
            users[role] = token
        db.session.commit()
    client = app.test_client()
    print("\nthe whole answer, GET /api/v1/dashboards through the Flask test client:")
    for role, token in users.items():
        auth = {"Authorization": f"Bearer {token}"}
        client.get("/api/v1/dashboards", headers=auth)
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            resp = client.get("/api/v1/dashboards", headers=auth)
            times.append((time.perf_counter() - t0) * 1000)
            assert resp.status_code == 200, resp.json
        print(f"  {role:18s} {summary(times)[2]}   ({len(resp.data) // 1000} KB)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hazards", type=int, default=1_000_000)
    parser.add_argument("--sites", type=int, default=50_000)
    parser.add_argument("--inspections", type=int, default=200_000)
    parser.add_argument("--checkins", type=int, default=200_000)
    parser.add_argument("--months", type=int, default=36, help="the hazards' and inspections' spread")
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()

    admin, schema, database_url = fresh_schema()
    instance = tempfile.mkdtemp(prefix="safegrid-bench-")
    try:
        app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": instance})
        import_all_models()
        Base.metadata.create_all(db.engine)
        t0 = time.perf_counter()
        with app.app_context():
            populate(args)
            t1 = time.perf_counter()
            frozen = rollup.freeze_ended_months()
            print(f"froze {len(frozen)} months ({frozen[0]} to {frozen[-1]}): {time.perf_counter() - t1:.1f} s")
        with admin.connect() as conn:
            for table in ("hazards", "sites", "inspections", "tasks", "check_ins", "areas", "hazard_months"):
                conn.execute(text(f"VACUUM ANALYZE {schema}.{table}"))
        print(f"setup: {time.perf_counter() - t0:.1f} s (schema {schema})")
        measure(args, app)
        with app.app_context():
            db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
