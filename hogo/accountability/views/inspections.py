"""Self-inspection screens (自己点検): the board of departments with their next inspection,
an inspection's checks with the facts hogo found and its findings, and a finding's page where
its owner answers and the inspector closes it or sends it back. The rules live in
hogo.accountability.inspection."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hogo.accountability import inspection as inspections
from hogo.accountability.forms_inspection import (
    ORGANISATION_SCOPE,
    AnswerForm,
    FindingForm,
    FinishForm,
    NoteForm,
    ReturnForm,
    StartForm,
)
from hogo.accounts.permissions import allows, permission_required


def _refused(form: Any, refused: inspections.InspectionError) -> None:
    field = refused.field if refused.field in form.fields else None
    for reason in refused.reasons:
        form.add_error(field, reason)


def _scope_choices(user: Any) -> list[tuple[str, str]]:
    return [(str(d.pk) if d is not None else ORGANISATION_SCOPE, inspections.scope_name(d))
            for d in inspections.scopes(user.organisation_id)]


@permission_required("accountability.view_inspections")
def board(request: HttpRequest) -> HttpResponse:
    """Each department with its last inspection, the next due day and open findings; an
    inspector starts an inspection here."""
    user = request.user
    can_inspect = allows(user, "accountability.inspect")
    form = StartForm(request.POST or None, scopes=_scope_choices(user))
    if request.method == "POST" and can_inspect and form.is_valid():
        chosen = form.cleaned_data["scope"]
        department = next((d for d in inspections.scopes(user.organisation_id)
                           if d is not None and str(d.pk) == chosen), None)
        try:
            started = inspections.start(user, department)
        except inspections.InspectionError as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("自己点検を始めました。hogoが確認した結果を見て、指摘"
                                        "事項を挙げてください。"))
            return redirect("accountability:inspection", pk=started.pk)
    return render(request, "accountability/inspections.html", {
        "rows": inspections.board(user), "form": form, "can_inspect": can_inspect,
        "mine": list(inspections.findings_owned(user)),
        "history": inspections.inspections_of(user)[:50]})


def _found(request: HttpRequest, pk: int) -> Any:
    found = inspections.inspection_for(request.user, pk)
    if found is None:
        raise Http404("no such inspection")
    return found


def _page(request: HttpRequest, inspection: Any, *, status: int = 200,
          **bound: Any) -> HttpResponse:
    """The inspection's page; a refused form comes back bound, as typed."""
    can_inspect = allows(request.user, "accountability.inspect") and (
        not inspection.is_finished)
    owners = inspections.owner_choices(inspection)
    initial = {"owner": inspections.default_owner(inspection),
               "due_on": inspections.default_due_on(inspection)}
    rows = inspections.check_rows(inspection)
    failed_bound = bound.pop("failed_form", None)
    for row in rows:
        row["finding_form"] = (failed_bound if failed_bound is not None and (
            failed_bound.data.get("check") == row["check"].code) else FindingForm(
            owners=owners, initial={**initial, "check": row["check"].code,
                                    "what": row["label"]}))
        row["note_form"] = NoteForm(initial={"note": row["check"].note})
    context = {"inspection": inspection, "name": inspections.scope_name(inspection.department),
               "rows": rows, "can_inspect": can_inspect,
               "findings": inspection.findings.select_related("owner", "from_check"),
               "finding_form": FindingForm(owners=owners, initial=initial),
               "finish_form": FinishForm(), **bound}
    return render(request, "accountability/inspection.html", context, status=status)


@permission_required("accountability.view_inspections")
def inspection(request: HttpRequest, pk: int) -> HttpResponse:
    """An inspection's checks, facts and findings."""
    return _page(request, _found(request, pk))


@require_POST
@permission_required("accountability.inspect")
def raise_finding(request: HttpRequest, pk: int) -> HttpResponse:
    """Raise a finding, from a check or of the inspector's own."""
    found = _found(request, pk)
    form = FindingForm(request.POST, owners=inspections.owner_choices(found))
    code = request.POST.get("check", "")
    from_check = found.checks.filter(code=code).first() if code else None
    if form.is_valid():
        try:
            made = inspections.raise_finding(
                request.user, found, what=form.cleaned_data["what"],
                owner=form.cleaned_data["owner"], due_on=form.cleaned_data["due_on"],
                from_check=from_check)
        except inspections.InspectionError as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("指摘事項 %(number)s を挙げ、%(owner)sさんに知らせました。")
                             % {"number": made.number, "owner": made.owner})
            return redirect("accountability:inspection", pk=found.pk)
    name = "failed_form" if from_check is not None else "finding_form"
    return _page(request, found, status=400, **{name: form})


