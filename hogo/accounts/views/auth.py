"""Log-in (password, then TOTP when enabled) and log-out."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from hogo.accounts import lockout, services
from hogo.accounts.forms import LoginForm, TotpForm
from hogo.accounts.models import User
from hogo.accounts.services import LoginOutcome

PENDING = "hogo_totp_pending_user"
BACKEND = "hogo.accounts.backends.RoleBackend"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@sensitive_post_parameters("password")
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.attempt_login(request, form.cleaned_data["username"],
                                        form.cleaned_data["password"])
        if result.outcome == LoginOutcome.OK:
            login(request, result.user, backend=BACKEND)
            return redirect(_next_url(request))
        if result.outcome == LoginOutcome.TOTP_REQUIRED:
            request.session[PENDING] = result.user.pk
            query = urlencode({"next": _next_url(request)})
            return redirect(f"{reverse('accounts:login_totp')}?{query}")
        if result.outcome == LoginOutcome.THROTTLED:
            form.add_error(None, _(
                "この端末からのログイン失敗が多すぎるため、しばらくログインできません。"
                "%(minutes)s分ほど待ってから、もう一度お試しください。")
                % {"minutes": settings.HOGO_LOGIN_WINDOW_MINUTES})
        elif result.outcome == LoginOutcome.LOCKED:
            form.add_error(None, _locked_message())
        else:
            form.add_error(None, _("ログインIDまたはパスワードが正しくありません。"))
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)})


def login_totp_view(request: HttpRequest) -> HttpResponse:
    user = User.objects.filter(pk=request.session.get(PENDING), is_active=True).first()
    if user is None:
        return redirect("accounts:login")
    if user.is_locked and request.method != "POST":
        return _locked_out(request)
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        attempt = lockout.begin_attempt(user)  # before checking: parallel codes count too
        if attempt is None:  # locked, perhaps by wrong codes sent meanwhile
            lockout.refuse_locked(user)
            return _locked_out(request)
        if services.accept_totp(user, form.cleaned_data["code"]):
            del request.session[PENDING]
            lockout.reset(user)
            login(request, user, backend=BACKEND)
            return redirect(_next_url(request))
        lockout.fail_attempt(attempt, user.username, lockout.client_address(request))
        form.add_error("code", _("確認コードが一致しません。"))
    return render(request, "accounts/login_totp.html", {"form": form, "next": _next_url(request)})


def _locked_message() -> str:
    return _("ログインに続けて失敗したため、このアカウントはロックされています。"
             "しばらく待つか、システム管理者に解除を依頼してください。")


def _locked_out(request: HttpRequest) -> HttpResponse:
    """Back to the password step, saying why: the pending log-in is over."""
    request.session.pop(PENDING, None)
    messages.error(request, _locked_message())
    query = urlencode({"next": _next_url(request)})
    return redirect(f"{reverse('accounts:login')}?{query}")
