"""The dashboard of a scope and a period: each figure counts what a list endpoint shows for a query it names.

A figure is `{count, list: {path, query}}`: the list at `path` (GET /api/v1/hazards, /tasks, /inspections,
/checkins) with `query` answers exactly the rows counted, because the count is taken over the same clauses the list
applies (`hazards.filters.clauses`, `inspections.filters.clauses`, `checkins.services.list_filters`, the tasks'
period and state) within the same scope clauses (the lists' own: `Scopes`). Periods are whole days in
Asia/Shanghai (`plans.periods`: a month, a quarter, a year or an ISO week); hazards found in a period are those
received in it (the server's clock, as the summary counts them); "overdue" is as it stands now, whenever received.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import and_, case, false, func, or_, select
from sqlalchemy.sql.elements import True_

from server.areas.models import Area, subtree_ids
from server.checkins import services as checkins
from server.checkins.models import CheckIn
from server.core.db import db
from server.core.time import local_days
from server.dashboards import rollup
from server.dashboards.models import HazardMonth
from server.hazards import filters as hazard_filters
from server.hazards.filters import ENDED
from server.hazards.models import LEVELS, Hazard
from server.inspections import filters as inspection_filters
from server.inspections.models import Inspection
from server.plans import coverage as plan_coverage, periods
from server.plans.models import Task
from server.plans.periods import Period, containing

API = "/api/v1"
TREND_MONTHS = 12
# Implied by the figures they go with, and said outright so that PostgreSQL uses the partial indexes whose predicates
# they are (hazards.models: ix_hazards_waiting, ix_hazards_listing): an OR of conditions proves no predicate by itself.
# Only with an OR: beside a plain `state = 'rectifying'` the planner counts the state twice and misjudges the rows.
WAITING = Hazard.state.in_(("reported", "rectifying"))
EVER_LISTED = Hazard.listed_at.is_not(None) | Hazard.delisted_at.is_not(None)


@dataclass(frozen=True)
class Scopes:
    """The caller's scope clauses, those of the lists the figures drill down to (so that a figure is its list)."""

    hazards: object  # Hazard.scope_clause(grants("hazards.view"), user)
    tasks: object  # Task.scope_clause(grants("tasks.view"), user)
    inspections: object  # Inspection.scope_clause(grants("inspections.view"), user)
    checkins: object  # CheckIn.scope_clause(grants("sites.view"), user)
    sites: object  # Site.scope_clause(grants("sites.view")): what a check-in's site reads as
    user_id: object = None
    # Hazard.scope_clause(grants("hazards.view")): `hazards` without the caller's own reports, which the trend's
    # rollup counts (by area and sector, not by reporter); None: the trend is counted from the table alone
    hazards_granted: object = None


@dataclass(frozen=True)
class Ask:
    """What the dashboard is asked for: a scope (an area, a sector, a site type) and a period, at `now`."""

    scopes: Scopes
    period: Period
    now: datetime
    area: Area | None = None
    sector: str | None = None
    site_type: str | None = None

    def narrowing(self, *, sector=True, site_type=True) -> dict:
        """The list filters (as the lists' schemas load them) that narrow to the dashboard's scope."""
        out = {}
        if self.area is not None:
            out["area_id"] = self.area.id
        if sector and self.sector:
            out["sector"] = self.sector
        if site_type and self.site_type:
            out["site_type"] = self.site_type
        return out

    @property
    def days(self) -> dict:
        return {"from_": self.period.start, "to": self.period.end}


def period(key: str | None, now: datetime) -> Period:
    """The period a key names (a month, a quarter, a year, a week), or the month of today in Asia/Shanghai."""
    return periods.span(key) if key else containing("monthly", periods.local_date(now))


