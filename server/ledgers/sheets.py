"""What each ledger (台账) holds: its columns (Chinese headers, widths, kinds) and its rows, read in batches.

Rows come in keyset batches (`BATCH` rows, each batch one query ordered as the list is, newest first, ties by id,
continuing after the last row of the one before), so that memory stays flat whatever the size and the export's
progress can be committed between batches on any engine: no cursor stays open across a commit. What a row needs of
other tables (a hazard's history from the event record, its notice's number, names) is read once a batch, never a
row at a time.

Every ledger is scoped as its list is (the model's `scope_clause` with the grants of the caller's roles that may
export) and filtered with the list's own parameters (the same schema, the same clauses).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, tuple_
from sqlalchemy.orm import aliased

from server.areas.models import Area, subtree_ids
from server.auth.scope import PERMISSIONS, Grants, Role, grants_for
from server.checkins import services as checkins
from server.checkins.models import FLAGS as CHECKIN_FLAGS, CheckIn
from server.checkins.schemas import CheckInQuerySchema
from server.core.api import get_or_404
from server.core.db import db
from server.core.sheets import INTEGER, NUMBER, TIME, Column
from server.core.time import on_server_clock
from server.enterprises.models import SECTORS, Enterprise
from server.enterprises.schemas import EnterpriseQuerySchema
from server.evidence.models import Event
from server.hazards import filters as hazard_filters
from server.hazards.machine import STATES
from server.hazards.models import LEVELS, SOURCES, Hazard, HazardCategory, HazardDocument
from server.hazards.schemas import HazardQuerySchema
from server.inspections import filters as inspection_filters
from server.inspections.models import MODES, Inspection, InspectionTemplate
from server.inspections.schemas import InspectionQuerySchema
from server.people.models import User
from server.sites import services as sites
from server.sites.models import RISK_LEVELS, SITE_TYPES, Site
from server.sites.schemas import SiteQuerySchema

BATCH = 2000
# the site a row is drawn or named by, joined under its own name: the scope and filter clauses' subqueries of sites
# must not be correlated with it
PLACE = aliased(Site, name="place")
RECTIFIED = ("submit_rectification", "self_rectify")  # 整改完成: the last one counts
REINSPECTED = ("close", "return")  # 复查: passed (销号) or returned
NOTICES = ("rectification_notice", "enforcement_order")  # the number of the last one is the ledger's


@dataclass(frozen=True)
class Caller:
    """Whose scope a ledger is built in: their roles that may export, and their id (their own records)."""

    user_id: object
    roles: tuple[Role, ...]
    permission: str = "ledgers.export"  # or map.view: the map reads the same rows

    def grants(self, action: str) -> Grants:
        exporting = tuple(role for role in self.roles if role.role in PERMISSIONS[self.permission])
        return grants_for(exporting, action)


@dataclass(frozen=True)
class Ledger:
    name: str
    zh: str
    en: str
    columns: tuple[Column, ...]
    query_schema: type
    where: Callable  # (caller, filters, now) → clauses
    rows: Callable  # (clauses) → batches of rows, each a tuple per column
    model: type

    def count(self, caller: Caller, filters: dict, now: datetime) -> int:
        return db.session.scalar(select(func.count()).select_from(self.model).where(*self.where(caller, filters, now)))

    def batches(self, caller: Caller, filters: dict, now: datetime) -> Iterator[list[tuple]]:
        return self.rows(self.where(caller, filters, now))


def keyset(stmt, order: tuple, *, descending: bool) -> Iterator[list]:
    """The statement's rows in batches, ordered by `order` (a sort column, then the id, both the same way) and each
    batch continuing after the last row of the one before with one row-value comparison, which the sort column's
    index answers: one query per batch, none kept open between them, none re-reading the rows before it."""
    key = tuple_(*order)
    after = None
    while True:
        page = stmt
        if after is not None:
            page = page.where(key < tuple_(*after) if descending else key > tuple_(*after))
        ordering = [column.desc() for column in order] if descending else list(order)
        rows = db.session.execute(page.order_by(*ordering).limit(BATCH)).all()
        if not rows:
            return
        yield rows
        after = (rows[-1]._sort, rows[-1]._id)
        if len(rows) < BATCH:
            return


def _names(model, ids, column) -> dict:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(model.id, column).where(model.id.in_(ids))).all())


def _areas() -> dict:
    return dict(db.session.execute(select(Area.id, Area.name)).all())


def _zh(table: dict, code) -> str:
    return table[code][0] if code in table else (code or "")


# ---- hazards (隐患台账), with their whole history ----------------------------------------------------------------

HAZARD_COLUMNS = (
    Column("隐患编号", 38),
    Column("街道", 14),
    Column("网格", 16),
    Column("场所", 28),
    Column("责任单位", 28),
    Column("类别", 12),
    Column("等级", 10),
    Column("来源", 10),
    Column("状态", 16),
    Column("隐患描述", 48),
    Column("发现时间", 18, TIME),
    Column("上报时间", 18, TIME),
    Column("受理时间", 18, TIME),
    Column("整改通知书编号", 26),
    Column("整改期限", 18, TIME),
    Column("整改完成时间", 18, TIME),
    Column("复查时间", 18, TIME),
    Column("销号时间", 18, TIME),
    Column("挂牌督办时间", 18, TIME),
    Column("挂牌督办编号", 26),
    Column("摘牌时间", 18, TIME),
    Column("纬度", 12, NUMBER),
    Column("经度", 12, NUMBER),
)


def _hazard_where(caller: Caller, filters: dict, now: datetime) -> list:
    scope = Hazard.scope_clause(caller.grants("hazards.view"), caller.user_id)
    return [scope, *hazard_filters.clauses(filters, now, caller.user_id)]


def _hazard_rows(clauses) -> Iterator[list[tuple]]:
    areas = _areas()
    categories = dict(db.session.execute(select(HazardCategory.code, HazardCategory.name_zh)).all())
    stmt = (
        select(
            Hazard.id,
            Hazard.street_id,
            Hazard.grid_id,
            PLACE.name.label("site"),
            Enterprise.name.label("enterprise"),
            Hazard.responsible_party,
            Hazard.category,
            Hazard.level,
            Hazard.source,
            Hazard.state,
            Hazard.description,
            Hazard.observed_at,
            Hazard.clock_offset_s,
            Hazard.received_at,
            Hazard.acknowledged_at,
            Hazard.deadline,
            Hazard.closed_at,
            Hazard.listed_at,
            Hazard.listing_number,
            Hazard.delisted_at,
            Hazard.latitude,
            Hazard.longitude,
            Hazard.received_at.label("_sort"),
            Hazard.id.label("_id"),
        )
        .outerjoin(PLACE, PLACE.id == Hazard.site_id)
        .outerjoin(Enterprise, Enterprise.id == Hazard.enterprise_id)
        .where(*clauses)
    )
    for rows in keyset(stmt, (Hazard.received_at, Hazard.id), descending=True):
        history = _history([row.id for row in rows])
        notices = _notices([row.id for row in rows])
        yield [
            (
                str(row.id),
                areas.get(row.street_id, ""),
                areas.get(row.grid_id, ""),
                row.site or "",
                row.responsible_party or row.enterprise or "",
                categories.get(row.category, row.category),
                _zh(LEVELS, row.level),
                _zh(SOURCES, row.source),
                _zh(STATES, row.state),
                row.description,
                on_server_clock(row.observed_at, row.clock_offset_s),
                row.received_at,
                row.acknowledged_at,
                notices.get(row.id, ""),
                row.deadline,
                history.get((str(row.id), "rectified")),
                history.get((str(row.id), "reinspected")),
                row.closed_at,
                row.listed_at,
                row.listing_number or "",
                row.delisted_at,
                row.latitude,
                row.longitude,
            )
            for row in rows
        ]


def _history(ids) -> dict:
    """When each hazard was last rectified and last re-inspected, from the event record: one query a batch."""
    rows = db.session.execute(
        select(Event.record_id, Event.action, func.max(Event.at))
        .where(
            Event.record_type == "hazard",
            Event.record_id.in_([str(i) for i in ids]),
            Event.action.in_(RECTIFIED + REINSPECTED),
        )
        .group_by(Event.record_id, Event.action)
    ).all()
    found = {}
    for record_id, action, at in rows:
        key = (record_id, "rectified" if action in RECTIFIED else "reinspected")
        if at is not None and (key not in found or at > found[key]):
            found[key] = at
    return found


def _notices(ids) -> dict:
    """The number of each hazard's last rectification notice or enforcement order (整改通知书编号)."""
    rows = db.session.execute(
        select(HazardDocument.hazard_id, HazardDocument.number, HazardDocument.created_at).where(
            HazardDocument.hazard_id.in_(ids), HazardDocument.kind.in_(NOTICES)
        )
    ).all()
    latest = {}
    for hazard_id, number, created_at in rows:
        if hazard_id not in latest or created_at >= latest[hazard_id][1]:
            latest[hazard_id] = (number, created_at)
    return {hazard_id: number for hazard_id, (number, _at) in latest.items()}


