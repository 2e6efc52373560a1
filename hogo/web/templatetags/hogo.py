"""Template filters for dates as Japanese documents print them."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone, translation

from hogo.clock import JST
from hogo.rules.wareki import format_wareki

register = template.Library()


@register.filter
def wareki(value: dt.date | dt.datetime | None) -> str:
    """令和7年6月3日 in Japanese, 2025-06-03 in English; datetimes use the JST date."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value, JST).date() if timezone.is_aware(value) else value.date()
    if translation.get_language() == "en":
        return value.isoformat()
    return format_wareki(value)


@register.filter
def wareki_days(values: list[str] | None) -> str:
    """Days kept as ISO text (a record's provision days) in 和暦, joined: 令和8年4月10日、…"""
    days = []
    for text in values or []:
        try:
            days.append(wareki(dt.date.fromisoformat(str(text))))
        except ValueError:
            days.append(str(text))
    return "、".join(days) if translation.get_language() != "en" else ", ".join(days)


def _in_japan(value: dt.datetime | None, time_format: str) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value, JST)
    return f"{wareki(local.date())} {local.strftime(time_format)}"


@register.filter
def jst(value: dt.datetime | None) -> str:
    """Date and time in Japan, e.g. 令和7年6月3日 14:05."""
    return _in_japan(value, "%H:%M")


@register.filter
def action_label(code: str) -> str:
    """The Japanese (or English) name of an audit action code."""
    from hogo.audit.labels import action_label as label

    return label(code)


@register.simple_tag
def object_label(entry) -> str:
    """What a record is about, in words: a person by name and role (never 「職員 #2」)."""
    from hogo.accounts.services import describe
    from hogo.audit.labels import object_label as label

    return describe(entry.object_type, entry.object_id) or label(entry.object_type,
                                                                 entry.object_id)


@register.filter
def jst_seconds(value: dt.datetime | None) -> str:
    """Date and time to the second in Japan, for footage: 令和7年6月3日 14:05:09."""
    return _in_japan(value, "%H:%M:%S")


@register.filter
def label_of(code: str, labels: dict) -> str:
    """The display label of a code from a mapping, or the code itself."""
    return str(labels.get(code, code))


@register.filter
def ago(value: dt.datetime | dt.timedelta | None) -> str:
    """How long ago, in words: 「3日前」, 「2時間前」, 「5分前」, 「たった今」."""
    if value is None:
        return ""
    from django.utils.translation import ngettext

    from hogo import clock

    age = value if isinstance(value, dt.timedelta) else clock.now() - value
    seconds = max(int(age.total_seconds()), 0)
    days, hours, minutes = seconds // 86400, seconds // 3600, seconds // 60
    if days:
        return ngettext("%(n)d日前", "%(n)d日前", days) % {"n": days}
    if hours:
        return ngettext("%(n)d時間前", "%(n)d時間前", hours) % {"n": hours}
    if minutes:
        return ngettext("%(n)d分前", "%(n)d分前", minutes) % {"n": minutes}
    return translation.gettext("たった今")


@register.simple_tag
def actor_label(entry) -> str:
    """Who did it, in words: a person by name and role; a job or machine as recorded."""
    from hogo.accounts.services import describe

    if getattr(entry, "actor_user_id", None):
        person = describe("accounts.user", str(entry.actor_user_id))
        if person:
            return person
    if entry.actor == "system":
        return translation.gettext("システム")
    return entry.actor
