"""The public complaint form (no account): anyone may complain, by name or anonymously (then
no answer can be sent, and the form says so). A complaint without its text or category is
refused with everything typed kept; the form is throttled per address and as a whole (429);
the receipt number is shown on a confirmation page that keeps it in the sender's session,
so the page cannot be walked for other people's numbers. When the profile closes the form,
a page says how else to complain."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from hogo.accounts.lockout import client_address
from hogo.complaints import common, intake
from hogo.complaints.forms import PublicComplaintForm

DONE_KEY = "complaints_public_done"


def _context(organisation, **extra) -> dict:
    return {"organisation": organisation,
            "rule": common.rule(organisation) if organisation else "",
            "answer_days": common.answer_days(organisation) if organisation else None,
            **extra}


@never_cache
def public_form(http: HttpRequest) -> HttpResponse:
    """The form; a refusal re-renders it with what was typed (429 when throttled)."""
    organisation = intake.public_organisation()
    if not intake.public_form_open(organisation):
        return render(http, "complaints/public_closed.html", _context(organisation),
                      status=404)
    form = PublicComplaintForm(http.POST or None)
    refusals: list[str] = []
    status = 200
    if http.method == "POST":
        if form.is_valid():
            try:
                made = intake.submit_public(form.complaint_data(),
                                            address=client_address(http))
            except intake.Throttled as refused:
                refusals, status = refused.reasons, 429
            except common.ComplaintError as refused:
                refusals = form.add_refusal(refused) or [
                    _("入力内容に誤りがあります。各欄の表示を確認してください。")]
            else:
                http.session[DONE_KEY] = {"number": made.number,
                                          "received_at": made.received_at.isoformat(),
                                          "can_reply": made.can_reply}
                return redirect("complaints_public:done")
        else:
            refusals = [_("入力内容に誤りがあります。各欄の表示を確認してください。")]
    return render(http, "complaints/public_form.html", _context(
        organisation, form=form, refusals=refusals), status=status)


@never_cache
def public_done(http: HttpRequest) -> HttpResponse:
    """The confirmation with the receipt number kept in the session."""
    organisation = intake.public_organisation()
    done = http.session.get(DONE_KEY)
    if not done or organisation is None:
        return redirect("complaints_public:form")
    return render(http, "complaints/public_done.html", _context(
        organisation, number=done["number"], can_reply=done.get("can_reply", False),
        received_at=dt.datetime.fromisoformat(done["received_at"])))


urlpatterns = [
    path("", public_form, name="form"),
    path("done/", public_done, name="done"),
]
