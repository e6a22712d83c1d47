"""Site tags (场所二维码): the signed QR code fixed at a site, one live tag per site at a time."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, select, text
from sqlalchemy.orm import Mapped, mapped_column

from server.core.cache import memoised
from server.core.db import Base, UTCDateTime
from server.core.time import utcnow
from server.sites.models import Site


class SiteTag(Base):
    """场所标签: its serial is signed into the code; revoking it (lost, damaged, reissued) is kept here."""

    __tablename__ = "site_tags"
    __zh_name__ = "场所标签"
    __table_args__ = (
        # One live tag per site: reissuing revokes the old one first.
        Index(
            "uq_site_tags_live_site_id",
            "site_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    serial: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True, default="")
    kid: Mapped[str] = mapped_column(String(1))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self):
        return f"<SiteTag {self.code}>"

    @classmethod
    @memoised
    def scope_clause(cls, grants):
        """The tags of the sites within the grants; any other serial reads as absent."""
        return cls.site_id.in_(select(Site.id).where(Site.scope_clause(grants)))
