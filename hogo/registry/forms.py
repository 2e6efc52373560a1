"""The register screens' forms: they parse what was typed; the rules are in services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hogo.accounts.models import Department
from hogo.registry.models import Channel, NamingProfile, Recorder, Vehicle, VehicleKind

GIB = 1 << 30


class VehicleForm(forms.Form):
    department = forms.ModelChoiceField(label=_("所属"), queryset=None, empty_label=None)
    registration = forms.CharField(label=_("登録番号（ナンバー）"), max_length=40)
    kind = forms.ChoiceField(label=_("種別"), choices=VehicleKind.choices)
    label = forms.CharField(label=_("名称（例：公用車1号）"), max_length=100, required=False)

    def __init__(self, *args: Any, departments: list, instance: Vehicle | None = None,
                 **kwargs: Any) -> None:
        if instance is not None and (not args or args[0] is None):
            kwargs.setdefault("initial", {"department": instance.department_id,
                                          "registration": instance.registration,
                                          "kind": instance.kind, "label": instance.label})
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            pk__in=[d.pk for d in departments])


class RecorderForm(forms.Form):
    maker = forms.CharField(label=_("メーカー"), max_length=100)
    model_name = forms.CharField(label=_("型式"), max_length=100)
    serial = forms.CharField(label=_("製造番号"), max_length=100)
    channels = forms.MultipleChoiceField(
        label=_("付いているカメラ"), choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("付いているカメラを1つ以上選んでください。")})
    capacity_gb = forms.DecimalField(
        label=_("記録容量（GB）"), required=False, min_value=Decimal("0.1"), max_digits=8,
        decimal_places=1, help_text=_("超えると古い元データから消去されます（時間でも可）。"))
    capacity_hours = forms.IntegerField(label=_("記録容量（時間）"), required=False,
                                        min_value=1)
    has_microphone = forms.BooleanField(label=_("マイクあり（音声も記録する）"), required=False)
    naming_profile = forms.ChoiceField(label=_("ファイル名の形式"),
                                       choices=NamingProfile.choices)
    notice_checked_on = forms.DateField(
        label=_("「ドライブレコーダー搭載車」表示の確認日"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, instance: Recorder | None = None, **kwargs: Any) -> None:
        if instance is not None and (not args or args[0] is None):
            gb = (Decimal(instance.capacity_bytes) / GIB).quantize(Decimal("0.1")) if (
                instance.capacity_bytes) else None
            kwargs.setdefault("initial", {
                "maker": instance.maker, "model_name": instance.model_name,
                "serial": instance.serial, "channels": instance.channels, "capacity_gb": gb,
                "capacity_hours": instance.capacity_hours,
                "has_microphone": instance.has_microphone,
                "naming_profile": instance.naming_profile,
                "notice_checked_on": instance.notice_checked_on})
        super().__init__(*args, **kwargs)

    def service_data(self) -> dict[str, Any]:
        """What the service takes: the capacity in bytes."""
        data = dict(self.cleaned_data)
        gb = data.pop("capacity_gb")
        data["capacity_bytes"] = int(gb * GIB) if gb else None
        return data
