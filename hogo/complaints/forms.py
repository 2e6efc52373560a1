"""Complaint forms: the staff form, the public form, and the steps (assign, answer, close,
withdraw). The forms check formats only (a date is a date, a choice is on offer); whether a
complaint may be taken in, routed, answered or closed is the services' to say, and their
refusal is shown beside the field it is about, with everything typed kept."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hogo.clock import JST
from hogo.complaints.common import ComplaintError
from hogo.complaints.intake import FIELDS, STAFF_VIAS
from hogo.complaints.models import AnswerHow, Category

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
ANONYMOUS_HELP = _("氏名の記入は任意です。ただし、氏名と連絡先がない場合は回答をお送りできません。")


class ComplaintFields(forms.Form):
    """What every complaint says: who (may stay anonymous), what about, where and when."""

    complainant_name = forms.CharField(label=_("氏名"), max_length=200, required=False,
                                       help_text=ANONYMOUS_HELP)
    complainant_contact = forms.CharField(
        label=_("連絡先（電話番号、メールアドレス又は住所）"), max_length=300, required=False)
    category = forms.ChoiceField(label=_("苦情の区分"), required=False,
                                 choices=[("", "—"), *Category.choices])
    text = forms.CharField(label=_("苦情の内容"), required=False,
                           widget=forms.Textarea(attrs={"rows": 6}))
    vehicle_text = forms.CharField(label=_("車両（分かれば）"), max_length=200, required=False,
                                   help_text=_("例：ごみ収集車、デモ 300 さ 10-01"))
    place = forms.CharField(label=_("場所（分かれば）"), max_length=300, required=False)
    occurred_at = forms.DateTimeField(
        label=_("日時（分かれば）"), required=False,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        help_text=_("日本時間で入力してください。"))

    def clean(self) -> dict[str, Any]:
        """Times typed in Japan time are kept as aware instants."""
        data = super().clean()
        if data.get("occurred_at") is not None:
            data["occurred_at"] = data["occurred_at"].astimezone(JST)
        return data

    def add_refusal(self, refused: ComplaintError) -> list[str]:
        """A refusal about one field goes beside it; the others' reasons are returned for the
        top of the form."""
        if refused.field in self.fields:
            for reason in refused.reasons:
                self.add_error(refused.field, reason)
            return []
        return list(refused.reasons)

    def complaint_data(self) -> dict[str, Any]:
        """The cleaned values the service takes."""
        return {name: value for name, value in self.cleaned_data.items() if name in FIELDS}


class StaffComplaintForm(ComplaintFields):
    """A complaint taken in at the counter, by phone or by post; a handler may route it at
    once (the department is offered only to who may assign)."""

    received_via = forms.ChoiceField(label=_("受付方法"),
                                     choices=[(v.value, v.label) for v in STAFF_VIAS])
    received_on = forms.DateField(label=_("受付日"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"},
                                                         format="%Y-%m-%d"),
                                  help_text=_("空欄の場合は今日です。"))
    department = forms.ModelChoiceField(label=_("担当する所属"), queryset=None,
                                        required=False, empty_label=_("後で割り当てる"))

    field_order = ["received_via", "received_on", "complainant_name", "complainant_contact",
                   "category", "text", "vehicle_text", "place", "occurred_at", "department"]

    def __init__(self, *args: Any, departments: Any, may_route: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if may_route:
            self.fields["department"].queryset = departments
        else:
            del self.fields["department"]


class PublicComplaintForm(ComplaintFields):
    """The public form (no account)."""


class AssignForm(forms.Form):
    """Route to a department of the organisation."""

    department = forms.ModelChoiceField(label=_("担当する所属"), queryset=None,
                                        error_messages={"required": _("所属を選んでください。")})

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class AnswerForm(forms.Form):
    """The answer and how it reached the complainant (checked by the service)."""

    answer = forms.CharField(label=_("回答の内容"), required=False,
                             widget=forms.Textarea(attrs={"rows": 6}))
    answer_how = forms.ChoiceField(label=_("回答の方法"), required=False,
                                   choices=[("", "—"), *AnswerHow.choices])


class CloseForm(forms.Form):
    """Close an answered complaint, with an optional note."""

    note = forms.CharField(label=_("完了の記録（任意）"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class WithdrawForm(forms.Form):
    """Withdraw a complaint; the service requires the reason."""

    reason = forms.CharField(label=_("取下げの理由"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


