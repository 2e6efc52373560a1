"""Find, see on a timeline and watch originals — managers and operators of the department."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from hogo import clock
from hogo.accounts.permissions import (
    allows,
    authorize,
    permission_required,
    quarantine_scope,
    refuse,
)
from hogo.footage import quarantine, viewing
from hogo.footage.forms import DayForm, EraseForm, PurposeForm, ReleaseForm, SearchForm
from hogo.footage.models import Segment, Upload
from hogo.footage.search import Criteria, find_segments, timeline_rows
from hogo.registry import services as registry


def _vehicles(request: HttpRequest):
    return registry.vehicles_of(request.user.department_id)


@permission_required("footage.search")
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None, vehicles=_vehicles(request))
    results = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        results = find_segments(Criteria(
            department_ids=(request.user.department_id,),
            vehicle_id=data["vehicle"].pk if data["vehicle"] else None,
            channel=data["channel"] or None, start=data["start"], end=data["end"],
            min_lat=data["min_lat"], max_lat=data["max_lat"], min_lon=data["min_lon"],
            max_lon=data["max_lon"])).select_related("recorder__vehicle")[:500]
    return render(request, "footage/search.html", {"form": form, "results": results})


@permission_required("footage.view_quarantine")
def uploads(request: HttpRequest) -> HttpResponse:
    """Recent uploads of the department's recorders, quarantined ones with their reasons,
    the date each will be erased and what was decided about those already resolved."""
    rows = [{"upload": u, "status": quarantine.status_of(u),
             "may_resolve": allows(request.user, quarantine.PERMISSION, u)}
            for u in quarantine_scope(request.user, Upload.objects.select_related(
                "recorder__vehicle__department__organisation", "segment", "stored"))[:200]]
    return render(request, "footage/uploads.html", {"rows": rows})


def _quarantined_page(request: HttpRequest, upload: Upload, *, release_form=None,
                      erase_form=None, status: int = 200) -> HttpResponse:
    """One quarantined (or resolved) upload, with the release and erase forms if allowed."""
    state = quarantine.status_of(upload)
    channels = upload.recorder.channels
    return render(request, "footage/quarantined.html", {
        "upload": upload, "status": state,
        "may_resolve": allows(request.user, quarantine.PERMISSION, upload),
        "release_form": release_form or ReleaseForm(channels=channels),
        "erase_form": erase_form or EraseForm()}, status=status)


def _upload(request: HttpRequest, pk, perm: str = "footage.view_quarantine") -> Upload:
    upload = get_object_or_404(Upload.objects.select_related(
        "recorder__vehicle__department__organisation", "stored"), pk=pk)
    authorize(request, "footage.view_quarantine", upload)
    if perm != "footage.view_quarantine":
        authorize(request, perm, upload)
    return upload


@permission_required("footage.view_quarantine")
def quarantined(request: HttpRequest, pk) -> HttpResponse:
    return _quarantined_page(request, _upload(request, pk))


@permission_required("footage.resolve_quarantine")
def release(request: HttpRequest, pk) -> HttpResponse:
    """POST: make a quarantined file an original at the time and camera a person gives."""
    upload = _upload(request, pk, quarantine.PERMISSION)
    if request.method != "POST":
        return redirect("footage:quarantined", pk=upload.pk)
    form = ReleaseForm(request.POST, channels=upload.recorder.channels)
    if form.is_valid():
        data = form.cleaned_data
        try:
            segment = quarantine.release_quarantined(
                upload, by=request.user, reason=data["reason"], start=data["start"],
                channel=data["channel"])
        except quarantine.QuarantineRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("元データとして登録しました: %(segment)s") % {
                "segment": segment})
            return redirect("footage:quarantined", pk=upload.pk)
    return _quarantined_page(request, upload, release_form=form, status=400)


@permission_required("footage.resolve_quarantine")
def erase(request: HttpRequest, pk) -> HttpResponse:
    """POST: erase a quarantined file now — first the reason, then a confirmation step."""
    upload = _upload(request, pk, quarantine.PERMISSION)
    if request.method != "POST":
        return redirect("footage:quarantined", pk=upload.pk)
    form = EraseForm(request.POST)
    if not form.is_valid():
        return _quarantined_page(request, upload, erase_form=form, status=400)
    if not form.cleaned_data["confirmed"]:
        confirm = EraseForm(initial={"reason": form.cleaned_data["reason"], "confirmed": True})
        return render(request, "footage/quarantine_erase_confirm.html", {
            "upload": upload, "form": confirm, "reason": form.cleaned_data["reason"]})
    try:
        quarantine.erase_quarantined(upload, by=request.user, reason=form.cleaned_data["reason"])
    except quarantine.QuarantineRefused as refused:
        messages.error(request, str(refused))
        return _quarantined_page(request, upload, erase_form=form, status=400)
    messages.success(request, _("隔離ファイルを消去しました（消去記録を作成しました）。"))
    return redirect("footage:quarantined", pk=upload.pk)


@permission_required("footage.search")
def timeline(request: HttpRequest, vehicle_id: int) -> HttpResponse:
    vehicle = registry.vehicle(vehicle_id)
    if vehicle is None:
        raise Http404
    authorize(request, "footage.search", vehicle)
    form = DayForm(request.GET or {"day": clock.today_jst()})
    rows = []
    if form.is_valid():
        start, end = form.day_bounds()
        segments = find_segments(Criteria(department_ids=(vehicle.department_id,),
                                          vehicle_id=vehicle.pk, start=start, end=end))
        rows = timeline_rows(segments, start)
    return render(request, "footage/timeline.html", {
        "vehicle": vehicle, "form": form, "rows": rows})


@permission_required("footage.search")
def watch(request: HttpRequest, pk: int) -> HttpResponse:
    segment = get_object_or_404(Segment.objects.select_related("recorder__vehicle"), pk=pk,
                                erased_at__isnull=True)
    authorize(request, "footage.view", segment)
    form = PurposeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            viewing.start_viewing(request.user, request.session, segment,
                                  form.cleaned_data["purpose"], form.cleaned_data["reason"])
        except LookupError as erased:  # erased by the ring buffer a moment ago
            raise Http404(str(erased)) from erased
        messages.success(request, _("利用目的を記録しました。"))
        return redirect("footage:watch", pk=pk)
    granted = viewing.may_stream(request.user, request.session, segment)
    return render(request, "footage/watch.html", {
        "segment": segment, "form": form, "granted": granted,
        "citation": viewing.viewing_citation(request.user)})


def stream(request: HttpRequest, pk: int) -> HttpResponse:
    """Decrypt on the fly, honouring HTTP Range so the browser can seek."""
    segment = get_object_or_404(Segment.objects.select_related("stored"), pk=pk)
    if not viewing.may_stream(request.user, request.session, segment):
        refuse(request, "footage.view", segment)
    return viewing.ranged_response(request.headers.get("Range", ""), segment.stored,
                                   segment.size)
