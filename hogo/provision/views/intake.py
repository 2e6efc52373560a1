"""Provision intake screens: the inbox, a letter entered by staff, the request page with its
経過 and attachments, corrections, acceptance, withdrawal and the 受付票 (acknowledgment of
receipt). Every rule lives in hogo.provision.intake; these parse, call it and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hogo.accounts.permissions import allows, authorize, permission_required
from hogo.accounts.policy import citation
from hogo.provision import intake, panels
from hogo.provision.forms_intake import AttachForm, StaffRequestForm, WithdrawForm
from hogo.provision.models import ProvisionRequest, Received, RequestState


def _request(http: HttpRequest, pk: int, perm: str = "provision.view") -> ProvisionRequest:
    found = intake.find(http.user, pk)
    if found is None:
        raise Http404("no such request")
    authorize(http, perm, found)
    return found


def _staff_form(http: HttpRequest, **kwargs) -> StaffRequestForm:
    vehicles = intake.vehicles_for(http.user)
    return StaffRequestForm(http.POST or None, http.FILES or None, vehicles=vehicles,
                            cameras=intake.cameras_by_vehicle(vehicles), **kwargs)


def _cameras_json(form: StaffRequestForm) -> dict[str, list[str]]:
    cameras = intake.cameras_by_vehicle(form.fields["vehicle"].queryset)
    return {str(pk): [code for code, _label in pairs] for pk, pairs in cameras.items()}


def _attach_all(http: HttpRequest, request: ProvisionRequest, files: list) -> int:
    """Attach each file; returns how many were attached (a refusal is said on the page)."""
    attached = 0
    for uploaded in files:
        try:
            intake.attach(http.user, request, uploaded)
            attached += 1
        except intake.ProvisionError as refused:
            messages.error(http, f"{uploaded.name}: {refused}")
    return attached


def _say_state(http: HttpRequest, request: ProvisionRequest) -> None:
    if request.state == RequestState.RECEIVED:
        messages.success(http, _("受け付けました。決定を担当する所属長に通知しました。"))
    elif request.missing:
        messages.warning(http, _("受付前（補正待ち）として登録しました。"
                                 "不足している事項：%(items)s") % {
            "items": intake.listed(intake.missing_labels(request.missing))})
    else:
        messages.success(http, _("登録しました。受付の担当者に通知しました。"))


@permission_required("provision.list")
def inbox(http: HttpRequest) -> HttpResponse:
    state = http.GET.get("state", "open")
    via = http.GET.get("via", "")
    overdue = http.GET.get("overdue") == "1"
    rows = intake.inbox(http.user, state=state, via=via, overdue=overdue)
    return render(http, "provision/inbox.html", {
        "rows": rows, "state": state, "via": via, "overdue": overdue,
        "states": RequestState.choices, "vias": Received.choices,
        "can_enter": allows(http.user, "provision.enter")})


@permission_required("provision.enter")
def new(http: HttpRequest) -> HttpResponse:
    """A letter received: entered as it is, even incomplete, with its scan attached."""
    form = _staff_form(http)
    if http.method == "POST" and form.is_valid():
        try:
            made = intake.enter(http.user, form.request_data(),
                                accept_now=http.POST.get("action") == "accept")
        except intake.ProvisionError as refused:
            for reason in form.add_refusal(refused):
                form.add_error(None, reason)
        else:
            _attach_all(http, made, form.cleaned_data.get("files") or [])
            _say_state(http, made)
            return redirect("provision:detail", pk=made.pk)
    return render(http, "provision/intake_form.html", {
        "form": form, "cameras": _cameras_json(form), "editing": None,
        "can_accept": allows(http.user, "provision.accept"),
        "rule": citation(http.user.organisation, "provision")})


@login_required
def detail(http: HttpRequest, pk: int) -> HttpResponse:
    request = _request(http, pk)
    user = http.user
    intake.record_viewed(user, request)
    return render(http, "provision/request_detail.html", {
        "req": request, "missing": intake.missing_labels(request.missing),
        "missing_codes": request.missing,
        "timeline": intake.timeline(request),
        "attachments": request.attachments.filter(erased_at__isnull=True),
        "cameras": intake.camera_names(request.channels),
        "overdue": intake.is_overdue(request),
        "unpinned": intake.awaits_vehicle(request),
        "can_edit": intake.may_update(user, request),
        "can_accept": intake.may_accept(user, request),
        "can_withdraw": intake.may_withdraw(user, request),
        "can_attach": intake.may_attach(user, request),
        "attach_form": AttachForm(),
        "rule": citation(request.organisation, "provision"),
        "panels": panels.render_panels(http, request)})


@login_required
def edit(http: HttpRequest, pk: int) -> HttpResponse:
    request = _request(http, pk)
    if not intake.may_update(http.user, request):
        if request.state in intake.CORRECTABLE:
            authorize(http, "provision.accept", request)  # an audited 403
        messages.error(http, _("この申請は決定済みのため、内容を修正できません。"))
        return redirect("provision:detail", pk=pk)
    initial = {name: getattr(request, name) for name in intake.FIELDS}
    initial["vehicle"] = request.vehicle_id
    form = _staff_form(http, initial=initial, with_files=False)
    refusals: list[str] = []
    if http.method == "POST" and form.is_valid():
        try:
            request = intake.update(http.user, request, form.request_data())
            if http.POST.get("action") == "accept" and intake.may_accept(http.user, request):
                request = intake.accept(http.user, request)
        except intake.Incomplete as refused:
            form.add_missing(refused.missing)
            refusals = refused.reasons
        except intake.ProvisionError as refused:
            refusals = form.add_refusal(refused)
        else:
            if request.state == RequestState.RECEIVED and http.POST.get("action") == "accept":
                _say_state(http, request)
            else:
                messages.success(http, _("修正しました。"))
            if not allows(http.user, "provision.view", request):
                messages.info(http, _("車両の所属に回付しました。"))
                return redirect("provision:inbox")
            return redirect("provision:detail", pk=pk)
    intake.record_viewed(http.user, request, "edit")
    return render(http, "provision/intake_form.html", {
        "form": form, "cameras": _cameras_json(form), "editing": request,
        "refusals": refusals, "can_accept": intake.may_accept(http.user, request),
        "rule": citation(request.organisation, "provision")})


@require_POST
@login_required
def accept(http: HttpRequest, pk: int) -> HttpResponse:
    request = _request(http, pk, "provision.accept")
    try:
        request = intake.accept(http.user, request)
    except intake.ProvisionError as refused:
        for reason in refused.reasons:
            messages.error(http, reason)
    else:
        _say_state(http, request)
    return redirect("provision:detail", pk=pk)


@login_required
def withdraw(http: HttpRequest, pk: int) -> HttpResponse:
    request = _request(http, pk)
    if not intake.may_withdraw(http.user, request) and request.state in intake.WITHDRAWABLE:
        authorize(http, "provision.close", request)  # an audited 403
    form = WithdrawForm(http.POST or None)
    if http.method == "POST" and form.is_valid():
        try:
            intake.withdraw(http.user, request, form.cleaned_data["reason"])
        except intake.ProvisionError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(http, _("取下げ・受付不可としました。"
                                     "元データの消去停止を解除しました。"))
            return redirect("provision:detail", pk=pk)
    intake.record_viewed(http.user, request, "withdraw")
    return render(http, "provision/intake_withdraw.html", {"req": request, "form": form})


@require_POST
@login_required
def attach(http: HttpRequest, pk: int) -> HttpResponse:
    request = _request(http, pk)
    if not intake.may_attach(http.user, request):
        authorize(http, "provision.accept", request)
    form = AttachForm(http.POST, http.FILES)
    if form.is_valid() and form.cleaned_data["files"]:
        if _attach_all(http, request, form.cleaned_data["files"]):
            messages.success(http, _("添付しました。"))
    else:
        messages.error(http, _("添付するファイルを選んでください。"))
    return redirect("provision:detail", pk=pk)


@login_required
def attachment(http: HttpRequest, pk: int) -> HttpResponse:
    found = intake.attachment_of(http.user, pk)
    if found is None:
        raise Http404("no such attachment")
    authorize(http, "provision.view", found.request)
    try:
        handle = intake.open_attachment(http.user, found)
    except LookupError as erased:
        raise Http404(str(erased)) from erased
    return FileResponse(handle, as_attachment=True, filename=found.filename,
                        content_type=found.content_type)


@login_required
def receipt_letter(http: HttpRequest, pk: int) -> HttpResponse:
    """The printable 受付票 (acknowledgment of receipt)."""
    request = _request(http, pk)
    letter = intake.receipt_letter(http.user, request)
    return render(http, "provision/letter_receipt.html", {
        "req": request, "organisation": request.organisation, **letter})


urlpatterns = [
    path("", inbox, name="inbox"),
    path("new/", new, name="new"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/edit/", edit, name="edit"),
    path("<int:pk>/accept/", accept, name="accept"),
    path("<int:pk>/withdraw/", withdraw, name="withdraw"),
    path("<int:pk>/attachments/", attach, name="attach"),
    path("attachments/<int:pk>/", attachment, name="attachment"),
    path("<int:pk>/letters/receipt/", receipt_letter, name="receipt_letter"),
]
