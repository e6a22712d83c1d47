"""Alembic environment: the app's engine and the models' metadata (SQLite gets batch mode)."""

from alembic import context

from server.core.db import Base, db
from server.models import import_all_models

import_all_models()
target_metadata = Base.metadata
config = context.config


def run_migrations(connection):
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online():
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    app = config.attributes["app"]
    with app.app_context(), db.engine.connect() as connection:
        run_migrations(connection)
        connection.commit()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run against a database")
run_online()
