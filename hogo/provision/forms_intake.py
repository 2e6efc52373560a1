"""Intake forms: the staff form from a letter and the public request form.

The forms check formats only (a date is a date, a camera is one on offer); whether the own
rule's Art. 9 items are all there is the service's to say (`intake.missing_items`), so the
staff form may save an incomplete letter and the public form lists what is missing. Times
are entered in Japan time (datetime-local).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hogo.clock import JST
from hogo.provision import intake
from hogo.provision.models import Basis, RecipientKind, RecordForm

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ROWS3 = forms.Textarea(attrs={"rows": 3})


def _datetime(label: Any, help_text: Any = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, required=False, help_text=help_text,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
                       "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several scanned pages or letters at once (checked by the service, not here)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={
            "accept": "application/pdf,image/jpeg,image/png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, (list, tuple)) else [data]
        return [f for f in files if f]


class RequestFields(forms.Form):
    """What every request says (the own rule's Art. 9 items)."""

    recipient_kind = forms.ChoiceField(label=_("請求者の区分"), required=False)
    requester_name = forms.CharField(label=_("氏名又は名称"), max_length=200, required=False)
    requester_address = forms.CharField(label=_("住所又は所在地"), max_length=300,
                                        required=False)
    is_organisation = forms.BooleanField(
        label=_("法人・団体等として申請する"), required=False,
        help_text=_("警察、裁判所、弁護士会、保険会社、事業者などは法人・団体等です。"))
    representative = forms.CharField(label=_("代表者の氏名"), max_length=200, required=False,
                                     help_text=_("法人・団体等の場合（例：○○警察署長 ○○ ○○）"))
    person_in_charge = forms.CharField(label=_("責任者（担当者）の氏名"), max_length=200,
                                       required=False,
                                       help_text=_("法人・団体等の場合（例：刑事課 ○○ ○○）"))
    phone = forms.CharField(label=_("電話番号"), max_length=40, required=False)
    email = forms.EmailField(label=_("メールアドレス"), required=False)
    basis = forms.ChoiceField(label=_("提供を求める根拠"), required=False)
    basis_detail = forms.CharField(
        label=_("根拠の詳細（法令名・条項など）"), max_length=300, required=False,
        help_text=_("「その他の法令の規定」「その他」の場合は必ず記入してください。"))
    letter_reference = forms.CharField(
        label=_("文書番号"), max_length=100, required=False,
        help_text=_("照会書・依頼書などの番号（例：○○署刑第123号）"))
    letter_date = forms.DateField(label=_("文書の日付"), required=False, widget=DATE)
    purpose = forms.CharField(label=_("提供を求める目的"), max_length=3000, required=False,
                              widget=ROWS3,
                              help_text=_("何のために映像が必要かを具体的に（例：○月○日の"
                                          "交通事故の状況確認のため）"))
    vehicle_text = forms.CharField(
        label=_("車両（登録番号など）"), max_length=200, required=False,
        help_text=_("分かる範囲で（例：品川300あ1234、ごみ収集車）"))
    place = forms.CharField(label=_("場所"), max_length=300, required=False,
                            help_text=_("例：○○市○○町1丁目交差点付近"))
    start_at = _datetime(_("開始日時"), _("日本時間で入力してください。"))
    end_at = _datetime(_("終了日時"), _("必要な範囲に限ってください。"))
    channels = forms.MultipleChoiceField(
        label=_("カメラ"), choices=(), required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _(
            "この車両のドライブレコーダーにないカメラが選ばれています。")})
    audio = forms.BooleanField(label=_("音声も必要"), required=False)
    consent_on = forms.DateField(label=_("本人の同意を得た日"), required=False, widget=DATE,
                                 help_text=_("根拠が「本人の同意」の場合（同意書を添えてください）"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient_kind"].choices = [("", "—")] + list(self.kinds())
        self.fields["basis"].choices = [("", "—")] + list(Basis.choices)

    def kinds(self) -> list[tuple[str, Any]]:
        return list(RecipientKind.choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("start_at", "end_at"):
            if data.get(name) is not None:
                data[name] = data[name].astimezone(JST)
        return data

    def add_missing(self, codes: list[str]) -> None:
        """Mark each missing item beside its field (everything typed stays)."""
        for code in codes:
            field = intake.missing_field(code)
            if field in self.fields:
                self.add_error(field, intake.missing_reasons_one(code))

    def add_refusal(self, refused: intake.ProvisionError) -> list[str]:
        """A refusal about one field goes beside it (everything typed stays); the others'
        reasons are returned for the top of the form."""
        if refused.field in self.fields:
            for reason in refused.reasons:
                self.add_error(refused.field, reason)
            return []
        return list(refused.reasons)

    def request_data(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items()
                if name in intake.FIELDS}


class StaffRequestForm(RequestFields):
    """A letter entered by staff; may be saved incomplete (補正待ち)."""

    vehicle = forms.ModelChoiceField(label=_("車両"), queryset=None, required=False,
                                     empty_label=_("未特定"),
                                     help_text=_("特定できたら選んでください。受付には車両の特定が"
                                                 "必要です。"))
    sensitive = forms.BooleanField(label=_("要配慮個人情報を含む"), required=False)
    opt_out_on = forms.DateField(label=_("オプトアウトの届出日"), required=False, widget=DATE)
    record_form = forms.ChoiceField(label=_("記録の作成方法"), choices=RecordForm.choices,
                                    initial=RecordForm.SINGLE, required=False)
    files = MultipleFileField(label=_("受け取った文書（スキャンしたPDF・JPEG・PNG）"),
                              required=False)

    field_order = ["recipient_kind", "requester_name", "requester_address", "is_organisation",
                   "representative", "person_in_charge", "phone", "email", "basis",
                   "basis_detail", "letter_reference", "letter_date", "consent_on",
                   "purpose", "vehicle", "vehicle_text", "place", "start_at", "end_at",
                   "channels", "audio", "sensitive", "opt_out_on", "record_form", "files"]

    def __init__(self, *args: Any, vehicles: Any, cameras: dict[int, list[tuple[str, str]]],
                 with_files: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vehicle"].queryset = vehicles
        self.fields["vehicle"].label_from_instance = lambda v: f"{v}（{v.department}）"
        chosen = self._chosen_vehicle()
        if chosen in cameras:
            offered = cameras[chosen]
        else:
            have = {code for pairs in cameras.values() for code, _label in pairs}
            offered = [(c, label) for c, label in intake.camera_choices() if c in have]
        self.fields["channels"].choices = offered
        if not with_files:
            del self.fields["files"]

    def _chosen_vehicle(self) -> int | None:
        raw = (self.data or {}).get("vehicle") if self.is_bound else self.initial.get(
            "vehicle")
        try:
            return int(getattr(raw, "pk", raw))
        except (TypeError, ValueError):
            return None

    def clean_files(self) -> list[Any]:
        files = self.cleaned_data.get("files") or []
        for uploaded in files:
            try:
                intake.check_upload(uploaded)
            except intake.ProvisionError as refused:
                raise forms.ValidationError(f"{uploaded.name}: {refused}") from None
        return files


class PublicRequestForm(RequestFields):
    """The public form (no account): requesters do not know our vehicles, only what they
    saw; every item the own rule asks for must be there before it is sent."""

    channels = forms.MultipleChoiceField(
        label=_("カメラ（分かれば）"), choices=(), required=False,
        widget=forms.CheckboxSelectMultiple)

    field_order = ["recipient_kind", "is_organisation", "requester_name", "requester_address",
                   "representative", "person_in_charge", "phone", "email", "basis",
                   "basis_detail", "letter_reference", "letter_date", "consent_on",
                   "purpose", "vehicle_text", "place", "start_at", "end_at", "channels",
                   "audio"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channels"].choices = intake.camera_choices()
        labels = {"requester_name": _("氏名又は名称（法人・団体等はその名称）"),
                  "requester_address": _("住所又は所在地")}
        for name, label in labels.items():
            self.fields[name].label = label
        self.fields["phone"].help_text = _("内容の確認のためにご連絡することがあります。")

    def kinds(self) -> list[tuple[str, Any]]:
        # Outsourcing, succession and joint use are not requests from outside.
        return [(k, v) for k, v in RecipientKind.choices if k not in (
            RecipientKind.CONTRACTOR, RecipientKind.JOINT_USER, RecipientKind.SUCCESSOR)]


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("取下げ・受付不可の理由"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class AttachForm(forms.Form):
    files = MultipleFileField(label=_("文書を添付（PDF・JPEG・PNG）"))
