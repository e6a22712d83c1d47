"""The sites' SQL: one Core query shape, the site as the API shows it (its own columns, its grid and its enterprise's
name in one row), for one site through the driver (opening a site is the field app's most frequent request) and for
pages of them."""

import uuid

from sqlalchemy import bindparam, func, select

from server.areas.models import Area
from server.core.cache import memoised
from server.core.db import db
from server.enterprises.models import Enterprise
from server.sites.models import Site

_S, _A, _E = Site.__table__, Area.__table__, Enterprise.__table__

_VIEW = select(
    _S.c.id,
    _S.c.name,
    _S.c.type,
    _S.c.address,
    _S.c.latitude,
    _S.c.longitude,
    _S.c.risk_level,
    _S.c.is_demo,
    _S.c.created_at,
    _S.c.updated_at,
    _S.c.enterprise_id,
    _E.c.name.label("enterprise_name"),
    _E.c.sector.label("enterprise_sector"),
    _S.c.grid_id,
    _A.c.code.label("grid_code"),
    _A.c.name.label("grid_name"),
    _A.c.level.label("grid_level"),
).select_from(_S.join(_A, _A.c.id == _S.c.grid_id).outerjoin(_E, _E.c.id == _S.c.enterprise_id))


def site_row(site_id: uuid.UUID, scope):
    """One site's row, if it lies within the scope clause; else None."""
    rows = db.fetch_hot(_view_by_id(scope), {"id": site_id})
    return rows[0] if rows else None


@memoised
def _view_by_id(scope):
    return _VIEW.where(_S.c.id == bindparam("id"), scope)


def site_rows(clauses, *, offset: int = 0, limit: int | None = None) -> list:
    """The rows of the sites within the clauses, in name order."""
    return (
        db.session.connection()
        .execute(_VIEW.where(*clauses).order_by(_S.c.name, _S.c.id).offset(offset).limit(limit))
        .all()
    )


def site_count(clauses) -> int:
    return db.session.connection().execute(select(func.count()).select_from(_S).where(*clauses)).scalar_one()
