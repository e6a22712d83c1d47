"""The rollup on a database of its own, migrated: the months that ended before the migration are counted and frozen,
its triggers are those the models make (create_all) and keep the months from then on, downgraded they are gone; and
freezing a month waits for a writer of that month under way."""

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, inspect, select, text

from server.core.db import db
from server.core.i18n import SHANGHAI
from server.dashboards import rollup
from server.dashboards.models import FrozenMonth, HazardMonth
from server.hazards.models import Hazard
from server.people.models import User
from server.sites.models import Site
from tests.migrations.engines import migrate

pytestmark = pytest.mark.no_transaction
BEFORE = "5d2f8a1c7e34"  # the revision before the rollup's
JANUARY = datetime(2026, 1, 10, tzinfo=UTC)


def hazard(conn, received, closed=None):
    conn.execute(
        insert(Hazard.__table__).values(
            id=uuid.uuid4(),
            site_id=SITE,
            grid_id=2,
            street_id=2,
            category="fire",
            level="general",
            description="旧隐患",
            source="patrol",
            reporter_id=USER,
            observed_at=received,
            received_at=received,
            ack_due_at=received + timedelta(minutes=30),
            state="closed" if closed else "reported",
            closed_at=closed,
        )
    )


SITE, USER = uuid.uuid4(), uuid.uuid4()


def a_site(conn):
    """A district, its grid, a user to report and a market in the grid."""
    conn.execute(
        text(
            "INSERT INTO areas (id, code, name, level, path, is_demo, created_at, updated_at) VALUES "
            "(1, 'd', '区', 'district', '/1/', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP), "
            "(2, 'g', '网格', 'grid', '/1/2/', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        )
    )
    conn.execute(insert(User.__table__).values(id=USER, username="u", name="u", password_hash="x"))
    market = {"name": "市场", "type": "market", "latitude": 30.5, "longitude": 114.2, "grid_id": 2}
    conn.execute(insert(Site.__table__).values(id=SITE, **market))


def counted(conn) -> dict:
    found = conn.execute(select(HazardMonth.__table__)).all()
    return {(r.month, r.grid_id, r.sector, r.site_type): (r.found, r.closed) for r in found if r.found or r.closed}


def triggers(conn) -> dict:
    """The rollup's triggers (and on PostgreSQL its functions), by name: hazard_months_* (other domains have theirs)."""
    if conn.dialect.name == "sqlite":
        return dict(
            conn.execute(
                text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'hazard_months_%'")
            ).all()
        )
    defs = conn.execute(
        text(
            "SELECT tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT tgisinternal AND c.relnamespace = current_schema()::regnamespace"
        )
    ).all()
    sources = conn.execute(
        text("SELECT proname, prosrc FROM pg_proc WHERE pronamespace = current_schema()::regnamespace")
    ).all()
    schema = conn.execute(text("SELECT current_schema()")).scalar()  # each database its own: named as none
    ours = [*defs, *sources]
    return {name: sql.replace(f"{schema}.", "") for name, sql in ours if name.startswith("hazard_months_")}


def test_the_months_that_ended_are_frozen_and_kept_by_the_same_triggers(app, empty_engine):
    migrate(app, empty_engine, "upgrade", BEFORE)
    with empty_engine.begin() as conn:
        a_site(conn)
        hazard(conn, JANUARY)
        hazard(conn, JANUARY, closed=datetime(2026, 2, 3, tzinfo=UTC))
        hazard(conn, datetime(2026, 2, 28, 16, 30, tzinfo=UTC))  # 1 March in Shanghai
    migrate(app, empty_engine, "upgrade", "head")
    with empty_engine.begin() as conn:
        assert counted(conn) == {
            ("2026-01", 2, "", "market"): (2, 0),
            ("2026-02", 2, "", "market"): (0, 1),
            ("2026-03", 2, "", "market"): (1, 0),
        }
        months = conn.execute(select(FrozenMonth.month).order_by(FrozenMonth.month)).scalars().all()
        assert months[0] == "2026-01" and months[-1] < datetime.now(UTC).strftime("%Y-%m")
        hazard(conn, JANUARY)  # kept from now on
        assert counted(conn)[("2026-01", 2, "", "market")] == (3, 0)
        made = triggers(conn)
    assert len(made) >= 4
    with app.app_context():
        if db.engine.dialect.name == empty_engine.dialect.name:
            with db.engine.connect() as conn:
                assert triggers(conn) == made  # the migration's copy is what the models make
    migrate(app, empty_engine, "downgrade", BEFORE)
    assert not {"hazard_months", "frozen_months"} & set(inspect(empty_engine).get_table_names())
    with empty_engine.begin() as conn:
        assert triggers(conn) == {}
        hazard(conn, JANUARY)  # no trigger left to write to a table that is gone


def test_freezing_waits_for_a_writer_under_way_and_the_writers_after_it_are_counted(app, empty_engine):
    """A hazard of last month being written as the month is frozen: freezing waits for its transaction (PostgreSQL:
    the SHARE lock; SQLite: the write lock), so it is counted; one written after is counted by the trigger."""
    migrate(app, empty_engine, "upgrade", "head")
    now = datetime.now(UTC)
    here = now.astimezone(SHANGHAI)
    last_month = (here.replace(day=1) - timedelta(days=10)).replace(day=15, hour=12)  # Asia/Shanghai's last month
    key = last_month.strftime("%Y-%m")
    with empty_engine.begin() as conn:
        conn.execute(text("DELETE FROM frozen_months"))  # as a database whose months are not frozen yet
        a_site(conn)
    frozen = []

    def freeze():
        with app.app_context():
            frozen.extend(rollup.freeze_ended_months(now))

    writer = empty_engine.connect()
    db.sessionmaker.configure(bind=empty_engine)
    try:
        with writer.begin():
            hazard(writer, last_month)
            freezing = threading.Thread(target=freeze)
            freezing.start()
            freezing.join(1.0)
            assert freezing.is_alive()  # waiting for the writer
        freezing.join(30)
        assert frozen == [key]
        with empty_engine.begin() as conn:
            assert counted(conn) == {(key, 2, "", "market"): (1, 0)}
            hazard(conn, last_month)
        with empty_engine.begin() as conn:
            assert counted(conn) == {(key, 2, "", "market"): (2, 0)}
    finally:
        writer.close()
        db.sessionmaker.configure(bind=db.engine)
