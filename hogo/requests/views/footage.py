"""Screens of the footage area (R-607): the segments staff found, the copy, the masking, the
file to disclose, and the privacy officer's release of an unmasked copy.

Each parses its form, calls one service of `hogo.requests.footage` and goes back to the
request's footage section; a refusal comes back on the same screen with its Japanese reasons
and everything typed kept (or, for a one-button step, as a message on the request page)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hogo.accounts.permissions import authorize
from hogo.clock import JST
from hogo.requests import common
from hogo.requests import footage as service
from hogo.requests.models import PersonalRequest

DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"  # footage is found to the second


def _datetime(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, required=False, help_text=gettext_lazy("日本時間で入力してください。"),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S",
                       "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"},
                                   format=DATETIME_FORMAT))


class SegmentsForm(forms.Form):
    """The footage staff found: a vehicle of the request's department, the range, cameras."""

    vehicle = forms.ModelChoiceField(label=gettext_lazy("車両"), queryset=None, required=False,
                                     empty_label="—")
    start_at = _datetime(gettext_lazy("開始日時"))
    end_at = _datetime(gettext_lazy("終了日時"))
    channels = forms.MultipleChoiceField(
        label=gettext_lazy("カメラ"), choices=(), required=False,
        widget=forms.CheckboxSelectMultiple, error_messages={"invalid_choice": gettext_lazy(
            "この車両のドライブレコーダーにないカメラが選ばれています。")})

    def __init__(self, *args: Any, request: PersonalRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vehicle"].queryset = service.vehicles_for(request)
        offered: dict[str, str] = {}
        for pairs in service.cameras_by_vehicle(request).values():
            offered.update(pairs)
        self.fields["channels"].choices = list(offered.items())

    @classmethod
    def for_request(cls, request: PersonalRequest, data: Any = None) -> SegmentsForm:
        """Bound to what was posted, or filled with what is saved (else what the person
        gave: the time they said)."""
        if data is not None:
            return cls(data, request=request)
        start = request.start_at or request.occurred_from
        end = request.end_at or request.occurred_to
        return cls(request=request, initial={
            "vehicle": request.vehicle_id, "channels": list(request.channels or []),
            "start_at": start.astimezone(JST) if start else None,
            "end_at": end.astimezone(JST) if end else None})

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("start_at", "end_at"):
            if data.get(name) is not None:
                data[name] = data[name].astimezone(JST)
        return data


class CopyForm(forms.Form):
    long_range_reason = forms.CharField(
        label=gettext_lazy("長い範囲が必要な理由"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("範囲が複製の上限を超える場合だけ書いてください。"))


class UnmaskedForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("マスキングせずに開示する理由"), max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}), required=False,
        help_text=gettext_lazy("例：映像に請求者以外の人物・車両が映っていないことを確認した。"))


def _request_of(http: HttpRequest, pk: int, perm: str) -> PersonalRequest:
    found = get_object_or_404(PersonalRequest.objects.select_related(
        "organisation", "department", "vehicle"), pk=pk,
        organisation=http.user.organisation_id)
    authorize(http, perm, found)
    return found


def _back(request: PersonalRequest) -> HttpResponse:
    return redirect(f"{request.get_absolute_url()}#footage")


def _page(http: HttpRequest, request: PersonalRequest, *, form: SegmentsForm,
          copy_form: CopyForm, found: list[Any] | None = None, status: int = 200,
          reasons: list[str] = ()) -> HttpResponse:
    return render(http, "requests/footage_segments.html", {
        **service.view_of(http.user, request), "form": form, "copy_form": copy_form,
        "found": found, "reasons": list(reasons)}, status=status)


@login_required
def segments(http: HttpRequest, pk: int) -> HttpResponse:
    """GET: the range form with what the person gave; POST action=preview lists the
    originals in the range, action=save saves it on the request and pins them."""
    request = _request_of(http, pk, "requests.prepare_footage")
    if http.method != "POST":
        common.record_viewed(http.user, request, "footage")
        return _page(http, request, form=SegmentsForm.for_request(request), copy_form=CopyForm())
    form = SegmentsForm.for_request(request, http.POST)
    if not form.is_valid():
        return _page(http, request, form=form, copy_form=CopyForm(), status=400)
    data = form.cleaned_data
    chosen = dict(vehicle=data.get("vehicle"), start=data.get("start_at"),
                  end=data.get("end_at"), channels=list(data.get("channels") or []))
    if http.POST.get("action") == "preview":
        problems = service.segment_problems(request, **chosen)
        found = [] if problems else service.segments_in(
            chosen["vehicle"], chosen["start"], chosen["end"], chosen["channels"])
        return _page(http, request, form=form, copy_form=CopyForm(), found=found,
                     reasons=problems, status=400 if problems else 200)
    try:
        service.save_segments(http.user, request, **chosen)
    except service.FootageRefused as refused:
        return _page(http, request, form=form, copy_form=CopyForm(), status=400,
                     reasons=refused.reasons)
    messages.success(http, _("請求された映像の範囲を保存し、元データを消去停止にしました。"))
    return _back(request)


