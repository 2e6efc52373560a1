"""Copy request, decision, extension and hold forms (times in Japan time)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hogo.clock import JST
from hogo.copies.models import ExtensionReason
from hogo.registry.models import Channel


class CopyRequestForm(forms.Form):
    vehicle = forms.ModelChoiceField(label=_("車両"), queryset=None)
    start = forms.DateTimeField(label=_("開始日時"),
                                widget=forms.DateTimeInput(attrs={"type": "datetime-local",
                                                                  "step": 1}))
    end = forms.DateTimeField(label=_("終了日時"),
                              widget=forms.DateTimeInput(attrs={"type": "datetime-local",
                                                                "step": 1}))
    channels = forms.MultipleChoiceField(
        label=_("カメラ"), choices=(), widget=forms.CheckboxSelectMultiple, required=False,
        error_messages={"invalid_choice": _(
            "この車両のドライブレコーダーにないカメラが選ばれています。")})
    audio = forms.BooleanField(label=_("音声を含める"), required=False)
    purpose = forms.ChoiceField(label=_("利用目的"))
    justification = forms.CharField(label=_("必要な理由（事故の日時・場所、照会番号など）"),
                                    max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    long_range_reason = forms.CharField(label=_("長い範囲が必要な理由（上限を超える場合）"),
                                        required=False, max_length=1000,
                                        widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, vehicles, purposes, cameras: dict[int, list[tuple[str, str]]],
                 min_reason_chars: int = 0, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vehicle"].queryset = vehicles
        # Every listed code plus anything typed: refusals are explained, not hidden.
        self.fields["purpose"].choices = purposes
        self.cameras, self.min_reason_chars = cameras, min_reason_chars
        chosen = self._chosen_vehicle()
        if chosen is None and len(cameras) == 1:
            chosen = next(iter(cameras))
        if chosen is not None and self.initial.get("vehicle") is None:
            self.initial["vehicle"] = chosen
        # Only the cameras the chosen vehicle's recorders really have; before a vehicle is
        # chosen, those any vehicle has (the page's script narrows them to the choice).
        if chosen in cameras:
            offered = cameras[chosen]
        else:
            have = {code for pairs in cameras.values() for code, _label in pairs}
            offered = [(code, str(label)) for code, label in Channel.choices if code in have]
        self.fields["channels"].choices = offered
        self.fields["justification"].help_text = _(
            "%(count)d文字以上で、どの事故・照会のための複製かが分かるように書いてください。"
        ) % {"count": min_reason_chars}

    def _chosen_vehicle(self) -> int | None:
        raw = (self.data or {}).get("vehicle") or self.initial.get("vehicle")
        try:
            return int(getattr(raw, "pk", raw))
        except (TypeError, ValueError):
            return None

    def clean_justification(self) -> str:
        text = self.cleaned_data["justification"].strip()
        if len(text) < self.min_reason_chars:
            raise forms.ValidationError(
                _("必要な理由は%(min)d文字以上で具体的に書いてください（事故の日時・場所、照会番号"
                  "など。いまは%(count)d文字です）。"),
                params={"min": self.min_reason_chars, "count": len(text)}, code="too_short")
        return text

    def clean(self) -> dict:
        data = super().clean()
        for name in ("start", "end"):
            if data.get(name) is not None:
                data[name] = data[name].astimezone(JST)
        return data


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("不承認の理由"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionForm(forms.Form):
    reason = forms.ChoiceField(label=_("延長の理由"), choices=ExtensionReason.choices)
    asked_by = forms.CharField(label=_("要請者・根拠（例：〇〇警察署 捜査照会第123号）"),
                               max_length=300)
    until = forms.DateField(label=_("延長後の保存期間の満了日（この日まで保存し、翌日に消去）"),
                            widget=forms.DateInput(attrs={"type": "date"}))


class HoldForm(forms.Form):
    reference = forms.CharField(label=_("参照（事件番号など）"), max_length=200)
