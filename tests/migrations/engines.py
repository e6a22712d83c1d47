"""Empty databases to migrate (SQLite, and PostgreSQL in a schema of its own), for every test of a migration: the
`empty_engine` fixture (a plugin of the root conftest) and `migrate`."""

import os
import secrets

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from server.core.db import make_engine
from server.migrate import alembic_config


def _sqlite(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'migrate.db'}")
    yield engine
    engine.dispose()


def _postgresql(_tmp_path):
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set: the PostgreSQL leg of .ci/run runs this")
    url = make_url(url).set(drivername="postgresql+psycopg")
    schema = f"m_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(False))
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request, tmp_path):
    yield from {"sqlite": _sqlite, "postgresql": _postgresql}[request.param](tmp_path)


def migrate(app, engine, action, target):
    with engine.begin() as conn:
        getattr(command, action)(alembic_config(app, connection=conn), target)
