"""The supervisors' summary (隐患统计概览): for a scope and a period, the loop's counts and clocks, by street.

A period is whole days in Asia/Shanghai and selects hazards by `received_at`, the server's clock (the
phone's `observed_at` may be wrong or offline for hours). Counts come from one GROUP BY in SQL.
Medians and the 30-minute share are computed here, in Python, over the times of the hazards that were
acknowledged or closed, fetched in one query: the same code on SQLite and PostgreSQL (only the latter
has percentile_cont), and a district's volume, a few thousand reports a month, is small.
"""
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import NamedTuple

from sqlalchemy import and_, case, false, func, or_, select

from server.areas.models import Area, path_ids, subtree_ids
from server.core.db import db, utcnow
from server.core.i18n import SHANGHAI
from server.hazards.machine import STATES
from server.hazards.models import Hazard

DEFAULT_DAYS = 30
MAX_DAYS = 366  # a leap year, both ends counted
# Beyond these a date is a typo, and near date.min/max the day arithmetic below would overflow.
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
AREA_LEVELS = ("district", "street")  # the summary is broken down by street: narrower areas have no breakdown


class Invalid(ValueError):
    """A query the summary cannot answer: the parameter at fault and why (a 422)."""

    def __init__(self, field_name: str, zh: str, en: str):
        super().__init__(en)
        self.field, self.zh, self.en = field_name, zh, en


# ---- the period ------------------------------------------------------------------------------------------

def today() -> date:
    return datetime.now(SHANGHAI).date()


def resolve_period(first: date | None, last: date | None, today: date) -> tuple[date, date]:
    """The period asked for, with its defaults filled in (up to today, 30 days long), or Invalid."""
    for name, day in (("from", first), ("to", last)):
        if day is not None and not EARLIEST <= day <= LATEST:
            raise Invalid(name, f"日期应在 {EARLIEST} 到 {LATEST} 之间", f"The date must be between {EARLIEST} and {LATEST}")
    last = last or today
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise Invalid("from", "开始日期不能晚于结束日期", "The start date cannot be after the end date")
    if (last - first).days + 1 > MAX_DAYS:
        raise Invalid("to", f"统计期间不能超过 {MAX_DAYS} 天", f"The period cannot be longer than {MAX_DAYS} days")
    return first, last


def bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The period as UTC instants: from midnight in Shanghai on the first day to midnight after the last."""
    start = datetime.combine(first, time(), SHANGHAI)
    end = datetime.combine(last + timedelta(days=1), time(), SHANGHAI)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


# ---- pure arithmetic over counts and times ---------------------------------------------------------------

@dataclass
class Counts:
    """What SQL counted for one street (or, added up, for all of them)."""

    by_state: dict = field(default_factory=lambda: dict.fromkeys(STATES, 0))
    overdue_rectification: int = 0
    overdue_acknowledgement: int = 0

    def add(self, other: "Counts") -> "Counts":
        for state, n in other.by_state.items():
            self.by_state[state] = self.by_state.get(state, 0) + n
        self.overdue_rectification += other.overdue_rectification
        self.overdue_acknowledgement += other.overdue_acknowledgement
        return self


class Timing(NamedTuple):
    """The clocks of one hazard that was acknowledged or closed."""

    street_id: int
    received_at: datetime
    observed_at: datetime
    acknowledged_at: datetime | None
    ack_due_at: datetime
    closed_at: datetime | None


def minutes(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 60


def median_minutes(durations: list[float]) -> float | None:
    return round(statistics.median(durations), 1) if durations else None


def ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def closure_rate(by_state: dict) -> float | None:
    """Closed among the hazards that entered the loop: rejected reports and duplicates never did."""
    entered = sum(by_state.values()) - by_state.get("rejected", 0) - by_state.get("merged", 0)
    return ratio(by_state.get("closed", 0), entered)


def block(counts: Counts, timings: list[Timing]) -> dict:
    """One block of the summary (a street's, or the total) from its counts and its hazards' times."""
    acknowledged = [t for t in timings if t.acknowledged_at is not None]
    closed = [t for t in timings if t.closed_at is not None]
    return {
        "reported": sum(counts.by_state.values()),
        "by_state": dict(counts.by_state),
        "closed": counts.by_state.get("closed", 0),
        "closure_rate": closure_rate(counts.by_state),
        "overdue_rectification": counts.overdue_rectification,
        "overdue_acknowledgement": counts.overdue_acknowledgement,
        "median_minutes_to_acknowledge": median_minutes([minutes(t.received_at, t.acknowledged_at)
                                                         for t in acknowledged]),
        # the phone's clock: includes the time a report waited offline, and any error of the phone's clock
        "median_minutes_to_acknowledge_from_observed": median_minutes([minutes(t.observed_at, t.acknowledged_at)
                                                                       for t in acknowledged]),
        "median_minutes_to_close": median_minutes([minutes(t.received_at, t.closed_at) for t in closed]),
        "acknowledged_within_target": ratio(sum(t.acknowledged_at <= t.ack_due_at for t in acknowledged),
                                            len(acknowledged)),
    }


# ---- queries ---------------------------------------------------------------------------------------------

def _count_by_street(filters: list, now: datetime) -> dict[int, Counts]:
    late_rectification = case((and_(Hazard.state == "rectifying", Hazard.deadline < now), 1), else_=0)
    late_acknowledgement = case((Hazard.ack_overdue(now), 1), else_=0)
    rows = db.session.execute(
        select(Hazard.street_id, Hazard.state, func.count(), func.sum(late_rectification),
               func.sum(late_acknowledgement))
        .where(*filters).group_by(Hazard.street_id, Hazard.state))
    counts: dict[int, Counts] = {}
    for street_id, state, n, late_rect, late_ack in rows:
        street = counts.setdefault(street_id, Counts())
        street.add(Counts({state: n}, int(late_rect or 0), int(late_ack or 0)))
    return counts


def _timings(filters: list) -> list[Timing]:
    rows = db.session.execute(
        select(Hazard.street_id, Hazard.received_at, Hazard.observed_at, Hazard.acknowledged_at, Hazard.ack_due_at,
               Hazard.closed_at)
        .where(*filters, or_(Hazard.acknowledged_at.is_not(None), Hazard.closed_at.is_not(None))))
    return [Timing(*row) for row in rows]


def _granted_streets(grant):
    """The streets the caller's area grants reach: all of a district, or the street a grant lies in."""
    clauses = []
    for path in [*grant.area_paths, *(path for _sector, path in grant.sectors)]:
        ids = path_ids(path)
        clauses.append(Area.id == ids[1] if len(ids) > 1 else Area.within(path))
    return or_(*clauses) if clauses else false()


def _streets(grant, area: Area | None, seen: set[int]) -> list[tuple[int, str]]:
    """Every street in scope, with or without hazards (a quiet street is news too), plus any street a
    hazard visible to the caller lies in (e.g. one they reported themselves), in division-code order."""
    stmt = select(Area.id, Area.name).where(Area.level == "street", or_(_granted_streets(grant), Area.id.in_(seen)))
    if area is not None:
        stmt = stmt.where(Area.within(area.path))
    return [tuple(row) for row in db.session.execute(stmt.order_by(Area.code))]


def summarize(grant, user_id, first: date | None, last: date | None, *, area: Area | None = None,
              level: str | None = None, now: datetime | None = None) -> dict:
    """The summary of the hazards received in the period within the caller's scope, narrowed to `area`
    (a street or the district) and `level`: a total block and one block per street."""
    first, last = resolve_period(first, last, today())
    if area is not None and area.level not in AREA_LEVELS:
        raise Invalid("area_id", "请选择街道或全区", "Choose a street or the district")
    start, end = bounds(first, last)
    filters = [Hazard.scope_clause(grant, user_id), Hazard.received_at >= start, Hazard.received_at < end]
    if area is not None:
        filters.append(Hazard.grid_id.in_(subtree_ids([area.path])))
    if level is not None:
        filters.append(Hazard.level == level)
    counts = _count_by_street(filters, now or utcnow())
    timings = _timings(filters)
    total, timings_by_street = Counts(), defaultdict(list)
    for street_counts in counts.values():
        total.add(street_counts)
    for timing in timings:
        timings_by_street[timing.street_id].append(timing)
    streets = [{"street_id": street_id, "street_name": name,
                **block(counts.get(street_id, Counts()), timings_by_street[street_id])}
               for street_id, name in _streets(grant, area, set(counts))]
    return {"from_": first, "to": last, "area_id": area.id if area else None, "level": level,
            "total": block(total, timings), "streets": streets}
