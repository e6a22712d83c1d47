"""The maintenance round folds each change of the map's summary into its cell once, however many processes run it."""

import os
import threading

import pytest
from sqlalchemy import delete, insert, select, text

from server.core.db import db
from server.maps import summary
from server.maps.models import MapCell, MapCellChange
from tests.migrations.engines import migrate

# a cell no hazard of the tests' world is in (the South Atlantic), so that the test's rows are its own
CELL = {"cx": 34000, "cy": 10000, "level": "general", "state": "reported"}


@pytest.mark.no_transaction
def test_rounds_folding_at_once_fold_each_change_once(app):
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("processes folding at once need PostgreSQL (SQLite has one writer): the PostgreSQL leg runs this")
    with app.app_context():
        db.session.execute(insert(MapCellChange), [{**CELL, "n": 1, "lon": -5.0, "lat": -38.0}] * 30)
        db.session.commit()
    folded = []
    try:
        with db.engine.connect() as holder:  # holds the changes, so that both rounds start before either claims them
            holder.execute(text("SELECT id FROM map_cell_changes FOR UPDATE"))
            rounds = [threading.Thread(target=lambda: folded.append(_fold(app))) for _ in range(2)]
            for thread in rounds:
                thread.start()
            threading.Event().wait(0.5)
            holder.rollback()
            for thread in rounds:
                thread.join(10)
        assert sorted(folded) == [0, 30]  # one round claimed them all, the other none
        with app.app_context():
            n, lon = db.session.execute(select(MapCell.n, MapCell.lon).filter_by(**CELL)).one()
            assert (n, lon) == (30, -150.0)
    finally:
        with app.app_context():
            db.session.execute(delete(MapCell).filter_by(**CELL))
            db.session.execute(delete(MapCellChange).filter_by(**CELL))
            db.session.commit()


def _fold(app) -> int:
    with app.app_context():
        try:
            return summary.fold()
        finally:
            db.session.remove()


@pytest.mark.no_transaction
def test_the_migration_makes_the_summarys_triggers_and_its_downgrade_removes_them(app, empty_engine):
    migrate(app, empty_engine, "upgrade", "head")
    assert _triggers(empty_engine) == {"hazards_map_inserted", "hazards_map_updated", "hazards_map_deleted"}
    migrate(app, empty_engine, "downgrade", "5d2f8a1c7e34-1")  # the revision before this one, wherever it is
    assert _triggers(empty_engine) == set()


def _triggers(engine) -> set:
    """The map summary's triggers on hazards (hazards_map_*: the dashboards' rollup has its own there too)."""
    catalog = {
        "postgresql": "SELECT tgname FROM pg_trigger WHERE tgrelid = 'hazards'::regclass AND NOT tgisinternal",
        "sqlite": "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'hazards'",
    }[engine.dialect.name]
    with engine.connect() as conn:
        return {name for name in conn.execute(text(catalog)).scalars() if name.startswith("hazards_map_")}
