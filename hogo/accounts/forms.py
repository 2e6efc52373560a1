"""Forms of the accounts pages; messages are Japanese first."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from hogo.accounts.models import Department, Organisation, Role, User


class LoginForm(forms.Form):
    username = forms.CharField(label=_("ログインID"), max_length=150)
    password = forms.CharField(label=_("パスワード"), widget=forms.PasswordInput)


class TotpForm(forms.Form):
    code = forms.RegexField(label=_("確認コード（6桁）"), regex=r"^\s*\d{6}\s*$",
                            error_messages={"invalid": _("6桁の数字を入力してください。")})


class LeaverForm(forms.Form):
    left_on = forms.DateField(label=_("退職日"), widget=forms.DateInput(attrs={"type": "date"}))


class NewUserForm(forms.Form):
    """A new account made by the system administrator; the password obeys the validators."""

    username = forms.SlugField(label=_("ログインID"), max_length=150)
    display_name = forms.CharField(label=_("氏名"), max_length=100)
    department = forms.ModelChoiceField(label=_("所属"), queryset=Department.objects.none())
    role = forms.ChoiceField(label=_("役割"), choices=Role.choices)
    password = forms.CharField(label=_("初期パスワード"), widget=forms.PasswordInput)

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(organisation=organisation)

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username=username).exists():
            raise forms.ValidationError(_("このログインIDは既に使われています。"))
        return username

    def clean(self) -> dict:
        data = super().clean()
        if data.get("password"):
            candidate = User(username=data.get("username", ""),
                             display_name=data.get("display_name", ""))
            try:
                password_validation.validate_password(data["password"], candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class TokenForm(forms.Form):
    name = forms.CharField(label=_("名称（例：本庁舎 車庫端末）"), max_length=100)


class PolicyOverrideForm(forms.Form):
    path = forms.CharField(widget=forms.HiddenInput)
    # Up to a rule's full name; may be empty (a citation the own rules do not have).
    value = forms.CharField(label=_("新しい値"), max_length=500, required=False,
                            strip=False)
    reason = forms.CharField(label=_("変更理由"), max_length=500, widget=forms.Textarea(
        attrs={"rows": 2}))
