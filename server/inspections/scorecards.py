"""The two-monthly scorecards (双月考核, seed L20) of the streets and the departments, from what the system records.

A period is a block of two Asia/Shanghai months, `YYYY-Bn` (B1 January–February … B6 November–December). Each unit
(a street; a department, i.e. the desk of one sector, 管行业必须管安全) gets a card of lines. A line is either a rate
(its points are its weight times part / whole) or a deduction (its weight, less so much per item, down to 0). A line
with nothing to measure (0 / 0: no hazard due, no checklist owned) does not apply: it leaves both the points and the
maximum, as N/A does in a checklist. The score is the points over the maximum that applied, on 100; units ranked by
it, ties sharing a rank; a unit to which nothing applied is listed unranked.

The figures reuse the rules of the hazard summary (server.hazards.summary: the closure rate, the 30-minute share,
what is overdue at a period's end, replayed from the events) and of the rankings (the units a checklist assesses,
a month's assessments). The weighting is the demo's (演示): `SCORECARD_WEIGHTS` in the config overrides it.
"""

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import and_, case, func, select, true

from server.areas.models import Area, path_ids
from server.core.db import db
from server.core.i18n import SHANGHAI, tr, wants_english
from server.core.time import utcnow
from server.enterprises.models import SECTORS
from server.hazards import summary
from server.hazards.models import Hazard
from server.inspections import queries, rankings
from server.inspections.models import Inspection, InspectionTemplate, Summons
from server.inspections.weights import DEMO_WEIGHTS
from server.notifications.models import Notification
from server.people.models import RoleAssignment
from server.sites.models import Site

LEVELS = {"street": ("街道", "Streets"), "department": ("行业部门", "Departments")}
BLOCKS = 6
EARLIEST_YEAR = 2000
# the flags that say a patrol's presence at the site was not proven (a wrong clock is not absence)
ABSENT = {"no_checkin", "checkin_not_found", "checkin_elsewhere", "checkin_far"}


@dataclass(frozen=True)
class Line:
    key: str
    zh: str
    en: str
    kind: str  # rate | deduction
    rule_zh: str
    rule_en: str


LINES = {
    "street": (
        Line("closure", "隐患闭环率", "Hazard closure rate", "rate",
             "期内受理的隐患中已销号的", "Closed among the hazards received in the period that entered the loop"),
        Line("acknowledged", "30分钟受理达标率", "30-minute acknowledgement", "rate",
             "期内受理的隐患在30分钟内受理的", "Acknowledged within 30 minutes, among those acknowledged"),
        Line("overdue", "逾期隐患", "Overdue hazards", "deduction",
             "期末逾期未整改或超时未受理的隐患", "Overdue rectification or acknowledgement at the period's end"),
        Line("patrol_coverage", "巡查覆盖率", "Patrol coverage", "rate",
             "应巡查场所每月至少巡查一次（处·月）", "Patrol sites patrolled at least once a month (site-months)"),
        Line("patrol_presence", "巡查到场率", "Patrols on site", "rate",
             "期内巡查有到场打卡的", "Patrols in the period with a proven check-in at the site"),
        Line("summonses", "被约谈单位", "Units summoned", "deduction",
             "辖区单位因连续两月考核排名靠后被约谈", "Units in the street summoned (约谈) for two low months"),
    ),
    "department": (
        Line("in_time", "隐患按期整改率", "Hazards rectified in time", "rate",
             "本行业整改期限在期内的隐患按期销号的", "The sector's hazards due in the period closed by their deadline"),
        Line("overdue", "逾期隐患", "Overdue hazards", "deduction",
             "期末本行业逾期未整改或超时未受理的隐患", "The sector's hazards overdue at the period's end"),
        Line("assessments", "考核开展率", "Assessments run", "rate",
             "本部门考核表的单位每月至少考核一次（家·月）", "Its checklists' units assessed monthly (unit-months)"),
        Line("summons_follow_up", "约谈跟进率", "Summonses followed up", "rate",
             "本部门考核表期内的约谈提醒已阅的", "Its checklists' summonses of the period read in the inbox"),
    ),
}  # fmt: skip


