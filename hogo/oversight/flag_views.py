"""The privacy officer's access-log flags: the list (open by default, dismissed ones kept),
one flag with its explanation and the audit entries behind it, and dismissing it with a
reason. Every page is itself audited (in the service)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hogo.accounts.permissions import allows, permission_required
from hogo.oversight import flags
from hogo.oversight.forms import DismissForm, FlagFilterForm
from hogo.oversight.models import Pattern


@permission_required("oversight.view_flags")
def flag_list(request: HttpRequest) -> HttpResponse:
    """Open flags by default; dismissed ones stay findable with the state filter."""
    form = FlagFilterForm(request.GET or None, patterns=Pattern.choices)
    chosen = form.cleaned_data if form.is_valid() else {}
    state = chosen.get("state") or "open"
    rows = list(flags.visible_flags(request.user, state=state,
                                    pattern=chosen.get("pattern", ""))[:500])
    flags.record_list_viewed(request.user, {"state": state,
                                            "pattern": chosen.get("pattern", "")}, len(rows))
    return render(request, "oversight/flag_list.html", {
        "form": form, "state": state,
        "rows": [(flag, flags.explanation(flag)) for flag in rows]})


def _page(request: HttpRequest, flag, form: DismissForm) -> HttpResponse:
    return render(request, "oversight/flag_detail.html", {
        "flag": flag, "explanation": flags.explanation(flag), "form": form,
        "evidence": flags.evidence_of(flag),
        "can_dismiss": flag.can_be_dismissed and allows(request.user,
                                                        "oversight.dismiss_flag", flag)})


@permission_required("oversight.view_flags")
def flag_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One flag: why, the entries behind it, and the dismissal form for the privacy officer."""
    flag = flags.open_flag(request.user, pk)
    if flag is None:
        raise Http404("no such flag")
    return _page(request, flag, DismissForm())


@permission_required("oversight.dismiss_flag")
def flag_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """Dismiss with a reason; a refused reason is shown beside the field, the text kept."""
    flag = flags.open_flag(request.user, pk)
    if flag is None:
        raise Http404("no such flag")
    if request.method != "POST":
        return redirect("audit:flag", pk=pk)
    form = DismissForm(request.POST)
    form.is_valid()
    try:
        flags.dismiss(request.user, flag, form.cleaned_data.get("reason", ""))
    except flags.FlagError as refused:
        form.add_error(refused.field or None, str(refused))
        return _page(request, flag, form)
    messages.success(request, _("確認済みにしました。注意事項と記録はそのまま残ります。"))
    return redirect("audit:flag", pk=pk)
