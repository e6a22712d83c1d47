"""Passwords (argon2id), login with lockout, and bearer tokens stored hashed."""
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import bindparam, or_, select, update

from server.areas.models import Area
from server.auth.models import AuthToken
from server.auth.scope import Role
from server.core.db import db, utcnow
from server.people.models import RoleAssignment, User


@lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_cost: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)


def password_hasher() -> PasswordHasher:
    cfg = current_app.config["PASSWORD_HASH"]
    return _hasher(cfg["time_cost"], cfg["memory_cost"])


def hash_password(password: str) -> str:
    return password_hasher().hash(password)


def check_password(user: User, password: str) -> bool:
    try:
        password_hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if password_hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return True


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LoginFailed(Exception):
    pass


class AccountLocked(Exception):
    def __init__(self, until):
        self.until = until


def find_login(identifier: str) -> User | None:
    identifier = identifier.strip()
    return db.session.scalars(
        select(User).where(or_(User.phone == identifier, User.username == identifier.lower()))).first()


def login(identifier: str, password: str, user_agent: str = "") -> tuple[str, AuthToken, User]:
    """Check the credentials and issue a token; count failures and lock after too many.

    Raises LoginFailed (unknown user, wrong password, inactive) or AccountLocked. A failure is
    committed before raising, because the request's own transaction is rolled back on error.
    """
    user = find_login(identifier)
    now = utcnow()
    if user is None:
        _burn_time(password)
        raise LoginFailed
    if user.locked_until and user.locked_until > now:
        raise AccountLocked(user.locked_until)
    if not check_password(user, password) or not user.is_active:
        _record_failure(user)
        raise LoginFailed
    user.failed_logins = 0
    user.locked_until = None
    token = secrets.token_urlsafe(32)
    record = AuthToken(user_id=user.id, token_hash=token_digest(token), user_agent=user_agent[:200],
                       expires_at=now + timedelta(hours=current_app.config["TOKEN_TTL_HOURS"]))
    db.session.add(record)
    db.session.flush()
    return token, record, user


def _burn_time(password: str):
    """Spend the time a real check would, so that timing does not tell which logins exist."""
    try:
        password_hasher().verify(_dummy_hash(), password)
    except VerificationError:
        pass


def _dummy_hash():
    cfg = current_app.config["PASSWORD_HASH"]
    return _dummy_hash_for(cfg["time_cost"], cfg["memory_cost"])


@lru_cache(maxsize=4)
def _dummy_hash_for(time_cost, memory_cost):
    return _hasher(time_cost, memory_cost).hash(secrets.token_hex(16))


def _record_failure(user: User):
    cfg = current_app.config
    # Counted in SQL so that concurrent wrong guesses cannot overwrite each other's count.
    db.session.execute(update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1))
    db.session.refresh(user, ["failed_logins"])
    if user.failed_logins >= cfg["LOGIN_MAX_FAILURES"]:
        user.failed_logins = 0
        user.locked_until = utcnow() + timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"])
    db.session.commit()


@dataclass(frozen=True)
class Identity:
    """Who is calling: enough to decide scope without loading the user (every request needs this)."""

    user_id: uuid.UUID
    token_id: uuid.UUID
    roles: tuple[Role, ...]


# One round trip, plain rows (Core, on the tables: no ORM in the way): the token, its user's state and
# every role the user holds, with its area's path.
_T, _U, _R, _A = AuthToken.__table__, User.__table__, RoleAssignment.__table__, Area.__table__
_IDENTITY = (
    select(_T.c.id, _T.c.user_id, _R.c.role, _A.c.path, _R.c.enterprise_id, _R.c.sector)
    .select_from(_T.join(_U, _U.c.id == _T.c.user_id).join(_R, _R.c.user_id == _U.c.id)
                 .outerjoin(_A, _A.c.id == _R.c.area_id))
    .where(_T.c.token_hash == bindparam("digest"), _T.c.revoked_at.is_(None), _T.c.expires_at > bindparam("now"),
           _U.c.is_active.is_(True))
)


def identity_for_token(token: str) -> Identity | None:
    """The identity behind a live token of an active user, or None."""
    rows = db.fetch_hot(_IDENTITY, {"digest": token_digest(token), "now": utcnow()})
    if not rows:
        return None
    return Identity(rows[0].user_id, rows[0].id, tuple(Role(r.role, r.path, r.enterprise_id, r.sector) for r in rows))


def revoke(token_id: uuid.UUID):
    db.session.execute(update(AuthToken).where(AuthToken.id == token_id).values(revoked_at=utcnow()))


def revoke_all(user: User, keep: uuid.UUID | None = None):
    """Log the user out everywhere (but on the device that asked, when its token id is given)."""
    stmt = update(AuthToken).where(AuthToken.user_id == user.id, AuthToken.revoked_at.is_(None))
    if keep is not None:
        stmt = stmt.where(AuthToken.id != keep)
    db.session.execute(stmt.values(revoked_at=utcnow()))
