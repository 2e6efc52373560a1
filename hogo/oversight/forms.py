"""The auditors' filter (dates are Japanese calendar days), the access-log flags' filter
and dismissal, and the choice of the monthly access report."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hogo.oversight.access_report import month_bounds


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("操作者"), required=False)
    action = forms.CharField(label=_("操作"), required=False)
    object_type = forms.CharField(label=_("対象の種類"), required=False)
    date_from = forms.DateField(label=_("開始日"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("終了日"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))


STATES = (("open", _("未確認")), ("dismissed", _("確認済み")), ("all", _("すべて")))


class FlagFilterForm(forms.Form):
    """Which flags to list: open ones by default; dismissed ones stay findable."""

    state = forms.ChoiceField(label=_("状態"), choices=STATES, required=False)
    pattern = forms.ChoiceField(label=_("パターン"), required=False)

    def __init__(self, *args, patterns=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pattern"].choices = [("", _("すべて")), *patterns]


class DismissForm(forms.Form):
    """The privacy officer's written reason for marking a flag reviewed."""

    reason = forms.CharField(label=_("確認済みとする理由"), widget=forms.Textarea(attrs={
        "rows": 3}), required=False)


class ReportForm(forms.Form):
    """A department and a month (YYYY-MM) for the monthly access report."""

    department = forms.ModelChoiceField(label=_("部署"), queryset=None, empty_label=None)
    month = forms.CharField(label=_("月"), widget=forms.DateInput(attrs={"type": "month"}))

    def __init__(self, *args, departments=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments

    def clean_month(self) -> str:
        month = self.cleaned_data["month"].strip()
        try:
            month_bounds(month)
        except ValueError as error:
            raise forms.ValidationError(_("月は 2026-06 のように年と月で指定してください。")
                                        ) from error
        return month
