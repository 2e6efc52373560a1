"""The organisation's policy profile: everyone entitled reads it, the privacy officer edits."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hogo.accounts import policy
from hogo.accounts.forms import PolicyOverrideForm
from hogo.accounts.permissions import allows, authorize, permission_required
from hogo.audit.models import AuditEntry
from hogo.rules.profile import FIELDS, ProfileError


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return str(_("する") if value else _("しない"))
    return f"{value:,}" if isinstance(value, int) else str(value)


def _parse(text: str) -> object:
    """'true'/'false' and numbers as JSON; anything else is refused by validation."""
    try:
        return json.loads(text.strip().lower())
    except ValueError:
        return text


@permission_required("policy.view")
def policy_view(request: HttpRequest) -> HttpResponse:
    organisation = request.user.organisation
    form = PolicyOverrideForm(request.POST or None)
    if request.method == "POST":
        authorize(request, "policy.change", organisation)
        if form.is_valid():
            path = form.cleaned_data["path"]
            try:
                policy.set_override(organisation, path, _parse(form.cleaned_data["value"]),
                                    by=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _(
                    "運用ポリシーを変更しました。変更は監査ログに記録されました。"))
                return redirect("accounts:policy")
            except ProfileError as error:
                messages.error(request, _("値が正しくありません（%(field)s）: %(problem)s")
                               % {"field": error.field, "problem": str(error).split(": ")[-1]})
        else:
            messages.error(request, _("値と変更理由を入力してください。"))
    profile = policy.effective_profile(organisation)
    base = policy.shipped_profiles()[organisation.profile_key]
    rows = [{"field": f, "value_text": _shown(profile.value(f.path)),
             "base_text": _shown(base.value(f.path)),
             "value_input": str(profile.value(f.path)).lower(),
             "overridden": f.path in (organisation.policy_overrides or {})} for f in FIELDS]
    history = AuditEntry.objects.filter(action="policy.override").order_by("-seq")[:20]
    return render(request, "accounts/policy.html", {
        "profile": profile, "rows": rows, "history": history,
        "can_change": allows(request.user, "policy.change", organisation)})
