"""The inspection list's filters as SQL (GET /api/v1/inspections), for the list and the dashboards alike."""

from sqlalchemy import select

from server.areas.models import Area, subtree_ids
from server.core.api import get_or_404
from server.core.time import within_days
from server.inspections.models import Inspection, InspectionHazard, InspectionTemplate
from server.sites.models import Site


def clauses(query: dict) -> list:
    found = [
        getattr(Inspection, name) == query[name]
        for name in ("site_id", "template_id", "mode", "sector")
        if name in query
    ]
    if "family_id" in query:
        family = select(InspectionTemplate.id).where(InspectionTemplate.family_id == query["family_id"])
        found.append(Inspection.template_id.in_(family))
    if "hazard_id" in query:
        found.append(
            Inspection.id.in_(
                select(InspectionHazard.inspection_id).where(InspectionHazard.hazard_id == query["hazard_id"])
            )
        )
    if "flagged" in query:
        found.append(Inspection.flagged.is_(query["flagged"]))
    if "area_id" in query:
        found.append(Inspection.grid_id.in_(subtree_ids([get_or_404(Area, query["area_id"]).path])))
    if "site_type" in query:
        found.append(Inspection.site_id.in_(select(Site.id).where(Site.type == query["site_type"])))
    return found + within_days(Inspection.finished_at, query.get("from_"), query.get("to"))
