"""The request's 経過 in words: each area registers how its Event actions read
(`add_wording`), the request page words them in the reader's language (`timeline`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from hogo.requests.models import Event, PersonalRequest
from hogo.rules.wareki import format_wareki

Wording = Callable[[Event], str]
_wordings: dict[str, Wording | Any] = {}


def add_wording(action: str, wording: Wording | Any) -> None:
    """How an Event `action` reads: a callable (event -> str) or a (lazy) text whose
    %(name)s placeholders are filled from the event's detail (ISO days shown in 和暦)."""
    _wordings[action] = wording


class _Filled(dict):
    def __missing__(self, key: str) -> str:
        return "—"


def shown_day(value: Any) -> str:
    """A day (or an ISO day) as the reader reads it: 令和8年6月3日, or 2026-06-03 in English."""
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return day.isoformat() if translation.get_language() == "en" else format_wareki(day)


def _value(value: Any) -> str:
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return shown_day(value)
    if isinstance(value, (list, tuple)):
        return _("、").join(str(v) for v in value)
    return str(value)


def word_event(event: Event) -> str:
    wording = _wordings.get(event.action)
    if wording is None:
        return _("記録：%(action)s") % {"action": event.action}
    if callable(wording) and not isinstance(wording, (str, Promise)):
        return wording(event)
    return str(wording) % _Filled({k: _value(v) for k, v in (event.detail or {}).items()})


def timeline(request: PersonalRequest) -> list[tuple[Event, str]]:
    return [(e, word_event(e)) for e in request.events.select_related("actor")]


def listed(items: Iterable[Any]) -> str:
    return _("、").join(str(item) for item in items)
