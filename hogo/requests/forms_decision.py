"""The forms of the decision area: the fee and its payment, the extension and the special rule
for very large requests, the decision, carrying it out, the notice day and closing.

They only parse; what the law allows (grounds, reasons, free kinds, the extension's limit) is
for `hogo.requests.deciding`, `fees` and `carrying`, whose refusals come back on the form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hogo.clock import JST
from hogo.requests import carrying, deciding, letters
from hogo.requests.models import Method, PersonalRequest

DATE = {"type": "date"}
COUNT = {"min": 0, "step": 1}


def _count(label: Any, *, initial: int = 0) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, initial=initial,
                              widget=forms.NumberInput(attrs=COUNT), error_messages={
                                  "required": _("0以上の数を入力してください。"),
                                  "invalid": _("0以上の数を入力してください。"),
                                  "min_value": _("0以上の数を入力してください。")})


class FeeForm(forms.Form):
    items = _count(_("手数料の対象件数（項目ごとに手数料を定めている場合の項目数）"), initial=1)
    sheets = _count(_("写しの交付：用紙の枚数"))
    discs = _count(_("写しの交付：光ディスク等の枚数"))


class PaymentForm(forms.Form):
    amount = forms.IntegerField(label=_("納付額（円）"), min_value=0,
                                error_messages={
                                    "required": _("納付額を入力してください。"),
                                    "invalid": _("納付額は円単位の数で入力してください。")})
    paid_on = forms.DateField(label=_("納付日（空欄：本日）"), required=False,
                              widget=forms.DateInput(attrs=DATE),
                              error_messages={"invalid": _("日付を正しく入力してください。")})

    def paid_at(self) -> dt.datetime | None:
        day = self.cleaned_data.get("paid_on")
        return None if day is None else dt.datetime.combine(day, dt.time(9), tzinfo=JST)


class ExtensionForm(forms.Form):
    new_due_on = forms.DateField(label=_("延長後の決定期限"), required=False,
                                 widget=forms.DateInput(attrs=DATE),
                                 error_messages={"invalid": _("日付を正しく入力してください。")})
    reason = forms.CharField(label=_("延長の理由（延長通知書に記載します）"), required=False,
                             max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class LargeRequestForm(forms.Form):
    remainder_due_on = forms.DateField(
        label=_("残りの部分について開示決定等をする期限"), required=False,
        widget=forms.DateInput(attrs=DATE),
        error_messages={"invalid": _("日付を正しく入力してください。")})
    reason = forms.CharField(label=_("特例を適用する理由（通知書に記載します）"), required=False,
                             max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("決定"), choices=(), widget=forms.RadioSelect,
                                error_messages={
                                    "required": _("決定の内容を選んでください。"),
                                    "invalid_choice": _("決定の内容を選んでください。")})
    grounds = forms.MultipleChoiceField(
        label=_("開示しない部分の根拠（一部開示・不開示・存否応答拒否の場合）"), choices=(),
        required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("この組織に適用されない根拠が選ばれています。")})
    reason = forms.CharField(
        label=_("決定の理由（全部を開示・実施する場合以外は必須。決定通知書に記載します）"),
        required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    records_text = forms.CharField(label=_("第三者提供記録を探す語（本人の氏名など）"),
                                   required=False, max_length=200)

    def __init__(self, data: Any = None, *, request: PersonalRequest, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.fields["outcome"].choices = deciding.outcome_choices(request)
        self.fields["grounds"].choices = letters.ground_choices(request.organisation)
        if not deciding.asks_records(request):
            del self.fields["records_text"]


class CarryOutForm(forms.Form):
    day = forms.DateField(label=_("実施した日（空欄：本日）"), required=False,
                          widget=forms.DateInput(attrs=DATE),
                          error_messages={"invalid": _("日付を正しく入力してください。")})
    method = forms.ChoiceField(label=_("開示の実施の方法"), choices=Method.choices,
                               required=False, widget=forms.RadioSelect)
    measures = forms.CharField(label=_("とった措置の内容（決定通知書に記載します）"),
                               required=False, max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 3}))
    actions = forms.MultipleChoiceField(label=_("システムでとる措置"), choices=(), required=False,
                                        widget=forms.CheckboxSelectMultiple)

    def __init__(self, data: Any = None, *, request: PersonalRequest, **kwargs: Any) -> None:
        initial = kwargs.pop("initial", None) or {}
        if request.method:
            initial = {"method": request.method, **initial}
        super().__init__(data, initial=initial, **kwargs)
        if carrying.is_disclosure(request):
            del self.fields["measures"], self.fields["actions"]
        else:
            del self.fields["method"]
            self.fields["actions"].choices = [(m.code, m.label) for m in
                                              carrying.available_measures(request)]


class NotifiedForm(forms.Form):
    on = forms.DateField(label=_("決定通知書を送付した日（空欄：本日）"), required=False,
                         widget=forms.DateInput(attrs=DATE),
                         error_messages={"invalid": _("日付を正しく入力してください。")})


class CloseForm(forms.Form):
    note = forms.CharField(label=_("備考"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
