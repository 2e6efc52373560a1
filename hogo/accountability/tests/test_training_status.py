"""The training status arithmetic (R-905): due day and status from the last time taken, the
joining period and an incident, with the city profile's periods (12 months, 30 days, 30 days)."""

import datetime as dt

import pytest

from hogo.accountability.training import Status, add_months, status_on

D = dt.date
JOINED = D(2025, 4, 1)


@pytest.mark.parametrize(("today", "last", "incident", "status", "due"), [
    # never taken: due 30 days after joining; still "never" within and after it
    (D(2025, 4, 10), None, None, Status.NEVER, D(2025, 5, 1)),
    (D(2025, 5, 2), None, None, Status.NEVER, D(2025, 5, 1)),
    # taken: due 12 months later; due soon within 30 days; lapsed the day after
    (D(2025, 6, 1), D(2025, 5, 20), None, Status.CURRENT, D(2026, 5, 20)),
    (D(2026, 4, 20), D(2025, 5, 20), None, Status.DUE_SOON, D(2026, 5, 20)),
    (D(2026, 5, 20), D(2025, 5, 20), None, Status.DUE_SOON, D(2026, 5, 20)),
    (D(2026, 5, 21), D(2025, 5, 20), None, Status.LAPSED, D(2026, 5, 20)),
    # an incident since the last training brings the day forward to 30 days after it
    (D(2025, 9, 1), D(2025, 5, 20), D(2025, 8, 20), Status.DUE_SOON, D(2025, 9, 19)),
    (D(2025, 9, 20), D(2025, 5, 20), D(2025, 8, 20), Status.LAPSED, D(2025, 9, 19)),
    # ... but never later than the yearly day
    (D(2026, 5, 1), D(2025, 5, 20), D(2026, 5, 10), Status.DUE_SOON, D(2026, 5, 20)),
    # an incident in the joining period brings the first training forward too
    (D(2025, 4, 5), None, D(2025, 4, 2), Status.NEVER, D(2025, 5, 1)),
])
def test_status_table(today, last, incident, status, due):
    assert status_on(today, last_taken=last, joined_on=JOINED, every_months=12,
                     joining_days=30, incident_on=incident, after_incident_days=30
                     ) == (status, due)


def test_incident_after_joining_shortens_the_joining_period():
    assert status_on(D(2025, 4, 5), last_taken=None, joined_on=JOINED, every_months=12,
                     joining_days=60, incident_on=D(2025, 4, 2), after_incident_days=10
                     ) == (Status.NEVER, D(2025, 4, 12))


@pytest.mark.parametrize(("day", "months", "expected"), [
    (D(2025, 1, 31), 1, D(2025, 2, 28)),
    (D(2024, 2, 29), 12, D(2025, 2, 28)),
    (D(2025, 11, 15), 3, D(2026, 2, 15)),
    (D(2025, 5, 20), 24, D(2027, 5, 20)),
])
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected
