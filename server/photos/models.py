"""Photos (照片) as evidence: the original's hash and metadata, its served copies, and the records citing it."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, UniqueConstraint, or_, select, true
from sqlalchemy.orm import Mapped, mapped_column

from server.areas.models import subtree_ids
from server.core.cache import memoised
from server.core.db import Base, UTCDateTime
from server.core.time import utcnow
from server.sites.models import Site

# pending: not arrived, or waiting for its copies; processing: copies being made (no longer written: the job commits
# ready or failed at once; kept for rows of older versions); ready; failed.
STATES = ("pending", "processing", "ready", "failed")
COPIES = ("display", "thumb")


def blob_key(kind: str, sha256: str) -> str:
    """Where a blob lives in storage: by kind and content ("originals/ab/cdef…"), so stored once."""
    return f"{kind}/{sha256[:2]}/{sha256[2:]}"


class Photo(Base):
    """照片: a photo under the UUID the phone gave it. The original is kept unchanged (its SHA-256 is
    the evidence); what is served are copies without its metadata: re-encoded from its pixels, or for a clean
    phone JPEG its own picture with the metadata removed at the byte level (photos/strip.py)."""

    __tablename__ = "photos"
    __zh_name__ = "照片"
    __table_args__ = (
        CheckConstraint("latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180", name="wgs84_range"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    byte_size: Mapped[int]
    format: Mapped[str] = mapped_column(String(8))
    width: Mapped[int]  # as shown, after the EXIF orientation
    height: Mapped[int]
    # From EXIF: DateTimeOriginal with OffsetTimeOriginal, or read as Asia/Shanghai without one
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    latitude: Mapped[float | None] = mapped_column(Float)  # WGS-84, as the phone recorded it
    longitude: Mapped[float | None] = mapped_column(Float)
    uploader_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The earliest photo with the same bytes: evidence re-used (DOMAIN.md), recorded rather than refused
    duplicate_of: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("photos.id"))
    state: Mapped[str] = mapped_column(String(16), default="pending")
    display_sha256: Mapped[str | None] = mapped_column(String(64))
    thumb_sha256: Mapped[str | None] = mapped_column(String(64))

    def __repr__(self):
        return f"<Photo {self.id} {self.state}>"

    @property
    def original_key(self) -> str:
        return blob_key("originals", self.sha256)

    def copy_sha256(self, copy: str) -> str | None:
        return {"display": self.display_sha256, "thumb": self.thumb_sha256}[copy]

    @classmethod
    @memoised  # a clause depends only on the grants and the user; SQL expressions are immutable
    def scope_clause(cls, grants, user_id):
        """Visible: to its uploader, and to whoever's scope covers the grid or site of a citation that grants it
        (PhotoCitation.granting). One correlated condition: a photo that arrives after a record cited it is
        judged by the same rule as one already here, with no moment between the two to race through."""
        if grants.everywhere:
            return true()
        places = []
        if grants.area_paths:
            places.append(PhotoCitation.grid_id.in_(subtree_ids(grants.area_paths)))
        if grants.enterprise_ids or grants.sectors:
            places.append(PhotoCitation.site_id.in_(select(Site.id).where(Site.scope_clause(grants))))
        own = cls.uploader_id == user_id
        if not places:
            return own
        granted = (
            select(PhotoCitation.id)
            .where(PhotoCitation.photo_id == cls.id, PhotoCitation.granting(cls), or_(*places))
            .correlate_except(PhotoCitation)
            .exists()
        )
        return or_(own, granted)


class PhotoCitation(Base):
    """A record (check-in, hazard, rectification…) citing a photo, which may not have arrived yet."""

    __tablename__ = "photo_citations"
    __table_args__ = (UniqueConstraint("photo_id", "record_type", "record_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    # No foreign key: the record may arrive before its photo, which then shows as pending.
    photo_id: Mapped[uuid.UUID]
    record_type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[uuid.UUID] = mapped_column(index=True)
    site_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sites.id"), index=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Who made the citing record or change. Citing a photo id grants nothing by itself (an id can be learned):
    # the citation grants the photo when its author is the photo's uploader, or `vouched`: the photo was
    # stored and visible to the author through their own scope when they cited it (services.cite).
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    vouched: Mapped[bool] = mapped_column(default=False)

    def __repr__(self):
        return f"<PhotoCitation {self.photo_id} by {self.record_type} {self.record_id}>"

    @classmethod
    def granting(cls, photo=None):
        """The condition that a citation grants its photo: correlated with the photo's row (or a loaded photo)."""
        photo = Photo if photo is None else photo
        return or_(cls.author_id == photo.uploader_id, cls.vouched)