@require_POST
@login_required
def make_copy(http: HttpRequest, pk: int) -> HttpResponse:
    """The copy of only the saved part (a refusal comes back with the reason field kept)."""
    request = _request_of(http, pk, "requests.prepare_footage")
    copy_form = CopyForm(http.POST)
    reason = copy_form.cleaned_data.get("long_range_reason", "") if copy_form.is_valid() else ""
    try:
        made = service.make_copy(http.user, request, long_range_reason=reason)
    except service.FootageRefused as refused:
        return _page(http, request, form=SegmentsForm.for_request(request), copy_form=copy_form,
                     status=400, reasons=refused.reasons)
    if made.state == "made":
        messages.success(http, _("複製データを作成しました。次に請求者以外の加工（マスキング）を"
                                 "申請してください。"))
    elif made.state == "failed":
        messages.error(http, _("複製データを作成できませんでした。複製申請の画面から作り直して"
                               "ください。"))
    else:
        messages.success(http, _("複製を申請しました。所属長の承認を待っています。"))
    return _back(request)


def _one_step(http: HttpRequest, pk: int, perm: str, run: Any, done: str) -> HttpResponse:
    request = _request_of(http, pk, perm)
    try:
        run(request)
    except service.FootageRefused as refused:
        for reason in refused.reasons:
            messages.error(http, reason)
    else:
        messages.success(http, done)
    return _back(request)


@require_POST
@login_required
def mask(http: HttpRequest, pk: int, copy_pk: int) -> HttpResponse:
    """Ask for masking everyone but the requester on one of the request's copies."""
    return _one_step(http, pk, "requests.prepare_footage",
                     lambda r: service.ask_masking(http.user, r, copy_pk),
                     _("請求者以外の加工（マスキング）を申請しました。承認を待っています。"))


@require_POST
@login_required
def register(http: HttpRequest, pk: int, copy_pk: int) -> HttpResponse:
    """Register a processed copy as the file to disclose (an unprocessed one is refused)."""
    return _one_step(http, pk, "requests.prepare_footage",
                     lambda r: service.register_disclosed(http.user, r, copy_pk),
                     _("加工済み複製データを開示する映像として登録しました。"))


@login_required
def unmasked(http: HttpRequest, pk: int, copy_pk: int) -> HttpResponse:
    """The privacy officer's decision, with a written reason, to disclose a copy unmasked;
    anyone else gets 403."""
    request = _request_of(http, pk, "requests.release_unmasked")
    try:
        copy = service.copy_of(request, copy_pk)
    except service.FootageRefused as refused:
        for reason in refused.reasons:
            messages.error(http, reason)
        return _back(request)
    form = UnmaskedForm(http.POST or None)
    status, reasons = 200, []
    if http.method == "POST" and form.is_valid():
        try:
            service.release_unmasked(http.user, request, copy.pk,
                                     reason=form.cleaned_data["reason"])
        except service.FootageRefused as refused:
            reasons, status = refused.reasons, 400
        else:
            messages.success(http, _("マスキングせずに開示すると決定し、理由とともに記録"
                                     "しました。"))
            return _back(request)
    elif http.method == "POST":
        status = 400
    return render(http, "requests/footage_unmasked.html", {
        **service.view_of(http.user, request), "form": form, "copy": copy,
        "copy_title": service.copy_handoffs.copy_title(copy), "reasons": reasons},
        status=status)


urlpatterns = [
    path("<int:pk>/footage/", segments, name="footage_segments"),
    path("<int:pk>/footage/copy/", make_copy, name="footage_copy"),
    path("<int:pk>/footage/copies/<int:copy_pk>/mask/", mask, name="footage_mask"),
    path("<int:pk>/footage/copies/<int:copy_pk>/register/", register,
         name="footage_register"),
    path("<int:pk>/footage/copies/<int:copy_pk>/unmasked/", unmasked,
         name="footage_unmasked"),
]
