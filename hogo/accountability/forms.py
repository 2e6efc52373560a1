"""Forms of accountability: a course, a training record (one person or a session's
attendees), a contractor, its selection check, contract, audit and incident report. They only
parse what was typed; the rules are the services' (training.py, contractors.py), whose
refusals come back beside the field with everything typed kept."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hogo.accountability.contractors import CHECK_ITEMS, CLAUSES, NEW_INCIDENT
from hogo.accountability.models import CourseKind
from hogo.accountability.training import DEFAULT_ROLES
from hogo.accounts.models import Role
from hogo.incidents.models import IncidentKind


def _date(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required,
                           widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={
                               "invalid": _("日付を 2026-04-01 のように入力してください。"),
                               "required": _("日付を入力してください。")})


def _text(label: Any, max_length: int, *, area: bool = False,
          required: bool = True) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": 3}) if area else forms.TextInput()
    return forms.CharField(label=label, max_length=max_length, required=required,
                           widget=widget, error_messages={"required": _("入力してください。")})


class CourseForm(forms.Form):
    """A new course: its name, form, content and audience."""

    name = _text(_("研修名"), 200)
    kind = forms.ChoiceField(label=_("形式"), choices=CourseKind.choices)
    description = _text(_("内容"), 2000, area=True, required=False)
    roles = forms.MultipleChoiceField(
        label=_("受講対象の役割（選ばなければシステム管理者以外の全員）"), required=False,
        choices=[(r, label) for r, label in Role.choices if r in DEFAULT_ROLES],
        widget=forms.CheckboxSelectMultiple)
    departments = forms.ModelMultipleChoiceField(
        label=_("受講対象の所属（選ばなければ全所属）"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = departments


class RecordForm(forms.Form):
    """Who took a course on one day: one person or a whole session's attendees."""

    taken_on = _date(_("受講日"))
    people = forms.ModelMultipleChoiceField(
        label=_("受講した人"), queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("受講した人を一人以上選んでください。")})
    note = _text(_("備考（会場、講師など）"), 300, required=False)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people
        self.fields["people"].label_from_instance = lambda p: f"{p}（{p.department or ''}）"


class ContractorForm(forms.Form):
    """A new contractor."""

    name = _text(_("名称"), 200)
    address = _text(_("所在地"), 300)
    handles = _text(_("委託する取扱い（個人データの内容）"), 2000, area=True)
    contact = _text(_("連絡先（担当者・電話・メール）"), 300)


class CheckForm(forms.Form):
    """The selection checklist: for each item, met or not, and a note."""

    checked_on = _date(_("確認日"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in CHECK_ITEMS:
            self.fields[f"{code}_ok"] = forms.BooleanField(label=label, required=False)
            self.fields[f"{code}_note"] = forms.CharField(
                label=_("備考"), max_length=300, required=False)

    def rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"{code}_ok"], self[f"{code}_note"]) for code, _label in CHECK_ITEMS]

    def answers(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        return {code: {"ok": data.get(f"{code}_ok", False), "note": data.get(f"{code}_note", "")}
                for code, _label in CHECK_ITEMS}


class ContractForm(forms.Form):
    """A signed contract: its dates and which required clauses it holds."""

    starts_on = _date(_("契約開始日"))
    ends_on = _date(_("契約終了日"), required=False)
    note = _text(_("備考（契約書の番号など）"), 300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in CLAUSES:
            self.fields[f"clause_{code}"] = forms.BooleanField(label=label, required=False)

    def clause_fields(self) -> list[Any]:
        return [self[f"clause_{code}"] for code, _label in CLAUSES]

    def clauses(self) -> dict[str, bool]:
        return {code: bool(self.cleaned_data.get(f"clause_{code}")) for code, _label in CLAUSES}


class AuditForm(forms.Form):
    """A periodic audit done."""

    done_on = _date(_("実施日"))
    done_by = _text(_("実施者"), 200)
    findings = _text(_("結果・指摘事項"), 4000, area=True)


class IncidentReportForm(forms.Form):
    """A contractor told us of an incident: which one, when, who and what."""

    incident = forms.ChoiceField(label=_("事案"), error_messages={
        "required": _("事案を選んでください。"), "invalid_choice": _("事案を選んでください。")})
    kind = forms.ChoiceField(label=_("新しい事案の種類"), required=False,
                             choices=[("", "—"), *IncidentKind.choices])
    told_on = _date(_("連絡を受けた日"))
    told_by = _text(_("連絡してきた人（委託先）"), 200)
    what = _text(_("連絡の内容"), 4000, area=True)

    def __init__(self, *args: Any, incidents: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["incident"].choices = [("", "—"), (NEW_INCIDENT, _(
            "新しい事案として報告する"))] + [(str(i.pk), f"{i.number} {i.title}")
                                              for i in incidents]
