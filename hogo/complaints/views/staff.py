"""Staff screens of complaints: the list with its filters, a complaint taken in, its page
with 経過 and the steps (assign, answer, close, withdraw), the printable answer letter, and
the yearly list as a page and CSV. Every rule lives in the services (intake, handling,
yearly); these parse, call them and render. A refusal re-renders the page with what was
typed and the reason beside its field."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hogo import clock
from hogo.accounts.permissions import allows, authorize, permission_required
from hogo.complaints import common, handling, intake, letters, timeline, yearly
from hogo.complaints.forms import (
    AnswerForm,
    AssignForm,
    CloseForm,
    StaffComplaintForm,
    WithdrawForm,
)
from hogo.complaints.models import Complaint, State


def _complaint(http: HttpRequest, pk: int, perm: str = "complaints.view") -> Complaint:
    found = intake.find(http.user, pk)
    if found is None:
        raise Http404("no such complaint")
    authorize(http, perm, found)
    return found


def _year(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


@permission_required("complaints.list")
def complaint_list(http: HttpRequest) -> HttpResponse:
    """The list with its filters (htmx swaps only the rows)."""
    state = http.GET.get("state", "open")
    overdue = http.GET.get("overdue") == "1"
    year = _year(http.GET.get("year"))
    rows = intake.listing(http.user, state=state, overdue=overdue, year=year)
    context = {"rows": rows, "state": state, "overdue": overdue, "year": year,
               "states": State.choices, "years": yearly.years(http.user),
               "can_enter": allows(http.user, "complaints.enter"),
               "can_yearly": allows(http.user, "complaints.yearly_list")}
    partial = http.htmx and not http.htmx.history_restore_request
    response = render(http, "complaints/_rows.html" if partial else "complaints/list.html",
                      context)
    response["Vary"] = "HX-Request"
    return response


@permission_required("complaints.enter")
def new(http: HttpRequest) -> HttpResponse:
    """A complaint taken in at the counter, by phone or by post."""
    form = StaffComplaintForm(http.POST or None, departments=intake.departments_for(http.user),
                              may_route=intake.may_route_at_entry(http.user),
                              initial={"received_on": clock.today_jst()})
    refusals: list[str] = []
    if http.method == "POST":
        if form.is_valid():
            try:
                made = intake.enter(http.user, form.complaint_data())
            except common.ComplaintError as refused:
                refusals = form.add_refusal(refused)
            else:
                if made.department_id:
                    messages.success(http, _("受け付け、%(department)sに割り当てました。") % {
                        "department": made.department})
                else:
                    messages.success(http, _("受け付けました。個人情報保護管理者に所属の割当てを"
                                             "依頼しました。"))
                if allows(http.user, "complaints.view", made):
                    return redirect("complaints:detail", pk=made.pk)
                return redirect("complaints:list")
        else:
            refusals = [_("入力内容に誤りがあります。各欄の表示を確認してください。")]
    return render(http, "complaints/form.html", {
        "form": form, "refusals": refusals, "answer_days": common.answer_days(
            http.user.organisation), "rule": common.rule(http.user.organisation)})


def _detail(http: HttpRequest, complaint: Complaint, status: int = 200,
            **forms: Any) -> HttpResponse:
    """The complaint's page; forms given are bound ones with their errors."""
    user = http.user
    common.record_viewed(user, complaint)
    departments = intake.departments_for(user)
    initial = {"department": complaint.department_id}
    bound = [f for name, f in forms.items() if name.endswith("_form")]
    refusals = [str(e) for f in bound for e in f.non_field_errors()]
    return render(http, "complaints/detail.html", {
        "c": complaint, "timeline": timeline.timeline(complaint),
        "overdue": complaint.overdue_on(clock.today_jst()),
        "rule": common.rule(complaint.organisation),
        "can_assign": handling.may_assign(user, complaint),
        "can_answer": handling.may_answer(user, complaint),
        "can_close": handling.may_close(user, complaint),
        "can_withdraw": handling.may_withdraw(user, complaint),
        "assign_form": forms.get("assign_form") or AssignForm(
            departments=departments, initial=initial),
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "close_form": forms.get("close_form") or CloseForm(),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
        "open_step": forms.get("open_step", ""), "refusals": refusals}, status=status)


@login_required
def detail(http: HttpRequest, pk: int) -> HttpResponse:
    """The complaint's page (an audited access)."""
    return _detail(http, _complaint(http, pk))


def _beside(form: Any, refused: common.ComplaintError) -> None:
    """The reasons beside their field, or at the top of the step's form."""
    for reason in refused.reasons:
        form.add_error(refused.field if refused.field in form.fields else None, reason)


