"""The demo's 双随机 draw: a tenth of the district's markets, two inspectors each from the enforcement officers and
the market bureau, one declared tie recused; drawn and published, so the public page has one on first start.

Through the draws' own services (the registers frozen, the seed committed, drawn, published, all on the event
chain), once: its id is fixed, and a draw stored under it is left as it is. Its seed is public, as every demo
password is: a real draw's seed is the server's secret until the draw, or the supervisor's."""

import uuid
from datetime import date

from sqlalchemy import select

from server.areas.models import Area
from server.core.db import db
from server.core.i18n import SHANGHAI
from server.core.time import utcnow
from server.draws import algorithm, services
from server.draws.models import Draw
from server.enterprises.models import Enterprise
from server.inspections.models import InspectionTemplate
from server.people.models import User

DRAW_ID = uuid.uuid5(uuid.NAMESPACE_URL, "safegrid-demo/draw/markets")
SEED = "safegrid-demo/双随机/农贸市场"
DISTRICT = "420103"


def add() -> int:
    """Add the demo draw unless it is stored (then only its tasks, if it was drawn before draws made them): how many
    draws were added (0 or 1)."""
    stored = db.session.get(Draw, DRAW_ID)
    if stored is not None:
        services.make_tasks(stored)
        return 0
    supervisor = db.session.scalars(select(User).where(User.username == "demo-supervisor")).first()
    officer = db.session.scalars(select(User).where(User.username == "demo-enforcement")).first()
    district = db.session.scalars(select(Area).where(Area.code == DISTRICT)).first()
    if supervisor is None or officer is None or district is None:
        return 0
    today = utcnow().astimezone(SHANGHAI).date()
    first = today.replace(day=1)
    last = first.replace(year=first.year + 1, month=1) if first.month == 12 else first.replace(month=first.month + 1)
    body = {
        "id": DRAW_ID,
        "matter": f"{first.year}年{first.month}月农贸市场安全生产双随机抽查（演示）",
        "area_id": district.id,
        "site_types": ["market"],
        "risk_levels": [],
        "department_sector": "market",
        "share": "0.1",
        "per_target": 2,
        "period_start": first,
        "period_end": date.fromordinal(last.toordinal() - 1),
        "seed_commitment": algorithm.sha256_hex(SEED),
        "template_family_id": _markets_checklist(),
    }
    _declare_a_tie(officer, district, body)
    draw, _created = services.create(supervisor.id, body, district)
    draw.is_demo = True  # and so its plan and tasks
    services.run(draw, supervisor.id, SEED, None)
    services.publish(draw, supervisor.id)
    return 1


def _markets_checklist() -> uuid.UUID | None:
    """The family of the markets' assessment checklist, which the drawn inspections use."""
    published = db.session.scalars(
        select(InspectionTemplate).where(InspectionTemplate.is_demo, InspectionTemplate.state == "published")
    )
    return next((t.family_id for t in published if t.site_types == ["market"]), None)


def _declare_a_tie(officer: User, district: Area, body: dict):
    """demo-enforcement declares a tie to the enterprise of a market the seed would draw them for, so that the
    published draw shows the recusal: someone else inspects it."""
    targets = services.target_register(district, body["site_types"], body["risk_levels"])
    people = services.inspector_register(district, body["department_sector"], {t["enterprise_id"] for t in targets})
    params = algorithm.Parameters(body["share"], None, body["per_target"])
    result = algorithm.draw(targets, people, params, algorithm.seed_key(SEED))
    enterprises = {t["id"]: t["enterprise_id"] for t in targets}
    for item in result["assignments"]:
        if str(officer.id) in item["inspector_ids"] and enterprises[item["site_id"]]:
            enterprise = db.session.get(Enterprise, uuid.UUID(enterprises[item["site_id"]]))
            declaration_id = uuid.uuid5(uuid.NAMESPACE_URL, f"safegrid-demo/conflict/{officer.id}")
            services.declare(officer.id, enterprise, "近亲属在该公司任职（演示）", declaration_id)
            return
