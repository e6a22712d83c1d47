"""Reading and saving sites. Reads go through one Core query shape (the site as the API shows it),
since opening a site is the field app's most frequent request; writes go through the ORM."""
import uuid
from functools import lru_cache

from sqlalchemy import bindparam, func, or_, select

from server.areas.models import Area, subtree_ids
from server.core.db import db
from server.enterprises.models import Enterprise
from server.sites.models import Site

_S, _A, _E = Site.__table__, Area.__table__, Enterprise.__table__

# The site as the API shows it: its own columns, its grid and its enterprise's name, in one row.
_VIEW = select(
    _S.c.id, _S.c.name, _S.c.type, _S.c.address, _S.c.latitude, _S.c.longitude, _S.c.risk_level, _S.c.is_demo,
    _S.c.created_at, _S.c.updated_at, _S.c.enterprise_id, _E.c.name.label("enterprise_name"),
    _S.c.grid_id, _A.c.code.label("grid_code"), _A.c.name.label("grid_name"), _A.c.level.label("grid_level"),
).select_from(_S.join(_A, _A.c.id == _S.c.grid_id).outerjoin(_E, _E.c.id == _S.c.enterprise_id))


def _as_view(row) -> dict:
    view = row._asdict()
    enterprise_id, enterprise_name = view.pop("enterprise_id"), view.pop("enterprise_name")
    view["enterprise"] = {"id": enterprise_id, "name": enterprise_name} if enterprise_id else None
    view["grid"] = {"id": view.pop("grid_id"), "code": view.pop("grid_code"), "name": view.pop("grid_name"),
                    "level": view.pop("grid_level")}
    return view


@lru_cache(maxsize=4096)
def _view_by_id(scope):
    return _VIEW.where(_S.c.id == bindparam("id"), scope)


def site_view(site_id: uuid.UUID, scope) -> dict | None:
    """One site as the API shows it, if it lies within the scope clause."""
    rows = db.fetch_hot(_view_by_id(scope), {"id": site_id})
    return _as_view(rows[0]) if rows else None


def filtered(scope, *, type=None, risk_level=None, enterprise_id=None, area_path=None, q=None):
    """The where-clause of a site list: the scope, then the filters the user chose."""
    clauses = [scope]
    if type:
        clauses.append(_S.c.type == type)
    if risk_level:
        clauses.append(_S.c.risk_level == risk_level)
    if enterprise_id:
        clauses.append(_S.c.enterprise_id == enterprise_id)
    if area_path:
        clauses.append(_S.c.grid_id.in_(subtree_ids([area_path])))
    if q:
        clauses.append(or_(_S.c.name.contains(q, autoescape=True), _S.c.address.contains(q, autoescape=True)))
    return clauses


def site_page(clauses, *, offset: int, limit: int) -> tuple[int, list[dict]]:
    """A page of sites in name order and the total count, both within the same clauses."""
    total = db.session.connection().execute(select(func.count()).select_from(_S).where(*clauses)).scalar_one()
    return total, site_views(clauses, offset=offset, limit=limit)


def site_views(clauses, *, offset: int = 0, limit: int | None = None) -> list[dict]:
    """Sites within the clauses as the API shows them, in name order."""
    rows = db.session.connection().execute(
        _VIEW.where(*clauses).order_by(_S.c.name, _S.c.id).offset(offset).limit(limit))
    return [_as_view(row) for row in rows]
