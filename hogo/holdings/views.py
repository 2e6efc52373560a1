"""Screens of the register: the list (with hogo's own entries brought up to date), an entry
added or changed by the privacy officer, and the public 個人情報ファイル簿 (no log-in)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hogo.accounts.permissions import allows, authorize, permission_required
from hogo.holdings import services
from hogo.holdings.forms import EntryForm

EXEMPT = services.EXEMPTION_PERSONS


@permission_required("holdings.view")
def register(http: HttpRequest) -> HttpResponse:
    organisation = http.user.organisation
    return render(http, "holdings/register.html", {
        "rows": services.entries(http.user), "title": services.register_title(organisation),
        "public": services.is_public_body(organisation), "exempt_below": EXEMPT,
        "can_manage": allows(http.user, "holdings.manage")})


@require_POST
@permission_required("holdings.manage")
def sync(http: HttpRequest) -> HttpResponse:
    written = services.sync(http.user)
    messages.success(http, _("hogoが保有する%(n)s件のファイルを最新の内容にしました。") % {
        "n": len(written)})
    return redirect("holdings:register")


def _form(http: HttpRequest, entry=None) -> EntryForm:
    only = (services.DERIVED_EDITABLE + ("persons_estimate",)
            if entry is not None and entry.kept_by_hogo else ())
    initial = ({name: getattr(entry, name) for name in services.MANUAL_FIELDS}
               if entry is not None else None)
    return EntryForm(http.POST or None, initial=initial, only=only,
                     departments=http.user.organisation.departments.order_by("code"))


def _save(http: HttpRequest, form: EntryForm, run) -> bool:
    if http.method != "POST" or not form.is_valid():
        return False
    try:
        run(form.cleaned_data)
    except services.HoldingsError as refused:
        field = refused.field if refused.field in form.fields else None
        for reason in refused.reasons:
            form.add_error(field, reason)
        return False
    return True


@permission_required("holdings.manage")
def new(http: HttpRequest) -> HttpResponse:
    form = _form(http)
    if _save(http, form, lambda data: services.add(http.user, data)):
        messages.success(http, _("登録しました。"))
        return redirect("holdings:register")
    return render(http, "holdings/entry_form.html", {"form": form, "entry": None},
                  status=400 if form.errors else 200)


@permission_required("holdings.manage")
def edit(http: HttpRequest, pk: int) -> HttpResponse:
    entry = services.find(http.user, pk)
    if entry is None:
        raise Http404("no such entry")
    authorize(http, "holdings.manage", entry)
    form = _form(http, entry)
    if _save(http, form, lambda data: services.update(http.user, entry, data)):
        messages.success(http, _("変更しました。"))
        return redirect("holdings:register")
    return render(http, "holdings/entry_form.html", {"form": form, "entry": entry},
                  status=400 if form.errors else 200)


def public_register(http: HttpRequest, pk: int) -> HttpResponse:
    """The published 個人情報ファイル簿 of a public body (Act Art. 75(1))."""
    found = services.published(pk)
    if found is None:
        raise Http404("no published register")
    organisation, rows = found
    return render(http, "holdings/public_register.html", {
        "organisation": organisation, "rows": rows,
        "received_at": services.requests_received_at(organisation)})


urlpatterns = [
    path("", register, name="register"),
    path("sync/", sync, name="sync"),
    path("new/", new, name="new"),
    path("<int:pk>/", edit, name="edit"),
]
public_urlpatterns = [path("<int:pk>/files/", public_register, name="public_register")]
