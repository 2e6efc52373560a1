"""A manager's own department (designating operators) and the administrator's user list."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hogo.accounts import lockout, services
from hogo.accounts.forms import LeaverForm, NewUserForm
from hogo.accounts.models import User
from hogo.accounts.permissions import allows, authorize, permission_required
from hogo.accounts.policy import citation
from hogo.accounts.services import AccountError


@permission_required("accounts.view_own_department")
def department(request: HttpRequest) -> HttpResponse:
    dept = request.user.department
    authorize(request, "accounts.view_own_department", dept)
    people = User.objects.filter(department=dept).order_by("-is_active", "role", "username")
    return render(request, "accounts/department.html", {
        "department": dept, "rows": [_row(request, p) for p in people],
        "designation_rule": citation(request.user.organisation, "designation")})


def _row(request: HttpRequest, person: User, error: str | None = None) -> dict:
    """A person with what the manager may do to them, decided by the permission layer."""
    return {"p": person, "error": error, "can_designate": person.is_active and allows(
        request.user, "accounts.designate_operator", person)}


@require_POST
@permission_required("accounts.designate_operator")
def designation(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """htmx: designate or revoke, then return the person's row (or the page without htmx)."""
    if action not in ("designate", "revoke"):
        raise Http404(action)
    person = get_object_or_404(User, pk=pk)
    authorize(request, "accounts.designate_operator", person)
    error, warnings = None, []
    try:
        if action == "designate":
            made = services.designate_operator(request.user, person)
            warnings = list(getattr(made, "warnings", None) or [])
        else:
            services.revoke_operator(request.user, person)
    except AccountError as refused:
        error = str(refused)
    if request.htmx:
        return render(request, "accounts/_person_row.html", {
            "row": {**_row(request, person, error), "warnings": warnings}})
    if error:
        messages.error(request, error)
    for warning in warnings:  # e.g. the operator's training has lapsed
        messages.warning(request, warning)
    return redirect("accounts:department")


@permission_required("accounts.manage_users")
def users(request: HttpRequest) -> HttpResponse:
    organisation = request.user.organisation
    form = NewUserForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.create_user(organisation, data["username"], data["password"],
                             role=data["role"], department=data["department"],
                             display_name=data["display_name"], by=request.user)
        messages.success(request, _("%(name)s のアカウントを作成しました。")
                         % {"name": data["display_name"]})
        return redirect("accounts:users")
    people = User.objects.filter(organisation=organisation).select_related(
        "department").order_by("-is_active", "department__code", "username")
    return render(request, "accounts/users.html", {"people": people, "form": form,
                                                   "leaver_form": LeaverForm()})


@require_POST
@permission_required("accounts.manage_users")
def disable(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk, organisation=request.user.organisation)
    form = LeaverForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("退職日を正しく入力してください。"))
        return redirect("accounts:users")
    try:
        services.disable_leaver(person, by=request.user, left_on=form.cleaned_data["left_on"])
        messages.success(request, _("%(name)s のアカウントを無効化しました。記録は保持されます。")
                         % {"name": person})
    except AccountError as refused:
        messages.error(request, str(refused))
    return redirect("accounts:users")


@require_POST
@permission_required("accounts.manage_users")
def unlock(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk, organisation=request.user.organisation)
    lockout.unlock(person, by=request.user)
    messages.success(request, _("%(name)s のロックを解除しました。") % {"name": person})
    return redirect("accounts:users")