class Invalid(summary.Invalid):
    """A period that cannot be scored (a 422 naming the parameter)."""


# ---- the period ------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Period:
    year: int
    n: int  # 1..6

    @property
    def key(self) -> str:
        return f"{self.year:04d}-B{self.n}"

    @property
    def months(self) -> list[date]:
        return [date(self.year, 2 * self.n - 1, 1), date(self.year, 2 * self.n, 1)]

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as UTC instants: midnight in Shanghai on the first day, and after the last."""
        end = date(self.year + 1, 1, 1) if self.n == BLOCKS else date(self.year, 2 * self.n + 1, 1)
        return tuple(datetime(d.year, d.month, 1, tzinfo=SHANGHAI).astimezone(UTC) for d in (self.months[0], end))

    def previous(self) -> "Period":
        return Period(self.year - 1, BLOCKS) if self.n == 1 else Period(self.year, self.n - 1)

    def label(self) -> str:
        first, last = self.months
        return tr(
            "{y}年第{n}期（{a}–{b}月）",
            "{y} period {n} ({a}–{b})",
            y=self.year,
            n=self.n,
            a=first.strftime("%b") if wants_english() else first.month,
            b=last.strftime("%b") if wants_english() else last.month,
        )


def containing(moment: datetime) -> Period:
    local = moment.astimezone(SHANGHAI)
    return Period(local.year, (local.month + 1) // 2)


def parse(text: str) -> Period:
    """`YYYY-Bn` as a Period (the schema checked its form)."""
    year, n = text.split("-B")
    return Period(int(year), int(n))


def resolve(text: str | None, now: datetime) -> Period:
    """The period asked for (default: the last complete one), or Invalid if it has not begun or is too early."""
    if text is None:
        return containing(now).previous()
    period = parse(text)
    if period.year < EARLIEST_YEAR:
        raise Invalid("period", f"考核期应在 {EARLIEST_YEAR} 年以后", f"The period must be in {EARLIEST_YEAR} or later")
    if period.bounds()[0] > now:
        raise Invalid("period", "该考核期尚未开始", "That period has not begun")
    return period


def begun_months(period: Period, now: datetime) -> list[date]:
    """The period's months that have begun by `now` (a period in progress counts its months so far)."""
    return [m for m in period.months if rankings.month_bounds(m)[0] <= now]


def month_of(moment: datetime) -> date:
    local = moment.astimezone(SHANGHAI)
    return date(local.year, local.month, 1)


# ---- the weighting and the lines (pure) ------------------------------------------------------------------


def weights(level: str) -> dict:
    """The level's weights: the demo's, overridden by the config's SCORECARD_WEIGHTS[level] (checked at start)."""
    return {**DEMO_WEIGHTS[level], **((current_app.config.get("SCORECARD_WEIGHTS") or {}).get(level) or {})}


def demo_weighting(level: str) -> bool:
    return not (current_app.config.get("SCORECARD_WEIGHTS") or {}).get(level)


def _num(x: float) -> str:
    return f"{x:g}"


def line(definition: Line, weight: float, figures: tuple, per_item: float | None = None) -> dict:
    """One line of a card from its raw figures: a rate's (part, whole), a deduction's (count,)."""
    if definition.kind == "rate":
        part, whole = figures
        applies = whole > 0
        points = round(weight * part / whole, 1) if applies else None
        value = round(100 * part / whole, 1) if applies else None
        if applies:
            text = tr(
                "{p}/{w} = {v}%，× {weight} 分 = {pts} 分",
                "{p}/{w} = {v}%, × {weight} points = {pts}",
                p=part, w=whole, v=_num(value), weight=_num(weight), pts=_num(points),
            )  # fmt: skip
        else:
            text = tr("0/0，不适用（不计入满分）", "0/0: does not apply (left out of the maximum)")
        count = None
    else:
        (count,) = figures
        part = whole = value = None
        applies = True
        points = round(max(0.0, weight - per_item * count), 1)
        text = tr(
            "{c} 件，每件扣 {d} 分，{weight} − {lost} = {pts} 分",
            "{c} × {d} points off: {weight} − {lost} = {pts}",
            c=count, d=_num(per_item), weight=_num(weight), lost=_num(round(weight - points, 1)), pts=_num(points),
        )  # fmt: skip
    return {
        "key": definition.key,
        "name": tr(definition.zh, definition.en),
        "rule": tr(definition.rule_zh, definition.rule_en),
        "kind": definition.kind,
        "part": part,
        "whole": whole,
        "value": value,
        "count": count,
        "per_item": per_item,
        "weight": weight,
        "applies": applies,
        "points": points,
        "explanation": text,
    }


