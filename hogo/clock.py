"""The one clock of hogo. Legal dates are Japanese calendar dates (Asia/Tokyo).

Every "today" in a rule (deadlines, retention, knew_on) comes from `today_jst()`, so a report
made at 00:30 JST counts for the Japanese date even though UTC is still on the day before.
Tests freeze the clock with `frozen(...)` instead of patching datetime.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")
_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """The current instant, timezone-aware (UTC)."""
    return _frozen if _frozen is not None else dt.datetime.now(dt.UTC)


def real_now() -> dt.datetime:
    """The wall clock, never frozen: for liveness between processes (a worker's heartbeat
    against the database's job timestamps), which a test's frozen legal clock must not stop."""
    return dt.datetime.now(dt.UTC)


def today_jst() -> dt.date:
    """The Japanese calendar date of the current instant."""
    return jst_date(now())


def jst_date(instant: dt.datetime) -> dt.date:
    """The Japanese calendar date of an aware instant."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime: legal dates need an aware instant")
    return instant.astimezone(JST).date()


@contextlib.contextmanager
def frozen(instant: dt.datetime) -> Iterator[dt.datetime]:
    """Freeze `now()` at an aware instant for the duration of the block."""
    global _frozen
    if instant.tzinfo is None:
        raise ValueError("freeze the clock with an aware datetime")
    previous, _frozen = _frozen, instant.astimezone(dt.UTC)
    try:
        yield _frozen
    finally:
        _frozen = previous