@require_POST
@login_required
def assign(http: HttpRequest, pk: int) -> HttpResponse:
    """Route the complaint; a refusal is shown beside the department."""
    complaint = _complaint(http, pk, "complaints.assign")
    form = AssignForm(http.POST, departments=intake.departments_for(http.user))
    if form.is_valid():
        try:
            complaint = handling.assign(http.user, complaint, form.cleaned_data["department"])
        except common.ComplaintError as refused:
            _beside(form, refused)
        else:
            messages.success(http, _("%(department)sに割り当て、担当者に通知しました。") % {
                "department": complaint.department})
            if allows(http.user, "complaints.view", complaint):
                return redirect("complaints:detail", pk=pk)
            return redirect("complaints:list")
    return _detail(http, complaint, assign_form=form, open_step="assign")


@require_POST
@login_required
def answer(http: HttpRequest, pk: int) -> HttpResponse:
    """Record the answer; a refusal keeps what was typed."""
    complaint = _complaint(http, pk, "complaints.answer")
    form = AnswerForm(http.POST)
    if form.is_valid():
        try:
            handling.answer(http.user, complaint, form.cleaned_data["answer"],
                            form.cleaned_data["answer_how"])
        except common.ComplaintError as refused:
            _beside(form, refused)
        else:
            messages.success(http, _("回答を記録しました。"))
            return redirect("complaints:detail", pk=pk)
    return _detail(http, complaint, answer_form=form, open_step="answer")


@require_POST
@login_required
def close(http: HttpRequest, pk: int) -> HttpResponse:
    """Close an answered complaint; an unanswered one is refused on the page."""
    complaint = _complaint(http, pk, "complaints.close")
    form = CloseForm(http.POST)
    if form.is_valid():
        try:
            handling.close(http.user, complaint, form.cleaned_data["note"])
        except common.ComplaintError as refused:
            _beside(form, refused)
        else:
            messages.success(http, _("完了としました。"))
            return redirect("complaints:detail", pk=pk)
    return _detail(http, complaint, close_form=form, open_step="close")


@require_POST
@login_required
def withdraw(http: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw with the reason."""
    complaint = _complaint(http, pk, "complaints.close")
    form = WithdrawForm(http.POST)
    if form.is_valid():
        try:
            handling.withdraw(http.user, complaint, form.cleaned_data["reason"])
        except common.ComplaintError as refused:
            _beside(form, refused)
        else:
            messages.success(http, _("取下げとしました。"))
            return redirect("complaints:detail", pk=pk)
    return _detail(http, complaint, withdraw_form=form, open_step="withdraw")


@login_required
def answer_letter(http: HttpRequest, pk: int) -> HttpResponse:
    """The printable answer letter (回答書)."""
    complaint = _complaint(http, pk)
    try:
        letter = letters.answer_letter(http.user, complaint)
    except common.ComplaintError as refused:
        messages.error(http, str(refused))
        return redirect("complaints:detail", pk=pk)
    return render(http, "complaints/letter_answer.html", letter)


def _listed_year(http: HttpRequest) -> int:
    return _year(http.GET.get("year")) or common.fiscal_year(clock.today_jst())


@permission_required("complaints.yearly_list")
def yearly_page(http: HttpRequest) -> HttpResponse:
    """The yearly list of a fiscal year as a page."""
    listed = yearly.yearly_list(http.user, _listed_year(http))
    return render(http, "complaints/yearly.html", {
        "listed": listed, "years": yearly.years(http.user),
        "outcomes": {c.pk: yearly.outcome(c) for c in listed.complaints},
        "organisation": http.user.organisation})


@permission_required("complaints.yearly_list")
def yearly_csv(http: HttpRequest) -> HttpResponse:
    """The yearly list of a fiscal year as CSV."""
    listed = yearly.yearly_list(http.user, _listed_year(http), what="csv")
    response = HttpResponse(yearly.as_csv(listed), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="complaints-{listed.year}.csv"'
    return response


urlpatterns = [
    path("", complaint_list, name="list"),
    path("new/", new, name="new"),
    path("yearly/", yearly_page, name="yearly"),
    path("yearly.csv", yearly_csv, name="yearly_csv"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/assign/", assign, name="assign"),
    path("<int:pk>/answer/", answer, name="answer"),
    path("<int:pk>/close/", close, name="close"),
    path("<int:pk>/withdraw/", withdraw, name="withdraw"),
    path("<int:pk>/letters/answer/", answer_letter, name="answer_letter"),
]
