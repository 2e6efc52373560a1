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
    channels = forms.MultipleChoiceField(label=_("カメラ"), choices=Channel.choices,
                                         widget=forms.CheckboxSelectMultiple, required=False)
    audio = forms.BooleanField(label=_("音声を含める"), required=False)
    purpose = forms.ChoiceField(label=_("利用目的"))
    justification = forms.CharField(label=_("必要な理由（事故の日時・場所、照会番号など）"),
                                    max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    long_range_reason = forms.CharField(label=_("長い範囲が必要な理由（上限を超える場合）"),
                                        required=False, max_length=1000,
                                        widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, vehicles, purposes, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vehicle"].queryset = vehicles
        # Every listed code plus anything typed: refusals are explained, not hidden.
        self.fields["purpose"].choices = purposes

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
    until = forms.DateField(label=_("延長後の保存期限"),
                            widget=forms.DateInput(attrs={"type": "date"}))


class HoldForm(forms.Form):
    reference = forms.CharField(label=_("参照（事件番号など）"), max_length=200)
