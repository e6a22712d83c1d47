"""Throttling password guesses (登录限流): each attempt is counted before its password is checked.

Counters (`LoginThrottle` rows), each over a window of LOGIN_LOCK_MINUTES from its first failure:

- `pair`: a login as typed, from one client address. Past LOGIN_MAX_FAILURES that address is refused
  that login until the window ends; the owner, elsewhere, is not.
- `client`: one address, whatever login it tries. Past LOGIN_MAX_FAILURES_PER_CLIENT it is refused
  every login: spraying a few guesses at each of many accounts stops there.
- `login`: one login, from any address. Past LOGIN_MAX_FAILURES_PER_ACCOUNT an address that has
  already failed at it in its window is refused, one with a clean record may still try: a botnet
  gets about one guess per address, and the owner can still sign in.
- `password`: one user's current password (/me/password), LOGIN_MAX_FAILURES per window.

Each count is one INSERT … ON CONFLICT … DO UPDATE … RETURNING (PostgreSQL and SQLite), which also
starts an ended window again from one, so concurrent attempts each see their own count: of 24
parallel guesses at most LOGIN_MAX_FAILURES get checked. A refused attempt leaves no count (the
request's transaction is rolled back); a successful one gives its counts back. Attempts lock their
rows in the order client, pair, login, so that two attempts never wait on each other in a circle.
"""

import hashlib
import hmac
import ipaddress
import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, case, delete, select, tuple_, update

from server.auth.models import LoginThrottle
from server.core.cache import memoised
from server.core.db import UTCDateTime, conflict_insert, db
from server.core.errors import DomainError
from server.core.time import utcnow

_T = LoginThrottle.__table__
PRUNE_BATCH = 500


class TooManyAttempts(DomainError):
    """Refused without a password check; `retry_after` says in how many seconds to try again."""

    status, code = 429, "too_many_attempts"
    zh, en = "登录尝试次数过多，请 {m} 分钟后再试", "Too many login attempts: try again in {m} minute(s)"

    def __init__(self, retry_after: int):
        super().__init__(retry_after, m=math.ceil(retry_after / 60))
        self.retry_after = retry_after

    def headers(self) -> dict:
        return {"Retry-After": str(self.retry_after)}


@dataclass(frozen=True)
class Counter:
    kind: str
    subject: str = ""
    client: str = ""

    def params(self) -> dict:
        return {"k": self.kind, "s": self.subject, "c": self.client}


@dataclass(frozen=True)
class Count:
    failures: int
    window_ends_at: datetime

    def retry_after(self, now: datetime) -> int:
        return max(1, math.ceil((self.window_ends_at - now).total_seconds()))


# ---- keys --------------------------------------------------------------------------------------


def normalise_login(login: str) -> str:
    """A login as the counters see it (and as find_login looks it up): stripped and lower-cased."""
    return login.strip().lower()


