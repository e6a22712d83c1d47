"""The migrations build exactly the models' schema on an empty database, and tear it down again."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from server.core.db import Base
from server.migrate import alembic_config
from server.models import import_all_models
from tests.migrations.engines import migrate

pytestmark = pytest.mark.no_transaction


def differences(engine):
    import_all_models()
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)


def test_upgrade_to_head_matches_the_models_and_downgrade_empties(app, empty_engine):
    migrate(app, empty_engine, "upgrade", "head")
    assert differences(empty_engine) == []
    migrate(app, empty_engine, "downgrade", "base")
    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}
    migrate(app, empty_engine, "upgrade", "head")  # and back up again, cleanly
    assert differences(empty_engine) == []


def test_area_paths_compare_byte_by_byte_so_subtrees_are_ranges(app, empty_engine):
    # Alembic does not compare collations; under a locale collation "/1/2/" would not sort before "/1/20/".
    migrate(app, empty_engine, "upgrade", "head")
    if empty_engine.dialect.name == "postgresql":
        with empty_engine.connect() as conn:
            collation = conn.execute(
                text(
                    "SELECT collation_name FROM information_schema.columns "
                    "WHERE table_name = 'areas' AND column_name = 'path' "
                    "AND table_schema = current_schema()"
                )
            ).scalar_one()
        assert collation == "C"
    with empty_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO areas (id, code, name, level, path, is_demo, created_at, updated_at) VALUES "
                + ", ".join(
                    f"({i}, 'c{i}', 'n', 'grid', '{p}', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    for i, p in enumerate(["/1/", "/1/2/", "/1/2/9/", "/1/20/", "/1/2a/", "/1/3/"], 1)
                )
            )
        )
        within = conn.execute(text("SELECT path FROM areas WHERE path >= '/1/2/' AND path < '/1/20' ORDER BY path"))
        assert within.scalars().all() == ["/1/2/", "/1/2/9/"]


def test_every_revision_steps_down_and_up_one_at_a_time(app, empty_engine):
    revisions = list(ScriptDirectory.from_config(alembic_config(app)).walk_revisions())
    migrate(app, empty_engine, "upgrade", "head")
    for _ in revisions:
        migrate(app, empty_engine, "downgrade", "-1")
    for _ in revisions:
        migrate(app, empty_engine, "upgrade", "+1")
    assert differences(empty_engine) == []


def test_revision_files_are_date_prefixed(app):
    for script in ScriptDirectory.from_config(alembic_config(app)).walk_revisions():
        name = os.path.basename(script.path)
        assert name[:8].isdigit() and name[8] == "_", name
