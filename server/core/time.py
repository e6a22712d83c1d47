"""Time: the server's clock in UTC, and the phone-clock maths (how far a phone's clock was off, and its times put
right by that)."""

from datetime import UTC, datetime, timedelta


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