# ---- inspections (检查台账), with their scores --------------------------------------------------------------------

INSPECTION_COLUMNS = (
    Column("检查编号", 38),
    Column("场所", 28),
    Column("网格", 16),
    Column("检查表", 28),
    Column("检查方式", 14),
    Column("检查人", 12),
    Column("开始时间", 18, TIME),
    Column("完成时间", 18, TIME),
    Column("上报时间", 18, TIME),
    Column("得分", 10, NUMBER),
    Column("满分", 10, NUMBER),
    Column("得分率(%)", 11, NUMBER),
    Column("是否合格", 10),
    Column("修订次数", 10, INTEGER),
    Column("存疑", 8),
)


def _inspection_where(caller: Caller, filters: dict, now: datetime) -> list:
    return [
        Inspection.scope_clause(caller.grants("inspections.view"), caller.user_id),
        *inspection_filters.clauses(filters),
    ]


def _inspection_rows(clauses) -> Iterator[list[tuple]]:
    areas = _areas()
    stmt = (
        select(
            Inspection.id,
            PLACE.name.label("site"),
            Inspection.grid_id,
            InspectionTemplate.name.label("template"),
            Inspection.mode,
            User.name.label("inspector"),
            Inspection.started_at,
            Inspection.finished_at,
            Inspection.received_at,
            Inspection.points,
            Inspection.max_points,
            Inspection.percentage,
            Inspection.passed,
            Inspection.revision,
            Inspection.flagged,
            Inspection.received_at.label("_sort"),
            Inspection.id.label("_id"),
        )
        .join(PLACE, PLACE.id == Inspection.site_id)
        .join(InspectionTemplate, InspectionTemplate.id == Inspection.template_id)
        .outerjoin(User, User.id == Inspection.inspector_id)
        .where(*clauses)
    )
    for rows in keyset(stmt, (Inspection.received_at, Inspection.id), descending=True):
        yield [
            (
                str(row.id),
                row.site,
                areas.get(row.grid_id, ""),
                row.template,
                _zh(MODES, row.mode),
                row.inspector or "",
                row.started_at,
                row.finished_at,
                row.received_at,
                row.points,
                row.max_points,
                row.percentage,
                "" if row.passed is None else ("合格" if row.passed else "不合格"),
                row.revision,
                "是" if row.flagged else "否",
            )
            for row in rows
        ]


