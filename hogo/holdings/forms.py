"""The register entry form (formats only; what must be there is the service's to say)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hogo.holdings.models import Form

ROWS2 = forms.Textarea(attrs={"rows": 2})


class EntryForm(forms.Form):
    name = forms.CharField(label=_("ファイルの名称"), max_length=200, required=False)
    department = forms.ModelChoiceField(label=_("事務をつかさどる組織（責任部署）"),
                                        queryset=None, required=False)
    purpose = forms.CharField(label=_("利用目的"), max_length=2000, required=False, widget=ROWS2,
                              help_text=_("何の事務で何のために使うのかを具体的に（「業務のため」"
                                          "は不可）"))
    items = forms.CharField(label=_("記録項目"), max_length=2000, required=False, widget=ROWS2)
    persons = forms.CharField(label=_("記録範囲（本人として記録される個人の範囲）"),
                              max_length=1000, required=False, widget=ROWS2)
    collected_by = forms.CharField(label=_("記録情報の収集方法"), max_length=1000,
                                   required=False, widget=ROWS2)
    sensitive = forms.BooleanField(label=_("要配慮個人情報を含む"), required=False)
    regular_recipients = forms.CharField(label=_("経常的な提供先"), max_length=1000,
                                         required=False, widget=ROWS2)
    access = forms.CharField(label=_("取り扱う者（アクセスできる者）"), max_length=1000,
                             required=False, widget=ROWS2)
    retention = forms.CharField(label=_("保存期間・消去の規則"), max_length=1000, required=False,
                                widget=ROWS2)
    special_procedures = forms.CharField(label=_("訂正・利用停止に関する他の法令の特別の手続等"),
                                         max_length=1000, required=False, widget=ROWS2)
    form = forms.ChoiceField(label=_("ファイルの形態"), choices=Form.choices,
                             initial=Form.ELECTRONIC)
    persons_estimate = forms.IntegerField(label=_("本人の数（概数）"), min_value=0,
                                          required=False)
    exemption_reason = forms.CharField(
        label=_("ファイル簿に掲載しない理由（本人の数が1,000人未満の場合だけ）"), max_length=1000,
        required=False, widget=ROWS2)

    def __init__(self, *args: Any, departments: Any, only: tuple[str, ...] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        if only:
            for name in [n for n in self.fields if n not in only]:
                del self.fields[name]
