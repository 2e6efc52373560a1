"""Screens of the decision area: the fee and its payment, the extension (and the special rule
for very large requests), the decision, carrying it out, the day it was notified, closing, and
the printable letters.

Each parses its form, calls one service and renders; a refusal comes back on the same screen
with its Japanese reasons and everything typed kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from hogo.accounts.permissions import authorize
from hogo.requests import carrying, common, deciding, decision, fees, letters
from hogo.requests.forms_decision import (
    CarryOutForm,
    CloseForm,
    DecisionForm,
    ExtensionForm,
    FeeForm,
    LargeRequestForm,
    NotifiedForm,
    PaymentForm,
)
from hogo.requests.models import PersonalRequest

REFUSALS = (deciding.DecisionRefused, fees.FeeRefused, carrying.CarryOutRefused)


def _request_of(http: HttpRequest, pk: int, perm: str) -> PersonalRequest:
    found = get_object_or_404(PersonalRequest.objects.select_related(
        "organisation", "department", "vehicle"), pk=pk,
        organisation=http.user.organisation_id)
    authorize(http, perm, found)
    return found


def _reasons(refused: Exception) -> list[str]:
    return list(getattr(refused, "reasons", None) or [str(refused)])


def _step(http: HttpRequest, request: PersonalRequest, form: Form, *, template: str,
          run: Callable[[], Any], done: str, **extra: Any) -> HttpResponse:
    """POST with a valid form: run the service and go back to the request; otherwise (GET, a
    bad form, a refusal) the screen again with the errors and the input kept."""
    status = 200
    if http.method == "POST":
        if form.is_valid():
            try:
                run()
            except REFUSALS as refused:
                for reason in _reasons(refused):
                    form.add_error(None, reason)
            else:
                messages.success(http, done)
                return redirect(request.get_absolute_url())
        status = 400
    else:
        common.record_viewed(http.user, request, template.rsplit("/", 1)[-1].split(".")[0])
    context = {**decision.view_of(http.user, request), "form": form, **extra}
    return render(http, template, context, status=status)


@login_required
def decide(http: HttpRequest, pk: int) -> HttpResponse:
    """GET: the decision form beside the deadlines, the fee and the records found; POST: the
    decision (refusals come back with the reasons)."""
    request = _request_of(http, pk, "requests.decide")
    if not request.can_be_decided:
        messages.error(http, _("この請求は決定できる状態にありません（本人確認の記録が必要"
                               "です）。"))
        return redirect(request.get_absolute_url())
    form = DecisionForm(http.POST or None, request=request,
                        initial={"records_text": deciding.person_text(request)})

    def run() -> None:
        data = form.cleaned_data
        deciding.decide(http.user, request, outcome=data["outcome"], grounds=data["grounds"],
                        reason=data["reason"], records_text=data.get("records_text") or None)

    return _step(http, request, form, template="requests/decision_form.html", run=run,
                 done=_("決定を記録しました。決定通知書を印刷して送付してください。"))


@login_required
def set_fee(http: HttpRequest, pk: int) -> HttpResponse:
    request = _request_of(http, pk, "requests.handle")
    form = FeeForm(http.POST or None, initial={"items": request.fee_items})

    def run() -> None:
        data = form.cleaned_data
        fees.set_fee(http.user, request, items=data["items"], sheets=data["sheets"],
                     discs=data["discs"])

    return _step(http, request, form, template="requests/fee_form.html", run=run,
                 done=_("手数料を計算しました。"), payment=False,
                 step_title=_("手数料の計算"))


@login_required
def fee_paid(http: HttpRequest, pk: int) -> HttpResponse:
    request = _request_of(http, pk, "requests.handle")
    form = PaymentForm(http.POST or None, initial={"amount": fees.total(request)})

    def run() -> None:
        fees.record_payment(http.user, request, amount=form.cleaned_data["amount"],
                            paid_at=form.paid_at())

    return _step(http, request, form, template="requests/fee_form.html", run=run,
                 done=_("手数料の納付を記録しました。領収書を印刷できます。"), payment=True,
                 step_title=_("手数料の納付"))


@login_required
def extend(http: HttpRequest, pk: int) -> HttpResponse:
    """A public body's one extension with its reason and new last day (Art. 83(2))."""
    request = _request_of(http, pk, "requests.decide")
    form = ExtensionForm(http.POST or None,
                         initial={"new_due_on": deciding.extension_limit(request)})

    def run() -> None:
        deciding.extend(http.user, request, reason=form.cleaned_data["reason"],
                        new_due_on=form.cleaned_data["new_due_on"])

    return _step(http, request, form, template="requests/decision_extend.html", run=run,
                 done=_("決定期限を延長しました。延長通知書を印刷して送付してください。"),
                 large=False,
                 step_title=_("決定期限の延長"))