# ---- enterprises (企业基础台账) ---------------------------------------------------------------------------------

ENTERPRISE_COLUMNS = (
    Column("单位名称", 32),
    Column("统一社会信用代码", 22),
    Column("法定代表人", 12),
    Column("安全负责人", 12),
    Column("联系电话", 14),
    Column("行业", 14),
    Column("行业主管部门", 18),
    Column("规模", 10),
    Column("风险等级", 10),
    Column("场所数", 8, INTEGER),
    Column("属地", 14),
    Column("地址", 36),
)
RISK_ORDER = ("major", "high", "general", "low")  # the enterprise's risk: its riskiest site's


def _enterprise_where(caller: Caller, filters: dict, now: datetime) -> list:
    clauses = [Enterprise.scope_clause(caller.grants("enterprises.view"))]
    if "q" in filters:
        clauses.append(
            or_(Enterprise.name.contains(filters["q"], autoescape=True), Enterprise.uscc == filters["q"].upper())
        )
    if "sector" in filters:
        clauses.append(Enterprise.sector == filters["sector"])
    if "above_designated_size" in filters:
        clauses.append(Enterprise.above_designated_size.is_(filters["above_designated_size"]))
    if "area_id" in filters:
        clauses.append(Enterprise.area_id.in_(subtree_ids([get_or_404(Area, filters["area_id"]).path])))
    return clauses


