"""Benchmark: how long a login takes to fail, by what kind of failure, at production argon2 cost: whether
time tells a login that exists from one that does not.

Run: .venv/bin/python bench/login_timing.py [--rounds 40] [--database-url postgresql://…]
Needs nothing else (a throwaway SQLite file by default; with --database-url, a throwaway schema there).
Kinds run interleaved, in a new order each round, each from its own fresh address (so that the throttle stops
none of them, except the refused kinds, which exhaust theirs first); prints each kind's median and p90
in milliseconds and its ratio to a wrong password at a known login, the baseline. Asserts nothing.
"""

import argparse
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server import create_app  # noqa: E402
from server.areas.models import Area  # noqa: E402
from server.areas.services import load_areas_csv  # noqa: E402
from server.auth.services import hash_password  # noqa: E402
from server.core.db import Base, db  # noqa: E402
from server.models import import_all_models  # noqa: E402
from server.people.models import RoleAssignment, User  # noqa: E402

PASSWORD = "the right passphrase 1"


def database(url):
    if not url:
        return f"sqlite:///{tempfile.mkdtemp(prefix='bench-login-')}/bench.db", lambda: None
    url = make_url(url).set(drivername="postgresql+psycopg")
    schema, admin = f"bench_{secrets.token_hex(4)}", create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))

    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(False), drop


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url, drop = database(args.database_url)
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": secrets.token_hex(16),
            "REDIS_URL": None,
            "INSTANCE_PATH": tempfile.mkdtemp(prefix="bench-login-instance-"),
            "TESTING": True,
        }
    )
    import_all_models()
    Base.metadata.create_all(db.engine)
    with app.app_context():
        load_areas_csv()
        district = db.session.query(Area).filter_by(level="district").first()
        for username, active in (("known", True), ("inactive", False)):
            db.session.add(
                User(
                    username=username,
                    phone=None,
                    name=username,
                    is_active=active,
                    password_hash=hash_password(PASSWORD),
                    roles=[RoleAssignment(role="admin", area_id=district.id)],
                )
            )
        db.session.commit()
    client = app.test_client()
    serial = iter(range(10**6))

    def attempt(login, password, address=None):
        if address is None:  # a fresh one
            n = next(serial)
            address = f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
        start = time.perf_counter()
        resp = client.post(
            "/api/v1/auth/login", json={"login": login, "password": password}, environ_base={"REMOTE_ADDR": address}
        )
        return time.perf_counter() - start, resp.status_code

    refused_from = {}
    for login in ("known", "unknown"):
        refused_from[login] = address = "192.0.2.1" if login == "known" else "192.0.2.2"
        while attempt(login, "guess", address)[1] != 429:
            pass
    kinds = {
        "wrong password, known login (baseline)": ("known", "wrong guess", None),
        "unknown login": ("nobody-here", "wrong guess", None),
        "inactive account, wrong password": ("inactive", "wrong guess", None),
        "inactive account, right password": ("inactive", PASSWORD, None),
        "refused (429), known login": ("known", "wrong guess", refused_from["known"]),
        "refused (429), unknown login": ("unknown", "wrong guess", refused_from["unknown"]),
        "right password (201)": ("known", PASSWORD, None),
    }
    times, statuses = {kind: [] for kind in kinds}, {kind: set() for kind in kinds}
    attempt("known", PASSWORD)  # warm up
    order, shuffle = list(kinds), random.Random(7).shuffle
    for _ in range(args.rounds):
        shuffle(order)  # so that no kind always follows the same one (a cache an argon2 hash just swept)
        for kind in order:
            login, password, address = kinds[kind]
            elapsed, status = attempt(login, password, address)
            times[kind].append(elapsed * 1000)
            statuses[kind].add(status)
    cost = app.config["PASSWORD_HASH"]
    print(
        f"{args.rounds} rounds on {db.engine.dialect.name}, argon2id time_cost={cost['time_cost']} "
        f"memory_cost={cost['memory_cost']} KiB"
    )
    baseline = statistics.median(times["wrong password, known login (baseline)"])
    for kind, values in times.items():
        median, p90 = statistics.median(values), statistics.quantiles(values, n=10)[-1]
        print(
            f"  {kind:42s} {'/'.join(map(str, sorted(statuses[kind]))):>4s}  median {median:7.1f} ms  "
            f"p90 {p90:7.1f} ms  {median / baseline:5.2f}×"
        )
    db.engine.dispose()
    drop()


if __name__ == "__main__":
    main()
