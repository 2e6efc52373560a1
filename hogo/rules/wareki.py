"""Japanese era dates (和暦) as official documents print them: 令和7年6月3日.

The first year of an era is written 元年 (令和元年5月1日), as in official documents.
"""

from __future__ import annotations

import datetime as dt

# (first day, era name, first year), newest first. Meiji years count from 1868, but dates
# are only defined from 1873, when Japan adopted the Gregorian calendar.
ERAS: tuple[tuple[dt.date, str, int], ...] = (
    (dt.date(2019, 5, 1), "令和", 2019),
    (dt.date(1989, 1, 8), "平成", 1989),
    (dt.date(1926, 12, 25), "昭和", 1926),
    (dt.date(1912, 7, 30), "大正", 1912),
    (dt.date(1873, 1, 1), "明治", 1868),
)


def era_year(day: dt.date) -> tuple[str, int]:
    """The era name and year number of a date (明治6年 onwards, the Gregorian calendar)."""
    for start, name, first_year in ERAS:
        if day >= start:
            return name, day.year - first_year + 1
    raise ValueError(f"{day.isoformat()} is before the Gregorian calendar in Japan (1873)")


def format_wareki(day: dt.date) -> str:
    """令和7年6月3日 for 2025-06-03."""
    name, year = era_year(day)
    year_text = "元" if year == 1 else str(year)
    return f"{name}{year_text}年{day.month}月{day.day}日"