def wire(query: dict) -> dict:
    """A loaded list query as its query string's values: `from` for `from_`, dates ISO, yes or no as true/false."""
    out = {}
    for name, value in query.items():
        key = "from" if name == "from_" else name
        out[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return out


def figure(count: int, path: str, query: dict) -> dict:
    params = wire(query)
    return {"count": int(count or 0), "list": {"path": f"{API}/{path}", "query": params, "href": _href(path, params)}}


def _href(path: str, params: dict) -> str:
    return f"{API}/{path}?{urlencode(params)}" if params else f"{API}/{path}"


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def hazards_where(ask: Ask, query: dict) -> list:
    """The clauses of GET /hazards?<query> for this caller: the figure's count and its list are these."""
    return [ask.scopes.hazards, *hazard_filters.clauses(query, ask.now, ask.scopes.user_id)]


def _sum(clause):
    return func.sum(case((clause, 1), else_=0))


def _facts(ask: Ask) -> dict:
    return hazard_filters.facts(ask.now)


# ---- the figures: each one query ----------------------------------------------------------------------------------


def loop(ask: Ask) -> dict:
    """Found in the period, and of those the closed and the open ones, by level; the closure rate."""
    base = {**ask.narrowing(), **ask.days}
    rows = db.session.execute(
        select(Hazard.level, Hazard.state, func.count())
        .where(*hazards_where(ask, base))
        .group_by(Hazard.level, Hazard.state)
    ).all()
    out = {"found": {}, "closed": {}, "open": {}}
    entered = closed_all = 0
    for level in (None, *LEVELS):
        mine = [(state, n) for lvl, state, n in rows if level is None or lvl == level]
        narrowed = {**base, "level": level} if level else base
        key = level or "all"
        out["found"][key] = figure(sum(n for _s, n in mine), "hazards", narrowed)
        out["closed"][key] = figure(
            sum(n for s, n in mine if s == "closed"), "hazards", {**narrowed, "state": "closed"}
        )
        out["open"][key] = figure(sum(n for s, n in mine if s not in ENDED), "hazards", {**narrowed, "open": True})
        if level is None:
            closed_all = out["closed"]["all"]["count"]
            entered = sum(n for s, n in mine if s not in ("rejected", "merged"))
    # closed among those that entered the loop (rejected reports and duplicates never did): as the summary's
    out["closure_rate"] = {"value": rate(closed_all, entered), "closed": out["closed"]["all"], "entered": entered}
    return out


def overdue(ask: Ask) -> dict:
    """Overdue now, whenever received, by level: being rectified past the deadline (逾期), and waiting for
    acknowledgement past the 30-minute target."""
    base = ask.narrowing()
    facts = _facts(ask)
    late, late_ack = facts["overdue"][0], facts["overdue_ack"][0]
    rows = db.session.execute(
        select(Hazard.level, _sum(late), _sum(late_ack))
        .where(*hazards_where(ask, base), WAITING, or_(late, late_ack))
        .group_by(Hazard.level)
    ).all()
    out = {"overdue": {}, "overdue_ack": {}}
    for level in (None, *LEVELS):
        mine = [row for row in rows if level is None or row[0] == level]
        narrowed = {**base, "level": level} if level else base
        key = level or "all"
        out["overdue"][key] = figure(sum(r[1] or 0 for r in mine), "hazards", {**narrowed, "overdue": True})
        out["overdue_ack"][key] = figure(sum(r[2] or 0 for r in mine), "hazards", {**narrowed, "overdue_ack": True})
    return out


def timeliness(ask: Ask) -> dict:
    """Of the hazards found in the period: closed by the deadline (整改按期), and acknowledged within the 30-minute
    target, counted from arrival and from observation."""
    base = {**ask.narrowing(), **ask.days}
    facts = _facts(ask)
    names = ("on_time", "ack_on_time", "ack_on_time_observed")
    columns = [_sum(clause) for name in names for clause in facts[name]]
    row = db.session.execute(select(*columns).where(*hazards_where(ask, base))).one()
    out = {}
    for i, name in enumerate(names):
        yes, no = int(row[2 * i] or 0), int(row[2 * i + 1] or 0)
        out[name] = {
            "value": rate(yes, yes + no),
            "yes": figure(yes, "hazards", {**base, name: True}),
            "no": figure(no, "hazards", {**base, name: False}),
        }
    return out


def major(ask: Ask) -> dict:
    """Major hazards listed for supervision (挂牌督办) in the period, de-listed (摘牌) in it, and listed now."""
    base = ask.narrowing()
    listed_in = _and(hazard_filters.period({"dated": "listed", **ask.days}))
    delisted_in = _and(hazard_filters.period({"dated": "delisted", **ask.days}))
    listed_now = _facts(ask)["listed"][0]
    each = [_sum(clause) for clause in (listed_in, delisted_in, listed_now)]
    row = db.session.execute(
        select(*each).where(*hazards_where(ask, base), EVER_LISTED, or_(listed_in, delisted_in, listed_now))
    ).one()
    return {
        "listed": figure(row[0], "hazards", {**base, "dated": "listed", **ask.days}),
        "delisted": figure(row[1], "hazards", {**base, "dated": "delisted", **ask.days}),
        "listed_now": figure(row[2], "hazards", {**base, "listed": True}),
    }


def _and(clauses: list):
    found = clauses[0]
    for clause in clauses[1:]:
        found = found & clause
    return found


def by_street(ask: Ask) -> list:
    """For a district (or no area): each street's hazards found in the period, open of those, and overdue now."""
    if ask.area is not None and ask.area.level != "district":
        return []
    base = {**ask.narrowing(), **ask.days}
    late = _facts(ask)["overdue"][0]
    opened = ~Hazard.state.in_(ENDED)
    narrowing = ask.narrowing()
    found = db.session.execute(
        select(Hazard.street_id, func.count(), _sum(opened)).where(*hazards_where(ask, base)).group_by(Hazard.street_id)
    ).all()
    late_by_street = dict(
        db.session.execute(
            select(Hazard.street_id, func.count())
            .where(*hazards_where(ask, narrowing), late)
            .group_by(Hazard.street_id)
        ).all()
    )
    counted = {street: (n, still_open) for street, n, still_open in found}
    rows = [
        (street, *counted.get(street, (0, 0)), late_by_street.get(street, 0))
        for street in set(counted) | set(late_by_street)
    ]
    names = {}
    if rows:
        names = {
            row.id: (row.name, row.code)
            for row in db.session.execute(
                select(Area.id, Area.name, Area.code).where(Area.id.in_([r[0] for r in rows]))
            )
        }
    streets = []
    for street_id, found, still_open, overdue_now in sorted(rows, key=lambda r: names.get(r[0], ("", ""))[1]):
        here = {**base, "area_id": street_id}
        streets.append(
            {
                "street_id": street_id,
                "street_name": names.get(street_id, ("", ""))[0],
                "found": figure(found, "hazards", here),
                "open": figure(still_open, "hazards", {**here, "open": True}),
                "overdue": figure(overdue_now, "hazards", {**narrowing, "area_id": street_id, "overdue": True}),
            }
        )
    return streets


def months_to(last: date, count: int = TREND_MONTHS) -> list[Period]:
    """The `count` months (Asia/Shanghai) ending with the one that holds `last`, oldest first."""
    months = [containing("monthly", last)]
    while len(months) < count:
        months.insert(0, containing("monthly", months[0].start - timedelta(days=1)))
    return months


def trend(ask: Ask) -> list:
    """Month by month over the 12 months ending with the period's: hazards found (received) and closed (by when).
    The frozen months from the rollup where it can count the caller's scope (dashboards.rollup), the others, and
    the caller's own reports outside their areas, from the table."""
    months = months_to(ask.period.end)
    narrowing = ask.narrowing()
    counted = _frozen(ask, months)
    for live in _runs(months, counted):  # the current month; months before the first one frozen
        counted.update(_monthly(ask, ask.scopes.hazards, live))
    return [
        {
            "month": month.key,
            "found": figure(counted[month.key][0], "hazards", {**narrowing, "from_": month.start, "to": month.end}),
            "closed": figure(
                counted[month.key][1],
                "hazards",
                {**narrowing, "dated": "closed", "from_": month.start, "to": month.end},
            ),
        }
        for month in months
    ]


def _frozen(ask: Ask, months: list[Period]) -> dict:
    """(found, closed) of each frozen month, where the rollup can count the caller's scope narrowed as asked: a scope
    of areas and sectors (grants without the caller's own reports), by area, sector and site type. The scope is
    those grants or the caller's own reports (Hazard.scope_clause), so the own reports outside the grants are added
    from the table. {} where the rollup cannot count it (an enterprise's scope)."""
    if ask.scopes.hazards_granted is None:
        return {}
    narrowing = ask.narrowing(site_type=False)
    granted = and_(ask.scopes.hazards_granted, *hazard_filters.clauses(narrowing, ask.now))
    where = rollup.on_rollup(granted)
    if where is None:
        return {}
    counted = rollup.counts([where, *([HazardMonth.site_type == ask.site_type] if ask.site_type else [])], months)
    frozen = [month for month in months if month.key in counted]
    if frozen and ask.scopes.user_id is not None and not isinstance(ask.scopes.hazards_granted, True_):
        mine = (Hazard.reporter_id == ask.scopes.user_id) & ~func.coalesce(ask.scopes.hazards_granted, false())
        for key, (found, closed) in _monthly(ask, mine, frozen).items():
            counted[key] = (counted[key][0] + found, counted[key][1] + closed)
    return counted


def _runs(months: list[Period], counted: dict) -> list[list[Period]]:
    """The months not counted yet, as runs of consecutive ones: each run is read from the table over its own span."""
    runs = [[]]
    for month in months:
        if month.key not in counted:
            runs[-1].append(month)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def _monthly(ask: Ask, scope, months: list[Period]) -> dict:
    """(found, closed) of each of these months counted from the table, within `scope` and the ask's narrowing: two
    queries (by received_at, by closed_at) over the span of the months, a bucket per month."""
    narrowing = ask.narrowing()
    edges = [local_days(m.start, m.end) for m in months]
    found = {}
    for dated in ("received", "closed"):
        column = Hazard.received_at if dated == "received" else Hazard.closed_at
        buckets = [_sum((column >= start) & (column < end)) for start, end in edges]
        query = {**narrowing, "dated": dated, "from_": months[0].start, "to": months[-1].end}
        where = [scope, *hazard_filters.clauses(query, ask.now, ask.scopes.user_id)]
        found[dated] = db.session.execute(select(*buckets).where(*where)).one()
    return {m.key: (int(found["received"][i] or 0), int(found["closed"][i] or 0)) for i, m in enumerate(months)}


def coverage(ask: Ask) -> dict:
    """Inspection coverage (覆盖率) of the period, by plans.coverage: planned tasks against those done, by street."""
    narrowing = ask.narrowing()
    clause = ask.scopes.tasks
    if ask.area is not None:
        clause = clause & Task.grid_id.in_(subtree_ids([ask.area.path]))
    if ask.sector:
        clause = clause & (Task.sector == ask.sector)
    if ask.site_type:
        clause = clause & (Task.site_type == ask.site_type)
    found = plan_coverage.coverage(ask.period, "street", clause)
    total = found["total"]
    query = {**narrowing, "period": ask.period.key}
    return {
        "planned": total["planned"],
        "rate": total["rate"],
        "verified_rate": total["verified_rate"],
        "done": figure(total["done"], "tasks", {**query, "state": "done"}),
        "flagged": figure(total["flagged"], "tasks", {**query, "state": "done", "flagged": True}),
        "missed": figure(total["missed"], "tasks", {**query, "state": "missed"}),
        "open": figure(total["open"], "tasks", {**query, "state": "open"}),
        "streets": [
            {"street_id": row["key"], "street_name": row["name"], "planned": row["planned"], "rate": row["rate"]}
            for row in found["rows"]
        ],
    }


def inspections(ask: Ask) -> dict:
    """Inspections finished in the period and their mean score (assessment scores); the monthly rankings are
    GET /inspection-rankings (their month: the period's last)."""
    query = {**ask.narrowing(), **ask.days}
    where = [ask.scopes.inspections, *inspection_filters.clauses(query)]
    count, mean, flagged = db.session.execute(
        select(func.count(), func.avg(Inspection.percentage), _sum(Inspection.flagged.is_(True))).where(*where)
    ).one()
    return {
        "done": figure(count, "inspections", query),
        "flagged": figure(flagged, "inspections", {**query, "flagged": True}),
        "mean_score": round(float(mean), 1) if mean is not None else None,
        "rankings": {"path": f"{API}/inspection-rankings", "month": ask.period.end.strftime("%Y-%m")},
    }


def flagged_checkins(ask: Ask) -> dict:
    """Check-ins received in the period that read as flagged (离场所过远, 无定位, 标签无效, …), at sites in the area."""
    query = {"flagged": True, **ask.days}
    if ask.area is not None:
        query["area_id"] = ask.area.id
    where = [ask.scopes.checkins, *checkins.list_filters(query, ask.scopes.sites)]
    return figure(db.session.scalar(select(func.count()).select_from(CheckIn).where(*where)), "checkins", query)


# name → what it computes: the benchmark times each (bench/dashboards.py)
FIGURES = {
    "loop": loop,
    "overdue": overdue,
    "timeliness": timeliness,
    "major": major,
    "by_street": by_street,
    "trend": trend,
    "coverage": coverage,
    "inspections": inspections,
    "flagged_checkins": flagged_checkins,
}


def dashboard(ask: Ask) -> dict:
    figures = {name: compute(ask) for name, compute in FIGURES.items()}
    return {
        "period": {"key": ask.period.key, "from_": ask.period.start, "to": ask.period.end},
        "scope": {
            "area_id": ask.area.id if ask.area else None,
            "area_name": ask.area.name if ask.area else None,
            "area_level": ask.area.level if ask.area else None,
            "sector": ask.sector,
            "site_type": ask.site_type,
        },
        "as_of": ask.now,
        **figures["loop"],
        **figures["overdue"],
        **figures["timeliness"],
        **figures["major"],
        "streets": figures["by_street"],
        "trend": figures["trend"],
        "coverage": figures["coverage"],
        "inspections": figures["inspections"],
        "flagged_checkins": figures["flagged_checkins"],
    }
