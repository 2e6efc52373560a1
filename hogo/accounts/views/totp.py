"""Optional TOTP for managers and the privacy officer: enrol, confirm, switch off."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hogo.accounts import services
from hogo.accounts.forms import TotpForm
from hogo.accounts.permissions import permission_required
from hogo.accounts.services import AccountError


@permission_required("accounts.use_totp")
def totp(request: HttpRequest) -> HttpResponse:
    user = request.user
    action = request.POST.get("action")
    form = TotpForm(request.POST if action == "confirm" else None)
    if action == "start":
        services.new_totp_secret(user)
    elif action == "disable":
        services.disable_totp(user)
        messages.success(request, _("二要素認証を解除しました。"))
        return redirect("accounts:totp")
    elif action == "confirm" and form.is_valid():
        try:
            services.confirm_totp(user, form.cleaned_data["code"])
            messages.success(request, _(
                "二要素認証を有効にしました。次回からログイン時に確認コードが必要です。"))
            return redirect("accounts:totp")
        except AccountError as refused:
            form.add_error("code", str(refused))
    qr = None
    if user.totp_secret and not user.totp_enabled:
        qr = segno.make(services.totp_uri(user)).svg_inline(scale=4)
    return render(request, "accounts/totp.html", {"form": form, "qr": qr})
