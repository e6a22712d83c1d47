"""Who made each photo citation: a citation grants a photo only when its author uploaded it, or could see it.

Reviewed by hand. Both columns are added nullable, filled in, then made NOT NULL (SQLite in batch mode:
nothing references photo_citations, so copying it cascades nothing).

- A citation of a photo already stored gets the photo's uploader as its author: it goes on granting what
  it granted (the rule is not applied to the past; `vouched` is false for all).
- A citation of a photo not arrived yet gets who really cited it: the actor of the citing record's event
  that attached the photo (every citation so far was written beside such an event, by the hazard loop),
  else the hazard's reporter. When the photo arrives it is granted only if that author uploads it, as for a
  citation made from now on; so a proof photo an enterprise cited before sending it still reaches the station.
- A citation with no author to be found (none can be made by the code so far) stops the upgrade rather than
  guess: decide by hand, e.g. delete it (it cites a photo not arrived, and would grant nothing).

The downgrade drops both columns: citations grant their photos again whoever made them.

Revision ID: 8c3b6e4f2a10
Revises: 5d1f0c7a9e21
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "8c3b6e4f2a10"
down_revision = "5d1f0c7a9e21"
branch_labels = None
depends_on = None

citations = sa.table(
    "photo_citations",
    sa.column("id", sa.Uuid()),
    sa.column("photo_id", sa.Uuid()),
    sa.column("record_type", sa.String()),
    sa.column("record_id", sa.Uuid()),
    sa.column("author_id", sa.Uuid()),
    sa.column("vouched", sa.Boolean()),
)
photos = sa.table("photos", sa.column("id", sa.Uuid()), sa.column("uploader_id", sa.Uuid()))
events = sa.table(
    "events",
    sa.column("seq", sa.BigInteger()),
    sa.column("record_type", sa.String()),
    sa.column("record_id", sa.String()),
    sa.column("actor_id", sa.Uuid()),
    sa.column("attachments", sa.JSON()),
)
hazards = sa.table("hazards", sa.column("id", sa.Uuid()), sa.column("reporter_id", sa.Uuid()))


def upgrade():
    op.add_column("photo_citations", sa.Column("author_id", sa.Uuid(), nullable=True))
    op.add_column("photo_citations", sa.Column("vouched", sa.Boolean(), nullable=True))
    conn = op.get_bind()
    conn.execute(citations.update().values(vouched=False))
    conn.execute(
        citations.update().values(
            author_id=sa.select(photos.c.uploader_id).where(photos.c.id == citations.c.photo_id).scalar_subquery()
        )
    )
    pending = conn.execute(
        sa.select(citations.c.id, citations.c.photo_id, citations.c.record_type, citations.c.record_id).where(
            citations.c.author_id.is_(None)
        )
    ).all()
    for citation in pending:
        author = _attached_by(conn, citation) or _reporter(conn, citation)
        if author is not None:
            conn.execute(citations.update().where(citations.c.id == citation.id).values(author_id=author))
    left = conn.scalar(sa.select(sa.func.count()).select_from(citations).where(citations.c.author_id.is_(None)))
    if left:
        raise RuntimeError(f"{left} photo citation(s) have no author to be found (see this revision's docstring)")
    with op.batch_alter_table("photo_citations", schema=None) as batch_op:
        batch_op.alter_column("author_id", existing_type=sa.Uuid(), nullable=False)
        batch_op.alter_column("vouched", existing_type=sa.Boolean(), nullable=False)
        batch_op.create_foreign_key(batch_op.f("fk_photo_citations_author_id_users"), "users", ["author_id"], ["id"])


def _attached_by(conn, citation):
    """The actor of the first event of the citing record that attached the photo."""
    found = conn.execute(
        sa.select(events.c.actor_id, events.c.attachments)
        .where(
            events.c.record_type == citation.record_type,
            events.c.record_id == str(citation.record_id),
            events.c.actor_id.is_not(None),
        )
        .order_by(events.c.seq)
    )
    return next((row.actor_id for row in found if str(citation.photo_id) in (row.attachments or [])), None)


def _reporter(conn, citation):
    if citation.record_type != "hazard":
        return None
    return conn.scalar(sa.select(hazards.c.reporter_id).where(hazards.c.id == citation.record_id))


def downgrade():
    with op.batch_alter_table("photo_citations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_photo_citations_author_id_users"), type_="foreignkey")
        batch_op.drop_column("vouched")
        batch_op.drop_column("author_id")