def _contact(contacts, title: str | None):
    for contact in contacts or ():
        if title is None or contact.get("title") == title:
            return contact
    return {}


def _enterprise_rows(clauses) -> Iterator[list[tuple]]:
    areas = _areas()
    stmt = select(
        Enterprise.id,
        Enterprise.name,
        Enterprise.uscc,
        Enterprise.contacts,
        Enterprise.sector,
        Enterprise.supervising_department,
        Enterprise.above_designated_size,
        Enterprise.area_id,
        Enterprise.address,
        Enterprise.name.label("_sort"),
        Enterprise.id.label("_id"),
    ).where(*clauses)
    for rows in keyset(stmt, (Enterprise.name, Enterprise.id), descending=False):
        risks = {}
        for enterprise_id, risk, count in db.session.execute(
            select(Site.enterprise_id, Site.risk_level, func.count())
            .where(Site.enterprise_id.in_([row.id for row in rows]))
            .group_by(Site.enterprise_id, Site.risk_level)
        ).all():
            risks.setdefault(enterprise_id, {})[risk] = count
        out = []
        for row in rows:
            mine = risks.get(row.id, {})
            worst = next((risk for risk in RISK_ORDER if risk in mine), None)
            legal = _contact(row.contacts, "法定代表人")
            safety = _contact(row.contacts, "安全负责人") or _contact(row.contacts, None)
            out.append(
                (
                    row.name,
                    row.uscc,
                    legal.get("name", ""),
                    safety.get("name", ""),
                    safety.get("phone", ""),
                    _zh(SECTORS, row.sector),
                    row.supervising_department,
                    "规模以上" if row.above_designated_size else "规模以下",
                    _zh(RISK_LEVELS, worst) if worst else "",
                    sum(mine.values()),
                    areas.get(row.area_id, ""),
                    row.address,
                )
            )
        yield out


# ---- sites (场所台账) --------------------------------------------------------------------------------------------

SITE_COLUMNS = (
    Column("场所名称", 30),
    Column("类型", 14),
    Column("风险等级", 10),
    Column("所属单位", 30),
    Column("街道", 14),
    Column("网格", 16),
    Column("地址", 36),
    Column("纬度", 12, NUMBER),
    Column("经度", 12, NUMBER),
)


def _site_where(caller: Caller, filters: dict, now: datetime) -> list:
    area_path = get_or_404(Area, filters["area_id"]).path if "area_id" in filters else None
    return sites.filtered(
        Site.scope_clause(caller.grants("sites.view")),
        type=filters.get("type"),
        risk_level=filters.get("risk_level"),
        enterprise_id=filters.get("enterprise_id"),
        area_path=area_path,
        q=filters.get("q"),
    )


