"""The auth domain's hot SQL, run straight through the driver on PostgreSQL (core.db.fetch_hot): the token lookup every
request makes (one round trip of plain rows, Core on the tables: no ORM in the way), and which of a caller's roles
cover the records a page shows."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, select

from server.areas.models import Area
from server.auth.models import AuthToken
from server.auth.scope import Grants, Role, grants_for
from server.core.cache import memoised
from server.core.db import among, db
from server.people.models import RoleAssignment, User

_T, _U, _R, _A = AuthToken.__table__, User.__table__, RoleAssignment.__table__, Area.__table__
_IDENTITY = (
    select(_T.c.id, _T.c.user_id, _U.c.name, _R.c.role, _A.c.path, _R.c.enterprise_id, _R.c.sector)
    .select_from(
        _T.join(_U, _U.c.id == _T.c.user_id).join(_R, _R.c.user_id == _U.c.id).outerjoin(_A, _A.c.id == _R.c.area_id)
    )
    .where(
        _T.c.token_hash == bindparam("digest"),
        _T.c.revoked_at.is_(None),
        _T.c.expires_at > bindparam("now"),
        _U.c.is_active.is_(True),
    )
)


def live_token_roles(digest: str, now: datetime) -> list:
    """For the live token with this digest, of an active user: a row per role the user holds (the token's id, the
    user's id and name, the role with its area's path, enterprise and sector); none for any other token."""
    return db.fetch_hot(_IDENTITY, {"digest": digest, "now": now})


def roles_covering(model, roles: Iterable[Role], ids) -> dict:
    """For each of these records (by id), the roles among `roles` whose scope covers it: the roles one may act
    in there (a station officer who also patrols a grid elsewhere acts there as a grid worker only).

    Asked of the model's own `scope_clause`, once per distinct scope the roles are held in (one column each), in
    one query for all the records: what decides that a role sees a record decides that it may act on it. Chosen
    over a Python predicate kept beside each clause, which would have to mirror its subqueries (a subtree's
    range, a sector's enterprises) and could drift from them; it costs one query per page, as reading the
    records' grid paths for the old predicate did. The clause reads the rows as stored: this session's changes
    are flushed first.
    """
    ids = sorted(set(ids))
    held: dict[Grants, set[str]] = {}
    for role in roles:
        held.setdefault(grants_for([role]), set()).add(role.role)
    if not ids or not held:
        return {record_id: set() for record_id in ids}
    scopes = tuple(sorted(held, key=repr))  # one statement per set of scopes, whatever order the roles came in
    db.session.flush()
    rows = db.fetch_hot(_coverage(model, scopes, db.session.get_bind().dialect.name), {"ids": ids})
    covering = {record_id: set() for record_id in ids}
    for row in rows:
        covering[row[0]] = {
            name for scope, covers in zip(scopes, row[1:], strict=True) if covers for name in held[scope]
        }
    return covering


@memoised  # per model, set of scopes and dialect: fetch_hot wants a statement built once
def _coverage(model, scopes: tuple[Grants, ...], dialect: str):
    """The records with the ids bound as `ids`, each with one column per scope: whether its clause holds."""
    return select(model.id, *(model.scope_clause(scope).label(f"covered_{n}") for n, scope in enumerate(scopes))).where(
        among(model.id, "ids", dialect)
    )
