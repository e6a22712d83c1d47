"""The migration that gives each clock the state it holds in (c5d1f08e7a36), on clocks set before it: every kind
gets the state the actions that set it left the hazard in, so a clock due after the upgrade fires or lapses as it
would have before."""

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from server.core.db import UTCDateTime
from tests.migrations.engines import migrate
from tests.photos.test_citation_migration import NOW, a_grid, a_hazard, user

pytestmark = pytest.mark.no_transaction
BEFORE, REVISION = "b7e2c4a19d05", "c5d1f08e7a36"
KINDS = {
    "ack_warning": "reported",
    "ack_escalation": "reported",
    "reinspection_overdue": "submitted",
    "deadline_near": "rectifying",
    "overdue": "rectifying",
}


def test_clocks_set_before_the_rule_hold_in_the_state_their_kind_was_set_for(app, empty_engine):
    migrate(app, empty_engine, "upgrade", BEFORE)
    clocks = sa.table(
        "hazard_clocks",
        sa.column("id", sa.Uuid()),
        sa.column("hazard_id", sa.Uuid()),
        sa.column("kind"),
        sa.column("due_at", UTCDateTime()),
        sa.column("outcome"),
    )
    ids = {kind: uuid.uuid4() for kind in KINDS}
    with empty_engine.begin() as conn:
        a_grid(conn)
        hazard = a_hazard(conn, user(conn, "reporter"))
        for minutes, (kind, clock_id) in enumerate(ids.items()):
            conn.execute(
                clocks.insert().values(
                    id=clock_id, hazard_id=hazard, kind=kind, outcome="", due_at=NOW + timedelta(minutes=minutes)
                )
            )
    migrate(app, empty_engine, "upgrade", REVISION)
    with empty_engine.connect() as conn:
        states = dict(conn.execute(sa.text("SELECT kind, state FROM hazard_clocks")).all())
    assert states == KINDS
    migrate(app, empty_engine, "downgrade", BEFORE)
    assert "state" not in {c["name"] for c in sa.inspect(empty_engine).get_columns("hazard_clocks")}
