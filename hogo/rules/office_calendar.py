"""The Japanese office calendar: which days an office is closed, and office-hour arithmetic.

Deadlines to the PPC move off closed days (R-804: Saturday, Sunday, a national holiday, or the
year-end break 29 December – 3 January), and an incident report must be acknowledged within a
number of *office* hours (R-801): a report made on Friday evening is not "late" on Saturday
morning. National holidays come from the `holidays` package (JP), which includes substitute
holidays (振替休日) and citizens' holidays (国民の休日). Framework-free.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from functools import cache

import holidays

OPENS = dt.time(8, 30)
CLOSES = dt.time(17, 15)


@cache
def _national_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("JP", years=year)


def holiday_name(day: dt.date) -> str | None:
    """The national holiday's name (English, from `holidays`), or None."""
    return _national_holidays(day.year).get(day)


def is_year_end_break(day: dt.date) -> bool:
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_closed(day: dt.date) -> bool:
    """Saturday, Sunday, a national holiday or the year-end break (行政機関の休日)."""
    return day.weekday() >= 5 or holiday_name(day) is not None or is_year_end_break(day)


class ClosedReason(StrEnum):
    """Why an office is closed on a day (行政機関の休日, Act on Holidays of Administrative
    Organs Art. 1(1)); the words for people live in the apps."""

    YEAR_END = "year_end"  # 29 December - 3 January
    HOLIDAY = "national_holiday"  # including substitute and citizens' holidays
    SATURDAY = "saturday"
    SUNDAY = "sunday"


def closed_reason(day: dt.date) -> ClosedReason | None:
    """Why `day` is closed, or None if it is an office day (the year-end break first, then a
    holiday, then the weekday)."""
    if is_year_end_break(day):
        return ClosedReason.YEAR_END
    if holiday_name(day) is not None:
        return ClosedReason.HOLIDAY
    if day.weekday() == 5:
        return ClosedReason.SATURDAY
    if day.weekday() == 6:
        return ClosedReason.SUNDAY
    return None


def next_open_day(day: dt.date) -> dt.date:
    """`day` itself if the office is open then, else the next day it is."""
    while is_closed(day):
        day += dt.timedelta(days=1)
    return day


def add_office_hours(start: dt.datetime, hours: float, *, opens: dt.time = OPENS,
                     closes: dt.time = CLOSES) -> dt.datetime:
    """The instant `hours` of office time after `start` (an aware or naive local datetime).

    Time outside office hours and closed days does not count; a start outside office hours
    counts from the next opening.
    """
    if hours < 0:
        raise ValueError("hours must not be negative")
    remaining = dt.timedelta(hours=hours)
    current = start
    while True:
        day = current.date()
        day_open = current.replace(hour=opens.hour, minute=opens.minute, second=0, microsecond=0)
        day_close = current.replace(hour=closes.hour, minute=closes.minute, second=0,
                                    microsecond=0)
        if is_closed(day) or current >= day_close:
            following = next_open_day(day + dt.timedelta(days=1))
            current = _at(current, following, opens)
            continue
        current = max(current, day_open)
        available = day_close - current
        if remaining <= available:
            return current + remaining
        remaining -= available
        current = day_close


def _at(reference: dt.datetime, day: dt.date, time: dt.time) -> dt.datetime:
    return reference.replace(year=day.year, month=day.month, day=day.day, hour=time.hour,
                             minute=time.minute, second=0, microsecond=0)
