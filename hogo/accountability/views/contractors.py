"""Contractor screens (委託先): the list with a new contractor, and a contractor's page with
its selection check, contract, audits and incident reports, each entered by its own form.
The rules live in hogo.accountability.contractors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hogo.accountability import contractors
from hogo.accountability.forms import (
    AuditForm,
    CheckForm,
    ContractForm,
    ContractorForm,
    IncidentReportForm,
)
from hogo.accounts.permissions import allows, permission_required


def _refused(form, refused: contractors.ContractorError) -> None:
    field = refused.field if refused.field in form.fields else None
    for reason in refused.reasons:
        form.add_error(field, reason)


@permission_required("accountability.view_contractors")
def contractor_list(request: HttpRequest) -> HttpResponse:
    """The contractors with their next audit's day, and registering one."""
    user = request.user
    form = ContractorForm(request.POST or None)
    if request.method == "POST" and allows(user, "accountability.manage_contractors") and (
            form.is_valid()):
        try:
            made = contractors.create_contractor(user, **form.cleaned_data)
        except contractors.ContractorError as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("委託先「%(name)s」を登録しました。")
                             % {"name": made.name})
            return redirect("accountability:contractor", pk=made.pk)
    rows = [{"c": c, "due_on": contractors.audit_due_on(c)}
            for c in contractors.contractors_of(user)]
    return render(request, "accountability/contractors.html", {
        "rows": rows, "form": form,
        "can_manage": allows(user, "accountability.manage_contractors")})


def _found(request: HttpRequest, pk: int) -> Any:
    found = contractors.contractor_for(request.user, pk)
    if found is None:
        raise Http404("no such contractor")
    return found


def _page(request: HttpRequest, contractor: Any, **bound: Any) -> HttpResponse:
    """The contractor's page; a form that was refused comes back bound, as typed."""
    user = request.user
    can_manage = allows(user, "accountability.manage_contractors")
    forms = {
        "check_form": CheckForm(), "contract_form": ContractForm(), "audit_form": AuditForm(),
        "report_form": IncidentReportForm(
            incidents=contractors.open_incidents(user) if can_manage else []),
    }
    forms.update(bound)
    return render(request, "accountability/contractor.html", {
        "contractor": contractor, "can_manage": can_manage,
        **contractors.overview(contractor), **forms})


@permission_required("accountability.view_contractors")
def contractor(request: HttpRequest, pk: int) -> HttpResponse:
    """A contractor's page."""
    return _page(request, _found(request, pk))


def _post(request: HttpRequest, pk: int, name: str, form: Any, call: Any,
          success: str) -> HttpResponse:
    found = _found(request, pk)
    if form.is_valid():
        try:
            call(found, form)
        except contractors.ContractorError as refused:
            _refused(form, refused)
        else:
            messages.success(request, success)
            return redirect("accountability:contractor", pk=found.pk)
    return _page(request, found, **{name: form})


@require_POST
@permission_required("accountability.manage_contractors")
def check(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the selection check."""
    return _post(request, pk, "check_form", CheckForm(request.POST), lambda c, f: (
        contractors.record_check(request.user, c, checked_on=f.cleaned_data["checked_on"],
                                 answers=f.answers())), _("選定時の確認を記録しました。"))


@require_POST
@permission_required("accountability.manage_contractors")
def contract(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the signed contract's dates and clauses."""
    return _post(request, pk, "contract_form", ContractForm(request.POST), lambda c, f: (
        contractors.record_contract(
            request.user, c, starts_on=f.cleaned_data["starts_on"],
            ends_on=f.cleaned_data["ends_on"], clauses=f.clauses(),
            note=f.cleaned_data["note"])), _("契約を記録しました。"))


@require_POST
@permission_required("accountability.manage_contractors")
def audit(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a periodic audit done."""
    return _post(request, pk, "audit_form", AuditForm(request.POST), lambda c, f: (
        contractors.record_audit(request.user, c, **f.cleaned_data)),
        _("監査の実施を記録しました。"))


@require_POST
@permission_required("accountability.manage_contractors")
def incident_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a contractor's incident report as an awareness in an incident."""
    choices = contractors.open_incidents(request.user)
    by_pk = {str(i.pk): i for i in choices}
    form = IncidentReportForm(request.POST, incidents=choices)
    def chosen(picked: str) -> Any:
        return contractors.NEW_INCIDENT if picked == contractors.NEW_INCIDENT else by_pk.get(
            picked)

    return _post(request, pk, "report_form", form, lambda c, f: (
        contractors.record_incident_report(
            request.user, c, incident=chosen(f.cleaned_data["incident"]),
            kind=f.cleaned_data["kind"], told_on=f.cleaned_data["told_on"],
            told_by=f.cleaned_data["told_by"], what=f.cleaned_data["what"])),
        _("委託先からの連絡を事案の覚知として記録しました。"))


urlpatterns = [
    path("contractors/", contractor_list, name="contractors"),
    path("contractors/<int:pk>/", contractor, name="contractor"),
    path("contractors/<int:pk>/check/", check, name="contractor_check"),
    path("contractors/<int:pk>/contract/", contract, name="contractor_contract"),
    path("contractors/<int:pk>/audit/", audit, name="contractor_audit"),
    path("contractors/<int:pk>/incident/", incident_report, name="contractor_incident"),
]
