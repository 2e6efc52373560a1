"""The public request form (no account): police, courts, lawyers, insurers and persons send a
provision request; it is refused until the own rule's Art. 9 items are all there, throttled
per address and for the whole form (429), and answered with a receipt number on a
confirmation page. The number is kept in
the sender's session, so the page cannot be walked for other senders' numbers."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from hogo.accounts.lockout import client_address
from hogo.accounts.policy import citation
from hogo.provision import intake
from hogo.provision.forms_intake import PublicRequestForm

DONE_KEY = "provision_public_done"


def _context(organisation, **extra) -> dict:
    return {"organisation": organisation,
            "rule": citation(organisation, "provision") if organisation else "",
            "max_mb": intake.MAX_ATTACHMENT_BYTES // (1024 * 1024), **extra}


@never_cache
def public_form(http: HttpRequest) -> HttpResponse:
    organisation = intake.public_organisation()
    if not intake.public_form_open(organisation):
        return render(http, "provision/public_closed.html", _context(organisation),
                      status=404)
    form = PublicRequestForm(http.POST or None)
    refusals: list[str] = []
    status = 200
    if http.method == "POST":
        if form.is_valid():
            try:
                made = intake.submit_public(form.request_data(), address=client_address(http))
            except intake.Incomplete as refused:
                form.add_missing(refused.missing)
                refusals = refused.reasons
            except intake.Throttled as refused:
                refusals, status = refused.reasons, 429
            except intake.ProvisionError as refused:
                refusals = form.add_refusal(refused) or [
                    _("入力内容に誤りがあります。各欄の表示を確認してください。")]
            else:
                http.session[DONE_KEY] = {"number": made.number,
                                          "received_at": made.received_at.isoformat()}
                return redirect("provision:public_done")
        else:
            refusals = [_("入力内容に誤りがあります。各欄の表示を確認してください。")]
    return render(http, "provision/public_form.html", _context(
        organisation, form=form, refusals=refusals), status=status)


@never_cache
def public_done(http: HttpRequest) -> HttpResponse:
    organisation = intake.public_organisation()
    done = http.session.get(DONE_KEY)
    if not done:
        return redirect("provision:public_form")
    received_at = dt.datetime.fromisoformat(done["received_at"])
    return render(http, "provision/public_done.html", _context(
        organisation, number=done["number"], received_at=received_at,
        decision_days=intake.decision_days(organisation) if organisation else None))


urlpatterns = [
    path("request/", public_form, name="public_form"),
    path("request/done/", public_done, name="public_done"),
]
