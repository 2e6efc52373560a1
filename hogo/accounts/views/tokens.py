"""Machine tokens for depot and recorder agents (issued by the system administrator)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hogo.accounts import services
from hogo.accounts.forms import TokenForm
from hogo.accounts.models import MachineToken
from hogo.accounts.permissions import permission_required


@permission_required("accounts.issue_token")
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        _token, raw = services.issue_token(request.user.organisation, form.cleaned_data["name"],
                                           by=request.user)
        form = TokenForm()
    listed = MachineToken.objects.filter(organisation=request.user.organisation).order_by(
        "revoked_at", "-created_at")
    return render(request, "accounts/tokens.html", {"form": form, "raw": raw, "tokens": listed})


@require_POST
@permission_required("accounts.issue_token")
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(MachineToken, pk=pk, organisation=request.user.organisation,
                              revoked_at__isnull=True)
    services.revoke_token(token, by=request.user)
    messages.success(request, _("トークン %(name)s を失効させました。") % {"name": token.name})
    return redirect("accounts:tokens")
