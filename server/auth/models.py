"""Bearer tokens (opaque to the client, stored only as their SHA-256, with an expiry), and the counters
that throttle password guessing."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.core.db import Base, UTCDateTime, UUIDPrimaryKey
from server.core.time import utcnow
from server.people.models import User


class AuthToken(UUIDPrimaryKey, Base):
    """登录令牌: one login on one device; logout or a password reset revokes it."""

    __tablename__ = "auth_tokens"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship(lazy="raise")


class LoginThrottle(Base):
    """失败计数: the password checks that failed (or are under way) in the current window, for one kind
    of counter: a login as typed from one client address (`pair`), one address across all logins
    (`client`), one login across all addresses (`login`), or one user's current password (`password`,
    /me/password).

    Logins are counted by what was typed, never by user id, so that one that exists and one that does
    not are counted alike; `subject` and `client` hold keyed digests (auth/throttle.py), so that a
    password typed into the login field by mistake is never stored, and "" where the kind has no such
    part. A window that has ended counts from zero again.
    """

    __tablename__ = "login_throttles"

    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    subject: Mapped[str] = mapped_column(String(64), primary_key=True)
    client: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int]
    window_ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
