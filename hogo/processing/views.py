"""Screens for masking a copy and counting its people: request, approve, review, progress.

The rules live in hogo.processing.services and the state gates on the model; these translate
forms and refusals only.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hogo.accounts.permissions import allows, authorize
from hogo.kit.feedback import run_service
from hogo.processing import redaction
from hogo.processing import services as service
from hogo.processing.models import MaskKind, Processing
from hogo.redact import FrameError

STRIP = 12  # frames shown to the reviewer, from the first to the last of the clip


def _processing(request: HttpRequest, pk: int, perm: str = "copies.view_register") -> Processing:
    item = get_object_or_404(service.processings(), pk=pk)
    authorize(request, perm, item.copy.request)
    return item


def _run(request: HttpRequest, action: Any, success: str) -> bool:
    return run_service(request, action, success, (service.ProcessingError,))


@require_POST
@login_required
def ask(request: HttpRequest, pk: int) -> HttpResponse:
    """Request a masked copy, or (action=count) count the people in the copy."""
    copy = get_object_or_404(service.copies(), pk=pk)
    authorize(request, "copies.request_processing", copy)
    post = request.POST
    try:
        if post.get("action") == "count":
            made = service.count_people(request.user, copy)
            messages.success(request, _("人数の算定を始めました。"))
        else:
            made = service.request(
                request.user, copy, reason=post.get("reason", ""),
                mask=post.get("mask", MaskKind.BLUR), faces=bool(post.get("faces")),
                plates=bool(post.get("plates")), keep_audio=bool(post.get("keep_audio")))
            messages.success(request, _("加工を申請しました。承認を待っています。"))
    except service.ProcessingError as error:
        messages.error(request, str(error))
        return redirect("copies:detail", copy.request_id)
    return redirect("processing:page", made.pk)


@login_required
def page(request: HttpRequest, pk: int) -> HttpResponse:
    item = _processing(request, pk)
    user = request.user
    reviewing = item.can_be_reviewed and allows(user, "copies.review_processing", item)
    tracks = redaction.track_rows(item.analysis) if item.analysis else []
    return render(request, "processing/processing.html", {
        "item": item, "tracks": tracks, "reviewing": reviewing,
        "strip": redaction.strip_frames(item.analysis, STRIP) if reviewing else [],
        "frames": redaction.frame_count(item.analysis),
        "fps": redaction.frame_rate(item.analysis),
        "can_decide": item.can_be_approved and allows(user, "copies.approve_processing", item),
        "approver": service.approver_label(user.organisation),
        "citation": service.processing_citation(user.organisation),
        "copy_title": service.copy_title(item.copy),
        "remaining": service.remaining(item),
        "added_json": json.dumps(item.added_boxes),
        "marks_requester": item.marks_requester,
        "others": redaction.others_count(item.analysis, item.requester_tracks)
        if item.marks_requester and item.analysis else None})


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by htmx while a job runs; a finished job reloads the page."""
    item = _processing(request, pk)
    response = render(request, "processing/_processing_progress.html", {
        "item": item, "remaining": service.remaining(item)})
    if not item.is_running:
        response["HX-Refresh"] = "true"
    return response


@require_POST
@login_required
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    item = _processing(request, pk, "copies.view_register")
    authorize(request, "copies.approve_processing", item)
    if request.POST.get("decision") == "approve":
        _run(request, lambda: service.approve(request.user, item),
             _("承認しました。検出を始めました。"))
    else:
        _run(request, lambda: service.refuse(request.user, item,
                                             note=request.POST.get("note", "")),
             _("不承認としました。"))
    return redirect("processing:page", pk)


@require_POST
@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the reviewer's corrections; with action=make, render the processed copy."""
    item = _processing(request, pk)
    authorize(request, "copies.review_processing", item)
    try:
        added = json.loads(request.POST.get("added", "[]") or "[]")
        if not isinstance(added, list):
            raise ValueError
    except ValueError:
        messages.error(request, _("追加した枠の形式が正しくありません。"))
        return redirect("processing:page", pk)
    removed = request.POST.getlist("removed")
    requester, done = _requester_marks(request, item)
    saved = _run(request, lambda: service.review(request.user, item, removed=removed,
                                                 added=added, requester=requester), done)
    if saved and request.POST.get("toggle_requester"):
        return redirect(f"{reverse('processing:page', args=[pk])}#tracks")
    if saved and request.POST.get("action") == "make":
        _run(request, lambda: service.make(request.user, item),
             _("加工済み複製データの作成を始めました。"))
    return redirect("processing:page", pk)


def _requester_marks(request: HttpRequest, item: Processing) -> tuple[list[str] | None, str]:
    """The requester's tracks as posted (a person's own footage, R-607), with the one the
    reviewer's 「本人」 button toggled; None (marks unchanged) for any other masking."""
    if not item.marks_requester:
        return None, _("確認内容を保存しました。")
    marked = list(dict.fromkeys(request.POST.getlist("requester")))
    toggled = request.POST.get("toggle_requester", "")
    if not toggled:
        return marked, _("確認内容を保存しました。")
    if toggled in marked:
        marked.remove(toggled)
        return marked, _("検出 %(id)s の「本人」の印を外しました（加工されます）。") % {
            "id": toggled}
    return [*marked, toggled], _("検出 %(id)s に「本人」の印を付けました（加工されません）。") % {
        "id": toggled}


@login_required
def frame(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    """One frame of the copy with its detections drawn: footage, so viewing is audited."""
    item = _processing(request, pk)
    authorize(request, "copies.review_processing", item)
    try:
        picture = service.review_frame(request.user, item, index)
    except FrameError:
        return HttpResponse(status=404)
    response = HttpResponse(picture, content_type="image/jpeg")
    response["Cache-Control"] = "no-store"
    return response


@login_required
def detection(request: HttpRequest, pk: int, track_id: str) -> HttpResponse:
    """One detection's thumbnail (where it is seen best): footage, so viewing is audited."""
    item = _processing(request, pk)
    authorize(request, "copies.review_processing", item)
    try:
        picture = service.detection_picture(request.user, item, track_id)
    except (LookupError, FrameError):
        return HttpResponse(status=404)
    response = HttpResponse(picture, content_type="image/jpeg")
    response["Cache-Control"] = "no-store"
    return response
