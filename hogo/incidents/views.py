"""Incident screens: report in a minute, list with deadlines, the incident page, the yearly
summary. Every rule lives in services; these only translate forms and errors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hogo import clock
from hogo.accounts.permissions import allows, authorize, permission_required
from hogo.audit import services as audit
from hogo.incidents import documents, legal, services, wording
from hogo.incidents.forms import AwarenessForm, FactsForm, FilingForm, ReportForm, StepForm
from hogo.incidents.models import DocumentKind, Incident, Step
from hogo.kit.feedback import run_service


def _incident(request: HttpRequest, pk: int, perm: str = "incidents.view") -> Incident:
    incident = get_object_or_404(Incident.objects.select_related(
        "department", "reported_by", "organisation"), pk=pk,
        organisation=request.user.organisation_id)
    authorize(request, perm, incident)
    return incident


@permission_required("incidents.report")
def new_incident(request: HttpRequest) -> HttpResponse:
    """The 「事故を報告」 form: anyone, in a minute (R-801)."""
    media = services.reportable_media(request.user)
    form = ReportForm(request.POST or None, media=media,
                      initial={"knew_on": clock.today_jst()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = services.report(
                request.user, title=data["title"], kind=data["kind"],
                what_happened=data["what_happened"], knew_on=data["knew_on"],
                noticed_how=data["noticed_how"], occurred_from=data["occurred_on"],
                data_items=data["data_items"], people=data["people"],
                people_basis=services.REPORTER_BASIS if data["people"] is not None else "",
                unauthorised=data["unauthorised"], media=data["media"])
        except services.IncidentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("報告しました。所属長と個人情報保護管理者に"
                                        "直ちに通知しました。"))
            return redirect("incidents:detail", incident.pk)
    return render(request, "incidents/new.html", {"form": form})


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    today = clock.today_jst()
    rows = [{"incident": incident, "deadlines": services.deadlines(incident, today)}
            for incident in services.visible_incidents(request.user).prefetch_related(
                "awareness", "filings")[:300]]
    return render(request, "incidents/list.html", {
        "rows": rows, "can_summary": allows(request.user, "incidents.summary")})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    user = request.user
    audit.record("incident.viewed", user=user, obj=incident)
    result = services.assessment(incident)
    can_manage = incident.can_be_changed and allows(user, "incidents.manage", incident)
    people = services.people_of(incident)
    steps = [(step, StepForm(people=people, initial={"owner": step.owner_id,
                                                     "due_on": step.due_on}),
              services.step_is_optional(incident, step))
             for step in incident.steps.select_related("owner", "done_by")]
    return render(request, "incidents/detail.html", {
        "incident": incident, "assessment": result,
        "deadlines": services.deadlines(incident),
        "knew": services.organisation_knew_on(incident),
        "summary": wording.summary(result), "notes": wording.notes(result),
        "citation": legal.screen_citation(incident.organisation).render(),
        "deadlines_apply": services.deadlines_apply(incident),
        "people_basis": services.people_basis_shown(incident),
        "ordinance_items": incident.ordinance_items,
        "awareness": incident.awareness.select_related("user"),
        "links": [(link, services.link_description(link))
                  for link in incident.links.select_related("medium", "copy")],
        "events": incident.events.select_related("user"),
        "filings": incident.filings.all(), "steps": steps,
        "my_alerts": services.unacknowledged_by(incident, user).exists(),
        "can_manage": can_manage,
        "can_file": incident.can_be_changed and allows(user, "incidents.file", incident),
        "can_close": incident.can_be_closed and allows(user, "incidents.file", incident),
        "facts_form": FactsForm(initial={name: getattr(incident, name)
                                         for name in FactsForm.base_fields},
                                ordinance_items=legal.ordinance_items(incident.organisation)),
        "awareness_form": AwarenessForm(), "filing_form": FilingForm(
            initial={"filed_on": clock.today_jst()}, kinds=services.filing_kinds(incident)),
        "documents": [(kind, DocumentKind(kind).label) for kind in
                      documents.kinds_for(incident)],
        "open_steps": services.open_steps(incident),
        "media_labels": services.reportable_media(user).values_list("label", flat=True),
    })


@require_POST
@login_required
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    services.acknowledge(incident, request.user)
    messages.success(request, _("確認を記録しました。"))
    return redirect("incidents:detail", pk)


def _run(request: HttpRequest, action: Any, success: str) -> bool:
    return run_service(request, action, success, (services.IncidentError,))


def _valid(request: HttpRequest, form: Any) -> dict[str, Any] | None:
    """The form's cleaned data, or None after telling the person what to correct."""
    if form.is_valid():
        return form.cleaned_data
    messages.error(request, _("入力内容を確認してください：") + form.errors.as_text())
    return None


