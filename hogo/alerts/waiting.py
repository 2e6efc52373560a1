"""The work queue (対応待ち): what waits for one person, gathered from every app.

Alerts say that something happened; the work queue says what a person still has to do
(a copy request to decide, a masking to review, a medium overdue, an incident to
acknowledge, a deadline in the next days). Each domain app knows its own waiting items, so
each registers a *source* here from its `AppConfig.ready()`; this module names no app, and
the dashboard shows `waiting_for(user)` whatever apps are installed.

A source takes the person and returns `WaitingItem`s for them only, already filtered by
`accounts.permissions.allows`: the queue must never show what the person may not act on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from hogo import clock
from hogo.accounts.models import User


@dataclass(frozen=True)
class WaitingItem:
    """One thing a person has to do. `since` is when it started waiting (its age);
    `due_on` the day it must be done by, if the law or the profile sets one."""

    kind: str          # a short code, e.g. "copy.decide" (for tests and sorting)
    label: str         # what to do, in the person's language, e.g. 「複製の申請を承認」
    title: str         # what it is about, e.g. 「複製申請 #12 公用車 品川300あ1234」
    url: str           # where to do it (a path within hogo)
    since: dt.datetime
    due_on: dt.date | None = None

    @property
    def age(self) -> dt.timedelta:
        return max(clock.now() - self.since, dt.timedelta(0))

    @property
    def overdue(self) -> bool:
        return self.due_on is not None and self.due_on < clock.today_jst()


Source = Callable[[User], Iterable[WaitingItem]]
_sources: list[Source] = []


def add_source(source: Source) -> None:
    """Register a source once (ready() may run more than once in tests)."""
    if source not in _sources:
        _sources.append(source)


def waiting_for(user: User) -> list[WaitingItem]:
    """Everything waiting for this person: overdue first, then by due day, then oldest."""
    if not user.is_authenticated or not user.is_active:
        return []
    items = [item for source in _sources for item in source(user)]
    far = dt.date.max
    return sorted(items, key=lambda i: (not i.overdue, i.due_on or far, i.since))
