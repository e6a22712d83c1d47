"""The supervisors' summary (隐患统计概览): for a scope and a period, the loop's counts and clocks, by street.

A period is whole days in Asia/Shanghai and selects hazards by `received_at`, the server's clock (the
phone's `observed_at` may be wrong or offline for hours): the count of reports, their states now, the
closure rate, the medians and the 30-minute share are about the hazards received in the period.

The overdue counts are not: they answer "how many are overdue", so they count every hazard in scope,
whenever received, that was overdue at the period's end, or now if the period runs to today (`overdue_at`):
being rectified past its deadline, or still waiting for acknowledgement past its 30-minute target.

Counts come from GROUP BYs in SQL. Medians and the 30-minute share are computed here, in Python, over the
times of the hazards that were acknowledged or closed, fetched in one query: the same code on SQLite and
PostgreSQL (only the latter has percentile_cont), and a district's volume, a few thousand reports a month,
is small.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import case, false, func, or_, select

from server.areas.models import Area, path_ids, subtree_ids
from server.core.db import db
from server.core.errors import DomainError
from server.core.i18n import SHANGHAI
from server.core.time import local_days, on_server_clock, utcnow
from server.evidence.models import Event
from server.hazards.machine import STATES
from server.hazards.models import Hazard

DEFAULT_DAYS = 30
MAX_DAYS = 366  # a leap year, both ends counted
# Beyond these a date is a typo, and near date.min/max the day arithmetic below would overflow.
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
AREA_LEVELS = ("district", "street")  # the summary is broken down by street: narrower areas have no breakdown


class Invalid(DomainError, ValueError):
    """A query the summary cannot answer: the parameter at fault and why (a 422)."""

    status, location = 422, "query"

    def __init__(self, field_name: str, zh: str, en: str):
        super().__init__(en)
        self.field, self.zh, self.en = field_name, zh, en


# ---- the period ------------------------------------------------------------------------------------------


def resolve_period(first: date | None, last: date | None, today: date) -> tuple[date, date]:
    """The period asked for, with its defaults filled in (up to today, 30 days long), or Invalid."""
    for name, day in (("from", first), ("to", last)):
        if day is not None and not EARLIEST <= day <= LATEST:
            raise Invalid(
                name, f"日期应在 {EARLIEST} 到 {LATEST} 之间", f"The date must be between {EARLIEST} and {LATEST}"
            )
    last = last or today
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise Invalid("from", "开始日期不能晚于结束日期", "The start date cannot be after the end date")
    if (last - first).days + 1 > MAX_DAYS:
        raise Invalid("to", f"统计期间不能超过 {MAX_DAYS} 天", f"The period cannot be longer than {MAX_DAYS} days")
    return first, last


def bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The period as UTC instants: from midnight in Shanghai on the first day to midnight after the last."""
    return local_days(first, last)


def overdue_at(end: datetime, now: datetime) -> datetime:
    """When the overdue counts are taken: at the period's end, or now if the period has not ended."""
    return min(end, now)


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
    observed_at: datetime  # on the server's clock, where the phone said how far off its own was
    acknowledged_at: datetime | None
    ack_due_at: datetime
    closed_at: datetime | None


def minutes(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 60


def replay(events) -> tuple[str | None, datetime | None]:
    """A hazard's state and rectification deadline after `events`, its (action, to_state, data) in order: the
    state is the last event's, the deadline the last one a change recorded as in force (`deadline_in_force`).

    Changes recorded before events carried it (December 2026) are read by what they did: a notice or a failed
    re-inspection set the deadline, an approved extension moved it to the date asked for. The event chain is
    append-only, so those events stay as they were written."""
    state = deadline = asked = None
    for action, to_state, data in events:
        state = to_state
        if "deadline_in_force" in data:
            deadline = data["deadline_in_force"]
        elif action in ("issue_notice", "return"):
            deadline = data["deadline"]
        elif action == "request_extension":
            asked = data["deadline"]
        elif action == "decide_extension" and data.get("approved"):
            deadline = asked
    return state, datetime.fromisoformat(deadline) if deadline else None


def overdue(state: str | None, deadline: datetime | None, ack_due_at: datetime, at: datetime) -> Counts:
    """Whether a hazard in `state` with `deadline` was overdue at `at`: as `_late` counts it in SQL."""
    return Counts(
        overdue_rectification=int(state == "rectifying" and deadline is not None and deadline < at),
        overdue_acknowledgement=int(state == "reported" and ack_due_at < at),
    )


def median_minutes(durations: list[float]) -> float | None:
    return round(statistics.median(durations), 1) if durations else None


def ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def closure_counts(by_state: dict) -> tuple[int, int]:
    """(closed, entered the loop): rejected reports and duplicates never entered it."""
    entered = sum(by_state.values()) - by_state.get("rejected", 0) - by_state.get("merged", 0)
    return by_state.get("closed", 0), entered


def closure_rate(by_state: dict) -> float | None:
    """Closed among the hazards that entered the loop."""
    return ratio(*closure_counts(by_state))


def within_target(timings: list[Timing]) -> tuple[int, int]:
    """(acknowledged within the 30-minute target, acknowledged) among these hazards' times."""
    acknowledged = [t for t in timings if t.acknowledged_at is not None]
    return sum(t.acknowledged_at <= t.ack_due_at for t in acknowledged), len(acknowledged)


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
        "median_minutes_to_acknowledge": median_minutes(
            [minutes(t.received_at, t.acknowledged_at) for t in acknowledged]
        ),
        # from when it was seen: includes the time a report waited offline; on the phone's clock, corrected
        # by the offset it was measured to have (Device-Time), where it was
        "median_minutes_to_acknowledge_from_observed": median_minutes(
            [minutes(t.observed_at, t.acknowledged_at) for t in acknowledged]
        ),
        "median_minutes_to_close": median_minutes([minutes(t.received_at, t.closed_at) for t in closed]),
        "acknowledged_within_target": ratio(*within_target(timings)),
    }