def card(level: str, figures: dict, weighting: dict) -> dict:
    """A unit's lines from its figures (line key → raw figures), its points, the maximum that applied and its score."""
    lines = [line(d, weighting[d.key], figures[d.key], weighting.get(f"{d.key}.per_item")) for d in LINES[level]]
    applied = [entry for entry in lines if entry["applies"]]
    points = round(sum(entry["points"] for entry in applied), 1)
    maximum = round(sum(entry["weight"] for entry in applied), 1)
    return {
        "lines": lines,
        "points": points,
        "max_points": maximum,
        "score": round(100 * points / maximum, 1) if maximum else None,
    }


def rank(cards: list[dict]) -> list[dict]:
    """Each card's rank by score (ties share one), ranked first by rank, then those with no score."""
    ranks = rankings.ranked({n: c["score"] for n, c in enumerate(cards) if c["score"] is not None}, 0)
    for n, entry in enumerate(cards):
        entry["rank"] = ranks[n][0] if n in ranks else None
    return sorted(cards, key=lambda c: (c["rank"] is None, c["rank"] or 0, c["order"]))


# ---- the figures, from the database ----------------------------------------------------------------------


def _streets() -> list[tuple[int, str, str]]:
    return db.session.execute(select(Area.id, Area.name, Area.path).where(Area.level == "street").order_by(Area.code))


def _street_of_area() -> dict[int, int]:
    """Every area's street (the second id of its path; the district has none)."""
    return {
        area_id: ids[1]
        for area_id, path in db.session.execute(select(Area.id, Area.path))
        if len(ids := path_ids(path)) > 1
    }


def _families(kind: str, owner_sector=None) -> list:
    stmt = select(InspectionTemplate.family_id).where(
        InspectionTemplate.kind == kind, InspectionTemplate.state != "draft"
    )
    if owner_sector is not None:
        stmt = stmt.where(InspectionTemplate.owner_sector == owner_sector)
    return list(db.session.scalars(stmt.distinct()))


def street_figures(period: Period, now: datetime) -> dict[int, dict]:
    """Each street's raw figures (street id → line key → figures)."""
    start, end = period.bounds()
    received = [Hazard.received_at >= start, Hazard.received_at < end]
    counts = summary.count_by_street(received)
    late = summary.overdue_by_street([], summary.overdue_at(end, now))
    times = defaultdict(list)
    for timing in summary.hazard_timings(received):
        times[timing.street_id].append(timing)
    street_of = _street_of_area()

    # patrols: the sites each patrol checklist applies to, each month of the period begun so far
    due_sites = {}
    families = _families("patrol")
    for family_id in families:
        for site in rankings.assessed_units(rankings.latest_version(family_id), set(), true()):
            due_sites[site.id] = None
    for site_id, grid_id in db.session.execute(select(Site.id, Site.grid_id).where(Site.id.in_(list(due_sites)))):
        due_sites[site_id] = street_of.get(grid_id)
    months = begun_months(period, now)
    sites_by_street = defaultdict(int)
    for street_id in due_sites.values():
        sites_by_street[street_id] += 1
    versions = select(InspectionTemplate.id).where(InspectionTemplate.family_id.in_(families))
    covered, patrols, present = defaultdict(set), defaultdict(int), defaultdict(int)
    for site_id, grid_id, finished_at, flags in db.session.execute(
        select(Inspection.site_id, Inspection.grid_id, Inspection.finished_at, Inspection.flags).where(
            Inspection.template_id.in_(versions),
            Inspection.mode != "self_check",
            Inspection.finished_at >= start,
            Inspection.finished_at < end,
        )
    ):
        street_id = street_of.get(grid_id)
        patrols[street_id] += 1
        present[street_id] += not (set(flags or ()) & ABSENT)
        if site_id in due_sites:
            covered[street_id].add((site_id, month_of(finished_at)))

    summoned = dict(
        db.session.execute(
            select(Summons.grid_id, func.count())
            .where(Summons.month.in_([f"{m:%Y-%m}" for m in period.months]))
            .group_by(Summons.grid_id)
        ).all()
    )
    summonses = defaultdict(int)
    for grid_id, n in summoned.items():
        summonses[street_of.get(grid_id)] += n

    figures = {}
    for street_id, _name, _path in _streets():
        by_state = counts.get(street_id, summary.Counts()).by_state
        overdue = late.get(street_id, summary.Counts())
        figures[street_id] = {
            "closure": summary.closure_counts(by_state),
            "acknowledged": summary.within_target(times[street_id]),
            "overdue": (overdue.overdue_rectification + overdue.overdue_acknowledgement,),
            "patrol_coverage": (len(covered[street_id]), sites_by_street[street_id] * len(months)),
            "patrol_presence": (present[street_id], patrols[street_id]),
            "summonses": (summonses[street_id],),
        }
    return figures


