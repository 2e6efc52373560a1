"""The organisation's policy profile: everyone entitled reads it, the privacy officer edits."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hogo.accounts import policy
from hogo.accounts.forms import PolicyOverrideForm
from hogo.accounts.permissions import allows, authorize, permission_required
from hogo.rules.profile import ProfileError


@permission_required("policy.view")
def policy_view(request: HttpRequest) -> HttpResponse:
    organisation = request.user.organisation
    form = PolicyOverrideForm(request.POST or None)
    if request.method == "POST":
        authorize(request, "policy.change", organisation)
        if form.is_valid():
            path = form.cleaned_data["path"]
            try:
                value = policy.parse_value(form.cleaned_data["value"])
                policy.set_override(organisation, path, value,
                                    by=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _(
                    "運用ポリシーを変更しました。変更は監査ログに記録されました。"))
                return redirect("accounts:policy")
            except ProfileError as error:
                messages.error(request, _("値が正しくありません（%(field)s）: %(problem)s")
                               % {"field": error.field, "problem": error.problem})
        else:
            messages.error(request, _("値と変更理由を入力してください。"))
    return render(request, "accounts/policy.html", {
        "profile": policy.effective_profile(organisation),
        "rows": policy.profile_rows(organisation), "history": policy.override_history(),
        "can_change": allows(request.user, "policy.change", organisation)})