# ---- queries ---------------------------------------------------------------------------------------------


def count_by_street(filters: list) -> dict[int, Counts]:
    rows = db.session.execute(
        select(Hazard.street_id, Hazard.state, func.count()).where(*filters).group_by(Hazard.street_id, Hazard.state)
    )
    counts: dict[int, Counts] = {}
    for street_id, state, n in rows:
        counts.setdefault(street_id, Counts()).add(Counts({state: n}))
    return counts


def _late(at: datetime):
    """(overdue rectification, overdue acknowledgement) of a hazard row as it stands, 1 or 0, at `at`."""
    return (
        case((Hazard.rectification_overdue(at), 1), else_=0),
        case((Hazard.ack_overdue(at), 1), else_=0),
    )


def overdue_by_street(filters: list, at: datetime) -> dict[int, Counts]:
    """The hazards in scope overdue at `at`, whenever received, by street. A hazard not changed since `at`
    (updated_at) was then as its row is now, so SQL counts those; the few changed since, when `at` is
    past, are replayed from their events before `at`, which record every change of state."""
    late_rectification, late_acknowledgement = _late(at)
    rows = db.session.execute(
        select(Hazard.street_id, func.sum(late_rectification), func.sum(late_acknowledgement))
        .where(*filters, Hazard.updated_at < at, Hazard.state.in_(("rectifying", "reported")))
        .group_by(Hazard.street_id)
    )
    counts = {
        street_id: Counts(overdue_rectification=int(rect or 0), overdue_acknowledgement=int(ack or 0))
        for street_id, rect, ack in rows
    }
    changed = {
        str(row.id): row
        for row in db.session.execute(
            select(Hazard.id, Hazard.street_id, Hazard.ack_due_at).where(
                *filters, Hazard.updated_at >= at, Hazard.received_at < at
            )
        )
    }
    events = defaultdict(list)
    if changed:
        for record_id, *event in db.session.execute(
            select(Event.record_id, Event.action, Event.to_state, Event.data)
            .where(Event.record_type == "hazard", Event.record_id.in_(list(changed)), Event.at < at)
            .order_by(Event.seq)
        ):
            events[record_id].append(event)
    for record_id, row in changed.items():
        late = overdue(*replay(events[record_id]), row.ack_due_at, at)
        counts.setdefault(row.street_id, Counts()).add(late)
    return counts


def hazard_timings(filters: list) -> list[Timing]:
    rows = db.session.execute(
        select(
            Hazard.street_id,
            Hazard.received_at,
            Hazard.observed_at,
            Hazard.clock_offset_s,
            Hazard.acknowledged_at,
            Hazard.ack_due_at,
            Hazard.closed_at,
        ).where(*filters, or_(Hazard.acknowledged_at.is_not(None), Hazard.closed_at.is_not(None)))
    )
    return [
        Timing(street, received, on_server_clock(observed, offset), *rest)
        for street, received, observed, offset, *rest in rows
    ]


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


def summarize(
    grant,
    user_id,
    first: date | None,
    last: date | None,
    *,
    area: Area | None = None,
    level: str | None = None,
    now: datetime | None = None,
) -> dict:
    """The summary of the hazards received in the period within the caller's scope, narrowed to `area`
    (a street or the district) and `level`, with those overdue at the period's end or now, whenever
    received: a total block and one block per street."""
    now = now or utcnow()
    first, last = resolve_period(first, last, now.astimezone(SHANGHAI).date())
    if area is not None and area.level not in AREA_LEVELS:
        raise Invalid("area_id", "请选择街道或全区", "Choose a street or the district")
    start, end = bounds(first, last)
    in_scope = [Hazard.scope_clause(grant, user_id)]
    if area is not None:
        in_scope.append(Hazard.grid_id.in_(subtree_ids([area.path])))
    if level is not None:
        in_scope.append(Hazard.level == level)
    filters = [*in_scope, Hazard.received_at >= start, Hazard.received_at < end]
    counts = count_by_street(filters)
    for street_id, late in overdue_by_street(in_scope, overdue_at(end, now)).items():
        counts.setdefault(street_id, Counts()).add(late)
    timings = hazard_timings(filters)
    total, timings_by_street = Counts(), defaultdict(list)
    for street_counts in counts.values():
        total.add(street_counts)
    for timing in timings:
        timings_by_street[timing.street_id].append(timing)
    streets = [
        {
            "street_id": street_id,
            "street_name": name,
            **block(counts.get(street_id, Counts()), timings_by_street[street_id]),
        }
        for street_id, name in _streets(grant, area, set(counts))
    ]
    return {
        "from_": first,
        "to": last,
        "area_id": area.id if area else None,
        "level": level,
        "total": block(total, timings),
        "streets": streets,
    }
