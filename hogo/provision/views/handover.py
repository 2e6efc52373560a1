"""Provision views: the hand-over (on a medium or by a link), the public one-time download
page, revoking a link, the recorded undertakings and erasure, closing a request by hand, and
the two printable letters.

Views parse and render; every rule is in `hogo.provision.handover` and `hogo.provision.links`.
The password and the link's token are shown once, in the response to the POST that made them:
neither reaches the session or the database (a medium's package waits for its download as
export keeps it, its password in a 0600 file beside it)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hogo import clock
from hogo.accounts.lockout import client_address
from hogo.accounts.permissions import authorize
from hogo.media.services import MediaError
from hogo.provision import common, handover, links, records
from hogo.provision.forms_handover import (
    CloseForm,
    ErasureForm,
    LinkHandOverForm,
    MediumHandOverForm,
    RecipientUndertakingForm,
    UndertakingForm,
)
from hogo.provision.models import DownloadLink, HandOver, ProvisionRequest, RequestState

REFUSALS = (handover.HandOverError, links.LinkError, MediaError, records.RecordError)


def _request(http: HttpRequest, pk: int) -> ProvisionRequest:
    return get_object_or_404(ProvisionRequest, pk=pk, organisation=http.user.organisation_id)


def _handover(http: HttpRequest, pk: int) -> HandOver:
    return get_object_or_404(HandOver.objects.select_related("request", "copy", "medium"),
                             pk=pk, request__organisation=http.user.organisation_id)


def _form_page(http: HttpRequest, req: ProvisionRequest, title: str, action: str, form: Any,
               error: Any = "", status: int = 400) -> HttpResponse:
    """A form sent back with its errors, everything typed kept. A hand-over already recorded
    (the form sent twice) links to where its package and password may still wait."""
    again = ""
    if isinstance(error, handover.AlreadyHandedOver) and error.handover.medium_id:
        again = (f"{reverse('copies:export', args=[error.handover.copy_id])}"
                 f"?medium={error.handover.medium_id}")
    return render(http, "provision/handover_form.html", {
        "req": req, "title": title, "action": action, "form": form, "error": str(error),
        "again_url": again, "method": http.POST.get("method", "")}, status=status)


@require_POST
@login_required
def hand_over(http: HttpRequest, pk: int) -> HttpResponse:
    """Hand a copy over on a medium (method=medium) or by a one-time link (method=link);
    the password (and the link) are shown once, in this response."""
    req = _request(http, pk)
    authorize(http, "provision.hand_over", req)
    copies = handover.available_copies(req)
    user = http.user
    action = http.path
    if http.POST.get("method") == "link":
        form = LinkHandOverForm(http.POST, copies=copies)
        title = _("ダウンロードリンクで引き渡す")
        if not form.is_valid():
            return _form_page(http, req, title, action, form)
        data = form.cleaned_data
        try:
            made, link, token, password = handover.hand_over_by_link(
                user, req, data["copy"], recipient_name=data["recipient_name"],
                recipient_email=data["recipient_email"], erasure_due_on=data["erasure_due_on"],
                unmasked=data["unmasked"])
        except REFUSALS as refused:
            return _form_page(http, req, title, action, form, refused)
        return _no_store(render(http, "provision/handover_link_made.html", {
            "req": req, "handover": made, "link": link, "url": links.url_of(token),
            "password": password, "mail_outbox": handover.mail_goes_to_outbox()}))
    media = handover.media_for(user, copies)
    form = MediumHandOverForm(http.POST, copies=copies, media=media)
    title = _("記録媒体で引き渡す")
    if not form.is_valid():
        return _form_page(http, req, title, action, form)
    data = form.cleaned_data
    try:
        made, export = handover.hand_over_on_medium(
            user, req, data["copy"], data["medium"], recipient_name=data["recipient_name"],
            erasure_due_on=data["erasure_due_on"], pending=http.session,
            unmasked=data["unmasked"])
    except REFUSALS as refused:
        return _form_page(http, req, title, action, form, refused)
    return _no_store(render(http, "provision/handover_medium_made.html", {
        "req": req, "handover": made, "export": export}))


@require_POST
@login_required
def revoke_link(http: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(DownloadLink.objects.select_related("handover__request"), pk=pk,
                             handover__request__organisation=http.user.organisation_id)
    req = link.handover.request
    authorize(http, "provision.hand_over", req)
    try:
        links.revoke(http.user, link)
        messages.success(http, _("リンクを取り消しました。サーバー上のパッケージは消去しました。"))
    except REFUSALS as refused:
        messages.error(http, str(refused))
    return redirect(common.link_to(req))


@require_POST
@login_required
def confirm_undertaking(http: HttpRequest, pk: int) -> HttpResponse:
    made = _handover(http, pk)
    authorize(http, "provision.hand_over", made.request)
    form = UndertakingForm(http.POST)
    title = _("遵守事項の確認を記録する")
    if not form.is_valid():
        return _form_page(http, made.request, title, http.path, form)
    try:
        handover.confirm_undertaking(http.user, made, **form.cleaned_data)
    except REFUSALS as refused:
        return _form_page(http, made.request, title, http.path, form, str(refused))
    messages.success(http, _("遵守事項の確認を記録しました。"))
    return redirect(common.link_to(made.request))


@require_POST
@login_required
def confirm_erasure(http: HttpRequest, pk: int) -> HttpResponse:
    made = _handover(http, pk)
    authorize(http, "provision.confirm_erasure", made.request)
    form = ErasureForm(http.POST)
    title = _("消去等の確認を記録する")
    if not form.is_valid():
        return _form_page(http, made.request, title, http.path, form)
    try:
        handover.confirm_erasure(http.user, made, **form.cleaned_data)
    except REFUSALS as refused:
        return _form_page(http, made.request, title, http.path, form, str(refused))
    made.request.refresh_from_db()
    messages.success(http, _("消去等の確認を記録しました。") + (
        _("すべての引渡しの確認が済んだため、申請を完了しました。")
        if made.request.state == RequestState.CLOSED else ""))
    return redirect(common.link_to(made.request))


@require_http_methods(["GET", "POST"])
@login_required
def close(http: HttpRequest, pk: int) -> HttpResponse:
    """Close an approved request by hand, with its reason (GET: the form)."""
    req = _request(http, pk)
    authorize(http, "provision.close", req)
    form = CloseForm(http.POST or None)
    error = ""
    if http.method == "POST" and form.is_valid():
        try:
            handover.close(http.user, req, form.cleaned_data["reason"])
        except REFUSALS as refused:
            error = str(refused)
        else:
            messages.success(http, _("申請を完了としました。元データの消去停止を解除しました。"))
            return redirect(common.link_to(req))
    return render(http, "provision/handover_close.html", {
        "req": req, "form": form, "error": error,
        "why_not": handover.why_not_closable(req)},
        status=400 if http.method == "POST" else 200)


def _letter(http: HttpRequest, pk: int, kind: str, template: str) -> HttpResponse:
    made = _handover(http, pk)
    authorize(http, "provision.view", made.request)
    shown = handover.letter(http.user, made, kind)
    return render(http, template, shown)


@login_required
def handover_letter(http: HttpRequest, pk: int) -> HttpResponse:
    """提供データ受領書兼遵守事項確認書, to print and have signed."""
    return _letter(http, pk, "handover", "provision/letter_handover.html")


@login_required
def erasure_reminder(http: HttpRequest, pk: int) -> HttpResponse:
    """消去等の確認のお願い, to print and send to the recipient."""
    return _letter(http, pk, "reminder", "provision/letter_erasure_reminder.html")


# -- the public download page (no log-in) -----------------------------------------------------


def _no_store(response: HttpResponse) -> HttpResponse:
    """A page with a secret or a token: not cached, not indexed, its address not passed on
    to another site. (same-origin, not no-referrer: with no-referrer a browser posts the
    page's own form with Origin: null, which the CSRF check must refuse.)"""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _visitor(http: HttpRequest) -> links.Visitor:
    return links.Visitor(client_address(http), str(http.META.get("HTTP_USER_AGENT", "")))


STATUS = {links.UNKNOWN: 404, links.THROTTLED: 429, links.FAILED: 503}


def _refused(http: HttpRequest, outcome: str) -> HttpResponse:
    response = render(http, "provision/link_refused.html", {"outcome": outcome},
                      status=STATUS.get(outcome, 410))
    if outcome == links.THROTTLED:
        response["Retry-After"] = "3600"
    return _no_store(response)


def _fetch_page(http: HttpRequest, link: DownloadLink, form: Any,
                status: int = 200) -> HttpResponse:
    organisation = link.handover.request.organisation
    return _no_store(render(http, "provision/link_fetch.html", {
        "link": link, "organisation": organisation, "number": link.handover.request.number,
        "rule": handover.undertaking_rule(organisation), "undertakings": handover.UNDERTAKINGS,
        "form": form, "expires_on": clock.jst_date(link.expires_at)}, status=status))


@require_http_methods(["GET", "POST"])
def link(http: HttpRequest, token: str) -> HttpResponse:
    """GET: what the link holds and the undertakings; POST with them confirmed: the package,
    once. Refused links say only that they are no longer valid."""
    visitor = _visitor(http)
    if http.method == "GET":
        seen = links.look(token, visitor)
        if seen.link is None:
            return _refused(http, seen.outcome)
        return _fetch_page(http, seen.link, RecipientUndertakingForm())
    form = RecipientUndertakingForm(http.POST)
    valid = form.is_valid()
    name = form.cleaned_data.get("name", "") if valid else http.POST.get("name", "")
    attempt = links.fetch(token, visitor, name=str(name), confirmed=valid)
    if attempt.outcome == links.UNCONFIRMED and attempt.link is not None:
        return _fetch_page(http, attempt.link, form, status=400)
    if attempt.outcome != links.DELIVERED or attempt.handle is None:
        return _refused(http, attempt.outcome)
    return _no_store(FileResponse(attempt.handle, as_attachment=True,
                                  filename=attempt.filename))


urlpatterns = [
    path("<int:pk>/hand-over/", hand_over, name="hand_over"),
    path("<int:pk>/close/", close, name="close"),
    path("links/<int:pk>/revoke/", revoke_link, name="revoke_link"),
    path("handovers/<int:pk>/undertaking/", confirm_undertaking, name="confirm_undertaking"),
    path("handovers/<int:pk>/erasure/", confirm_erasure, name="confirm_erasure"),
    path("handovers/<int:pk>/letters/handover/", handover_letter, name="handover_letter"),
    path("handovers/<int:pk>/letters/reminder/", erasure_reminder, name="erasure_reminder"),
    path("dl/<str:token>/", link, name="link"),
]
