"""Office hours and bursts of refusals for the access-log analysis, without a database."""

import datetime as dt

import pytest

from hogo.clock import JST
from hogo.rules.access_patterns import (
    AFTER_HOURS,
    BEFORE_HOURS,
    CLOSED_DAY,
    bursts,
    outside_hours,
    parse_office_hours,
)


@pytest.mark.parametrize(("local", "expected"), [
    (dt.datetime(2026, 6, 3, 8, 29, tzinfo=JST), BEFORE_HOURS),   # a Wednesday
    (dt.datetime(2026, 6, 3, 8, 30, tzinfo=JST), None),
    (dt.datetime(2026, 6, 3, 17, 14, tzinfo=JST), None),
    (dt.datetime(2026, 6, 3, 17, 15, tzinfo=JST), AFTER_HOURS),
    (dt.datetime(2026, 6, 3, 23, 40, tzinfo=JST), AFTER_HOURS),
    (dt.datetime(2026, 6, 6, 11, 0, tzinfo=JST), CLOSED_DAY),     # a Saturday
    (dt.datetime(2026, 5, 4, 11, 0, tzinfo=JST), CLOSED_DAY),     # Greenery Day
    (dt.datetime(2026, 12, 29, 11, 0, tzinfo=JST), CLOSED_DAY),   # year-end break
])
def test_outside_hours(local, expected):
    assert outside_hours(local, "08:30-17:15") == expected


@pytest.mark.parametrize("text", ["8時半から", "17:15-08:30", "08:30", ""])
def test_bad_office_hours_are_refused(text):
    with pytest.raises(ValueError):
        parse_office_hours(text)


def _at(*minutes):
    base = dt.datetime(2026, 6, 3, 10, 0, tzinfo=JST)
    return [base + dt.timedelta(minutes=m) for m in minutes]


@pytest.mark.parametrize(("minutes", "threshold", "expected"), [
    ((0, 10, 20, 30), 5, []),
    ((0, 10, 20, 30, 40), 5, [(0, 4)]),
    ((0, 10, 20, 30, 60), 5, []),                 # the fifth is an hour after the first
    ((0, 1, 2, 3, 4, 5, 6, 7, 8, 9), 5, [(0, 9)]),  # one run, not six
    ((0, 1, 2, 3, 4, 120, 121, 122, 123, 124), 5, [(0, 4), (5, 9)]),
    ((50, 0, 40, 30, 20, 10), 5, [(0, 5)]),         # order does not matter
])
def test_bursts(minutes, threshold, expected):
    assert bursts(_at(*minutes), threshold) == expected
