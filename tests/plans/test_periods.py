"""The plans' calendar: each frequency's periods, named by their keys, and keys that name none."""

from datetime import date

import pytest

from server.plans.periods import containing, parse, span


@pytest.mark.parametrize(
    "frequency,day,key,start,end",
    [
        ("weekly", date(2026, 12, 31), "2026-W53", date(2026, 12, 28), date(2027, 1, 3)),  # ISO: the week of Thursday
        ("weekly", date(2027, 1, 4), "2027-W01", date(2027, 1, 4), date(2027, 1, 10)),
        ("monthly", date(2024, 2, 10), "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("monthly", date(2026, 12, 31), "2026-12", date(2026, 12, 1), date(2026, 12, 31)),
        ("quarterly", date(2026, 11, 5), "2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("yearly", date(2026, 6, 1), "2026", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_a_day_falls_in_one_period_of_each_frequency(frequency, day, key, start, end):
    period = containing(frequency, day)
    assert (period.key, period.start, period.end) == (key, start, end)
    assert parse(frequency, key) == period == span(key)
    assert period.holds(start) and period.holds(end) and not period.holds(date.fromordinal(end.toordinal() + 1))


@pytest.mark.parametrize(
    "frequency,key",
    [
        ("monthly", "2026-13"),
        ("monthly", "2026-00"),
        ("monthly", "2026-W49"),  # a week's key for a monthly plan
        ("weekly", "2026-W54"),
        ("weekly", "2025-W53"),  # 2025 has 52 ISO weeks
        ("quarterly", "2026-Q5"),
        ("yearly", "1999"),
        ("yearly", "２０２６"),  # full-width digits are not a year here
    ],
)
def test_a_key_that_names_no_period_is_refused(frequency, key):
    with pytest.raises(ValueError):
        parse(frequency, key)
