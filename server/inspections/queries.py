"""The inspections' hot SQL: what every submission asks (is the id stored, the site in scope), each statement built
once and run through the driver on PostgreSQL (core.db.fetch_hot); and a month's scores of a checklist, by site
(what every ranking reads)."""

from datetime import datetime

from sqlalchemy import bindparam, func, select

from server.core.cache import memoised
from server.core.db import db, stored
from server.enterprises.models import Enterprise
from server.inspections.models import Inspection, InspectionTemplate
from server.sites.models import Site


def inspection_stored(inspection_id) -> bool:
    """Whether an inspection is stored under this id: the first question of every submission (nearly always no)."""
    return stored(Inspection, inspection_id)


def site_in_scope(site_id, site_scope):
    """The site (id, name, type, grid_id, enterprise_id) with its enterprise's sector, if within the scope; else
    None. One statement for what a submission needs of its site."""
    rows = db.fetch_hot(_site_in_scope(site_scope), {"site_id": site_id})
    return rows[0] if rows else None


@memoised
def _site_in_scope(site_scope):
    return (
        select(Site.id, Site.name, Site.type, Site.grid_id, Site.enterprise_id, Enterprise.sector)
        .outerjoin(Enterprise, Enterprise.id == Site.enterprise_id)
        .where(Site.id == bindparam("site_id"), site_scope)
    )


def monthly_means(family_id, start: datetime, end: datetime) -> dict:
    """Each site's (mean percentage, how many) over the inspections on any version of the family that finished in
    [start, end), self-checks and those with no percentage (nothing applied) left out: one grouped query."""
    versions = select(InspectionTemplate.id).where(InspectionTemplate.family_id == family_id)
    rows = db.session.execute(
        select(Inspection.site_id, func.avg(Inspection.percentage), func.count())
        .where(
            Inspection.template_id.in_(versions),
            Inspection.finished_at >= start,
            Inspection.finished_at < end,
            Inspection.percentage.is_not(None),
            Inspection.mode != "self_check",
        )
        .group_by(Inspection.site_id)
    ).all()
    return {site_id: (round(float(mean), 1), count) for site_id, mean, count in rows}
