"""The one date parser of `POST /api/incidents/...` and `hogo incidents ...`.

A date typed at the console and a date sent to the API mean the same day only if both read
the same formats, so both call `parse_date`: `2025-10-05` (ISO), `2025/10/05`, `20251005`
and the Japanese era as documents print it (`令和7年10月5日`, `令和元年5月1日`). Anything else
is refused with a message saying what is expected; a number of seconds (which pydantic would
take as a timestamp) is not a date. Framework-free.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from hogo.rules.wareki import ERAS

EXPECTED = "use YYYY-MM-DD (e.g. 2025-10-05), YYYY/MM/DD, YYYYMMDD or 令和7年10月5日"
_WESTERN = re.compile(r"(\d{4})([-/]?)(\d{1,2})\2(\d{1,2})")
_ERA = re.compile(r"(" + "|".join(name for _, name, _ in ERAS) + r")(元|\d{1,2})年(\d{1,2})月"
                  r"(\d{1,2})日")


def parse_date(value: object) -> dt.date:
    """The day `value` names (a date, or text in one of the accepted formats); ValueError
    otherwise. A datetime is refused: a day of knowing or filing is a calendar day."""
    if isinstance(value, dt.datetime):
        raise ValueError(f"{value!r} is a date and time, not a date; {EXPECTED}")
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date; {EXPECTED}")
    text = unicodedata.normalize("NFKC", value).strip()
    western = _WESTERN.fullmatch(text)
    if western and (western.group(2) or len(text) == 8):
        year, _, month, day = western.groups()
        return _day(int(year), int(month), int(day), value)
    era = _ERA.fullmatch(text)
    if era:
        name, year_text, month, day = era.groups()
        first_year = next(first for _, era_name, first in ERAS if era_name == name)
        year = first_year + (1 if year_text == "元" else int(year_text)) - 1
        parsed = _day(year, int(month), int(day), value)
        start = next(start for start, era_name, _ in ERAS if era_name == name)
        if parsed < start or _era_of(parsed) != name:
            raise ValueError(f"{value!r} is not a day of the {name} era; {EXPECTED}")
        return parsed
    raise ValueError(f"{value!r} is not a date; {EXPECTED}")


def parse_optional(value: object) -> dt.date | None:
    """`parse_date`, with None and empty text meaning "not given"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_date(value)


def _day(year: int, month: int, day: int, original: object) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{original!r} is not a date; {EXPECTED}") from None


def _era_of(day: dt.date) -> str:
    return next(name for start, name, _ in ERAS if day >= start)
