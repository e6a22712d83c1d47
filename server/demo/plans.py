"""The demo plans (演示巡查计划): every grid's monthly patrol on the community checklist by its worker, and the monthly
assessments of gas stations, malls and markets by their departments; this month's tasks generated, those the demo
year of inspections already did marked done (server.demo.inspected), so that coverage shows on first start."""

from sqlalchemy import select

from server.areas.models import Area
from server.core.db import db
from server.core.time import utcnow
from server.demo.assessments import ASSESSMENTS
from server.demo.checklists import COMMUNITY_PATROL
from server.inspections.models import InspectionTemplate
from server.plans import periods, services
from server.plans.models import Plan

MARK = "（演示）"
# (name, checklist, what the plan narrows to, who does it)
PLANS = (
    (f"网格月度巡查{MARK}", COMMUNITY_PATROL["name"], {}, "grid_worker"),
    *(
        (
            f"{checklist['name'].removesuffix(MARK).removesuffix('安全考核')}月度考核{MARK}",
            checklist["name"],
            {"sector": checklist["owner_sector"], "site_types": checklist["site_types"]},
            "department",
        )
        for checklist in ASSESSMENTS
        if checklist["kind"] == "assessment"
    ),
)


def add() -> int:
    """The demo plans missing (found by name), and this month's tasks of every demo plan: how many plans were added.
    Idempotent: a second load adds neither plans nor tasks."""
    district = db.session.scalars(select(Area).where(Area.level == "district")).first()
    present = {plan.name: plan for plan in db.session.scalars(select(Plan).where(Plan.is_demo))}
    added = 0
    for name, checklist, narrowed, assignee in PLANS:
        family = db.session.scalar(
            select(InspectionTemplate.family_id).where(InspectionTemplate.is_demo, InspectionTemplate.name == checklist)
        )
        if family is None or district is None:
            continue
        if name not in present:
            body = {
                "name": name,
                "area_id": district.id,
                "frequency": "monthly",
                "template_family_id": family,
                "assignee": assignee,
                **narrowed,
            }
            present[name] = services.create_plan(None, body, None, is_demo=True)
            added += 1
        plan = present[name]
        services.generate(plan, periods.containing(plan.frequency, periods.local_date(utcnow())))
    return added
