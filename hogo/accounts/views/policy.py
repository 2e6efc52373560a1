"""The organisation's policy profile: everyone entitled reads it, the privacy officer edits.

Two pages: the settings (numbers, switches, the own rules' names and articles) and the
register of permitted uses (what the own rules allow footage and copies to be used for, and
where they say so).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hogo.accounts import policy
from hogo.accounts.forms import PolicyOverrideForm
from hogo.accounts.permissions import allows, authorize, permission_required
from hogo.rules.profile import ProfileError

USE_KEYS = ("code", "label_ja", "label_en", "source")


def _refused(request: HttpRequest, error: ProfileError) -> None:
    """The setting in words, its path for the administrator, and the rule it broke."""
    messages.error(request, _("値が正しくありません（%(label)s：%(field)s）: %(problem)s")
                   % {"label": policy.field_label(error.field, get_language()),
                      "field": error.field, "problem": error.problem})


@permission_required("policy.view")
def policy_view(request: HttpRequest) -> HttpResponse:
    organisation = request.user.organisation
    form = PolicyOverrideForm(request.POST or None)
    if request.method == "POST":
        authorize(request, "policy.change", organisation)
        if form.is_valid():
            path = form.cleaned_data["path"]
            try:
                value = policy.parse_for(path, form.cleaned_data["value"])
                policy.set_override(organisation, path, value,
                                    by=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _(
                    "運用ポリシーを変更しました。変更は監査ログに記録されました。"))
                return redirect("accounts:policy")
            except ProfileError as error:
                _refused(request, error)
        else:
            messages.error(request, _("値と変更理由を入力してください。"))
    return render(request, "accounts/policy.html", {
        "profile": policy.effective_profile(organisation),
        "uses": policy.permitted_uses(organisation),
        "rows": policy.profile_rows(organisation), "history": policy.history_rows(get_language()),
        "can_change": allows(request.user, "policy.change", organisation)})


def _posted_uses(request: HttpRequest) -> list[dict[str, str]]:
    """The rows of the register form, in order; a row marked for removal or left wholly
    empty (the blank row for a new use) is dropped."""
    rows = []
    for index in request.POST.getlist("row"):
        row = {key: request.POST.get(f"{key}_{index}", "").strip() for key in USE_KEYS}
        if request.POST.get(f"remove_{index}") or not any(row.values()):
            continue
        rows.append(row)
    return rows


@permission_required("policy.view")
def permitted_uses_view(request: HttpRequest) -> HttpResponse:
    organisation = request.user.organisation
    if request.method == "POST":
        authorize(request, "policy.change", organisation)
        reason = request.POST.get("reason", "").strip()
        if not reason:
            messages.error(request, _("変更理由を入力してください。"))
        else:
            try:
                policy.set_permitted_uses(organisation, _posted_uses(request),
                                          by=request.user, reason=reason)
                messages.success(request, _(
                    "利用目的の登録簿を変更しました。変更は監査ログに記録されました。"))
                return redirect("accounts:permitted_uses")
            except ProfileError as error:
                _refused(request, error)
    profile = policy.effective_profile(organisation)
    return render(request, "accounts/permitted_uses.html", {
        "profile": profile, "uses": policy.permitted_uses(organisation),
        "rows": profile.permitted_uses_data(), "new_row": len(profile.permitted_uses),
        "overridden": policy.uses_overridden(organisation),
        "main_rule": profile.rule_name("main", organisation.name),
        "can_change": allows(request.user, "policy.change", organisation)})
