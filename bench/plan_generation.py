"""Benchmark: a month's tasks of the district's patrol plan at 700 grids and 50,000 sites, and the district's coverage
of that month.

Generation (`plans.services.generate`, as `POST /plans/<id>/generate` and the maintenance round run it) reads the
plan's sites and the grids' workers, inserts a task a site (one JSON parameter on PostgreSQL), appends a `plan` event a
task to the chain (the feed brings the tasks to the phones by them) and commits. The baseline, in the same run on the
same rows, is the least any generator must do: one `INSERT … SELECT` from `sites` into `tasks` (no events, no
workers). Then the same period generated again (idempotent: nothing to add), and the maintenance round's plans step
when nothing changed. Coverage: `GET /api/v1/coverage?period=…&by=…` as the district's supervisor, through the app in
process (auth, scope, query, JSON), with 60 % of the tasks done and 5 % flagged; the baseline is the bare `GROUP BY`.

Run: .venv/bin/python bench/plan_generation.py [--sites 50000] [--grids 700] [--repeats 20]
Needs PostgreSQL (BENCH_DATABASE_URL, default the test database on 127.0.0.1; a throwaway schema, dropped after).
Prints figures; asserts nothing. Targets (issue 15): the month's tasks in under 30 s; the month's coverage in under
200 ms.
"""

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server import create_app  # noqa: E402
from server.areas.models import Area  # noqa: E402
from server.areas.services import create_area, load_areas_csv  # noqa: E402
from server.auth.models import AuthToken  # noqa: E402
from server.auth.services import token_digest  # noqa: E402
from server.core.db import Base, db  # noqa: E402
from server.core.time import utcnow  # noqa: E402
from server.evidence.models import ChainHead  # noqa: E402
from server.evidence.services import GENESIS  # noqa: E402
from server.inspections.models import InspectionTemplate  # noqa: E402
from server.models import import_all_models  # noqa: E402
from server.people.models import RoleAssignment, User  # noqa: E402
from server.plans import periods, services  # noqa: E402
from server.plans.models import Plan  # noqa: E402
from server.sites.models import SITE_TYPES, Site  # noqa: E402

BASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def fresh_schema():
    url = make_url(BASE_URL).set(drivername="postgresql+psycopg")
    schema = f"bench_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    return admin, schema, url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(False)


