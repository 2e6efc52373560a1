"""Provision views: the manager's decision, the second approval and the decision letter.

They parse the form, call one service of `hogo.provision.decision` and render; a refused
decision comes back with its Japanese reasons and everything typed kept."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hogo.accounts.permissions import authorize
from hogo.provision import decision
from hogo.provision.forms_decision import DecisionForm, SecondApprovalForm
from hogo.provision.models import Outcome, ProvisionRequest

DONE = {Outcome.APPROVE: gettext_lazy("提供を決定しました。"),
        Outcome.PARTIAL: gettext_lazy("一部の提供を決定しました。"),
        Outcome.REFUSE: gettext_lazy("不提供を決定しました。")}


def _request_of(http: HttpRequest, pk: int, perm: str) -> ProvisionRequest:
    found = get_object_or_404(ProvisionRequest.objects.select_related(
        "organisation", "vehicle", "department"), pk=pk, organisation=http.user.organisation_id)
    authorize(http, perm, found)
    return found


def _page(http: HttpRequest, request: ProvisionRequest, template: str, **extra) -> HttpResponse:
    return render(http, template, {**decision.view_of(http.user, request), **extra})


@login_required
def decide(http: HttpRequest, pk: int) -> HttpResponse:
    """GET: the decision form beside the requested scope and the legal assessment; POST: the
    decision (refused ones come back with the reasons and the input kept)."""
    request = _request_of(http, pk, "provision.decide")
    if not request.can_be_decided:
        messages.error(http, _("この申請は決定できる状態にありません。"))
        return redirect(request.get_absolute_url())
    form = DecisionForm(http.POST or None, request=request)
    if http.method == "POST" and form.is_valid():
        outcome = form.cleaned_data["outcome"]
        try:
            decision.decide(http.user, request, outcome=outcome,
                            reason=form.cleaned_data["reason"], **form.scope())
        except decision.DecisionRefused as refused:
            for reason in refused.reasons:
                form.add_error(None, reason)
        else:
            messages.success(http, _("決定しました。第二承認者の承認を待ちます。")
                             if request.can_be_second_approved else str(DONE[outcome]))
            return redirect(request.get_absolute_url())
    if http.method != "POST":
        decision.record_viewed(http.user, request, "decision")
    return _page(http, request, "provision/decision_form.html", form=form)


@login_required
def second(http: HttpRequest, pk: int) -> HttpResponse:
    """GET: the manager's decision for the second approver; POST: approve or refuse it."""
    request = _request_of(http, pk, "provision.second_approve")
    if not request.can_be_second_approved:
        messages.error(http, _("この申請は第二承認を待っていません。"))
        return redirect(request.get_absolute_url())
    form = SecondApprovalForm(http.POST or None)
    if http.method == "POST" and form.is_valid():
        approve = form.cleaned_data["approve"]
        try:
            decision.second_approve(http.user, request, approve=approve,
                                    reason=form.cleaned_data["reason"])
        except decision.DecisionRefused as refused:
            for reason in refused.reasons:
                form.add_error(None, reason)
        else:
            messages.success(http, _("第二承認として承認しました。") if approve
                             else _("承認せず、不提供と決定しました。"))
            return redirect(request.get_absolute_url())
    if http.method != "POST":
        decision.record_viewed(http.user, request, "second_approval")
    return _page(http, request, "provision/decision_second.html", second_form=form)


@login_required
def decision_letter(http: HttpRequest, pk: int) -> HttpResponse:
    """The printable notice of the decision to the requester (和暦, the own rule cited)."""
    request = _request_of(http, pk, "provision.view")
    try:
        context = decision.decision_letter(http.user, request)
    except decision.DecisionRefused as refused:
        raise Http404(refused.reasons[0]) from refused
    return render(http, "provision/letter_decision.html", context)


urlpatterns = [
    path("<int:pk>/decide/", decide, name="decide"),
    path("<int:pk>/second/", second, name="second"),
    path("<int:pk>/letters/decision/", decision_letter, name="decision_letter"),
]
