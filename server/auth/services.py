"""Passwords (argon2id), login with lockout, and bearer tokens stored hashed."""
import hashlib
import secrets
from datetime import timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from server.auth.models import AuthToken
from server.core.db import db, utcnow
from server.people.models import User


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


def user_for_token(token: str) -> tuple[User, AuthToken] | None:
    """The active user behind a live token, with their roles, or None."""
    row = db.session.execute(
        select(AuthToken, User)
        .join(User, AuthToken.user_id == User.id)
        .where(AuthToken.token_hash == token_digest(token), AuthToken.revoked_at.is_(None),
               AuthToken.expires_at > utcnow(), User.is_active.is_(True))
        .options(joinedload(User.roles))
    ).unique().first()
    return (row.User, row.AuthToken) if row else None


def revoke(token: AuthToken):
    token.revoked_at = utcnow()


def revoke_all(user: User, keep: AuthToken | None = None):
    """Log the user out everywhere (but on the device that asked, when `keep` is given)."""
    stmt = update(AuthToken).where(AuthToken.user_id == user.id, AuthToken.revoked_at.is_(None))
    if keep is not None:
        stmt = stmt.where(AuthToken.id != keep.id)
    db.session.execute(stmt.values(revoked_at=utcnow()))
