"""Closed days and office-hour arithmetic (acknowledgement limits, deadline moves)."""

import datetime as dt

import pytest

from hogo.rules.office_calendar import add_office_hours, closed_reason, is_closed, next_open_day

D = dt.date


@pytest.mark.parametrize(("day", "closed"), [
    (D(2025, 11, 3), True), (D(2025, 11, 4), False), (D(2025, 12, 29), True),
    (D(2026, 1, 3), True), (D(2026, 1, 5), False), (D(2025, 5, 6), True),
    (D(2025, 6, 7), True), (D(2025, 6, 9), False), (D(2026, 9, 22), True)])
def test_closed_days(day, closed):
    assert is_closed(day) is closed
    assert (closed_reason(day) is not None) is closed


def test_next_open_day_skips_the_year_end_break_and_the_weekend():
    assert next_open_day(D(2025, 12, 30)) == D(2026, 1, 5)
    assert next_open_day(D(2025, 6, 9)) == D(2025, 6, 9)


@pytest.mark.parametrize(("start", "hours", "expected"), [
    (dt.datetime(2025, 6, 9, 10, 0), 2, dt.datetime(2025, 6, 9, 12, 0)),
    (dt.datetime(2025, 6, 9, 16, 45), 2, dt.datetime(2025, 6, 10, 10, 0)),
    (dt.datetime(2025, 6, 6, 19, 0), 2, dt.datetime(2025, 6, 9, 10, 30)),   # Friday evening
    (dt.datetime(2025, 6, 9, 7, 0), 1, dt.datetime(2025, 6, 9, 9, 30)),     # before opening
    (dt.datetime(2025, 12, 26, 16, 15), 2, dt.datetime(2026, 1, 5, 9, 30)),  # year end
    (dt.datetime(2025, 6, 9, 8, 30), 0, dt.datetime(2025, 6, 9, 8, 30)),
])
def test_add_office_hours(start, hours, expected):
    assert add_office_hours(start, hours) == expected


def test_aware_datetimes_keep_their_zone():
    from zoneinfo import ZoneInfo
    tokyo = ZoneInfo("Asia/Tokyo")
    result = add_office_hours(dt.datetime(2025, 6, 6, 17, 0, tzinfo=tokyo), 1)
    assert result == dt.datetime(2025, 6, 9, 9, 15, tzinfo=tokyo)
