"""Coverage (覆盖率): a period's planned tasks against those done, by area, site type or sector, the flagged ones
apart; and indicator 11, the enforcement coverage of high-risk enterprises above designated size for a year."""

from datetime import date, datetime, time

from sqlalchemy import and_, exists, func, or_, select

from server.areas.models import Area, path_ids
from server.core.db import db
from server.core.i18n import SHANGHAI, tr
from server.enterprises.models import SECTORS, Enterprise
from server.inspections.models import Inspection, InspectionTemplate
from server.people.models import RoleAssignment
from server.plans.models import PLAN_KINDS, Task
from server.plans.periods import Period
from server.sites.models import SITE_TYPES

# the level of the area tree each area dimension groups by (district 0, street 1, community 2, grid 3)
DEPTHS = {"street": 1, "community": 2, "grid": 3}
# 安全生产高危行业 among the district's sectors: those indicator 11 counts (with 规模以上)
HIGH_RISK_SECTORS = ("hazardous_chemicals", "fuel_retail", "industry_trade", "construction")


def coverage(period: Period, by: str, clause, plan_id=None) -> dict:
    """Tasks starting in the period (cancelled ones left out), counted by state for each group."""
    key = {"site_type": Task.site_type, "sector": Task.sector, "kind": Task.kind}.get(by, Task.grid_id)
    stmt = (
        select(key, Task.state, Task.flagged, func.count())
        .where(clause, Task.period_start >= period.start, Task.period_start <= period.end, Task.state != "cancelled")
        .group_by(key, Task.state, Task.flagged)
    )
    if plan_id is not None:
        stmt = stmt.where(Task.plan_id == plan_id)
    counts: dict = {}
    groups = _groups(by, db.session.execute(stmt).all())
    for group, state, flagged, n in groups:
        row = counts.setdefault(group, {"planned": 0, "done": 0, "flagged": 0, "missed": 0, "open": 0})
        row["planned"] += n
        row[state] += n
        if state == "done" and flagged:
            row["flagged"] += n
    names = _names(by, list(counts))
    rows = [_rated({"key": group, "name": names.get(group, ""), **row}) for group, row in counts.items()]
    rows.sort(key=lambda row: (row["name"], str(row["key"])))
    total = {name: sum(row[name] for row in rows) for name in ("planned", "done", "flagged", "missed", "open")}
    return {
        "period": period.key,
        "by": by,
        "rows": rows,
        "total": _rated({"key": None, "name": tr("合计", "Total"), **total}),
    }


def _groups(by: str, found):
    """(group, state, flagged, count): a grid's counts given to its community or street for those dimensions."""
    if by not in ("street", "community"):
        return found
    grids = {row[0] for row in found}
    paths = dict(db.session.execute(select(Area.id, Area.path).where(Area.id.in_(grids))).all()) if grids else {}
    depth = DEPTHS[by]
    return [(path_ids(paths[grid])[depth], state, flagged, n) for grid, state, flagged, n in found]


def _names(by: str, keys: list) -> dict:
    if by == "kind":
        return {code: tr(*PLAN_KINDS[code]) for code in keys if code in PLAN_KINDS}
    if by == "site_type":
        return {code: tr(*SITE_TYPES[code]) for code in keys if code in SITE_TYPES}
    if by == "sector":
        return {code: tr(*SECTORS[code][:2]) if code in SECTORS else tr("无企业", "No enterprise") for code in keys}
    return dict(db.session.execute(select(Area.id, Area.name).where(Area.id.in_(keys))).all()) if keys else {}


def _rated(row: dict) -> dict:
    planned = row["planned"]
    row["rate"] = round(100 * row["done"] / planned, 1) if planned else None
    row["verified_rate"] = round(100 * (row["done"] - row["flagged"]) / planned, 1) if planned else None
    return row


def indicator_11(year: int, enterprise_clause) -> dict:
    """安全生产高危行业规模以上企业应急管理执法检查覆盖率 (target 100%): the high-risk enterprises above designated
    size in scope, and those with at least one enforcement inspection this year (by an enforcement officer, or on an
    enforcement checklist) at any of their sites."""
    since = datetime.combine(date(year, 1, 1), time(), SHANGHAI)
    until = datetime.combine(date(year + 1, 1, 1), time(), SHANGHAI)
    by_officer = exists(
        select(RoleAssignment.id).where(
            RoleAssignment.user_id == Inspection.inspector_id, RoleAssignment.role == "enforcement_officer"
        )
    )
    on_checklist = exists(
        select(InspectionTemplate.id).where(
            InspectionTemplate.id == Inspection.template_id, InspectionTemplate.kind == "enforcement"
        )
    )
    enforced = exists(
        select(Inspection.id).where(
            Inspection.enterprise_id == Enterprise.id,
            Inspection.finished_at >= since,
            Inspection.finished_at < until,
            or_(by_officer, on_checklist),
        )
    )
    found = db.session.execute(
        select(Enterprise.id, Enterprise.name, Enterprise.sector, enforced.label("enforced"))
        .where(
            and_(Enterprise.above_designated_size.is_(True), Enterprise.sector.in_(HIGH_RISK_SECTORS)),
            enterprise_clause,
        )
        .order_by(Enterprise.name)
    ).all()
    inspected = sum(1 for row in found if row.enforced)
    return {
        "indicator": 11,
        "name": "安全生产高危行业规模以上企业应急管理执法检查覆盖率",
        "year": year,
        "target": 100.0,
        "enterprises": len(found),
        "inspected": inspected,
        "rate": round(100 * inspected / len(found), 1) if found else None,
        "uninspected": [{"id": r.id, "name": r.name, "sector": r.sector} for r in found if not r.enforced],
    }
