"""Text hogo writes to people (alerts, mail), kept so that each reader gets their language.

An alert raised with a plain string keeps that string: it was written in Japanese and stays
so (English pages show the alert's kind in English beside it). An alert raised with an
`AlertText` keeps its message id and parameters as well, and is rendered at display time in
the reader's language: `AlertText(gettext_noop("記録媒体 %(medium)s が返却されていません"),
medium=str(medium))`. Dates and times among the parameters are written in the Japanese era
in Japanese (令和8年6月3日) and as ISO dates in English.

Mail is Japanese: a date written as 2026-06-03 in a mail or a Japanese alert becomes
令和8年6月3日, so every caller's dates follow the era without each formatting them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hogo import clock
from hogo.rules.wareki import format_wareki

ISO_DATE = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")
SITE_PATH = re.compile(r"^(/[^\s]*)$", re.MULTILINE)

# What each kind of alert is about, for readers of another language than the stored text.
# Apps raising a new kind add it with `label_kind` (from their AppConfig.ready()).
KIND_LABELS: dict[str, Any] = {
    "incident.reported": _("漏えい等事案の報告"),
    "incident.escalated": _("未確認の漏えい等事案"),
    "incident.deadline": _("漏えい等事案の報告期限"),
    "media.overdue": _("記録媒体の返却遅れ"),
    "media.missing": _("記録媒体の所在不明"),
    "footage.integrity": _("映像データの改ざん・破損の検出"),
    "footage.capacity_pinned": _("保存容量の不足（消去できない映像）"),
    "footage.quarantined": _("隔離された受信ファイル"),
    "footage.quarantine_expiring": _("隔離ファイルの保存期間の満了"),
    "copies.expiring": _("複製データの保存期間の満了"),
    "audit.chain_broken": _("監査ログの改ざん検出"),
}
# A kind nobody labelled is named by its app, the part before the first dot.
APP_LABELS: dict[str, Any] = {
    "incident": _("漏えい等事案"), "incidents": _("漏えい等事案"),
    "media": _("記録媒体"), "footage": _("映像データ"),
    "copy": _("複製データ"), "copies": _("複製データ"),
    "processing": _("複製データの加工"), "audit": _("監査ログ"),
    "provision": _("第三者提供"), "requests": _("本人からの請求"), "complaints": _("苦情"),
    "oversight": _("アクセスログの注意事項"), "accountability": _("安全管理の体制"),
}


def label_kind(kind: str, label: Any) -> None:
    """Name a kind of alert (a lazy gettext label) for pages in any language."""
    KIND_LABELS[kind] = label


def kind_label(kind: str) -> str:
    """The reader's-language name of an alert kind; "" when none is known."""
    label = KIND_LABELS.get(kind) or APP_LABELS.get(kind.split(".")[0])
    return str(label) if label else ""


def encode_value(value: Any) -> Any:
    """A parameter as stored (JSON): dates and times tagged, numbers kept, the rest text."""
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return str(value)


def shown_value(value: Any, language: str) -> Any:
    """A stored parameter for a reader: dates in the Japanese era in Japanese, ISO in English."""
    if isinstance(value, dict) and "date" in value:
        day = dt.date.fromisoformat(value["date"])
        return day.isoformat() if language == "en" else format_wareki(day)
    if isinstance(value, dict) and "datetime" in value:
        local = dt.datetime.fromisoformat(value["datetime"]).astimezone(clock.JST)
        day = local.date().isoformat() if language == "en" else format_wareki(local.date())
        return f"{day} {local:%H:%M}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return value


class AlertText:
    """A message id (marked with gettext_noop) and its parameters, rendered per language."""

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid = str(msgid)
        self.params = {name: encode_value(value) for name, value in params.items()}

    @classmethod
    def stored(cls, msgid: str, params: Mapping[str, Any]) -> AlertText:
        text = cls(msgid)
        text.params = dict(params)
        return text

    def render(self, language: str | None = None) -> str:
        """The text in `language` (default: the active one); a broken translation falls back
        to the Japanese message id rather than failing the page."""
        language = language or translation.get_language() or settings.LANGUAGE_CODE
        with translation.override(language):
            values = {name: shown_value(value, language) for name, value in self.params.items()}
            try:
                return gettext(self.msgid) % values
            except (KeyError, ValueError, TypeError):
                return self.msgid % values

    def __str__(self) -> str:
        return self.render()


def as_japanese(text: str | AlertText) -> str:
    """The Japanese text, its ISO dates in the Japanese era (mail, stored alert text)."""
    rendered = text.render("ja") if isinstance(text, AlertText) else str(text)
    return era_dates(rendered)


def era_dates(text: str) -> str:
    """2026-06-03 -> 令和8年6月3日 wherever a whole date stands in a Japanese text."""
    def to_era(match: re.Match[str]) -> str:
        try:
            return format_wareki(dt.date(*(int(part) for part in match.groups())))
        except ValueError:
            return match.group(0)

    return ISO_DATE.sub(to_era, text)


def absolute_url(path: str) -> str:
    """A link for mail: settings.HOGO_BASE_URL (the address people open hogo at) + path.
    Absolute URLs pass through unchanged."""
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.HOGO_BASE_URL.rstrip("/") + "/" + path.lstrip("/")


def absolute_links(text: str) -> str:
    """Each line of a mail that is only a site path (`/incidents/3/`) becomes a full link."""
    return SITE_PATH.sub(lambda match: absolute_url(match.group(1)), text)
