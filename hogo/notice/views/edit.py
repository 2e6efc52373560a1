"""The privacy officer's notice screen: the sections, the purposes, a preview, publication and
the dated history. Every rule is in hogo.notice.services / publishing; these parse the forms,
call them and render — a refusal goes back onto the form with everything typed kept."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hogo.accounts.permissions import allows, permission_required
from hogo.accounts.policy import effective_profile
from hogo.notice import publishing, services, wording
from hogo.notice.forms import PublishForm, PurposeForm, SectionsForm, put_back
from hogo.notice.models import Notice


def _sections_form(http: HttpRequest, notice: Notice, data: Any = None) -> SectionsForm:
    profile = effective_profile(notice.organisation)
    return SectionsForm(data, notice=notice, business=not profile.is_public_body,
                        association=bool(profile.value("incidents.association_report")))


def _page(http: HttpRequest, notice: Notice, *, sections: SectionsForm | None = None,
          bound: dict[int, PurposeForm] | None = None, adding: PurposeForm | None = None,
          publish_form: PublishForm | None = None, refusals: list[str] | None = None,
          status: int = 200) -> HttpResponse:
    published = services.is_published(notice)
    bound = bound or {}
    purposes = [(p, bound.get(p.pk) or PurposeForm(purpose=p, published=published,
                                                   prefix=f"p{p.pk}"))
                for p in notice.purposes.all()]
    return render(http, "notice/edit.html", {
        "notice": notice, "published": published, "current": notice.current_version,
        "sections": sections or _sections_form(http, notice),
        "purposes": purposes,
        "adding": adding or PurposeForm(published=published, prefix="new"),
        "publish_form": publish_form or PublishForm(),
        "problems": publishing.problems(notice), "refusals": refusals or [],
        "unpublished": publishing.has_unpublished(notice),
        "pending": services.pending_changes(notice),
        "can_see_history": allows(http.user, "notice.view_history")}, status=status)


@permission_required("notice.edit")
def edit(http: HttpRequest) -> HttpResponse:
    """The screen; the first visit makes the draft."""
    return _page(http, services.ensure_draft(http.user))


@require_POST
@permission_required("notice.edit")
def save_sections(http: HttpRequest) -> HttpResponse:
    """Save the text sections of the draft (not public until published)."""
    notice = services.ensure_draft(http.user)
    form = _sections_form(http, notice, http.POST)
    if form.is_valid():
        try:
            changed = services.save_sections(http.user, notice, form.values())
        except services.NoticeError as refused:
            put_back(form, refused.problems)
        else:
            messages.success(http, _("下書きを保存しました。公表するまで公開ページは変わり"
                                     "ません。") if changed else _("変更はありませんでした。"))
            return redirect("notice:edit")
    return _page(http, notice, sections=form, status=400)


def _purpose_form_page(http: HttpRequest, notice: Notice, form: PurposeForm,
                       refused: services.NoticeError, pk: int | None) -> HttpResponse:
    put_back(form, refused.problems)
    if pk is None:
        return _page(http, notice, adding=form, status=400)
    return _page(http, notice, bound={pk: form}, status=400)


@require_POST
@permission_required("notice.edit")
def add_purpose(http: HttpRequest) -> HttpResponse:
    """Add a purpose; a vague one comes back with why, as typed."""
    notice = services.ensure_draft(http.user)
    form = PurposeForm(http.POST, published=services.is_published(notice), prefix="new")
    form.is_valid()
    try:
        services.add_purpose(http.user, notice, **form.cleaned_data)
    except services.NoticeError as refused:
        return _purpose_form_page(http, notice, form, refused, None)
    messages.success(http, _("利用目的を追加しました（未公表）。"))
    return redirect("notice:edit")


@require_POST
@permission_required("notice.edit")
def change_purpose(http: HttpRequest, pk: int) -> HttpResponse:
    """Change a purpose; once published it needs the statement of relatedness."""
    purpose = services.purpose_of(http.user, pk)
    if purpose is None:
        raise Http404("no such purpose")
    notice = purpose.notice
    form = PurposeForm(http.POST, purpose=purpose, published=services.is_published(notice),
                       prefix=f"p{pk}")
    form.is_valid()
    try:
        services.change_purpose(http.user, purpose, **form.cleaned_data)
    except services.NoticeError as refused:
        return _purpose_form_page(http, notice, form, refused, pk)
    messages.success(http, _("利用目的を変更しました（未公表）。変更前と変更後の文は変更記録に"
                             "残ります。"))
    return redirect("notice:edit")


@require_POST
@permission_required("notice.edit")
def remove_purpose(http: HttpRequest, pk: int) -> HttpResponse:
    """Remove a purpose from the draft (recorded as a change)."""
    purpose = services.purpose_of(http.user, pk)
    if purpose is None:
        raise Http404("no such purpose")
    try:
        services.remove_purpose(http.user, purpose)
    except services.NoticeError as refused:
        return _page(http, purpose.notice, refusals=[str(refused)], status=400)
    messages.success(http, _("利用目的を削除しました（未公表）。"))
    return redirect("notice:edit")


@permission_required("notice.edit")
def preview(http: HttpRequest) -> HttpResponse:
    """The draft as the public page would show it."""
    notice = services.ensure_draft(http.user)
    return render(http, "notice/public_notice.html", {
        **wording.notice_context(publishing.snapshot(notice)), "preview": True,
        "organisation": notice.organisation, "versions": list(notice.versions.all())})


@require_POST
@permission_required("notice.edit")
def publish(http: HttpRequest) -> HttpResponse:
    """Make the draft a new dated version, or say what is missing."""
    notice = services.ensure_draft(http.user)
    form = PublishForm(http.POST)
    form.is_valid()
    try:
        version = publishing.publish(http.user, notice, note=form.cleaned_data.get("note", ""))
    except publishing.PublishRefused as refused:
        return _page(http, notice, publish_form=form, refusals=refused.problems, status=400)
    messages.success(http, _("第%(n)s版を公表しました。") % {"n": version.number})
    return redirect("notice:history")


@permission_required("notice.view_history")
def history(http: HttpRequest) -> HttpResponse:
    """Every version with its purpose edits (privacy officer, auditors)."""
    notice = publishing.notice_for_history(http.user)
    versions = publishing.history(http.user, notice) if notice else []
    return render(http, "notice/history.html", {
        "notice": notice, "versions": versions,
        "can_edit": allows(http.user, "notice.edit")})


urlpatterns = [
    path("", edit, name="edit"),
    path("sections/", save_sections, name="save_sections"),
    path("purposes/add/", add_purpose, name="add_purpose"),
    path("purposes/<int:pk>/", change_purpose, name="change_purpose"),
    path("purposes/<int:pk>/remove/", remove_purpose, name="remove_purpose"),
    path("preview/", preview, name="preview"),
    path("publish/", publish, name="publish"),
    path("history/", history, name="history"),
]