def _site_rows(clauses) -> Iterator[list[tuple]]:
    areas = _areas()
    parents = dict(db.session.execute(select(Area.id, Area.parent_id)).all())
    stmt = (
        select(
            Site.name,
            Site.type,
            Site.risk_level,
            Enterprise.name.label("enterprise"),
            Site.grid_id,
            Site.address,
            Site.latitude,
            Site.longitude,
            Site.name.label("_sort"),
            Site.id.label("_id"),
        )
        .outerjoin(Enterprise, Enterprise.id == Site.enterprise_id)
        .where(*clauses)
    )
    for rows in keyset(stmt, (Site.name, Site.id), descending=False):
        yield [
            (
                row.name,
                _zh(SITE_TYPES, row.type),
                _zh(RISK_LEVELS, row.risk_level),
                row.enterprise or "",
                areas.get(_street_of(row.grid_id, parents, areas), ""),
                areas.get(row.grid_id, ""),
                row.address,
                row.latitude,
                row.longitude,
            )
            for row in rows
        ]


def _street_of(grid_id, parents, _areas) -> int | None:
    """A grid's street: two steps up the tree (grid → community → street)."""
    community = parents.get(grid_id)
    return parents.get(community)


# ---- check-ins (打卡台账) ----------------------------------------------------------------------------------------

CHECKIN_COLUMNS = (
    Column("打卡编号", 38),
    Column("人员", 12),
    Column("场所", 30),
    Column("打卡时间", 18, TIME),
    Column("上报时间", 18, TIME),
    Column("距场所(米)", 11, NUMBER),
    Column("定位精度(米)", 12, NUMBER),
    Column("存疑", 8),
    Column("存疑原因", 30),
)


def _checkin_where(caller: Caller, filters: dict, now: datetime) -> list:
    scope = Site.scope_clause(caller.grants("sites.view"))
    return [CheckIn.scope_clause(caller.grants("sites.view"), caller.user_id), *checkins.list_filters(filters, scope)]


def _checkin_rows(clauses) -> Iterator[list[tuple]]:
    stmt = (
        select(
            CheckIn.id,
            User.name.label("user"),
            PLACE.name.label("site"),
            CheckIn.observed_at,
            CheckIn.clock_offset_s,
            CheckIn.received_at,
            CheckIn.distance_m,
            CheckIn.accuracy_m,
            CheckIn.flagged,
            CheckIn.flags,
            CheckIn.received_at.label("_sort"),
            CheckIn.id.label("_id"),
        )
        .outerjoin(User, User.id == CheckIn.user_id)
        .outerjoin(PLACE, PLACE.id == CheckIn.site_id)
        .where(*clauses)
    )
    for rows in keyset(stmt, (CheckIn.received_at, CheckIn.id), descending=True):
        yield [
            (
                str(row.id),
                row.user or "",
                row.site or "",
                on_server_clock(row.observed_at, row.clock_offset_s),
                row.received_at,
                row.distance_m,
                row.accuracy_m,
                "是" if row.flagged else "否",
                "、".join(_zh(CHECKIN_FLAGS, flag) for flag in row.flags or ()),
            )
            for row in rows
        ]


LEDGERS = {
    ledger.name: ledger
    for ledger in (
        Ledger(
            "hazards",
            "隐患台账",
            "Hazard ledger",
            HAZARD_COLUMNS,
            HazardQuerySchema,
            _hazard_where,
            _hazard_rows,
            Hazard,
        ),
        Ledger(
            "inspections",
            "检查台账",
            "Inspection ledger",
            INSPECTION_COLUMNS,
            InspectionQuerySchema,
            _inspection_where,
            _inspection_rows,
            Inspection,
        ),
        Ledger(
            "enterprises",
            "企业基础台账",
            "Enterprise register",
            ENTERPRISE_COLUMNS,
            EnterpriseQuerySchema,
            _enterprise_where,
            _enterprise_rows,
            Enterprise,
        ),
        Ledger("sites", "场所台账", "Site ledger", SITE_COLUMNS, SiteQuerySchema, _site_where, _site_rows, Site),
        Ledger(
            "checkins",
            "打卡台账",
            "Check-in ledger",
            CHECKIN_COLUMNS,
            CheckInQuerySchema,
            _checkin_where,
            _checkin_rows,
            CheckIn,
        ),
    )
}