def department_sectors() -> list[str]:
    """The sectors that have a department: a department officer, or a checklist the sector owns."""
    held = set(db.session.scalars(select(RoleAssignment.sector).where(RoleAssignment.role == "department_officer")))
    owned = set(db.session.scalars(select(InspectionTemplate.owner_sector).where(InspectionTemplate.state != "draft")))
    return [sector for sector in SECTORS if sector in held | owned]


def department_figures(period: Period, now: datetime) -> dict[str, dict]:
    """Each department's raw figures (sector → line key → figures)."""
    start, end = period.bounds()
    due_by = min(end, now)
    sectors = department_sectors()
    in_time = {
        sector: (int(on_time or 0), due)
        for sector, due, on_time in db.session.execute(
            select(
                Hazard.sector,
                func.count(),
                func.sum(case((and_(Hazard.state == "closed", Hazard.closed_at <= Hazard.deadline), 1), else_=0)),
            )
            .where(
                Hazard.sector.in_(sectors),
                Hazard.deadline >= start,
                Hazard.deadline < due_by,
                Hazard.state.not_in(("rejected", "merged")),
            )
            .group_by(Hazard.sector)
        )
    }
    months = begun_months(period, now)
    month_keys = [f"{m:%Y-%m}" for m in period.months]
    figures = {}
    for sector in sectors:
        late = summary.Counts()
        for counts in summary.overdue_by_street([Hazard.sector == sector], summary.overdue_at(end, now)).values():
            late.add(counts)
        assessed = due = 0
        families = _families("assessment", sector)
        for family_id in families:
            units = {site.id for site in rankings.assessed_units(rankings.latest_version(family_id), set(), true())}
            for month in months:
                scored = queries.monthly_means(family_id, *rankings.month_bounds(month))
                assessed += len(units & set(scored))
                due += len(units)
        read = select(Notification.id).where(
            Notification.record_type == "summons",
            Notification.record_id == Summons.id,
            Notification.read_at.is_not(None),
        )
        total, followed = db.session.execute(
            select(func.count(), func.sum(case((read.exists(), 1), else_=0))).where(
                Summons.family_id.in_(families), Summons.month.in_(month_keys)
            )
        ).one()
        figures[sector] = {
            "in_time": in_time.get(sector, (0, 0)),
            "overdue": (late.overdue_rectification + late.overdue_acknowledgement,),
            "assessments": (assessed, due),
            "summons_follow_up": (int(followed or 0), total),
        }
    return figures


def department_name(sector: str) -> str:
    zh, en, department = SECTORS[sector]
    return tr("{d}（{s}）", "{d} ({s})", d=department, s=en if wants_english() else zh)


# ---- who sees which cards --------------------------------------------------------------------------------


def visible_streets(grant) -> set[int] | None:
    """The streets an area grant reaches (None: every one): the district's all, a street's or below it, its own."""
    if grant.everywhere:
        return None
    return {ids[1] for path in grant.area_paths if len(ids := path_ids(path)) > 1}