def populate(n_sites: int, n_grids: int) -> str:
    """The district's streets, communities of 5 grids up to n_grids, a worker per grid, n_sites sites, a published
    patrol checklist for any site, and the supervisor's token."""
    rng = __import__("random").Random(15)
    load_areas_csv()
    db.session.add(ChainHead(id=1, seq=0, hash=GENESIS))
    streets = db.session.scalars(select(Area).where(Area.level == "street").order_by(Area.code)).all()
    grids, c = [], 0
    while len(grids) < n_grids:
        street = streets[c % len(streets)]
        community = create_area(code=f"{street.code}B{c}", name=f"社区{c}", level="community", parent=street)
        grids += [
            create_area(code=f"{community.code}G{g}", name=f"网格{c}-{g}", level="grid", parent=community)
            for g in range(5)
        ]
        c += 1
    grids = grids[:n_grids]
    now = utcnow()
    users = [
        {
            "id": uuid.uuid4(),
            "username": f"grid{n:04d}",
            "name": f"网格员{n}",
            "password_hash": "x",
            "is_active": True,
            "is_demo": False,
            "created_at": now,
            "updated_at": now,
        }
        for n in range(len(grids))
    ]
    db.session.execute(insert(User), users)
    db.session.execute(
        insert(RoleAssignment),
        [
            {"id": uuid.uuid4(), "user_id": u["id"], "role": "grid_worker", "area_id": g.id}
            for u, g in zip(users, grids, strict=True)
        ],
    )
    types = list(SITE_TYPES)
    for start in range(0, n_sites, 5000):
        db.session.execute(
            insert(Site),
            [
                {
                    "id": uuid.uuid4(),
                    "name": f"场所{i:06d}",
                    "type": types[i % len(types)],
                    "enterprise_id": None,
                    "address": "",
                    "latitude": 30.58 + rng.random() / 20,
                    "longitude": 114.24 + rng.random() / 20,
                    "grid_id": grids[rng.randrange(len(grids))].id,
                    "risk_level": "general",
                    "is_demo": False,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(start, min(start + 5000, n_sites))
            ],
        )
    family = uuid.uuid4()
    db.session.add(InspectionTemplate(family_id=family, state="published", kind="patrol", name="巡查表", sections=[]))
    district = db.session.scalar(select(Area.id).where(Area.level == "district"))
    supervisor = User(
        username="bench-supervisor",
        name="区应急管理局",
        password_hash="x",
        roles=[RoleAssignment(role="supervisor", area_id=district)],
    )
    db.session.add(supervisor)
    db.session.flush()
    token = secrets.token_urlsafe(24)
    db.session.add(
        AuthToken(user_id=supervisor.id, token_hash=token_digest(token), expires_at=now + timedelta(hours=2))
    )
    for name in ("district patrol", "baseline"):  # the baseline's inactive: the maintenance round leaves it be
        db.session.add(
            Plan(
                name=name,
                area_id=district,
                frequency="monthly",
                template_family_id=family,
                assignee="grid_worker",
                active=name != "baseline",
            )
        )
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return token


def timed(func) -> float:
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


def baseline_insert(plan: Plan, period) -> float:
    """One INSERT … SELECT of the same tasks for the second plan: the least a generator does."""
    stmt = text(
        "INSERT INTO tasks (id, plan_id, site_id, grid_id, enterprise_id, sector, site_type, template_family_id, "
        "period, period_start, period_end, due_date, assignee, unannounced, state, flags, flagged, is_demo, "
        "created_at, version) SELECT gen_random_uuid(), :plan, id, grid_id, enterprise_id, NULL, type, :family, "
        ":period, :start, :end, :end, 'grid_worker', false, 'open', '[]', false, false, now(), 1 FROM sites"
    )
    params = {
        "plan": plan.id,
        "family": plan.template_family_id,
        "period": period.key,
        "start": period.start,
        "end": period.end,
    }

    def run():
        db.session.execute(stmt, params)
        db.session.commit()

    elapsed = timed(run)
    db.session.execute(text("DELETE FROM tasks WHERE plan_id = :plan"), {"plan": plan.id})
    db.session.commit()
    left = db.session.scalar(text("SELECT count(*) FROM tasks"))
    assert left == 0, left
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=50_000)
    parser.add_argument("--grids", type=int, default=700)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()

    admin, schema, database_url = fresh_schema()
    instance = tempfile.mkdtemp(prefix="safegrid-bench-")
    try:
        app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": instance, "TESTING": True})
        import_all_models()
        Base.metadata.create_all(db.engine)
        with app.app_context():
            t0 = time.perf_counter()
            token = populate(args.sites, args.grids)
            print(
                f"data: {args.grids} grids with a worker each, {args.sites} sites, in {time.perf_counter() - t0:.1f} s"
            )
            plan, other = (
                db.session.scalar(select(Plan).where(Plan.name == n)) for n in ("district patrol", "baseline")
            )
            period = periods.containing("monthly", periods.local_date(utcnow()))
            base = baseline_insert(other, period)
            counts = {}

            def generate():
                counts.update(services.generate(plan, period))
                db.session.commit()

            first = timed(generate)
            print(
                f"generate {period.key}: {counts['planned']} tasks in {first:.2f} s (target < 30 s); "
                f"baseline INSERT … SELECT {base:.2f} s ({first / base:.1f}×)"
            )
            again = timed(generate)
            print(f"generate again (nothing to add): {again:.2f} s, {counts['planned']} added")
            first_round = timed(services.maintain)  # a process's first round puts the tasks right once
            rounds = [timed(services.maintain) for _ in range(5)]
            print(
                f"maintenance round's plans step: a process's first {first_round * 1000:.0f} ms, then (nothing "
                f"changed) median {statistics.median(rounds) * 1000:.0f} ms"
            )
            db.session.execute(
                text(
                    "UPDATE tasks SET state = 'done', done_at = now(), flagged = (random() < 0.083) "
                    "WHERE random() < 0.6"
                )
            )
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE tasks"))  # as autovacuum leaves a table after a bulk insert
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        bare = text(
            "SELECT grid_id, state, flagged, count(*) FROM tasks WHERE period_start >= :start AND "
            "period_start <= :end AND state != 'cancelled' GROUP BY grid_id, state, flagged"
        )
        with app.app_context():
            raw = []
            for _ in range(args.repeats):
                raw.append(timed(lambda: db.session.execute(bare, {"start": period.start, "end": period.end}).all()))
        print(
            f"coverage of {period.key}, median of {args.repeats} (target < 200 ms); bare GROUP BY "
            f"{statistics.median(raw) * 1000:.1f} ms:"
        )
        for by in ("street", "community", "grid", "site_type", "sector"):
            times = []
            for _ in range(args.repeats):
                started = time.perf_counter()
                got = client.get("/api/v1/coverage", query_string={"period": period.key, "by": by}, headers=headers)
                times.append(time.perf_counter() - started)
                assert got.status_code == 200, got.json
            total = got.json["total"]
            print(
                f"  by {by:9s} {len(got.json['rows']):4d} rows: p50 {statistics.median(times) * 1000:6.1f} ms, "
                f"max {max(times) * 1000:6.1f} ms  ({total['done']} of {total['planned']} done, "
                f"{total['flagged']} flagged)"
            )
        db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


if __name__ == "__main__":
    main()
