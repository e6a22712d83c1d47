"""Benchmark: an authenticated read of one site against hello-world on the same gunicorn, and a page
of 50 sites with its total count, in three users' scopes, at 50,000 sites, on PostgreSQL.

Run: .venv/bin/python bench/api_read.py [--sites 50000] [--seconds 10]
Needs PostgreSQL (BENCH_DATABASE_URL, default the test database on 127.0.0.1) and wrk
(`apt-get install wrk`). Prints figures; asserts nothing. Targets (issue 2): read ≥ 0.35× hello,
page of 50 < 50 ms.
"""

import argparse
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
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
from server.enterprises.models import Enterprise  # noqa: E402
from server.models import import_all_models  # noqa: E402
from server.people.models import RoleAssignment, User  # noqa: E402
from server.sites.models import SITE_TYPES, Site  # noqa: E402

BASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def fresh_schema():
    url = make_url(BASE_URL).set(drivername="postgresql+psycopg")
    schema = f"bench_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    return admin, schema, url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(False)


def populate(n_sites):
    """The district, 14 × 8 communities × 6 grids, enterprises, n_sites sites, three users with tokens."""
    rng = __import__("random").Random(7)
    load_areas_csv()
    grids = []
    for street in db.session.scalars(select(Area).where(Area.level == "street").order_by(Area.code)).all():
        for c in range(8):
            community = create_area(
                code=f"{street.code}B{c}", name=f"{street.name}社区{c}", level="community", parent=street
            )
            grids += [
                create_area(code=f"{community.code}G{g}", name=f"网格{g}", level="grid", parent=community)
                for g in range(6)
            ]
    street_ids = {g.id: int(g.path.strip("/").split("/")[1]) for g in grids}
    enterprises = [
        {
            "id": uuid.uuid4(),
            "name": f"企业{i}",
            "uscc": f"X{i:017d}",
            "sector": "market",
            "supervising_department": "区市场监督管理局",
            "area_id": street_ids[grids[i % len(grids)].id],
            "address": "",
            "contacts": [],
            "above_designated_size": False,
            "is_demo": False,
            "version": 1,
            "created_at": utcnow(),
            "updated_at": utcnow(),
        }
        for i in range(n_sites // 25)
    ]
    db.session.execute(insert(Enterprise), enterprises)
    types = list(SITE_TYPES)
    for start in range(0, n_sites, 5000):
        db.session.execute(
            insert(Site),
            [
                {
                    "id": uuid.uuid4(),
                    "name": f"场所{i:06d}",
                    "type": types[i % len(types)],
                    "enterprise_id": enterprises[i % len(enterprises)]["id"] if i % 3 else None,
                    "address": f"江汉区测试路{i}号",
                    "latitude": 30.58 + rng.random() / 20,
                    "longitude": 114.24 + rng.random() / 20,
                    "grid_id": grids[rng.randrange(len(grids))].id,
                    "risk_level": "general",
                    "is_demo": False,
                    "version": 1,
                    "created_at": utcnow(),
                    "updated_at": utcnow(),
                }
                for i in range(start, min(start + 5000, n_sites))
            ],
        )
    people = {
        "grid_worker": grids[0].id,
        "station_officer": street_ids[grids[0].id],
        "supervisor": db.session.scalar(select(Area.id).where(Area.level == "district")),
    }
    tokens = {}
    for role, area_id in people.items():
        user = User(
            username=f"bench-{role}".replace("_", "-"),
            name=role,
            password_hash="x",
            roles=[RoleAssignment(role=role, area_id=area_id)],
        )
        db.session.add(user)
        db.session.flush()
        tokens[role] = secrets.token_urlsafe(24)
        db.session.add(
            AuthToken(user_id=user.id, token_hash=token_digest(tokens[role]), expires_at=utcnow() + timedelta(hours=2))
        )
    site_in_grid = db.session.scalar(select(Site.id).where(Site.grid_id == grids[0].id).limit(1))
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return tokens, site_in_grid


def serve(database_url, instance, port, workers):
    env = dict(os.environ, DATABASE_URL=database_url, BENCH_INSTANCE_PATH=instance, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "bench.hello_wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/hello", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def wrk(url, seconds, token=None):
    cmd = ["wrk", "-t2", "-c32", f"-d{seconds}s", url]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise SystemExit(f"{url}: {non2xx.group(1)} error responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def page_latencies(url, token, n=200):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    times, total = [], None
    for _ in range(n):
        t0 = time.perf_counter()
        with urllib.request.urlopen(request) as resp:
            resp.read()
            total = resp.headers["X-Pagination"]
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95)], re.search(r'"total": (\d+)', total).group(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=50_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    admin, schema, database_url = fresh_schema()
    instance = tempfile.mkdtemp(prefix="safegrid-bench-")
    try:
        app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": instance})
        import_all_models()
        Base.metadata.create_all(db.engine)
        t0 = time.perf_counter()
        with app.app_context():
            tokens, site_id = populate(args.sites)
        db.engine.dispose()
        print(f"data: {args.sites} sites loaded in {time.perf_counter() - t0:.1f} s (schema {schema})")

        server = serve(database_url, instance, args.port, args.workers)
        base = f"http://127.0.0.1:{args.port}"
        try:
            wrk(f"{base}/bench/hello", 2)  # warm up both paths
            wrk(f"{base}/api/v1/sites/{site_id}", 2, tokens["grid_worker"])
            hello, read = [], []
            for _ in range(2):  # interleaved, so drift in the machine's load hits both alike
                hello.append(wrk(f"{base}/bench/hello", args.seconds))
                read.append(wrk(f"{base}/api/v1/sites/{site_id}", args.seconds, tokens["grid_worker"]))
            h, r = statistics.mean(hello), statistics.mean(read)
            print(f"gunicorn: {args.workers} sync workers; wrk -t2 -c32, {args.seconds} s × 2 each")
            print(f"hello-world:             {h:8.0f} req/s")
            print(f"GET /api/v1/sites/<id>:  {r:8.0f} req/s   = {r / h:.2f}× hello  (target ≥ 0.35×)")
            print("page of 50 sites with total count (200 sequential requests each):")
            for role in ("grid_worker", "station_officer", "supervisor"):
                p50, p95, total = page_latencies(f"{base}/api/v1/sites?page_size=50&page=3", tokens[role])
                print(f"  {role:16s} scope {total:>6s} sites: p50 {p50:5.1f} ms, p95 {p95:5.1f} ms  (target < 50 ms)")
            p50, p95, total = page_latencies(
                f"{base}/api/v1/sites?page_size=50&q=%E5%9C%BA%E6%89%8000", tokens["supervisor"]
            )
            print(f"  supervisor, text search ({total} matches): p50 {p50:5.1f} ms, p95 {p95:5.1f} ms")
        finally:
            server.terminate()
            server.wait(10)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


if __name__ == "__main__":
    main()
