"""The migration that records a transfer on the hazard (3f6a2d9c8b14), on hazards transferred before it: each gets
the time of its last transfer from the event chain, so the department it went to may still acknowledge it; the
others stay untransferred, and the downgrade takes the column away."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from server.core.db import UTCDateTime
from tests.migrations.engines import migrate
from tests.photos.test_citation_migration import NOW, a_grid, a_hazard, events, user

pytestmark = pytest.mark.no_transaction
BEFORE, REVISION = "d8a3f61c2b94", "3f6a2d9c8b14"
transferred = sa.table("hazards", sa.column("id", sa.Uuid()), sa.column("transferred_at", UTCDateTime()))


def an_event(conn, seq, hazard_id, action, at):
    conn.execute(
        events.insert().values(
            seq=seq,
            record_type="hazard",
            record_id=str(hazard_id),
            action=action,
            at=at,
            reason="",
            attachments=[],
            data={},
            prev_hash="0" * 64,
            hash=f"{seq:064d}",
        )
    )


def test_hazards_transferred_before_the_column_get_their_last_transfer(app, empty_engine):
    migrate(app, empty_engine, "upgrade", BEFORE)
    with empty_engine.begin() as conn:
        a_grid(conn)
        reporter = user(conn, "reporter")
        twice, never = a_hazard(conn, reporter), a_hazard(conn, reporter)
        an_event(conn, 1, twice, "transfer", NOW)
        an_event(conn, 2, twice, "transfer", NOW + timedelta(hours=2))
        an_event(conn, 3, never, "acknowledge", NOW)
    migrate(app, empty_engine, "upgrade", REVISION)
    with empty_engine.connect() as conn:
        found = dict(conn.execute(sa.select(transferred.c.id, transferred.c.transferred_at)).all())
    assert found[twice] == NOW + timedelta(hours=2) and found[never] is None
    migrate(app, empty_engine, "downgrade", BEFORE)
    assert "transferred_at" not in {c["name"] for c in sa.inspect(empty_engine).get_columns("hazards")}
