"""The media screens' forms: they parse what was typed; the rules are in services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hogo.accounts.models import Department
from hogo.media.models import Cabinet, Medium, MediumKind

GIB = 1 << 30


class HolderChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)  # the person's name, never an id


class CheckoutForm(forms.Form):
    purpose = forms.CharField(label=_("持出しの目的"), max_length=300)
    due_on = forms.DateField(label=_("返却予定日"),
                             widget=forms.DateInput(attrs={"type": "date"}))
    holder = HolderChoice(label=_("持ち出す人"), queryset=None, empty_label=None)

    def __init__(self, *args: Any, holders: Any, me: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = holders
        self.fields["holder"].initial = getattr(me, "pk", None)
        if holders.count() <= 1:
            del self.fields["holder"]  # only oneself: nothing to choose


class CheckinForm(forms.Form):
    condition = forms.CharField(label=_("返却時の状態（内容を消去したか等）"), max_length=200)


class WipeForm(forms.Form):
    method = forms.CharField(label=_("消去・破砕の方法（例：専用ソフトで全領域を上書き）"),
                             max_length=200)
    destroy = forms.BooleanField(label=_("物理的に破砕・廃棄した"), required=False)


class ContentForm(forms.Form):
    description = forms.CharField(label=_("記録した内容"), max_length=300)
    people = forms.IntegerField(label=_("人数（延べ、分かる場合）"), required=False,
                                min_value=0)


class CabinetForm(forms.Form):
    department = forms.ModelChoiceField(label=_("所属"), queryset=None, empty_label=None)
    name = forms.CharField(label=_("名称（例：施錠保管庫A）"), max_length=100)
    location = forms.CharField(label=_("設置場所（施錠できる場所）"), max_length=200)

    def __init__(self, *args: Any, departments: list, instance: Cabinet | None = None,
                 **kwargs: Any) -> None:
        if instance is not None and (not args or args[0] is None):
            kwargs.setdefault("initial", {"department": instance.department_id,
                                          "name": instance.name,
                                          "location": instance.location})
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            pk__in=[d.pk for d in departments])


class MediumForm(forms.Form):
    label = forms.CharField(label=_("管理番号（媒体に貼るラベル）"), max_length=50)
    kind = forms.ChoiceField(label=_("種別"), choices=MediumKind.choices)
    serial = forms.CharField(label=_("製造番号"), max_length=100, required=False)
    capacity_gb = forms.DecimalField(label=_("容量（GB）"), required=False,
                                     min_value=Decimal("0.1"), max_digits=8, decimal_places=1)
    encrypted = forms.BooleanField(label=_("暗号化に対応している"), required=False,
                                   initial=True)
    cabinet = forms.ModelChoiceField(label=_("保管庫"), queryset=None, empty_label=None)

    def __init__(self, *args: Any, cabinets: list, instance: Medium | None = None,
                 **kwargs: Any) -> None:
        if instance is not None and (not args or args[0] is None):
            gb = (Decimal(instance.capacity_bytes) / GIB).quantize(Decimal("0.1")) if (
                instance.capacity_bytes) else None
            kwargs.setdefault("initial", {
                "label": instance.label, "kind": instance.kind, "serial": instance.serial,
                "capacity_gb": gb, "encrypted": instance.encrypted,
                "cabinet": instance.cabinet_id})
        super().__init__(*args, **kwargs)
        self.fields["cabinet"].queryset = Cabinet.objects.filter(
            pk__in=[c.pk for c in cabinets]).select_related("department")

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        gb = data.pop("capacity_gb")
        data["capacity_bytes"] = int(gb * GIB) if gb else None
        return data
