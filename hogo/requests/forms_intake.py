"""Intake forms: the request taken at the counter or from a letter, the public request form,
the identity check, the 補正 and the withdrawal.

The forms check formats only; whether the request states every item it must is the
service's to say (`intake.missing_items`), so staff may save an incomplete letter and the
public form lists what is missing beside each field. Times are Japan time (datetime-local).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hogo.clock import JST
from hogo.provision.forms_intake import DATE, DATETIME_FORMAT, ROWS3, MultipleFileField
from hogo.requests import intake
from hogo.requests.models import DisclosureOf, DocumentKind, Kind, Method, Received, RequesterType


def _datetime(label: Any, help_text: Any = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, required=False, help_text=help_text,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT))


class RequestFields(forms.Form):
    """What every request states (Act Arts. 77(1), 91(1), 99(1); the business's procedure)."""

    kind = forms.ChoiceField(label=_("請求の種類"), choices=Kind.choices,
                             widget=forms.RadioSelect)
    disclosure_of = forms.MultipleChoiceField(
        label=_("開示を求めるもの（開示請求）"), choices=DisclosureOf.choices, required=False,
        widget=forms.CheckboxSelectMultiple)
    requester_type = forms.ChoiceField(label=_("請求者"), choices=RequesterType.choices,
                                       initial=RequesterType.SELF, widget=forms.RadioSelect)
    requester_name = forms.CharField(label=_("請求者の氏名"), max_length=200, required=False)
    requester_kana = forms.CharField(label=_("フリガナ"), max_length=200, required=False)
    requester_address = forms.CharField(label=_("住所又は居所"), max_length=300, required=False)
    phone = forms.CharField(label=_("電話番号"), max_length=40, required=False)
    email = forms.EmailField(label=_("メールアドレス"), required=False)
    principal_name = forms.CharField(label=_("本人の氏名（代理人による請求の場合）"),
                                     max_length=200, required=False)
    principal_address = forms.CharField(label=_("本人の住所（代理人による請求の場合）"),
                                        max_length=300, required=False)
    data_description = forms.CharField(
        label=_("求める個人情報を特定するに足りる事項"), max_length=3000, required=False,
        widget=ROWS3, help_text=_("例：令和8年4月に受講した技能教習の記録、○○課の運行記録簿"))
    occurred_from = _datetime(_("映像の日時（から）"), _("日本時間。分かる範囲で。"))
    occurred_to = _datetime(_("映像の日時（まで）"))
    place = forms.CharField(label=_("映像の場所"), max_length=300, required=False,
                            help_text=_("例：デモ市中央一丁目交差点の横断歩道付近"))
    vehicle_text = forms.CharField(label=_("車両・路線"), max_length=200, required=False,
                                   help_text=_("例：市の公用車（白い軽自動車）、○○線のバス"))
    appearance = forms.CharField(label=_("服装・乗っていた車両など"), max_length=300,
                                 required=False,
                                 help_text=_("ご本人を見分けるため（例：赤い上着、黒い自転車）"))
    content = forms.CharField(
        label=_("請求の趣旨及び理由（訂正・利用停止等の請求）"), max_length=3000, required=False,
        widget=ROWS3, help_text=_("訂正の場合は、誤っている内容と正しい内容を書いてください。"))
    disclosed_on = forms.DateField(label=_("開示の実施を受けた日（訂正・利用停止等の請求）"),
                                   required=False, widget=DATE)
    method = forms.ChoiceField(label=_("希望する開示の実施の方法"),
                               choices=[("", "—"), *Method.choices], required=False)

    def __init__(self, *args: Any, organisation: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisation is not None:
            kinds = intake.kinds_for(organisation)
            self.fields["kind"].choices = [(k, v) for k, v in Kind.choices if k in kinds]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("occurred_from", "occurred_to"):
            if data.get(name) is not None:
                data[name] = data[name].astimezone(JST)
        return data

    def add_missing(self, codes: list[str]) -> None:
        for code in codes:
            field = intake.missing_field(code)
            if field in self.fields:
                self.add_error(field, intake.missing_reason(code))

    def add_refusal(self, refused: intake.RequestError) -> list[str]:
        """A refusal about one field goes beside it; the others are returned for the top."""
        if refused.field in self.fields:
            for reason in refused.reasons:
                self.add_error(refused.field, reason)
            return []
        return list(refused.reasons)

    def request_data(self, allowed: tuple[str, ...] = intake.FIELDS) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name in allowed}


class StaffRequestForm(RequestFields):
    """A request at the counter or by post; may be saved with an item missing."""

    received_via = forms.ChoiceField(label=_("受付方法"), initial=Received.COUNTER,
                                     choices=[(v, label) for v, label in Received.choices
                                              if v in intake.STAFF_VIAS])
    received_on = forms.DateField(label=_("請求が到達した日"), required=False, widget=DATE,
                                  help_text=_("空欄なら今日。郵送の場合は届いた日。"))
    department = forms.ModelChoiceField(label=_("担当する所属"), queryset=None, required=False,
                                        empty_label=_("未定（個人情報保護管理者が決める）"))

    field_order = ["received_via", "received_on", "kind", "disclosure_of", "requester_type",
                   "requester_name", "requester_kana", "requester_address", "phone", "email",
                   "principal_name", "principal_address", "data_description", "occurred_from",
                   "occurred_to", "place", "vehicle_text", "appearance", "content",
                   "disclosed_on", "method", "department"]

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class PublicRequestForm(RequestFields):
    """The public form: every item must be there before it is sent."""

    def request_data(self, allowed: tuple[str, ...] = intake.PUBLIC_FIELDS) -> dict[str, Any]:
        return super().request_data(allowed)


class IdentityCheckForm(forms.Form):
    documents = forms.MultipleChoiceField(label=_("確認した書類"), choices=DocumentKind.choices,
                                          widget=forms.CheckboxSelectMultiple)
    by_post = forms.BooleanField(label=_("郵送による請求（書類の写しと住民票の写しで確認）"),
                                 required=False)
    residence_certificate_on = forms.DateField(label=_("住民票の写しの作成日"), required=False,
                                               widget=DATE)
    documents_on = forms.DateField(label=_("書類の写しが届いた日（郵送）"), required=False,
                                   widget=DATE,
                                   help_text=_("空欄なら請求が到達した日。請求フォームの後で郵送"
                                               "された場合はその届いた日。"))
    note = forms.CharField(label=_("備考（書類の番号は記録しない）"), max_length=2000,
                           required=False, widget=forms.Textarea(attrs={"rows": 2}))
    images = MultipleFileField(label=_("郵送で届いた書類の写し（PDF・JPEG・PNG、完了時に消去）"),
                               required=False)


class CorrectionForm(forms.Form):
    what = forms.CharField(label=_("補正を求める事項"), max_length=3000, widget=ROWS3)
    asked_on = forms.DateField(label=_("補正を求めた日"), required=False, widget=DATE,
                               help_text=_("空欄なら今日。"))
    reply_by = forms.DateField(label=_("補正の期限"), required=False, widget=DATE,
                               help_text=_("相当の期間を定めて求めます（法第77条第3項）。空欄なら"
                                           "求めた日から14日後。"))


class AnsweredForm(forms.Form):
    answered_on = forms.DateField(label=_("補正された日"), required=False, widget=DATE,
                                  help_text=_("空欄なら今日。"))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("取下げの理由"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))
