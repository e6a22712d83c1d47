"""A plan's periods (Asia/Shanghai calendar): weeks (ISO), months, quarters and years, each named by a key."""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from server.core.i18n import SHANGHAI

PATTERNS = {
    "weekly": re.compile(r"^(\d{4})-W(\d{2})$"),
    "monthly": re.compile(r"^(\d{4})-(\d{2})$"),
    "quarterly": re.compile(r"^(\d{4})-Q([1-4])$"),
    "yearly": re.compile(r"^(\d{4})$"),
}
EXAMPLES = {"weekly": "2026-W49", "monthly": "2026-12", "quarterly": "2026-Q4", "yearly": "2026"}


@dataclass(frozen=True)
class Period:
    key: str
    start: date  # the first day
    end: date  # the last day (inclusive)

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end


def local_date(at: datetime) -> date:
    return at.astimezone(SHANGHAI).date()


def containing(frequency: str, day: date) -> Period:
    """The period of this frequency that holds the day."""
    if frequency == "weekly":
        year, week, _ = day.isocalendar()
        start = day - timedelta(days=day.weekday())
        return Period(f"{year:04d}-W{week:02d}", start, start + timedelta(days=6))
    if frequency == "monthly":
        start = day.replace(day=1)
        return Period(f"{day.year:04d}-{day.month:02d}", start, _next_month(start) - timedelta(days=1))
    if frequency == "quarterly":
        quarter = (day.month - 1) // 3 + 1
        start = date(day.year, 3 * quarter - 2, 1)
        end = _next_month(_next_month(_next_month(start))) - timedelta(days=1)
        return Period(f"{day.year:04d}-Q{quarter}", start, end)
    return Period(f"{day.year:04d}", date(day.year, 1, 1), date(day.year, 12, 31))


def parse(frequency: str, key: str) -> Period:
    """The period a key names, for this frequency; ValueError if it names none (2026-13, 2026-W54, a month's key
    for a weekly plan)."""
    found = PATTERNS[frequency].match(key)
    if found is None:
        raise ValueError(key)
    year, *rest = (int(part) for part in found.groups())
    if not 2000 <= year <= 2100:
        raise ValueError(key)
    if frequency == "weekly":
        start = date.fromisocalendar(year, rest[0], 1)  # ValueError for a week the year has not
    elif frequency == "monthly":
        start = date(year, rest[0], 1)
    elif frequency == "quarterly":
        start = date(year, 3 * rest[0] - 2, 1)
    else:
        start = date(year, 1, 1)
    period = containing(frequency, start)
    if period.key != key:
        raise ValueError(key)
    return period


def span(key: str) -> Period:
    """Any key, whatever its frequency (coverage asks for a month, a quarter, a year or a week)."""
    for frequency, pattern in PATTERNS.items():
        if pattern.match(key):
            return parse(frequency, key)
    raise ValueError(key)


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)
