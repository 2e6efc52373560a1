"""Copy register, request, decision, extension, legal hold and deletion certificates."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hogo.accounts.permissions import (
    allows,
    authorize,
    department_scope,
    permission_required,
)
from hogo.accounts.policy import citation
from hogo.copies import handoffs, services
from hogo.copies.forms import CopyRequestForm, ExtensionForm, HoldForm, RefuseForm
from hogo.copies.models import Copy, CopyHold, CopyRequest
from hogo.copies.packages import (
    export_to_medium,
    exporters,
    is_for_provision,
    is_for_request,
    pending_export,
    take_pending,
    usable_media,
)
from hogo.media import services as media
from hogo.media.services import MediaError
from hogo.registry import services as registry


def _visible_requests(user):
    return department_scope(user, CopyRequest.objects.select_related(
        "vehicle", "requested_by", "decided_by"), "vehicle__department")


@permission_required("copies.view_register")
def register(request: HttpRequest) -> HttpResponse:
    requests = _visible_requests(request.user).prefetch_related("copies__holds")[:200]
    return render(request, "copies/register.html", {
        "requests": requests, "can_request": allows(request.user, "copies.request"),
        "labels": services.labels(request.user),
        "retention_period": services.retention_period_words(request.user.organisation),
        "retention_rule": citation(request.user.organisation, "copy_retention"),
        "making_rule": citation(request.user.organisation, "copy_making")})


@permission_required("copies.request")
def new_request(request: HttpRequest) -> HttpResponse:
    vehicles = registry.vehicles_of(request.user.department_id)
    cameras = services.channels_by_vehicle(vehicles)
    form = CopyRequestForm(request.POST or None, initial={"vehicle": request.GET.get("vehicle")},
                           vehicles=vehicles, purposes=services.request_purposes(request.user),
                           cameras=cameras, min_reason_chars=services.min_reason_chars(
                               request.user))
    refusals: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.request_copy(
                request.user, vehicle=data["vehicle"], start=data["start"], end=data["end"],
                channels=data["channels"], audio=data["audio"], purpose=data["purpose"],
                justification=data["justification"],
                long_range_reason=data["long_range_reason"])
            messages.success(request, _("複製を申請しました。"))
            return redirect("copies:detail", pk=made.pk)
        except services.CopyRefused as refused:
            refusals = refused.reasons
    return render(request, "copies/new.html", {
        "form": form, "refusals": refusals,
        "cameras": {str(pk): [code for code, _label in pairs] for pk, pairs in cameras.items()},
        "making_rule": citation(request.user.organisation, "copy_making")})


@permission_required("copies.view_register")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    copy_request = get_object_or_404(_visible_requests(request.user), pk=pk)
    user = request.user
    copies = list(copy_request.copies.select_related("parent__request").prefetch_related(
        "extensions", "holds"))
    # A copy for a third-party provision leaves only through the provision hand-over, one for
    # a person's own request only through that request.
    provision = {c.pk for c in copies if is_for_provision(c)}
    personal = {c.pk for c in copies if is_for_request(c)} - provision
    return render(request, "copies/detail.html", {
        "req": copy_request,
        "copies": [(c, [] if c.pk in provision | personal else usable_media(user, c))
                   for c in copies],
        "provision_copies": provision, "personal_request_copies": personal,
        "exporters": exporters(copies[0]) if copies else [],
        "can_export": allows(user, "copies.request", copy_request),
        "can_decide": copy_request.can_be_decided and allows(
            user, "copies.decide", copy_request),
        "can_retry": copy_request.can_be_retried and handoffs.may_retry(user, copy_request),
        "can_extend": allows(user, "copies.extend", copy_request),
        "can_release": allows(user, "copies.release_hold", copy_request),
        "refuse_form": RefuseForm(), "extension_form": ExtensionForm(), "hold_form": HoldForm(),
        "labels": services.labels(user),
        "retention_rule": citation(user.organisation, "copy_retention"),
        "undertaking_rule": citation(user.organisation, "recipient_undertaking"),
    })


@require_POST
@permission_required("copies.view_register")
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or refuse a pending request; or make a failed copy again (decision=retry)."""
    copy_request = get_object_or_404(CopyRequest, pk=pk)
    if request.POST.get("decision") == "retry":
        if not handoffs.may_retry(request.user, copy_request):
            authorize(request, "copies.decide", copy_request)  # an audited 403
        if not copy_request.can_be_retried:
            messages.error(request, _("作成に失敗した複製データだけを作り直せます。"))
            return redirect("copies:detail", pk=pk)
        made = services.retry(request.user, copy_request)
        if made.can_be_retried:
            messages.error(request, _("複製データを作成できませんでした。"))
        else:
            messages.success(request, _("複製データを作成しました。"))
        return redirect("copies:detail", pk=pk)
    authorize(request, "copies.decide", copy_request)
    if request.POST.get("decision") == "approve":
        services.approve(request.user, copy_request)
        messages.success(request, _("承認しました。複製データを作成しました。"))
    else:
        form = RefuseForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("不承認の理由を入力してください。"))
            return redirect("copies:detail", pk=pk)
        services.refuse(request.user, copy_request, form.cleaned_data["reason"])
        messages.success(request, _("不承認としました。元データの消去停止を解除しました。"))
    return redirect("copies:detail", pk=pk)


