"""Search and viewing forms; dates and times are entered in Japan time."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from hogo.clock import JST
from hogo.footage import viewing
from hogo.registry.models import Channel, Vehicle


class SearchForm(forms.Form):
    vehicle = forms.ModelChoiceField(label=_("車両"), queryset=Vehicle.objects.none(),
                                     required=False, empty_label=_("すべて"))
    channel = forms.ChoiceField(label=_("カメラ"), required=False,
                                choices=[("", _("すべて")), *Channel.choices])
    start = forms.DateTimeField(label=_("開始日時"), required=False,
                                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    end = forms.DateTimeField(label=_("終了日時"), required=False,
                              widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    min_lat = forms.FloatField(label=_("緯度（南端）"), required=False, min_value=-90,
                               max_value=90)
    max_lat = forms.FloatField(label=_("緯度（北端）"), required=False, min_value=-90,
                               max_value=90)
    min_lon = forms.FloatField(label=_("経度（西端）"), required=False, min_value=-180,
                               max_value=180)
    max_lon = forms.FloatField(label=_("経度（東端）"), required=False, min_value=-180,
                               max_value=180)

    def __init__(self, *args, vehicles, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vehicle"].queryset = vehicles

    def clean(self) -> dict:
        data = super().clean()
        for name in ("start", "end"):
            if data.get(name) is not None:
                data[name] = data[name].astimezone(JST)
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            raise forms.ValidationError(_("終了日時は開始日時より後にしてください。"))
        box = [data.get(k) for k in ("min_lat", "max_lat", "min_lon", "max_lon")]
        if any(v is not None for v in box) and None in box:
            raise forms.ValidationError(_("地図の範囲は緯度・経度の4つすべてを入力してください。"))
        return data


class DayForm(forms.Form):
    day = forms.DateField(label=_("日付"), widget=forms.DateInput(attrs={"type": "date"}))

    def day_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        day = self.cleaned_data["day"]
        start = dt.datetime.combine(day, dt.time(), JST)
        return start, start + dt.timedelta(days=1)


class PurposeForm(forms.Form):
    """Why footage or a copy is being viewed (R-205): one of the organisation's permitted
    uses and a concrete reason of at least the profile's length (kept on an error)."""

    purpose = forms.ChoiceField(label=_("利用目的"))
    reason = forms.CharField(label=_("具体的な理由（事故の日時・場所、照会番号など）"),
                             max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["purpose"].choices = viewing.purpose_choices(user)
        # No minlength attribute: the browser's own bubble would stop the form in its words;
        # the server's Japanese message says why and keeps what was typed.
        shortest = viewing.min_reason_chars(user)
        self.fields["reason"].help_text = _("%(min)d文字以上") % {"min": shortest}

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        problem = viewing.reason_problem(self.user, reason)
        if problem:
            raise forms.ValidationError(problem)
        return reason


class ReleaseForm(forms.Form):
    """Release a quarantined file into the footage: where it belongs in time, and why."""

    start = forms.DateTimeField(label=_("録画開始日時"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local", "step": "1"}))
    channel = forms.ChoiceField(label=_("カメラ"))
    reason = forms.CharField(label=_("登録する理由（確認した内容など）"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, channels: list[str], **kwargs) -> None:
        kwargs.setdefault("auto_id", "release_%s")  # shares a page with EraseForm
        super().__init__(*args, **kwargs)
        labels = dict(Channel.choices)
        self.fields["channel"].choices = [(c, labels.get(c, c)) for c in channels]

    def clean_start(self) -> dt.datetime:
        return self.cleaned_data["start"].astimezone(JST)


class EraseForm(forms.Form):
    """Erase a quarantined file now: a reason, then a second step to confirm."""

    reason = forms.CharField(label=_("消去する理由"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "erase_%s")  # shares a page with ReleaseForm
        super().__init__(*args, **kwargs)