def visible_sectors(grant) -> set[str] | None:
    """The departments a grant reaches (None: every one): the district's all; a department officer, its sectors."""
    if grant.everywhere:
        return None
    return {sector for sector, _path in grant.sectors}


# ---- the scorecards --------------------------------------------------------------------------------------


def scorecards(level: str, period_text: str | None, grant, *, now: datetime | None = None) -> dict:
    """The level's cards for the period, every unit ranked, those the grant reaches listed."""
    now = now or utcnow()
    period = resolve(period_text, now)
    weighting = weights(level)
    cards = []
    if level == "street":
        figures = street_figures(period, now)
        visible = visible_streets(grant)
        for order, (street_id, name, _path) in enumerate(_streets()):
            entry = {"area_id": street_id, "sector": None, "unit_name": name, "order": order}
            shown = visible is None or street_id in visible
            cards.append({**entry, **card(level, figures[street_id], weighting), "_shown": shown})
    else:
        figures = department_figures(period, now)
        visible = visible_sectors(grant)
        for order, sector in enumerate(figures):
            entry = {"area_id": None, "sector": sector, "unit_name": department_name(sector), "order": order}
            shown = visible is None or sector in visible
            cards.append({**entry, **card(level, figures[sector], weighting), "_shown": shown})
    ranked = rank(cards)
    end = period.bounds()[1]
    return {
        "level": level,
        "period": period.key,
        "label": period.label(),
        "from_": period.months[0],
        "to": end.astimezone(SHANGHAI).date() - timedelta(days=1),
        "complete": end <= now,
        "demo_weighting": demo_weighting(level),
        "weights": weighting,
        "ranked": sum(c["rank"] is not None for c in ranked),
        "units": [{k: v for k, v in c.items() if k not in ("_shown", "order")} for c in ranked if c["_shown"]],
    }


# ---- the XLSX export -------------------------------------------------------------------------------------


def workbook(cards: dict) -> bytes:
    """The cards as an XLSX workbook: 考核汇总 (one row a unit) and 指标明细 (one row a line, its raw numbers)."""
    book = Workbook()
    bold = Font(bold=True)
    summary_sheet = book.active
    summary_sheet.title = "考核汇总"
    level = LEVELS[cards["level"]][0]
    weighting = (
        "演示权重（可由 SCORECARD_WEIGHTS 配置）" if cards["demo_weighting"] else "配置权重（SCORECARD_WEIGHTS）"
    )
    head = [
        ("双月考核", f"{level} · {cards['label']}"),
        ("期间", f"{cards['from_']} 至 {cards['to']}" + ("" if cards["complete"] else "（进行中）")),
        ("权重", weighting),
        ("参与排名", cards["ranked"]),
    ]
    for label, value in head:
        summary_sheet.append([label, value])
        summary_sheet.cell(summary_sheet.max_row, 1).font = bold
    summary_sheet.append([])
    summary_sheet.append(["排名", "单位", "得分", "得分合计", "适用满分"])
    for cell in summary_sheet[summary_sheet.max_row]:
        cell.font = bold
    for unit in cards["units"]:
        summary_sheet.append([unit["rank"], unit["unit_name"], unit["score"], unit["points"], unit["max_points"]])
    lines = book.create_sheet("指标明细")
    lines.append(
        ["排名", "单位", "指标", "口径", "分子", "分母", "比率（%）", "件数", "每件扣分", "权重", "得分", "计算"]
    )
    for cell in lines[1]:
        cell.font = bold
    for unit in cards["units"]:
        for entry in unit["lines"]:
            lines.append(
                [
                    unit["rank"],
                    unit["unit_name"],
                    entry["name"],
                    entry["rule"],
                    entry["part"],
                    entry["whole"],
                    entry["value"],
                    entry["count"],
                    entry["per_item"],
                    entry["weight"],
                    entry["points"] if entry["applies"] else "不适用",
                    entry["explanation"],
                ]
            )
    for sheet, widths in ((summary_sheet, (12, 36, 10, 10, 10)), (lines, (6, 30, 18, 40, 8, 8, 10, 8, 8, 8, 8, 44))):
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
