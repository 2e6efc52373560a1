"""The incident's Japanese documents: edit before issue, issue, print (R-805, R-806).

Nothing is stored by looking: until someone saves, regenerates or issues, the page shows the
document generated from the facts as they stand. Issued versions stay readable
(`?version=N`) beside the latest; a new version follows an issued one. Every rule lives in
hogo.incidents.documents.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hogo import clock
from hogo.accounts.permissions import allows, authorize
from hogo.incidents import documents
from hogo.incidents.models import Document, DocumentKind, Incident
from hogo.incidents.services import IncidentError
from hogo.rules.wareki import format_wareki

FIELD = "section-"  # form field name prefix: section-<key>


def _incident(request: HttpRequest, pk: int, kind: str, perm: str) -> Incident:
    """The incident, if this kind of document belongs to it and the user may `perm`."""
    if kind not in DocumentKind.values:
        raise Http404("unknown document kind")
    incident = get_object_or_404(Incident.objects.select_related(
        "department", "reported_by", "organisation"), pk=pk,
        organisation=request.user.organisation_id)
    authorize(request, perm, incident)
    if kind not in documents.kinds_for(incident):
        raise Http404("no such document for this incident")
    return incident


def _stored(incident: Incident, kind: str) -> Document | None:
    return documents.current(incident, kind)


def _asked(request: HttpRequest, incident: Incident, kind: str) -> Document | None:
    """The version the page asks for (`?version=N`), else the latest; 404 for none such."""
    number = request.GET.get("version", "")
    if not number:
        return _stored(incident, kind)
    if not number.isdigit():
        raise Http404("no such version")
    found = documents.version_of(incident, kind, int(number))
    if found is None:
        raise Http404("no such version")
    return found


@login_required
def document(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """GET: the document, editable before issue; POST: save the edits or regenerate."""
    if request.method == "POST":
        return _change(request, pk, kind)
    incident = _incident(request, pk, kind, "incidents.view")
    stored = _asked(request, incident, kind)
    latest = _stored(incident, kind)
    user = request.user
    can_manage = allows(user, "incidents.manage", incident)
    issued = stored is not None and documents.is_issued(stored)
    sections = documents.shown(stored, incident, kind)
    for section in sections:
        section["field"] = FIELD + section["key"]
        section["lines"] = min(max(section["text"].count("\n") + 2, 3), 30)
    return render(request, "incidents/document.html", {
        "incident": incident, "kind": kind, "label": documents.label(kind),
        "document": stored, "sections": sections, "issued": issued,
        "can_edit": can_manage and not issued,
        "can_issue": not issued and allows(user, "incidents.file", incident),
        "versions": documents.versions(incident, kind), "latest": latest,
        "can_new_version": stored is not None and can_manage
        and documents.can_have_new_version(stored),
        "unfilled": documents.unfilled(sections),
        "others": [(k, documents.label(k)) for k in documents.kinds_for(incident)],
        "placeholder": documents.PLACEHOLDER,
    })


def _change(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    incident = _incident(request, pk, kind, "incidents.manage")
    user = request.user
    try:
        stored = _stored(incident, kind) or documents.draft(incident, kind, user)
        if request.POST.get("action") == "new_version":
            made = documents.new_version(stored, user)
            messages.success(request, _("第%(n)s版を現在の事実から作成しました。以前の版は"
                                        "そのまま保存されています。") % {"n": made.version})
        elif request.POST.get("action") == "regenerate":
            documents.regenerate(stored, user)
            messages.success(request, _("現在の事実から文書を作り直しました。"))
        else:
            texts = {section["key"]: request.POST[FIELD + section["key"]]
                     for section in stored.sections if FIELD + section["key"] in request.POST}
            changed = documents.save_edits(stored, user, texts)
            messages.success(request, _("文書を保存しました。") if changed else
                             _("文書を保存しました（変更はありません）。"))
    except IncidentError as error:
        messages.error(request, str(error))
    return redirect("incidents:document", pk, kind)


@require_POST
@login_required
def issue(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The privacy officer issues (freezes) the document."""
    incident = _incident(request, pk, kind, "incidents.file")
    user = request.user
    try:
        stored = _stored(incident, kind) or documents.draft(incident, kind, user)
        documents.issue(stored, user)
        messages.success(request, _("文書を発行しました。以後は変更できません。"))
    except IncidentError as error:
        messages.error(request, str(error))
    return redirect("incidents:document", pk, kind)


@login_required
def print_document(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """A standalone A4 page to print; marked 「案」 until issued."""
    incident = _incident(request, pk, kind, "incidents.view")
    stored = _asked(request, incident, kind)
    issued = stored is not None and documents.is_issued(stored)
    day = clock.jst_date(stored.issued_at) if issued else clock.today_jst()
    sections = documents.shown(stored, incident, kind)
    title = next((s["text"] for s in sections if s["key"] == "title"),
                 documents.label(kind))
    body = [s for s in sections if s["key"] != "title"]
    for section in body:
        section["bare"] = section["key"] in documents.BARE_KEYS
    return render(request, "incidents/document_print.html", {
        "incident": incident, "kind": kind, "title": title, "sections": body,
        "issued": issued, "document": stored, "date_ja": format_wareki(day),
        "organisation": incident.organisation,
    })