def client_of(address: str | None) -> str:
    """The client an address stands for: an IPv4 address, or an IPv6 /64, which one subscriber gets
    whole (counting its addresses one by one would give an attacker 2⁶⁴ fresh starts)."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return address or ""
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)


def _digest(part: str, value: str) -> str:
    # Keyed, so that the table holds no login, password typed by mistake or address in a form that a
    # reader of the database could test guesses against.
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{part}\0{value}".encode(), hashlib.sha256).hexdigest()


def _login_counters(login: str, address: str | None) -> tuple[Counter, Counter, Counter]:
    subject, client = _digest("login", normalise_login(login)), _digest("client", client_of(address))
    return Counter("client", client=client), Counter("pair", subject, client), Counter("login", subject)


def _password_counter(user_id: uuid.UUID) -> Counter:
    return Counter("password", _digest("user", str(user_id)))


# ---- statements --------------------------------------------------------------------------------


@memoised
def _count_statement(dialect: str):
    insert = conflict_insert(_T, dialect)
    stmt = insert.values(
        kind=bindparam("k"),
        subject=bindparam("s"),
        client=bindparam("c"),
        failures=1,
        window_ends_at=bindparam("ends", type_=UTCDateTime()),
    )
    ended = _T.c.window_ends_at <= bindparam("now", type_=UTCDateTime())
    return stmt.on_conflict_do_update(
        index_elements=[_T.c.kind, _T.c.subject, _T.c.client],
        set_={
            "failures": case((ended, 1), else_=_T.c.failures + 1),
            "window_ends_at": case((ended, stmt.excluded.window_ends_at), else_=_T.c.window_ends_at),
        },
    ).returning(_T.c.failures, _T.c.window_ends_at)


_THIS = (_T.c.kind == bindparam("k"), _T.c.subject == bindparam("s"), _T.c.client == bindparam("c"))
_GIVE_BACK = update(_T).where(*_THIS, _T.c.failures > 0).values(failures=_T.c.failures - 1)
_FORGET = delete(_T).where(*_THIS)
# Ended windows, a batch at a time; on PostgreSQL rows another attempt holds are left for later, so
# that pruning never waits on anyone.
_KEY = tuple_(_T.c.kind, _T.c.subject, _T.c.client)
_PRUNE = delete(_T).where(
    _KEY.in_(
        select(_T.c.kind, _T.c.subject, _T.c.client)
        .where(_T.c.window_ends_at <= bindparam("now", type_=UTCDateTime()))
        .limit(PRUNE_BATCH)
        .with_for_update(skip_locked=True)
    )
)


def _count(counter: Counter, now: datetime) -> Count:
    ends = now + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
    stmt = _count_statement(db.session.get_bind().dialect.name)
    row = db.session.execute(stmt, {**counter.params(), "now": now, "ends": ends}).one()
    return Count(row.failures, row.window_ends_at)


def _give_back(*counters: Counter):
    db.session.execute(_GIVE_BACK, [c.params() for c in counters])


# ---- logins ------------------------------------------------------------------------------------


def reserve_login(login: str, address: str | None):
    """Count a login attempt before its password is checked, or raise TooManyAttempts.

    The same for a login that exists and one that does not. The caller commits the counts before
    the check; on TooManyAttempts its transaction is rolled back, and the attempt counts nowhere.
    """
    cfg, now = current_app.config, utcnow()
    client, pair, login_counter = _login_counters(login, address)
    from_client = _count(client, now)
    if from_client.failures > cfg["LOGIN_MAX_FAILURES_PER_CLIENT"]:
        raise TooManyAttempts(from_client.retry_after(now))
    at_pair = _count(pair, now)
    if at_pair.failures > cfg["LOGIN_MAX_FAILURES"]:
        raise TooManyAttempts(at_pair.retry_after(now))
    at_login = _count(login_counter, now)
    if at_login.failures > cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"] and at_pair.failures > 1:
        # this address may try again when its own record or the login's window ends, whichever is first
        raise TooManyAttempts(min(at_pair.retry_after(now), at_login.retry_after(now)))


def login_succeeded(login: str, address: str | None):
    """Give a successful attempt's counts back: the address's record at this login starts clean, and
    neither the address nor the login is charged for it. Then prune some ended windows."""
    client, pair, login_counter = _login_counters(login, address)
    _give_back(client)
    db.session.execute(_FORGET, pair.params())
    _give_back(login_counter)
    db.session.execute(_PRUNE, {"now": utcnow()})


# ---- the current password (/me/password) -------------------------------------------------------


def count_password_check(user_id: uuid.UUID) -> tuple[int, int]:
    """Count a check of the user's current password before it is made: (the checks in this window,
    this one included; seconds until the window ends)."""
    now = utcnow()
    count = _count(_password_counter(user_id), now)
    return count.failures, count.retry_after(now)


def give_back_password_check(user_id: uuid.UUID):
    _give_back(_password_counter(user_id))


def forget_password_checks(user_id: uuid.UUID):
    db.session.execute(_FORGET, _password_counter(user_id).params())


# ---- an admin's reset --------------------------------------------------------------------------


def forget_account(user_id: uuid.UUID, logins: list[str]):
    """Clear every count against the account: its logins from every address, and its current password."""
    subjects = [_digest("login", normalise_login(login)) for login in logins if login]
    db.session.execute(delete(_T).where(_T.c.kind.in_(("pair", "login")), _T.c.subject.in_(subjects)))
    forget_password_checks(user_id)
