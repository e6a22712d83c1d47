"""Passwords (argon2id), throttled logins and password changes, and bearer tokens stored hashed."""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.orm import lazyload

from server.auth import passwords, queries, throttle
from server.auth.models import AuthToken
from server.auth.scope import Role
from server.auth.throttle import TooManyAttempts, normalise_login
from server.core.cache import memoised
from server.core.db import db
from server.core.errors import DomainError
from server.core.i18n import tr
from server.core.time import utcnow
from server.people.models import User


@memoised(maxsize=4)
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


class LoginFailed(DomainError):
    """An unknown login, a wrong password or an inactive account: one answer for all three."""

    status, code = 401, "login_failed"
    zh, en = "手机号/用户名或密码错误", "Wrong login or password"


class WrongPassword(DomainError):
    """The current password given to change it is wrong."""

    status = 422
    zh, en = "当前密码不正确", "The current password is wrong"

    def errors(self):
        return {"json": {"current_password": [tr("当前密码不正确", "Wrong password")]}}


class TooManyPasswordChecks(TooManyAttempts):
    """Too many wrong current passwords: the asking session is signed out, the change refused for a while."""

    zh = "当前密码错误次数过多，已退出登录；请重新登录，{m} 分钟后再修改密码"
    en = (
        "Too many wrong current passwords: you have been signed out. Sign in again and change your password "
        "in {m} minute(s)"
    )


def find_login(identifier: str) -> User | None:
    """The user a login names: a phone number, or a username in any case. Roles are loaded only when
    used, so that looking up a login that exists costs what looking up one that does not does."""
    login = normalise_login(identifier)
    return db.session.scalars(
        select(User).where(or_(User.phone == login, User.username == login)).options(lazyload(User.roles))
    ).first()


def login(identifier: str, password: str, address: str | None, user_agent: str = "") -> tuple[str, AuthToken, User]:
    """Check the credentials from a client address and issue a token, within the throttle's limits.

    Raises TooManyAttempts, before any check, when this attempt is past a limit (auth/throttle.py);
    otherwise LoginFailed for an unknown login, a wrong password or an inactive account alike, each
    after one argon2 verification, so that neither the answer nor its time tells them apart.
    The attempt is counted and committed before the check, which runs with no transaction open
    (argon2 takes a tenth of a second, and SQLite has one writer); a failure keeps its count.
    """
    throttle.reserve_login(identifier, address)
    user = find_login(identifier)
    db.session.commit()
    if not _verify(user, password) or not user.is_active:
        raise LoginFailed
    throttle.login_succeeded(identifier, address)
    token = secrets.token_urlsafe(32)
    record = AuthToken(
        user_id=user.id,
        token_hash=token_digest(token),
        user_agent=user_agent[:200],
        expires_at=utcnow() + timedelta(hours=current_app.config["TOKEN_TTL_HOURS"]),
    )
    db.session.add(record)
    db.session.flush()
    return token, record, user


def _verify(user: User | None, password: str) -> bool:
    if user is None:
        _burn_time(password)
        return False
    return check_password(user, password)


def _burn_time(password: str):
    """Spend the time a real check would, so that timing does not tell which logins exist."""
    try:
        password_hasher().verify(_dummy_hash(), password)
    except VerificationError:
        pass


def _dummy_hash():
    cfg = current_app.config["PASSWORD_HASH"]
    return _dummy_hash_for(cfg["time_cost"], cfg["memory_cost"])


@memoised(maxsize=4)
def _dummy_hash_for(time_cost, memory_cost):
    return _hasher(time_cost, memory_cost).hash(secrets.token_hex(16))


def change_password(user: User, current: str, new: str, token_id: uuid.UUID):
    """Change the user's own password on proof of the current one, throttled per user: the check that
    reaches LOGIN_MAX_FAILURES, and any after it, signs the asking session out (TooManyAttempts), so
    that a stolen token cannot go on guessing. Every other session is signed out on success.

    Raises WrongPassword or TooManyPasswordChecks; as for logins, the check is counted and committed first
    and argon2 runs with no transaction open.
    """
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    checks, retry_after = throttle.count_password_check(user.id)
    if checks > limit:
        throttle.give_back_password_check(user.id)  # refused, not checked
        _sign_out(token_id)
        raise TooManyPasswordChecks(retry_after)
    db.session.commit()
    if not check_password(user, current):
        if checks == limit:
            _sign_out(token_id)
            raise TooManyPasswordChecks(retry_after)
        raise WrongPassword
    user.password_hash = hash_password(new)  # still outside a transaction: the session begins one at its next statement
    revoke_all(user, keep=token_id)
    throttle.forget_password_checks(user.id)


def _sign_out(token_id: uuid.UUID):
    revoke(token_id)
    db.session.commit()  # kept, though the request answers with an error and rolls back


def password_problems(password: str, user: User) -> list[str]:
    """What the password policy finds wrong with this password for this account (auth/passwords.py)."""
    return passwords.problems(password, username=user.username, phone=user.phone)


def forget_failures(user: User):
    """Clear the throttle's counts against the account (an admin's password reset): its username and
    phone from every address, and its current password."""
    throttle.forget_account(user.id, [user.username, user.phone])


@dataclass(frozen=True)
class Identity:
    """Who is calling: enough to decide scope without loading the user (every request needs this)."""

    user_id: uuid.UUID
    token_id: uuid.UUID
    roles: tuple[Role, ...]
    name: str = ""  # shown as the reporter of the caller's own hazards, with no query for it


def identity_for_token(token: str) -> Identity | None:
    """The identity behind a live token of an active user, or None."""
    rows = queries.live_token_roles(token_digest(token), utcnow())
    if not rows:
        return None
    roles = tuple(Role(r.role, r.path, r.enterprise_id, r.sector) for r in rows)
    return Identity(rows[0].user_id, rows[0].id, roles, rows[0].name)


def revoke(token_id: uuid.UUID):
    db.session.execute(update(AuthToken).where(AuthToken.id == token_id).values(revoked_at=utcnow()))


def revoke_all(user: User, keep: uuid.UUID | None = None):
    """Log the user out everywhere (but on the device that asked, when its token id is given)."""
    stmt = update(AuthToken).where(AuthToken.user_id == user.id, AuthToken.revoked_at.is_(None))
    if keep is not None:
        stmt = stmt.where(AuthToken.id != keep)
    db.session.execute(stmt.values(revoked_at=utcnow()))