@login_required
def large_request(http: HttpRequest, pk: int) -> HttpResponse:
    """Art. 84: a substantial part by the due day, the rest by the stated day."""
    request = _request_of(http, pk, "requests.decide")
    form = LargeRequestForm(http.POST or None)

    def run() -> None:
        deciding.apply_large_request(http.user, request, reason=form.cleaned_data["reason"],
                                     remainder_due_on=form.cleaned_data["remainder_due_on"])

    return _step(http, request, form, template="requests/decision_extend.html", run=run,
                 done=_("期限の特例を適用しました。通知書を印刷して送付してください。"), large=True,
                 step_title=_("開示決定等の期限の特例"))


@login_required
def carry_out(http: HttpRequest, pk: int) -> HttpResponse:
    request = _request_of(http, pk, "requests.handle")
    form = CarryOutForm(http.POST or None, request=request)

    def run() -> None:
        data = form.cleaned_data
        carrying.carry_out(http.user, request, day=data.get("day"),
                           method=data.get("method") or "", measures=data.get("measures", ""),
                           actions=data.get("actions") or ())

    return _step(http, request, form, template="requests/decision_carry_out.html", run=run,
                 done=_("決定の内容の実施を記録しました。"),
                 step_title=_("決定の内容の実施"))


@login_required
def notified(http: HttpRequest, pk: int) -> HttpResponse:
    request = _request_of(http, pk, "requests.handle")
    form = NotifiedForm(http.POST or None)
    return _step(http, request, form, template="requests/decision_notified.html",
                 run=lambda: carrying.record_notified(http.user, request,
                                                      on=form.cleaned_data.get("on")),
                 done=_("決定通知書を送付した日を記録しました。"),
                 step_title=_("決定の通知"))


@login_required
def close(http: HttpRequest, pk: int) -> HttpResponse:
    request = _request_of(http, pk, "requests.close")
    form = CloseForm(http.POST or None)
    return _step(http, request, form, template="requests/decision_close.html",
                 run=lambda: carrying.close(http.user, request, note=form.cleaned_data["note"]),
                 done=_("完了としました。本人確認書類の画像を消去しました。"),
                 step_title=_("請求を完了にする"))


def _letter(builder: Callable[[Any, PersonalRequest], dict], template: str) -> Callable:
    @login_required
    def view(http: HttpRequest, pk: int) -> HttpResponse:
        request = _request_of(http, pk, "requests.view")
        try:
            context = builder(http.user, request)
        except letters.LetterRefused as refused:
            raise Http404(str(refused)) from refused
        return render(http, template, context)

    view.__doc__ = f"The printable letter ({template})."
    return view


urlpatterns = [
    path("<int:pk>/decide/", decide, name="decide"),
    path("<int:pk>/fee/", set_fee, name="fee"),
    path("<int:pk>/fee/paid/", fee_paid, name="fee_paid"),
    path("<int:pk>/extend/", extend, name="extend"),
    path("<int:pk>/large-request/", large_request, name="large_request"),
    path("<int:pk>/carry-out/", carry_out, name="carry_out"),
    path("<int:pk>/notified/", notified, name="notified"),
    path("<int:pk>/close/", close, name="close"),
    path("<int:pk>/letters/decision/", _letter(letters.decision_letter,
                                               "requests/letter_decision.html"),
         name="letter_decision"),
    path("<int:pk>/letters/extension/", _letter(letters.extension_letter,
                                                "requests/letter_extension.html"),
         name="letter_extension"),
    path("<int:pk>/letters/large-request/", _letter(letters.large_request_letter,
                                                    "requests/letter_extension.html"),
         name="letter_large_request"),
    path("<int:pk>/letters/method/", _letter(letters.method_form, "requests/letter_method.html"),
         name="letter_method"),
    path("<int:pk>/letters/fee-receipt/", _letter(letters.fee_receipt,
                                                  "requests/letter_receipt_fee.html"),
         name="letter_fee_receipt"),
]
