"""Forms of the accounts pages; messages are Japanese first."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(label=_("ログインID"), max_length=150)
    password = forms.CharField(label=_("パスワード"), widget=forms.PasswordInput)


class TotpForm(forms.Form):
    code = forms.RegexField(label=_("確認コード（6桁）"), regex=r"^\s*\d{6}\s*$",
                            error_messages={"invalid": _("6桁の数字を入力してください。")})


class LeaverForm(forms.Form):
    left_on = forms.DateField(label=_("退職日"), widget=forms.DateInput(attrs={"type": "date"}))


class TokenForm(forms.Form):
    name = forms.CharField(label=_("名称（例：本庁舎 車庫端末）"), max_length=100)


class PolicyOverrideForm(forms.Form):
    path = forms.CharField(widget=forms.HiddenInput)
    value = forms.CharField(label=_("新しい値"), max_length=50)
    reason = forms.CharField(label=_("変更理由"), max_length=500, widget=forms.Textarea(
        attrs={"rows": 2}))
