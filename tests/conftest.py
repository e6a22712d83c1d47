"""Test fixtures: one app per run on SQLite or PostgreSQL, a rolled-back transaction per test,
factories beside ready-made users, and a small world of areas, enterprises and sites."""

import os
import secrets
import tempfile
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from server import create_app
from server.areas.models import Area
from server.areas.services import create_area, load_areas_csv
from server.auth.models import AuthToken
from server.auth.services import hash_password, token_digest
from server.core.db import Base, db
from server.core.time import utcnow
from server.enterprises.models import SECTORS, Enterprise
from server.enterprises.uscc import check_character
from server.evidence.models import ChainHead
from server.evidence.services import GENESIS
from server.hazards.services import ensure_categories
from server.models import import_all_models
from server.people.models import RoleAssignment, User
from server.sites.models import Site

pytest_plugins = ("tests.migrations.engines",)  # empty_engine: an empty database to migrate, for any test

TEST_PASSWORD = "correct horse 9"


def pytest_sessionstart(session):
    if os.environ.get("SAFEGRID_TEST_LEG") == "postgresql":
        missing = [name for name in ("TEST_DATABASE_URL", "TEST_REDIS_URL") if not os.environ.get(name)]
        if missing:
            raise pytest.UsageError(f"the PostgreSQL leg needs {', '.join(missing)}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In the PostgreSQL leg nothing may silently skip: a skip there is a failure."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("SAFEGRID_TEST_LEG") == "postgresql":
        report.outcome = "failed"
        report.longrepr = f"skipped in the PostgreSQL leg, which must run every test: {report.longrepr}"


def pytest_report_header():
    database = os.environ.get("TEST_DATABASE_URL") or "SQLite (set TEST_DATABASE_URL for PostgreSQL)"
    return f"database: {database}; redis: {os.environ.get('TEST_REDIS_URL') or 'none (jobs run inline)'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A private database for this run: a fresh schema on PostgreSQL, a fresh file on SQLite."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    url = make_url(base).set(drivername="postgresql+psycopg")
    schema = f"t_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    yield url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def app_config(database_url, **overrides):
    instance_path = tempfile.mkdtemp(prefix="safegrid-instance-")
    return {
        "TESTING": True,
        "INSTANCE_PATH": instance_path,
        "PWA_DIST": os.path.join(instance_path, "no-pwa-build"),  # as unbuilt, whatever pwa/dist holds
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-" + secrets.token_hex(8),
        "REDIS_URL": None,
        "PASSWORD_HASH": {"time_cost": 1, "memory_cost": 1024},
        **overrides,
    }


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app(app_config(database_url))
    import_all_models()
    Base.metadata.create_all(db.engine)
    with app.app_context():
        build_world()
        db.session.commit()
    yield app
    db.engine.dispose()


_shared = []  # the connection of a shared_transaction(), if one is open


@contextmanager
def shared_transaction():
    """A transaction that a group of tests shares (the demo, loaded once for tests/demo): rolled back when the group is
    done; each of its tests runs in a savepoint inside it, rolled back after the test."""
    connection = db.engine.connect()
    outer = connection.begin()
    _shared.append(connection)
    db.sessionmaker.configure(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield
    finally:
        _shared.remove(connection)
        outer.rollback()
        connection.close()
        db.sessionmaker.configure(bind=db.engine)
        del db.sessionmaker.kw["join_transaction_mode"]


@pytest.fixture(autouse=True)
def transaction(request, app):
    """Every test runs inside a transaction that is rolled back; requests commit to savepoints."""
    if "no_transaction" in request.keywords:
        yield
        return
    connection = _shared[-1] if _shared else db.engine.connect()
    outer = connection.begin_nested() if _shared else connection.begin()
    db.sessionmaker.configure(bind=connection, join_transaction_mode="create_savepoint")
    yield
    outer.rollback()
    if _shared:
        return  # the shared transaction's own binding stays for the next test of its group
    connection.close()
    db.sessionmaker.configure(bind=db.engine)
    del db.sessionmaker.kw["join_transaction_mode"]  # back to the Session's own default


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def redis_app(app):
    """The app with jobs queued on the real Redis (the PostgreSQL + Redis leg), not run inline."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set: the PostgreSQL + Redis leg of scripts/test runs this")
    Redis.from_url(url).flushdb()
    app.config["REDIS_URL"] = url
    app.extensions.pop("redis", None)
    yield app
    app.config["REDIS_URL"] = None
    app.extensions.pop("redis", None)


# ---- the world every test shares ------------------------------------------------------------------

WORLD = {}


def build_world():
    """Two streets with a community and grids each, two enterprises and three sites."""
    load_areas_csv()
    ensure_categories()
    db.session.add(ChainHead(id=1, seq=0, hash=GENESIS))  # as the migration seeds it
    district = db.session.query(Area).filter_by(code="420103").one()
    street_a = db.session.query(Area).filter_by(code="420103001").one()  # 民族街道
    street_b = db.session.query(Area).filter_by(code="420103002").one()  # 花楼街道
    comm_a = create_area(code="T-A1", name="测试社区A1", level="community", parent=street_a)
    grid_a1 = create_area(code="T-A1-1", name="测试网格A1-1", level="grid", parent=comm_a)
    grid_a2 = create_area(code="T-A1-2", name="测试网格A1-2", level="grid", parent=comm_a)
    comm_b = create_area(code="T-B1", name="测试社区B1", level="community", parent=street_b)
    grid_b1 = create_area(code="T-B1-1", name="测试网格B1-1", level="grid", parent=comm_b)
    market = make_enterprise(name="测试农贸市场有限公司", sector="market", area=street_a)
    mall = make_enterprise(name="测试商场有限公司", sector="commerce", area=street_b)
    sites = {
        "market_site": make_site(name="测试农贸市场", type="market", grid=grid_a1, enterprise=market),
        "mall_site": make_site(name="测试商场", type="mall", grid=grid_b1, enterprise=mall),
        "fire_lane": make_site(name="测试消防通道", type="fire_lane", grid=grid_a2, enterprise=None),
    }
    WORLD.update(
        district=district.id,
        street_a=street_a.id,
        street_b=street_b.id,
        comm_a=comm_a.id,
        grid_a1=grid_a1.id,
        grid_a2=grid_a2.id,
        comm_b=comm_b.id,
        grid_b1=grid_b1.id,
        market=market.id,
        mall=mall.id,
        **{k: v.id for k, v in sites.items()},
    )


# ---- factories (they flush; callers inside an app context decide when to commit) ---------------------

_serial = iter(range(10**6))


def make_uscc(division="420103") -> str:
    body = f"91{division}{secrets.randbelow(10**9):09d}"
    return body + check_character(body)


def make_enterprise(*, name=None, sector="market", area, **fields) -> Enterprise:
    enterprise = Enterprise(
        name=name or f"企业{next(_serial)}",
        uscc=make_uscc(),
        sector=sector,
        supervising_department=SECTORS[sector][2],
        area_id=area.id,
        **fields,
    )
    db.session.add(enterprise)
    db.session.flush()
    return enterprise


def make_site(*, name=None, type="market", grid, enterprise=None, **fields) -> Site:
    site = Site(
        name=name or f"场所{next(_serial)}",
        type=type,
        grid_id=grid.id,
        enterprise_id=enterprise.id if enterprise else None,
        latitude=fields.pop("latitude", 30.59),
        longitude=fields.pop("longitude", 114.27),
        **fields,
    )
    db.session.add(site)
    db.session.flush()
    return site


def make_user(role, *, area_id=None, enterprise_id=None, sector=None, password=TEST_PASSWORD, **fields) -> User:
    n = next(_serial)
    user = User(
        username=fields.pop("username", f"user{n}"),
        phone=fields.pop("phone", f"139{n:08d}"),
        name=fields.pop("name", f"用户{n}"),
        password_hash=hash_password(password),
        **fields,
    )
    user.roles = [RoleAssignment(role=role, area_id=area_id, enterprise_id=enterprise_id, sector=sector)]
    db.session.add(user)
    db.session.flush()
    return user


def issue_token(user) -> str:
    token = secrets.token_urlsafe(16)
    db.session.add(AuthToken(user_id=user.id, token_hash=token_digest(token), expires_at=utcnow() + timedelta(hours=1)))
    db.session.flush()
    return token


# The people of the scoping table: each a role with its scope in the world above.
PEOPLE = {
    "grid_worker": ("grid_worker", {"area_id": "grid_a1"}),
    "station_officer": ("station_officer", {"area_id": "street_a"}),
    "station_officer_b": ("station_officer", {"area_id": "street_b"}),
    "enforcement_officer": ("enforcement_officer", {"area_id": "district"}),
    "department_officer": ("department_officer", {"area_id": "district", "sector": "market"}),
    "enterprise_user": ("enterprise_user", {"enterprise_id": "market"}),
    "expert": ("expert", {"area_id": "street_b"}),
    "supervisor": ("supervisor", {"area_id": "district"}),
    "admin": ("admin", {"area_id": "street_b"}),
    "district_admin": ("admin", {"area_id": "district"}),
}


class Caller:
    """A signed-in user and a test client that sends their token."""

    def __init__(self, client, user, token):
        self.client, self.user, self.token = client, user, token

    def headers(self, extra=None):
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    def __getattr__(self, method):
        def call(url, *, headers=None, **kwargs):
            return getattr(self.client, method)(url, headers=self.headers(headers), **kwargs)

        return call


@pytest.fixture
def login_as(app, client):
    """login_as("station_officer") → a Caller for a fresh user of that person in the world."""

    def make(person, **fields):
        role, scope = PEOPLE[person]
        scope = {k: (WORLD[v] if k != "sector" else v) for k, v in scope.items()}
        with app.app_context():
            user = make_user(role, **scope, **fields)
            token = issue_token(user)
            db.session.commit()
        return Caller(client, user, token)

    return make


@pytest.fixture
def world():
    return WORLD


def uid():
    return str(uuid.uuid4())


def project_root() -> Path:
    return Path(__file__).resolve().parent.parent
