"""The inspections a user took part in (as lead, co-inspector or expert), as the delta feed carries them to the
phone: one summary each, enough to list them and open one offline (我的检查)."""

import uuid
from datetime import datetime

from sqlalchemy import select

from server.core.db import db
from server.inspections.models import Inspection, InspectionHazard, InspectionInspector, InspectionTemplate
from server.people.models import User
from server.sites.models import Site

ROLE_ORDER = {"lead": 0, "co": 1, "expert": 2}


def taken_part(user_id: uuid.UUID):
    """The clause: inspections whose inspectors (inspection_inspectors) include the user."""
    return Inspection.id.in_(select(InspectionInspector.inspection_id).where(InspectionInspector.user_id == user_id))


def recent_ids(user_id: uuid.UUID, since: datetime):
    """A select of the ids of the user's inspections finished (the phone's clock) at or after `since`."""
    return select(Inspection.id).where(taken_part(user_id), Inspection.finished_at >= since)


def summaries(ids: list[uuid.UUID], user_id: uuid.UUID) -> list[dict]:
    """The user's inspections among `ids`: the checklist, the site, the mode, when, the current revision's score,
    the inspectors by name and the hazards made (a few queries for a whole page)."""
    if not ids:
        return []
    found = db.session.scalars(select(Inspection).where(Inspection.id.in_(ids), taken_part(user_id))).all()
    if not found:
        return []
    ids = [i.id for i in found]
    templates = {
        t.id: t
        for t in db.session.scalars(
            select(InspectionTemplate).where(InspectionTemplate.id.in_({i.template_id for i in found}))
        )
    }
    sites = dict(db.session.execute(select(Site.id, Site.name).where(Site.id.in_({i.site_id for i in found}))).all())
    people: dict = {}
    for row in db.session.execute(
        select(InspectionInspector.inspection_id, InspectionInspector.user_id, InspectionInspector.role, User.name)
        .join(User, User.id == InspectionInspector.user_id)
        .where(InspectionInspector.inspection_id.in_(ids))
    ):
        people.setdefault(row.inspection_id, []).append({"user_id": row.user_id, "name": row.name, "role": row.role})
    links: dict = {}
    for link in db.session.scalars(select(InspectionHazard).where(InspectionHazard.inspection_id.in_(ids))):
        links.setdefault(link.inspection_id, []).append({"item": link.item, "hazard_id": link.hazard_id})
    return [
        {
            "id": i.id,
            "template_id": i.template_id,
            "template_name": templates[i.template_id].name,
            "template_kind": templates[i.template_id].kind,
            "site_id": i.site_id,
            "site_name": sites.get(i.site_id),
            "mode": i.mode,
            "started_at": i.started_at,
            "finished_at": i.finished_at,
            "finished_at_server": i.finished_at_server,
            "inspectors": sorted(people.get(i.id, []), key=lambda p: (ROLE_ORDER[p["role"]], p["name"] or "")),
            "acknowledged_by": (i.acknowledgement or {}).get("name"),
            "revision": i.revision,
            "points": i.points,
            "max_points": i.max_points,
            "percentage": i.percentage,
            "passed": i.passed,
            "flags": i.flags,
            "hazards": sorted(links.get(i.id, []), key=lambda link: link["item"]),
        }
        for i in found
    ]
