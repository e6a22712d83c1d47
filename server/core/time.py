"""Time: the server's clock in UTC, and the phone-clock maths (how far a phone's clock was off, and its times put
right by that)."""

from datetime import UTC, date, datetime, time, timedelta

from server.core.i18n import SHANGHAI


def utcnow() -> datetime:
    return datetime.now(UTC)


def clock_offset(received_at: datetime, device_time: datetime | None) -> float | None:
    """How far a phone's clock was behind the server's, in seconds: the server's time of arrival minus the
    phone's Device-Time as it sent (None without one). Right for what the phone timed before it sent,
    unless its clock was reset in between."""
    return None if device_time is None else round((received_at - device_time).total_seconds(), 3)


def on_server_clock(observed_at: datetime, clock_offset_s: float | None) -> datetime:
    """A time the phone recorded, on the server's clock: corrected by the phone's measured offset, or as the
    phone wrote it when the offset is unknown. OverflowError where that leaves the calendar."""
    return observed_at if clock_offset_s is None else observed_at + timedelta(seconds=clock_offset_s)


def local_days(first: date, last: date) -> tuple[datetime, datetime]:
    """Whole days in Asia/Shanghai as UTC instants [start, end): midnight of `first` to midnight after `last`."""
    start = datetime.combine(first, time(), SHANGHAI)
    end = datetime.combine(last + timedelta(days=1), time(), SHANGHAI)
    return start.astimezone(UTC), end.astimezone(UTC)


def within_days(column, first: date | None, last: date | None) -> list:
    """SQL clauses: `column` on those days in Asia/Shanghai (either end may be open)."""
    clauses = []
    if first is not None:
        clauses.append(column >= local_days(first, first)[0])
    if last is not None:
        clauses.append(column < local_days(last, last)[1])
    return clauses
