"""The photos' hot SQL: what every upload, every report citing photos and every answer showing them runs, each
statement built once and run straight through the driver on PostgreSQL (core.db.fetch_hot, write_hot)."""

import uuid

from sqlalchemy import bindparam, insert, select

from server.core.cache import memoised
from server.core.db import add_once, among, db, stored
from server.photos.models import Photo, PhotoCitation


def photo_stored(photo_id: uuid.UUID) -> bool:
    """Whether a photo is stored under this id: the first question of every upload (nearly always no)."""
    return stored(Photo, photo_id)


def add_photo(photo: Photo, same_or_conflict) -> tuple[Photo, bool]:
    """Insert a new photo under the phone's id, or answer with the one stored under it (core.db.add_once)."""
    return add_once(photo, same_or_conflict)


# The photo these bytes arrived as first, if any.
_FIRST_WITH_BYTES = (
    select(Photo.id).where(Photo.sha256 == bindparam("sha256")).order_by(Photo.received_at, Photo.id).limit(1)
)


def first_with_bytes(sha256: str) -> uuid.UUID | None:
    rows = db.fetch_hot(_FIRST_WITH_BYTES, {"sha256": sha256})
    return rows[0].id if rows else None


# Both of an upload's questions in one round trip: is the id stored, and which photo had these bytes first.
_STORED_AND_FIRST = select(
    select(Photo.id).where(Photo.id == bindparam("id", type_=Photo.id.type)).scalar_subquery().label("stored"),
    _FIRST_WITH_BYTES.scalar_subquery().label("first"),
)


def stored_and_first_with_bytes(photo_id: uuid.UUID, sha256: str) -> tuple[bool, uuid.UUID | None]:
    """(whether a photo is stored under this id, the photo these bytes arrived as first): photo_stored and
    first_with_bytes in one statement, the first thing every upload asks (the second answer is used only when
    the first is no, as nearly always)."""
    row = db.fetch_hot(_STORED_AND_FIRST, {"id": photo_id, "sha256": sha256})[0]
    return row.stored is not None, row.first


def add_citations(citations: list[dict], author_grants, author_id: uuid.UUID) -> None:
    """Insert citations (PhotoCitation's columns but `vouched`, which the insert decides from the author's grants)."""
    db.write_hot(_citing(author_grants, author_id), citations)


@memoised
def _citing(author_grants, author_id: uuid.UUID):
    """A citation's insert, built once per author: `vouched` when the photo is stored, not the author's, and
    within their own photos.view scope (own photos need no vouching: their citations grant them anyway)."""
    table = PhotoCitation.__table__
    vouched = (
        select(Photo.id)
        .where(
            Photo.id == bindparam("cited", type_=table.c.photo_id.type),
            Photo.uploader_id != author_id,
            Photo.scope_clause(author_grants, author_id),
        )
        .exists()
    )
    values = {
        column.key: bindparam(column.key, type_=column.type) for column in table.columns if column.key != "vouched"
    }
    return insert(table).values(**values, vouched=vouched)


def states(photo_ids, visible) -> dict[uuid.UUID, str]:
    """The state of each of these photos that is stored and within the `visible` clause: one query for all."""
    found = db.fetch_hot(_states(db.session.get_bind().dialect.name, visible), {"ids": sorted(photo_ids)})
    return {row.id: row.state for row in found}


@memoised  # per dialect and scope clause, itself built once per viewer's grants
def _states(dialect: str, visible):
    return select(Photo.id, Photo.state).where(among(Photo.id, "ids", dialect), visible)
