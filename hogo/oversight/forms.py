"""The auditors' filter; dates are Japanese calendar days."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("操作者"), required=False)
    action = forms.CharField(label=_("操作"), required=False)
    object_type = forms.CharField(label=_("対象の種類"), required=False)
    date_from = forms.DateField(label=_("開始日"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("終了日"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
