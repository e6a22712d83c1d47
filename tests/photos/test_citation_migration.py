"""The migration that gives photo citations their authors (8c3b6e4f2a10), on data made before it: a citation of a
stored photo keeps granting it, one of a photo not arrived gets who really cited it, and one without an author to be
found stops the upgrade rather than guess."""

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from server.core.db import UTCDateTime
from tests.migrations.engines import migrate

pytestmark = pytest.mark.no_transaction
BEFORE, REVISION = "5d1f0c7a9e21", "8c3b6e4f2a10"
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)

users = sa.table(
    "users",
    sa.column("id", sa.Uuid()),
    sa.column("username"),
    sa.column("name"),
    sa.column("password_hash"),
    sa.column("is_active", sa.Boolean()),
    sa.column("is_demo", sa.Boolean()),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
)
areas = sa.table(
    "areas",
    sa.column("id"),
    sa.column("code"),
    sa.column("name"),
    sa.column("level"),
    sa.column("path"),
    sa.column("is_demo", sa.Boolean()),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
)
photos = sa.table(
    "photos",
    sa.column("id", sa.Uuid()),
    sa.column("sha256"),
    sa.column("byte_size"),
    sa.column("format"),
    sa.column("width"),
    sa.column("height"),
    sa.column("uploader_id", sa.Uuid()),
    sa.column("received_at", UTCDateTime()),
    sa.column("state"),
)
hazards = sa.table(
    "hazards",
    sa.column("id", sa.Uuid()),
    sa.column("grid_id"),
    sa.column("street_id"),
    sa.column("category"),
    sa.column("level"),
    sa.column("description"),
    sa.column("source"),
    sa.column("photo_ids", sa.JSON()),
    sa.column("reporter_id", sa.Uuid()),
    sa.column("observed_at", UTCDateTime()),
    sa.column("received_at", UTCDateTime()),
    sa.column("state"),
    sa.column("ack_due_at", UTCDateTime()),
    sa.column("responsible_party"),
    sa.column("version"),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
)
events = sa.table(
    "events",
    sa.column("seq"),
    sa.column("record_type"),
    sa.column("record_id"),
    sa.column("action"),
    sa.column("actor_id", sa.Uuid()),
    sa.column("at", UTCDateTime()),
    sa.column("reason"),
    sa.column("attachments", sa.JSON()),
    sa.column("data", sa.JSON()),
    sa.column("prev_hash"),
    sa.column("hash"),
)
citations = sa.table(
    "photo_citations",
    sa.column("id", sa.Uuid()),
    sa.column("photo_id", sa.Uuid()),
    sa.column("record_type"),
    sa.column("record_id", sa.Uuid()),
    sa.column("grid_id"),
    sa.column("created_at", UTCDateTime()),
)


def user(conn, name) -> uuid.UUID:
    user_id = uuid.uuid4()
    conn.execute(
        users.insert().values(
            id=user_id,
            username=name,
            name=name,
            password_hash="x",
            is_active=True,
            is_demo=False,
            created_at=NOW,
            updated_at=NOW,
        )
    )
    return user_id


def cite(conn, photo_id, record_type, record_id) -> uuid.UUID:
    citation_id = uuid.uuid4()
    conn.execute(
        citations.insert().values(
            id=citation_id, photo_id=photo_id, record_type=record_type, record_id=record_id, grid_id=1, created_at=NOW
        )
    )
    return citation_id


def event(conn, seq, hazard_id, actor_id, attachments):
    conn.execute(
        events.insert().values(
            seq=seq,
            record_type="hazard",
            record_id=str(hazard_id),
            action="report",
            actor_id=actor_id,
            at=NOW,
            reason="",
            attachments=[str(a) for a in attachments],
            data={},
            prev_hash="0" * 64,
            hash=f"{seq:064d}",
        )
    )


def a_grid(conn) -> int:
    conn.execute(
        areas.insert().values(
            id=1, code="G", name="网格", level="grid", path="/1/", is_demo=False, created_at=NOW, updated_at=NOW
        )
    )
    return 1


def a_hazard(conn, reporter_id, photo_ids=()) -> uuid.UUID:
    """A hazard being rectified in grid 1, as the tables stood before these migrations."""
    hazard_id = uuid.uuid4()
    conn.execute(
        hazards.insert().values(
            id=hazard_id,
            grid_id=1,
            street_id=1,
            category="fire",
            level="general",
            description="d",
            source="patrol",
            photo_ids=[str(p) for p in photo_ids],
            reporter_id=reporter_id,
            observed_at=NOW,
            received_at=NOW,
            state="rectifying",
            ack_due_at=NOW,
            responsible_party="",
            version=3,
            created_at=NOW,
            updated_at=NOW,
        )
    )
    return hazard_id


def a_world_cited_before_the_rule(conn) -> dict:
    """A hazard citing a stored photo (someone else's), a photo its reporter sent later, a proof photo the
    enterprise cited in a change, and a photo cited with no event naming it."""
    uploader, reporter, enterprise = user(conn, "uploader"), user(conn, "reporter"), user(conn, "enterprise")
    a_grid(conn)
    stored, reported, proof, unnamed = (uuid.uuid4() for _ in range(4))
    conn.execute(
        photos.insert().values(
            id=stored,
            sha256="a" * 64,
            byte_size=1,
            format="JPEG",
            width=1,
            height=1,
            uploader_id=uploader,
            received_at=NOW,
            state="ready",
        )
    )
    hazard = a_hazard(conn, reporter, [stored, reported])
    event(conn, 1, hazard, reporter, [stored, reported])
    event(conn, 2, hazard, enterprise, [proof])
    return {
        "stored": (cite(conn, stored, "hazard", hazard), uploader),
        "reported": (cite(conn, reported, "hazard", hazard), reporter),
        "proof": (cite(conn, proof, "hazard", hazard), enterprise),
        "unnamed": (cite(conn, unnamed, "hazard", hazard), reporter),
    }


def test_citations_made_before_the_rule_get_their_authors_and_the_downgrade_keeps_them(app, empty_engine):
    migrate(app, empty_engine, "upgrade", BEFORE)
    with empty_engine.begin() as conn:
        expected = a_world_cited_before_the_rule(conn)
    migrate(app, empty_engine, "upgrade", REVISION)
    authored = sa.table(
        "photo_citations",
        sa.column("id", sa.Uuid()),
        sa.column("author_id", sa.Uuid()),
        sa.column("vouched", sa.Boolean()),
    )
    with empty_engine.connect() as conn:
        found = {row.id: (row.author_id, row.vouched) for row in conn.execute(sa.select(authored))}
    assert {name: found[citation] for name, (citation, _author) in expected.items()} == {
        name: (author, False) for name, (_citation, author) in expected.items()
    }
    migrate(app, empty_engine, "downgrade", BEFORE)
    with empty_engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(citations)) == 4
    assert "author_id" not in {c["name"] for c in sa.inspect(empty_engine).get_columns("photo_citations")}


def test_a_citation_with_no_author_to_be_found_stops_the_upgrade(app, empty_engine):
    migrate(app, empty_engine, "upgrade", BEFORE)
    with empty_engine.begin() as conn:
        user(conn, "someone")
        a_grid(conn)
        cite(conn, uuid.uuid4(), "checkin", uuid.uuid4())
    with pytest.raises(RuntimeError, match="no author to be found"):
        migrate(app, empty_engine, "upgrade", REVISION)
    assert "author_id" not in {c["name"] for c in sa.inspect(empty_engine).get_columns("photo_citations")}
