"""公示: what the public sees of a published draw, and of the inspections its inspectors made at its targets.

Only what the rules publish: the matter, the targets (sites and their enterprises' names), the inspectors drawn
(name and enforcement certificate number), the seed, the algorithm, the hashes, and each inspection's date and
outcome. Never a phone number, a declared tie's reason, or anyone not drawn."""

import json
import uuid
from datetime import UTC, datetime, time

from sqlalchemy import select

from server.areas.models import Area
from server.core.db import db
from server.core.i18n import SHANGHAI
from server.draws import departures
from server.draws.models import Draw
from server.draws.services import period_bounds
from server.inspections.models import Inspection, InspectionInspector


def summary(draw: Draw) -> dict:
    result = json.loads(draw.result) if draw.result else {}
    return {
        "id": draw.id,
        "matter": draw.matter,
        "area": db.session.get(Area, draw.area_id).name,
        "site_types": draw.site_types,
        "risk_levels": draw.risk_levels,
        "period_start": draw.period_start,
        "period_end": draw.period_end,
        "state": draw.state,
        "algorithm": draw.algorithm,
        "share": draw.share,
        "count": draw.count,
        "per_target": draw.per_target,
        "template_family_id": draw.template_family_id,
        "candidates": result.get("candidates"),
        "drawn": len(result.get("assignments", [])),
        "seed_commitment": draw.seed_commitment,
        "seed": draw.seed if draw.state != "committed" else None,
        "seed_by_server": draw.seed_by_server,
        "public_value_source": draw.public_value_source,
        "public_value": draw.public_value,
        "targets_sha256": draw.targets_sha256,
        "inspectors_sha256": draw.inspectors_sha256,
        "result_sha256": draw.result_sha256,
        "created_at": draw.created_at,
        "drawn_at": draw.drawn_at,
        "published_at": draw.published_at,
    }


def detail(draw: Draw) -> dict:
    """The summary and every drawn target with its inspectors (as frozen in the register) and its inspection."""
    targets = {t["id"]: t for t in json.loads(draw.targets_snapshot)}
    people = {p["id"]: p for p in json.loads(draw.inspectors_snapshot)}
    drawn = json.loads(draw.result)["assignments"] if draw.result else []
    again: dict[str, list[dict]] = {}  # 补抽: a departed inspector's place taken, by target
    for made in departures.replaced(draw) if drawn else []:
        again.setdefault(made["site_id"], []).append(made)
    found = inspections(
        draw,
        {
            item["site_id"]: set(item["inspector_ids"]) | {m["replacement"] for m in again.get(item["site_id"], [])}
            for item in drawn
        },
    )
    rows = []
    for item in drawn:
        site = targets[item["site_id"]]
        rows.append(
            {
                "position": item["position"],
                "site_name": site["name"],
                "site_type": site["type"],
                "grid": site["grid"],
                "enterprise_name": site["enterprise_name"],
                "inspectors": [
                    {"name": people[i]["name"], "certificate_no": people[i]["certificate_no"]}
                    for i in item["inspector_ids"]
                ],
                "inspection": found.get(item["site_id"]),
                # those of the register who declared a tie to its enterprise and so were never eligible (回避): the
                # record publishes every inspector's recusals, here they are shown beside the target
                "replacements": [
                    {
                        "departed": _named(people, m["departed"]),
                        "replacement": _named(people, m["replacement"]) if m["replacement"] else None,
                    }
                    for m in again.get(item["site_id"], [])
                ],
                "recused": [
                    {"name": p["name"], "certificate_no": p["certificate_no"]}
                    for p in people.values()
                    if site["enterprise_id"] and site["enterprise_id"] in p.get("recusals", ())
                ],
            }
        )
    return {**summary(draw), "targets": rows}


def _named(people: dict, user_id: str) -> dict:
    return {"name": people[user_id]["name"], "certificate_no": people[user_id]["certificate_no"]}


def inspections(draw: Draw, drawn: dict[str, set[str]]) -> dict[str, dict]:
    """For each target, the latest inspection in the draw's period, from the day it was drawn on, that one of its
    drawn inspectors took part in: its date and outcome."""
    if not drawn:
        return {}
    start, end = period_bounds(draw)
    drawn_on = datetime.combine(draw.drawn_at.astimezone(SHANGHAI).date(), time(), SHANGHAI).astimezone(UTC)
    start = max(start, drawn_on)
    rows = db.session.execute(
        select(
            Inspection.id,
            Inspection.site_id,
            Inspection.finished_at,
            Inspection.percentage,
            Inspection.passed,
            InspectionInspector.user_id,
        )
        .join(InspectionInspector, InspectionInspector.inspection_id == Inspection.id)
        .where(
            Inspection.site_id.in_([uuid.UUID(site_id) for site_id in drawn]),
            Inspection.finished_at >= start,
            Inspection.finished_at < end,
        )
        .order_by(Inspection.finished_at)
    ).all()
    found = {}
    for _id, site_id, finished_at, percentage, passed, user_id in rows:
        if str(user_id) in drawn[str(site_id)]:
            found[str(site_id)] = {"finished_at": finished_at, "percentage": percentage, "passed": passed}
    return found
