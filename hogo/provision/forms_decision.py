"""The decision forms of a provision request: the manager's (provide, provide in part with a
trimmed scope, refuse with reasons) and the second approver's. They only parse; whether the
scope lies within the request and the reasons are there is for `provision.decision`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hogo.clock import JST
from hogo.provision.models import Outcome, ProvisionRequest
from hogo.registry import services as registry

DATETIME = {"type": "datetime-local", "step": 1}
FORMAT = "%Y-%m-%dT%H:%M:%S"


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("決定"), choices=Outcome.choices,
                                widget=forms.RadioSelect,
                                error_messages={"required": _("決定を選んでください。")})
    start = forms.DateTimeField(label=_("提供する範囲（開始日時）"), required=False,
                                widget=forms.DateTimeInput(attrs=DATETIME, format=FORMAT))
    end = forms.DateTimeField(label=_("提供する範囲（終了日時）"), required=False,
                              widget=forms.DateTimeInput(attrs=DATETIME, format=FORMAT))
    channels = forms.MultipleChoiceField(
        label=_("提供するカメラ"), choices=(), widget=forms.CheckboxSelectMultiple,
        required=False, error_messages={"invalid_choice": _(
            "この車両のドライブレコーダーにないカメラが選ばれています。")})
    audio = forms.BooleanField(label=_("音声を提供する"), required=False)
    reason = forms.CharField(
        label=_("理由（一部提供・不提供の場合は必須。決定通知書に記載します）"), required=False,
        max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, data: Any = None, *, request: ProvisionRequest, **kwargs: Any) -> None:
        initial = kwargs.pop("initial", None) or {}
        if request.start_at and request.end_at:
            initial = {"start": request.start_at.astimezone(JST).replace(tzinfo=None),
                       "end": request.end_at.astimezone(JST).replace(tzinfo=None),
                       "channels": list(request.channels), "audio": request.audio, **initial}
        super().__init__(data, initial=initial, **kwargs)
        cameras = registry.channels_of(request.vehicle) if request.vehicle_id else []
        self.fields["channels"].choices = cameras

    def clean(self) -> dict:
        data = super().clean()
        for name in ("start", "end"):
            value = data.get(name)
            if value is not None:
                data[name] = (value.replace(tzinfo=JST) if value.tzinfo is None
                              else value.astimezone(JST))
        return data

    def scope(self) -> dict[str, Any]:
        """The scope values for `decision.decide` (None where the form left them empty)."""
        data = self.cleaned_data
        return {"start": data.get("start"), "end": data.get("end"),
                "channels": data.get("channels") or [], "audio": bool(data.get("audio"))}


class SecondApprovalForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("第二承認"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        choices=(("yes", _("承認する")), ("no", _("承認しない（不提供とする）"))),
        error_messages={"required": _("承認するか否かを選んでください。")})
    reason = forms.CharField(label=_("理由（承認しない場合は必須。不提供決定通知書に記載します）"),
                             required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))
