"""The inspections' hot SQL: a month's scores of a checklist, by site (what every ranking reads)."""

from datetime import datetime

from sqlalchemy import func, select

from server.core.db import db
from server.inspections.models import Inspection, InspectionTemplate


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
