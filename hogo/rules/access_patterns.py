"""Pure rules of the access-log analysis (R-903, MLIT guideline §8 キ): when a viewing falls
outside office hours, and when refused attempts come too thick in an hour.

The oversight app reads the audit chain and asks these questions over plain values (times,
counts); the words for people live there. Framework-free, table-tested without a database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from hogo.rules import office_calendar

CLOSED_DAY = "closed_day"
BEFORE_HOURS = "before_hours"
AFTER_HOURS = "after_hours"
HOUR = dt.timedelta(hours=1)


def parse_office_hours(text: str) -> tuple[dt.time, dt.time]:
    """"08:30-17:15" as (opens, closes); ValueError for anything else, so a mistyped profile
    value is caught when the analysis runs rather than flagging every viewing."""
    try:
        opens, closes = (dt.time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError as error:
        raise ValueError(f"office hours must look like 08:30-17:15, not {text!r}") from error
    if opens >= closes:
        raise ValueError(f"office hours must open before they close: {text!r}")
    return opens, closes


def outside_hours(local: dt.datetime, office_hours: str) -> str | None:
    """Why a moment (Japan time) is outside the office's working time: a closed day
    (weekend, national holiday, 29 Dec-3 Jan), before opening or after closing; None when
    it is inside."""
    if office_calendar.is_closed(local.date()):
        return CLOSED_DAY
    opens, closes = parse_office_hours(office_hours)
    if local.time() < opens:
        return BEFORE_HOURS
    if local.time() >= closes:
        return AFTER_HOURS
    return None


def bursts(times: Sequence[dt.datetime], threshold: int,
           window: dt.timedelta = HOUR) -> list[tuple[int, int]]:
    """The runs of at least `threshold` moments within `window` of the run's first one, as
    (first index, last index) over the sorted `times`; runs never overlap, so ten refusals
    in one hour are one run, not six."""
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    ordered = sorted(times)
    found: list[tuple[int, int]] = []
    start = 0
    while start < len(ordered):
        end = start
        while end + 1 < len(ordered) and ordered[end + 1] - ordered[start] < window:
            end += 1
        if end - start + 1 >= threshold:
            found.append((start, end))
            start = end + 1
        else:
            start += 1
    return found
