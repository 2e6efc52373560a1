"""The complaint's 経過 in words: each Event's action code worded in the reader's language,
its dates in the Japanese era (English: ISO), so the page tells the story without codes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from hogo.complaints.models import AnswerHow, Complaint, Event, Via
from hogo.rules.wareki import format_wareki


def _day(iso: Any) -> str:
    if not iso:
        return "—"
    day = dt.date.fromisoformat(str(iso))
    return day.isoformat() if translation.get_language() == "en" else format_wareki(day)


def _label(choices: Any, code: Any) -> str:
    return str(dict(choices.choices).get(code, code or "—"))


def word_event(event: Event) -> str:
    """One line of 経過."""
    detail = event.detail or {}
    action = event.action
    if action == "entered":
        values = {"via": _label(Via, detail.get("via")), "due": _day(detail.get("due_on"))}
        if detail.get("anonymous"):
            return _("%(via)sで受け付けました。回答の目安日は%(due)sです。申出人の氏名がないため、"
                     "回答を送ることはできません。") % values
        return _("%(via)sで受け付けました。回答の目安日は%(due)sです。") % values
    if action == "submitted":
        return _("受付フォームから苦情が届きました。回答の目安日は%(due)sです。") % {
            "due": _day(detail.get("due_on"))}
    if action == "assigned":
        if detail.get("previous"):
            return _("担当を%(previous)sから%(department)sに変更しました。") % detail
        return _("%(department)sに担当を割り当てました。") % {
            "department": detail.get("department", "—")}
    if action == "answered":
        how = _label(AnswerHow, detail.get("how"))
        if detail.get("within_target"):
            return _("回答しました（%(how)s）。") % {"how": how}
        return _("回答しました（%(how)s）。回答の目安日を過ぎていました。") % {"how": how}
    if action == "closed":
        note = detail.get("note")
        if note:
            return _("完了としました。記録：%(note)s") % {"note": note}
        return _("完了としました。")
    if action == "withdrawn":
        return _("取下げとしました。理由：%(reason)s") % {"reason": detail.get("reason", "—")}
    if action == "due_soon":
        return _("回答の目安日（%(due)s）が近いことを%(told)sに通知しました。") % {
            "due": _day(detail.get("due_on")), "told": _("、").join(detail.get("told") or [])}
    if action == "overdue":
        return _("回答の目安日（%(due)s）を過ぎたことを%(told)sに通知しました。") % {
            "due": _day(detail.get("due_on")), "told": _("、").join(detail.get("told") or [])}
    return _("記録：%(action)s") % {"action": action}


def timeline(complaint: Complaint) -> list[tuple[Event, str]]:
    """The 経過 as (event, words) pairs, oldest first."""
    return [(e, word_event(e)) for e in complaint.events.select_related("actor")]
