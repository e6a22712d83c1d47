"""A disaster's figures added up: each community's latest report counts (a follow-up replaces the figures before it),
summed to the street and the district, the communities that owe today's follow-up named."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from server.areas.models import Area, subtree_ids
from server.core.db import db
from server.core.i18n import SHANGHAI
from server.core.time import utcnow
from server.disasters.models import FIGURES, Disaster, DisasterReport


def latest_by_community(disaster: Disaster, scope) -> dict[int, DisasterReport]:
    reports = db.session.scalars(
        select(DisasterReport)
        .where(DisasterReport.disaster_id == disaster.id, scope)
        .order_by(DisasterReport.received_at, DisasterReport.id)
    ).all()
    latest = {}
    for report in reports:
        latest[report.community_id] = report  # the last one wins
    return latest


def _sum(reports) -> dict:
    totals = {name: 0 for name in FIGURES}
    for report in reports:
        for name in FIGURES:
            totals[name] += getattr(report, name)
    totals["direct_loss"] = round(totals["direct_loss"], 2)
    return totals


def totals(disaster: Disaster, area: Area, scope) -> dict:
    """The area's totals, and its parts one level down (a district's streets, a street's communities)."""
    latest = latest_by_community(disaster, scope)
    communities = db.session.execute(
        select(Area.id, Area.name, Area.path).where(Area.id.in_(subtree_ids([area.path])), Area.level == "community")
    ).all()
    inside = {c.id: c for c in communities}
    counted = [r for cid, r in latest.items() if cid in inside]
    depth = area.path.count("/") - 1  # the area's own depth: its parts are one further
    parts: dict[int, list] = {}
    for community in communities:
        ids = [int(i) for i in community.path.strip("/").split("/")]
        part = ids[depth] if len(ids) > depth else community.id
        parts.setdefault(part, []).append(community.id)
    names = dict(db.session.execute(select(Area.id, Area.name).where(Area.id.in_(parts))).all()) if parts else {}
    today = utcnow().astimezone(SHANGHAI).date()
    return {
        "disaster_id": disaster.id,
        "area_id": area.id,
        "area_name": area.name,
        "totals": _sum(counted),
        "communities_reported": len(counted),
        "communities": len(communities),
        "parts": [
            {
                "area_id": part,
                "name": names.get(part, ""),
                "totals": _sum([latest[c] for c in ids if c in latest]),
                "communities_reported": sum(1 for c in ids if c in latest),
                "communities": len(ids),
                "last_kind": max((latest[c] for c in ids if c in latest), key=lambda r: r.received_at).kind
                if any(c in latest for c in ids)
                else None,
            }
            for part, ids in sorted(parts.items())
        ],
        # 续报 daily during the response, even when nothing changed: who has not sent today's (the day in Shanghai)
        "followup_due": sorted(
            inside[cid].name
            for cid, report in latest.items()
            if cid in inside
            and disaster.response_active
            and report.kind != "verified"
            and report.received_at.astimezone(SHANGHAI).date() < today
        ),
        "first_report_due_at": disaster.started_at + timedelta(hours=current_app.config["DISASTER_FIRST_REPORT_HOURS"]),
    }
