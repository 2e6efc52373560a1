"""The public pages under /public/ (no log-in): the index of organisations with a published
notice (and, where open, their request and complaint forms) and each organisation's notice
with the dated list of its changes (R-601, R-902).

They read published versions only, hold no personal data of visitors and write nothing: no
session, no audit entry — a reader's visit is nobody's business.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from hogo.notice import publishing, wording


def index(http: HttpRequest) -> HttpResponse:
    """Each organisation with a published notice, and its open forms."""
    rows = [{"organisation": organisation, "version": version,
             "forms": publishing.public_forms(organisation)}
            for organisation, version in publishing.published_organisations()]
    return render(http, "notice/public_index.html", {"rows": rows})


def notice(http: HttpRequest, pk: int) -> HttpResponse:
    """One organisation's current notice and the dates of its changes."""
    found = publishing.published(pk)
    if found is None:
        raise Http404("no published notice")
    current, versions = found
    organisation = current.notice.organisation
    return render(http, "notice/public_notice.html", {
        **wording.notice_context(current.snapshot), "current": current, "versions": versions,
        "organisation": organisation, "forms": publishing.public_forms(organisation)})


urlpatterns = [
    path("", index, name="index"),
    path("<int:pk>/notice/", notice, name="notice"),
]
