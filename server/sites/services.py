"""Reading and saving sites. Reads go through one Core query shape, the site as the API shows it (sites.queries),
since opening a site is the field app's most frequent request; writes go through the ORM."""

import uuid

from sqlalchemy import or_

from server.areas.models import subtree_ids
from server.sites import queries
from server.sites.models import Site

_S = Site.__table__


def _as_view(row) -> dict:
    view = row._asdict()
    enterprise_id, enterprise_name = view.pop("enterprise_id"), view.pop("enterprise_name")
    sector = view.pop("enterprise_sector")
    view["enterprise"] = {"id": enterprise_id, "name": enterprise_name, "sector": sector} if enterprise_id else None
    view["grid"] = {
        "id": view.pop("grid_id"),
        "code": view.pop("grid_code"),
        "name": view.pop("grid_name"),
        "level": view.pop("grid_level"),
    }
    return view


def site_view(site_id: uuid.UUID, scope) -> dict | None:
    """One site as the API shows it, if it lies within the scope clause."""
    row = queries.site_row(site_id, scope)
    return _as_view(row) if row is not None else None


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
    return queries.site_count(clauses), site_views(clauses, offset=offset, limit=limit)


def site_views(clauses, *, offset: int = 0, limit: int | None = None) -> list[dict]:
    """Sites within the clauses as the API shows them, in name order."""
    return [_as_view(row) for row in queries.site_rows(clauses, offset=offset, limit=limit)]