@require_POST
@login_required
def facts(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk, "incidents.manage")
    data = _valid(request, FactsForm(request.POST,
                                     ordinance_items=legal.ordinance_items(incident.organisation)))
    if data is not None:
        changes = {name: value if value is not None or name == "people" else ""
                   for name, value in data.items()}
        _run(request, lambda: services.update_facts(incident, request.user, **changes),
             _("事実を更新し、報告要否と期限を再評価しました。"))
    return redirect("incidents:detail", pk)


@require_POST
@login_required
def awareness(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk, "incidents.manage")
    data = _valid(request, AwarenessForm(request.POST))
    if data is not None:
        _run(request, lambda: services.add_awareness(incident, request.user, **data),
             _("覚知を記録しました。期限を再計算しました。"))
    return redirect("incidents:detail", pk)


@require_POST
@login_required
def link(request: HttpRequest, pk: int) -> HttpResponse:
    """Link a medium (by its label) or a copy (by its number) to the incident."""
    incident = _incident(request, pk, "incidents.manage")
    label, number = request.POST.get("medium", "").strip(), request.POST.get("copy", "").strip()
    medium = services.medium_by_label(label)
    copy = services.copy_by_number(number)
    if medium is None and copy is None:
        messages.error(request, _("該当する記録媒体の管理番号又は複製データの番号がありません。"))
        return redirect("incidents:detail", pk)
    if medium is not None:
        _run(request, lambda: services.add_medium(incident, medium, by=request.user),
             _("関係する記録媒体を追加しました。"))
    if copy is not None:
        _run(request, lambda: services.link_copy(incident, copy, by=request.user),
             _("関係する複製データを追加しました。"))
    return redirect("incidents:detail", pk)


@require_POST
@login_required
def filing(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk, "incidents.file")
    data = _valid(request, FilingForm(request.POST, kinds=services.filing_kinds(incident)))
    if data is not None:
        _run(request, lambda: services.record_filing(incident, request.user, **data),
             _("提出を記録しました。"))
    return redirect("incidents:detail", pk)


@require_POST
@login_required
def step(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Step.objects.select_related("incident"), pk=pk,
                             incident__organisation=request.user.organisation_id)
    authorize(request, "incidents.manage", item.incident)
    data = _valid(request, StepForm(request.POST, people=services.people_of(item.incident)))
    if data is None:
        return redirect("incidents:detail", item.incident_id)
    if data["action"] == "waive":  # deciding a step is unnecessary is the privacy officer's
        authorize(request, "incidents.file", item.incident)
    actions = {
        "assign": (lambda: services.update_step(item, request.user, owner=data["owner"],
                                                due_on=data["due_on"]),
                   _("担当者と期限を記録しました。")),
        "done": (lambda: services.complete_step(item, request.user, evidence=data["text"]),
                 _("対応の完了を記録しました。")),
        "waive": (lambda: services.waive_step(item, request.user, reason=data["text"]),
                  _("対応を不要と記録しました。")),
    }
    _run(request, *actions[data["action"]])
    return redirect("incidents:detail", item.incident_id)


@require_POST
@login_required
def close(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk, "incidents.file")
    _run(request, lambda: services.close(incident, request.user), _("事案の対応を完了しました。"))
    return redirect("incidents:detail", pk)


@permission_required("incidents.summary")
def summary(request: HttpRequest) -> HttpResponse:
    """The privacy officer's yearly summary (年度): counts, late reports, causes."""
    current = services.fiscal_year_of(clock.today_jst())
    try:
        year = int(request.GET.get("year", current))
    except ValueError:
        year = current
    year = min(max(year, 2000), current + 1)
    return render(request, "incidents/summary.html", {
        "summary": services.yearly_summary(request.user.organisation, year),
        "years": range(current, current - 6, -1)})
