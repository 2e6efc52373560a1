"""The public request form (no account), under /public/requests/: a person asks for their
own data (or its correction or stop) and gets a receipt number and the next step — how to
show who they are. Refused with everything typed kept while an item is missing; throttled per
address and for the whole form (429). The number is kept in the sender's session only, so
the done page cannot be walked for other people's numbers."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from hogo.accounts.lockout import client_address
from hogo.requests import common, intake
from hogo.requests.forms_intake import PublicRequestForm

DONE_KEY = "requests_public_done"


def _context(organisation, **extra) -> dict:
    days = common.setting(organisation, "answer_days") if organisation else None
    return {"organisation": organisation, "answer_days": days,
            "public_body": common.is_public_body(organisation) if organisation else False,
            **extra}


@never_cache
def public_form(http: HttpRequest) -> HttpResponse:
    organisation = intake.public_organisation()
    if not intake.public_form_open(organisation):
        return render(http, "requests/public_closed.html", _context(organisation), status=404)
    form = PublicRequestForm(http.POST or None, organisation=organisation)
    refusals: list[str] = []
    status = 200
    if http.method == "POST":
        if form.is_valid():
            try:
                made = intake.submit_public(form.request_data(), address=client_address(http))
            except intake.Incomplete as refused:
                form.add_missing(refused.missing)
                refusals, status = refused.reasons, 400
            except intake.Throttled as refused:
                refusals, status = refused.reasons, 429
            except intake.RequestError as refused:
                refusals = form.add_refusal(refused) or [
                    _("入力内容に誤りがあります。各欄の表示を確認してください。")]
                status = 400
            else:
                http.session[DONE_KEY] = {"number": made.number, "kind": made.kind,
                                          "received_at": made.received_at.isoformat(),
                                          "due_on": made.effective_due_on.isoformat()
                                          if made.effective_due_on else ""}
                return redirect("requests_public:done")
        else:
            refusals, status = [_("入力内容に誤りがあります。各欄の表示を確認してください。")], 400
    return render(http, "requests/public_form.html", _context(
        organisation, form=form, refusals=refusals), status=status)


@never_cache
def public_done(http: HttpRequest) -> HttpResponse:
    organisation = intake.public_organisation()
    done = http.session.pop(DONE_KEY, None)  # shown once: the next user of a kiosk sees none
    if not done or organisation is None:
        return redirect("requests_public:form")
    due = dt.date.fromisoformat(done["due_on"]) if done.get("due_on") else None
    return render(http, "requests/public_done.html", _context(
        organisation, number=done["number"],
        received_at=dt.datetime.fromisoformat(done["received_at"]), due_on=due))


urlpatterns = [
    path("", public_form, name="form"),
    path("done/", public_done, name="done"),
]