@require_POST
@permission_required("copies.view_register")
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    copy = get_object_or_404(Copy, pk=pk)
    authorize(request, "copies.extend", copy)
    form = ExtensionForm(request.POST)
    if form.is_valid():
        try:
            services.extend(copy, by=request.user, **form.cleaned_data)
            messages.success(request, _("保存期間の延長を記録しました。"))
        except ValueError as refused:
            messages.error(request, str(refused))
    else:
        messages.error(request, _("延長の理由、要請者、期限をすべて入力してください。"))
    return redirect("copies:detail", pk=copy.request_id)


@require_POST
@permission_required("copies.view_register")
def hold(request: HttpRequest, pk: int) -> HttpResponse:
    copy = get_object_or_404(Copy, pk=pk)
    authorize(request, "copies.hold", copy)
    form = HoldForm(request.POST)
    if form.is_valid():
        services.place_copy_hold(copy, form.cleaned_data["reference"], by=request.user)
        messages.success(request, _("証拠保全（消去停止）を設定しました。"))
    return redirect("copies:detail", pk=copy.request_id)


@require_POST
@permission_required("copies.release_hold")
def release(request: HttpRequest, pk: int) -> HttpResponse:
    copy_hold = get_object_or_404(CopyHold, pk=pk, released_at__isnull=True)
    services.release_copy_hold(copy_hold, by=request.user)
    messages.success(request, _("証拠保全を解除しました。"))
    return redirect("copies:detail", pk=copy_hold.copy.request_id)


@permission_required("copies.request")
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: write a copy as an encrypted package for a medium, then show its password (GET).

    The package waits in the exporter's session until downloaded: reloading the page, or
    sending the form again, shows the same package and password, never a second one."""
    copy = get_object_or_404(Copy, pk=pk)
    authorize(request, "copies.request", copy)  # another department's copy: an audited 403
    chosen = request.POST.get("medium") or request.GET.get("medium") or 0
    medium = get_object_or_404(media.all_media(), pk=chosen)
    if request.method == "POST":
        try:  # refused for a copy of a third-party provision (its hand-over exports it)
            export_to_medium(request.user, copy, medium, pending=request.session)
        except MediaError as refused:
            messages.error(request, str(refused))
            return redirect("copies:detail", pk=copy.request_id)
        return redirect(f"{reverse('copies:export', args=[copy.pk])}?medium={medium.pk}")
    made = pending_export(request.session, copy, medium)
    if made is None:
        messages.info(request, _("書き出したファイルは受け取り済みか、期限切れで削除されました。"))
        return redirect("copies:detail", pk=copy.request_id)
    return render(request, "copies/exported.html", {"copy": copy, "medium": medium,
                                                    "export": made})


@permission_required("copies.request")
def download(request: HttpRequest, token: str) -> HttpResponse:
    """The package once, to the person who made it; then it is deleted from the server."""
    taken = take_pending(request.user, request.session, token)
    if taken is None:
        raise Http404("no such export")
    handle, name = taken
    return FileResponse(handle, as_attachment=True, filename=name)


@permission_required("copies.view_register")
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable deletion certificate (消去証明書) for an erased copy."""
    record = get_object_or_404(services.certificates(), pk=pk)
    copy = get_object_or_404(Copy, pk=record.detail.get("copy"))
    authorize(request, "copies.view_register", copy)
    return render(request, "copies/certificate.html", {
        "record": record, "copy": copy, "organisation": request.user.organisation,
        "labels": services.labels(request.user),
        "retention_rule": citation(request.user.organisation, "copy_retention")})
