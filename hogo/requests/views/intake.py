"""Intake screens of a person's requests: the inbox, a request taken at the counter or from
a letter, the request page (its 経過 and every area's section), corrections of what it says,
the identity check, the 補正 asked and answered, the withdrawal and the intake letters
(受付票, 補正依頼書). Every rule lives in `hogo.requests.intake` and `identity`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from hogo.accounts.permissions import allows, authorize, permission_required
from hogo.requests import common, identity, intake, panels
from hogo.requests.forms_intake import (
    AnsweredForm,
    CorrectionForm,
    IdentityCheckForm,
    StaffRequestForm,
    WithdrawForm,
)
from hogo.requests.models import (
    DisclosureOf,
    DocumentKind,
    Kind,
    PersonalRequest,
    Received,
    RequestState,
)

REFUSED = (intake.RequestError, identity.IdentityRefused)


def _request(http: HttpRequest, pk: int, perm: str = "requests.view") -> PersonalRequest:
    found = intake.find(http.user, pk)
    if found is None:
        raise Http404("no such request")
    authorize(http, perm, found)
    return found


def _staff_form(http: HttpRequest, **kwargs) -> StaffRequestForm:
    return StaffRequestForm(http.POST or None, departments=intake.departments_for(http.user),
                            organisation=http.user.organisation, **kwargs)


@permission_required("requests.list")
def inbox(http: HttpRequest) -> HttpResponse:
    state, kind = http.GET.get("state", "open"), http.GET.get("kind", "")
    overdue = http.GET.get("overdue") == "1"
    return render(http, "requests/inbox.html", {
        "rows": intake.inbox(http.user, state=state, kind=kind, overdue=overdue),
        "state": state, "kind": kind, "overdue": overdue, "states": RequestState.choices,
        "kinds": Kind.choices, "can_enter": allows(http.user, "requests.enter")})


@permission_required("requests.enter")
def new(http: HttpRequest) -> HttpResponse:
    form = _staff_form(http, initial={"department": http.user.department_id})
    if http.method == "POST" and form.is_valid():
        try:
            made = intake.enter(http.user, form.request_data())
        except intake.RequestError as refused:
            for reason in form.add_refusal(refused):
                form.add_error(None, reason)
        else:
            missing = intake.missing_items(made)
            if missing:
                messages.warning(http, _("受け付けました（受付番号 %(number)s）。記載に不足があり"
                                         "ます：%(items)s。補正を求めてください。") % {
                    "number": made.number, "items": intake.listed(intake.missing_labels(missing))})
            else:
                messages.success(http, _("受け付けました（受付番号 %(number)s）。本人確認を記録して"
                                         "ください。") % {"number": made.number})
            if allows(http.user, "requests.view", made):
                return redirect("requests:detail", pk=made.pk)
            return redirect("requests:inbox")
    return render(http, "requests/intake_form.html", {"form": form, "editing": None})


@login_required
def detail(http: HttpRequest, pk: int) -> HttpResponse:
    return _page(http, _request(http, pk))


def _page(http: HttpRequest, request: PersonalRequest, *,
          correction_form: CorrectionForm | None = None, status: int = 200) -> HttpResponse:
    """The request page; a refused 補正 comes back here with what was typed (status 400)."""
    user = http.user
    common.record_viewed(user, request)
    checks = request.identity_checks.select_related("checked_by")
    return render(http, "requests/request_detail.html", {
        "req": request, "missing": intake.missing_labels(intake.missing_items(request)),
        "disclosure_names": intake.listed(dict(DisclosureOf.choices).get(code, code)
                                          for code in request.disclosure_of or []),
        "document_labels": dict(DocumentKind.choices),
        "late": intake.late_warning(request), "timeline": intake.timeline(request),
        "checks": checks, "waits": request.correction_waits.select_related("asked_by"),
        "open_wait": intake.open_wait(request), "overdue": intake.is_overdue(request),
        "images": request.identity_images.filter(erased_at__isnull=True)
        if identity.may_see_images(user, request) else [],
        "erased_images": request.identity_images.filter(erased_at__isnull=False).count(),
        "can_edit": intake.may_update(user, request),
        "can_check": identity.may_check(user, request),
        "can_ask_correction": intake.may_ask_correction(user, request),
        "can_answer": request.state == RequestState.CORRECTION_WAIT
        and allows(user, "requests.handle", request),
        "can_withdraw": intake.may_withdraw(user, request),
        "correction_form": correction_form or CorrectionForm(), "answered_form": AnsweredForm(),
        "panels": panels.render_panels(http, request)}, status=status)


@login_required
def edit(http: HttpRequest, pk: int) -> HttpResponse:
    request = _request(http, pk, "requests.handle")
    if not intake.may_update(http.user, request):
        messages.error(http, _("決定済み又は完了した請求は修正できません。"))
        return redirect("requests:detail", pk=pk)
    initial = {name: getattr(request, name) for name in intake.FIELDS}
    initial["department"] = request.department_id
    form = _staff_form(http, initial=initial)
    if request.received_via == Received.WEB:  # arrived through the form: not editable
        del form.fields["received_via"], form.fields["received_on"]
    if http.method == "POST" and form.is_valid():
        try:
            request = intake.update(http.user, request, form.request_data())
        except intake.RequestError as refused:
            for reason in form.add_refusal(refused):
                form.add_error(None, reason)
        else:
            messages.success(http, _("修正しました。"))
            if not allows(http.user, "requests.view", request):
                return redirect("requests:inbox")
            return redirect("requests:detail", pk=pk)
    common.record_viewed(http.user, request, "edit")
    return render(http, "requests/intake_form.html", {"form": form, "editing": request})


@login_required
def check_identity(http: HttpRequest, pk: int) -> HttpResponse:
    request = _request(http, pk, "requests.handle")
    form = IdentityCheckForm(http.POST or None, http.FILES or None,
                             initial={"by_post": request.received_via == "post"})
    if http.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            identity.record_check(http.user, request, documents=data["documents"],
                                  by_post=data["by_post"],
                                  residence_certificate_on=data["residence_certificate_on"],
                                  documents_on=data["documents_on"], note=data["note"],
                                  images=data.get("images") or [])
        except REFUSED as refused:
            for reason in refused.reasons:
                form.add_error(None, reason)
        else:
            messages.success(http, _("本人確認を記録しました。決定を担当する者に通知しました。"))
            return redirect("requests:detail", pk=pk)
    common.record_viewed(http.user, request, "identity")
    return render(http, "requests/identity_form.html", {"req": request, "form": form},
                  status=400 if form.errors else 200)


@login_required
def image(http: HttpRequest, pk: int) -> HttpResponse:
    found = identity.image_of(http.user, pk)
    if found is None:
        raise Http404("no such image")
    authorize(http, "requests.view_identity", found.request)
    try:
        handle = identity.open_image(http.user, found)
    except LookupError as erased:
        raise Http404(str(erased)) from erased
    response = FileResponse(handle, filename=found.filename, content_type=found.content_type)
    response["Cache-Control"] = "no-store"  # not kept on a shared office PC after erasure
    return response


def _post_step(http: HttpRequest, pk: int, form_class, run, done: str) -> HttpResponse:
    """A small POST from the request page: done → back with a message; refused → back with
    the reasons (nothing was changed)."""
    request = _request(http, pk, "requests.handle")
    form = form_class(http.POST)
    if http.method != "POST":
        return redirect("requests:detail", pk=pk)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(http, error)
        return redirect("requests:detail", pk=pk)
    try:
        run(request, form.cleaned_data)
    except REFUSED as refused:
        for reason in refused.reasons:
            messages.error(http, reason)
    else:
        messages.success(http, done)
    return redirect("requests:detail", pk=pk)


@login_required
def ask_correction(http: HttpRequest, pk: int) -> HttpResponse:
    request = _request(http, pk, "requests.handle")
    if http.method != "POST":
        return redirect("requests:detail", pk=pk)
    form = CorrectionForm(http.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            intake.ask_correction(http.user, request, what=data["what"],
                                  asked_on=data["asked_on"], reply_by=data["reply_by"])
        except intake.RequestError as refused:
            field = refused.field if refused.field in form.fields else None
            for reason in refused.reasons:
                form.add_error(field, reason)
        else:
            messages.success(http, _("補正を求めました。補正依頼書を印刷して送付してください。"))
            return redirect("requests:detail", pk=pk)
    return _page(http, request, correction_form=form, status=400)


@login_required
def correction_answered(http: HttpRequest, pk: int) -> HttpResponse:
    return _post_step(http, pk, AnsweredForm, lambda request, data: intake.correction_answered(
        http.user, request, answered_on=data["answered_on"]),
        _("補正を記録しました。決定期限を計算し直しました。"))


@login_required
def withdraw(http: HttpRequest, pk: int) -> HttpResponse:
    request = _request(http, pk, "requests.handle")
    form = WithdrawForm(http.POST or None)
    if http.method == "POST" and form.is_valid():
        try:
            intake.withdraw(http.user, request, form.cleaned_data["reason"])
        except intake.RequestError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(http, _("取下げを記録しました。本人確認書類の画像を消去しました。"))
            return redirect("requests:detail", pk=pk)
    return render(http, "requests/intake_withdraw.html", {"req": request, "form": form})


@login_required
def receipt_letter(http: HttpRequest, pk: int) -> HttpResponse:
    request = _request(http, pk)
    return render(http, "requests/letter_receipt.html", {
        "req": request, "organisation": request.organisation,
        **intake.receipt_letter(http.user, request)})


@login_required
def correction_letter(http: HttpRequest, pk: int) -> HttpResponse:
    request = _request(http, pk)
    try:
        letter = intake.correction_letter(http.user, request)
    except intake.RequestError as refused:
        raise Http404(str(refused)) from refused
    return render(http, "requests/letter_correction.html", {
        "req": request, "organisation": request.organisation, **letter})


urlpatterns = [
    path("", inbox, name="inbox"),
    path("new/", new, name="new"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/edit/", edit, name="edit"),
    path("<int:pk>/identity/", check_identity, name="identity"),
    path("identity-images/<int:pk>/", image, name="identity_image"),
    path("<int:pk>/correction/", ask_correction, name="ask_correction"),
    path("<int:pk>/correction/answered/", correction_answered, name="correction_answered"),
    path("<int:pk>/withdraw/", withdraw, name="withdraw"),
    path("<int:pk>/letters/receipt/", receipt_letter, name="letter_receipt"),
    path("<int:pk>/letters/correction/", correction_letter, name="letter_correction"),
]
