"""Forms of the records register: entering a provision or a receipt made outside hogo, and the
register's filters. The forms only parse what was typed; which items the Rules require is the
service's to say (`hogo.provision.records`), so a refusal comes back with everything kept."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hogo.provision.models import RecordForm

BASES = (("consent", _("本人の同意を得て")), ("opt_out", _("オプトアウト（法第27条第2項）により")))
# A receipt may also come from a private individual, who is no business operator: the record
# then holds neither the consent nor the day (Rules Art. 24(1)(iii)).
RECEIPT_BASES = (("consent", _("本人の同意を得て（提供者が本人の同意を得ている）")),
                 ("opt_out", _("オプトアウト（法第27条第2項）により")),
                 ("individual", _("提供者が個人情報取扱事業者でない個人")))
DAY_SPLIT = re.compile(r"[\s,、，]+")


class DaysField(forms.CharField):
    """Days typed one per line or separated by commas: 2025-06-01, 2025/6/1."""

    widget = forms.Textarea(attrs={"rows": 2, "placeholder": "2025-06-01"})

    def to_python(self, value: Any) -> list[dt.date]:
        text = super().to_python(value)
        days = []
        for part in DAY_SPLIT.split(text.strip()) if text.strip() else []:
            match = re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", part)
            try:
                days.append(dt.date(*map(int, match.groups())) if match else None)
            except ValueError:
                days.append(None)
            if days[-1] is None:
                raise forms.ValidationError(
                    _("日付「%(text)s」を読めません。2025-06-01 のように入力してください。"),
                    params={"text": part}, code="bad_day")
        return sorted(set(days))


def _date(label: str) -> forms.DateField:
    return forms.DateField(label=label, required=False,
                           widget=forms.DateInput(attrs={"type": "date"}))


class _RecordEntryForm(forms.Form):
    department = forms.ModelChoiceField(label=_("部署"), queryset=None, required=False)
    form = forms.ChoiceField(label=_("記録の作成方法"), choices=RecordForm.choices,
                             initial=RecordForm.SINGLE)
    basis = forms.ChoiceField(label=_("提供の根拠"), choices=BASES, initial="consent",
                              widget=forms.RadioSelect)
    consent_on = _date(_("本人の同意を得た日"))
    consent_how = forms.CharField(label=_("同意の方法（書面、電磁的方法など）"), max_length=100,
                                  required=False)
    is_organisation = forms.BooleanField(label=_("法人・団体等"), required=False)
    persons = forms.CharField(
        label=_("本人を特定するに足りる事項"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("例：令和7年6月3日14時01分〜14時04分 公用車1号 前方カメラに記録された者"))
    data_items = forms.CharField(label=_("個人データの項目"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}),
                                 help_text=_("例：ドライブレコーダーの映像（前方）、音声なし"))

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        if departments.count() == 1 and not self.is_bound:
            self.initial["department"] = departments.first()


class ProvisionEntryForm(_RecordEntryForm):
    """A provision record (Rules Art. 20)."""

    opt_out_on = _date(_("オプトアウトの届出日"))
    recipient_name = forms.CharField(label=_("第三者の氏名又は名称"), max_length=200,
                                     required=False)
    recipient_address = forms.CharField(label=_("第三者の住所"), max_length=300,
                                        required=False)
    recipient_representative = forms.CharField(label=_("代表者の氏名"), max_length=200,
                                               required=False)
    provided_on = DaysField(label=_("提供年月日（複数の場合は1行に1日）"), required=False)

    field_order = ["department", "form", "basis", "consent_on", "consent_how", "opt_out_on",
                   "recipient_name", "is_organisation", "recipient_address",
                   "recipient_representative", "persons", "data_items", "provided_on"]


class ReceiptEntryForm(_RecordEntryForm):
    """A receipt record (Rules Art. 24)."""

    basis = forms.ChoiceField(
        label=_("提供を受けた根拠"), choices=RECEIPT_BASES, initial="consent",
        widget=forms.RadioSelect,
        help_text=_("提供者が個人情報取扱事業者でない個人のときは、本人の同意を得た日と受領年月日は"
                    "記録事項ではありません（施行規則第24条第1項第3号）。"))
    provider_name = forms.CharField(label=_("提供者の氏名又は名称"), max_length=200,
                                    required=False)
    provider_address = forms.CharField(label=_("提供者の住所"), max_length=300, required=False)
    provider_representative = forms.CharField(label=_("代表者の氏名"), max_length=200,
                                              required=False)
    how_obtained = forms.CharField(label=_("提供者による取得の経緯"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}),
                                   help_text=_("例：同社の営業車両のドライブレコーダーで撮影したもの"))
    received_on = DaysField(label=_("受領年月日（複数の場合は1行に1日）"), required=False)

    field_order = ["department", "form", "basis", "consent_on", "consent_how",
                   "provider_name", "is_organisation", "provider_address",
                   "provider_representative", "how_obtained", "persons", "data_items",
                   "received_on"]


class RecordFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=(("provision", _("提供記録")), ("receipt", _("確認記録"))),
                             required=False, widget=forms.HiddenInput)
    text = forms.CharField(label=_("氏名・名称・本人・項目"), max_length=100, required=False)
    state = forms.ChoiceField(label=_("状態"), required=False, choices=(
        ("", _("すべて")), ("kept", _("保存中")), ("erased", _("消去済み"))))
    department = forms.ModelChoiceField(label=_("部署"), queryset=None, required=False,
                                        empty_label=_("すべて"))

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