@require_POST
@permission_required("accountability.inspect")
def note(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Keep the inspector's note on one check."""
    found = _found(request, pk)
    check = found.checks.filter(code=code).first()
    if check is None:
        raise Http404("no such check")
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            inspections.note_check(request.user, check, form.cleaned_data["note"])
        except inspections.InspectionError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("所見を記録しました。"))
    return redirect("accountability:inspection", pk=found.pk)


@require_POST
@permission_required("accountability.inspect")
def finish(request: HttpRequest, pk: int) -> HttpResponse:
    """Finish the inspection."""
    found = _found(request, pk)
    form = FinishForm(request.POST)
    if form.is_valid():
        try:
            inspections.finish(request.user, found, summary=form.cleaned_data["summary"])
        except inspections.InspectionError as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("自己点検を終了しました。"))
            return redirect("accountability:inspection", pk=found.pk)
    return _page(request, found, status=400, finish_form=form)


def _finding(request: HttpRequest, pk: int) -> Any:
    found = inspections.finding_for(request.user, pk)
    if found is None:
        raise Http404("no such finding")
    return found


def _finding_page(request: HttpRequest, finding: Any, *, status: int = 200,
                  **bound: Any) -> HttpResponse:
    user = request.user
    context = {"finding": finding, "name": inspections.scope_name(
                   finding.inspection.department),
               "can_answer": finding.can_be_answered and allows(
                   user, "accountability.answer_finding", finding),
               "can_close": finding.can_be_closed and allows(user, "accountability.inspect"),
               "overdue": finding.is_overdue,
               "answer_form": AnswerForm(initial={"action": finding.action}),
               "return_form": ReturnForm(), **bound}
    return render(request, "accountability/finding.html", context, status=status)


@login_required
def finding(request: HttpRequest, pk: int) -> HttpResponse:
    """A finding: what it asks, its owner and due day, the answer and its confirmation (its
    owner may read it without reading the inspections)."""
    return _finding_page(request, _finding(request, pk))


def _finding_step(request: HttpRequest, pk: int, name: str, form: Any, call: Any,
                  success: str) -> HttpResponse:
    found = _finding(request, pk)
    if form.is_valid():
        try:
            call(found, form.cleaned_data)
        except inspections.InspectionError as refused:
            _refused(form, refused)
        else:
            messages.success(request, success)
            return redirect("accountability:finding", pk=found.pk)
    return _finding_page(request, found, status=400, **{name: form})


@require_POST
@login_required
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner reports what was done."""
    return _finding_step(request, pk, "answer_form", AnswerForm(request.POST), lambda f, data: (
        inspections.answer(request.user, f, action=data["action"])),
        _("対応を報告しました。点検した人が確認します。"))


@require_POST
@permission_required("accountability.inspect")
def close(request: HttpRequest, pk: int) -> HttpResponse:
    """The inspector confirms the answer: the finding is closed."""
    found = _finding(request, pk)
    try:
        inspections.close(request.user, found)
    except inspections.InspectionError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("指摘事項を完了にしました。"))
    return redirect("accountability:finding", pk=found.pk)


@require_POST
@permission_required("accountability.inspect")
def send_back(request: HttpRequest, pk: int) -> HttpResponse:
    """The inspector sends the answer back with a reason."""
    return _finding_step(request, pk, "return_form", ReturnForm(request.POST), lambda f, data: (
        inspections.send_back(request.user, f, reason=data["reason"])),
        _("対応を差し戻しました。"))


urlpatterns = [
    path("inspections/", board, name="inspections"),
    path("inspections/<int:pk>/", inspection, name="inspection"),
    path("inspections/<int:pk>/findings/", raise_finding, name="inspection_finding"),
    path("inspections/<int:pk>/checks/<str:code>/note/", note, name="inspection_note"),
    path("inspections/<int:pk>/finish/", finish, name="inspection_finish"),
    path("findings/<int:pk>/", finding, name="finding"),
    path("findings/<int:pk>/answer/", answer, name="finding_answer"),
    path("findings/<int:pk>/close/", close, name="finding_close"),
    path("findings/<int:pk>/return/", send_back, name="finding_return"),
]
