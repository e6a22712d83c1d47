"""The token lookup every request makes: one round trip of plain rows (Core, on the tables: no ORM in the way),
run straight through the driver on PostgreSQL (core.db.fetch_hot)."""
from datetime import datetime

from sqlalchemy import bindparam, select

from server.areas.models import Area
from server.auth.models import AuthToken
from server.core.db import db
from server.people.models import RoleAssignment, User

_T, _U, _R, _A = AuthToken.__table__, User.__table__, RoleAssignment.__table__, Area.__table__
_IDENTITY = (
    select(_T.c.id, _T.c.user_id, _R.c.role, _A.c.path, _R.c.enterprise_id, _R.c.sector)
    .select_from(_T.join(_U, _U.c.id == _T.c.user_id).join(_R, _R.c.user_id == _U.c.id)
                 .outerjoin(_A, _A.c.id == _R.c.area_id))
    .where(_T.c.token_hash == bindparam("digest"), _T.c.revoked_at.is_(None), _T.c.expires_at > bindparam("now"),
           _U.c.is_active.is_(True))
)


def live_token_roles(digest: str, now: datetime) -> list:
    """For the live token with this digest, of an active user: a row per role the user holds (the token's id, the
    user's, the role with its area's path, enterprise and sector); none for any other token."""
    return db.fetch_hot(_IDENTITY, {"digest": digest, "now": now})
