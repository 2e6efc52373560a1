"""Auditors (and the privacy officer) read the chain: a filtered list and a CSV export.

Exporting is itself an access to personal data, so it is recorded in the chain too.
"""

from __future__ import annotations

import csv

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from hogo.accounts.permissions import permission_required
from hogo.audit import services
from hogo.clock import JST
from hogo.oversight.forms import AuditFilterForm


@permission_required("audit.view_log")
def entry_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    entries = services.filtered(AuditFilterForm(request.GET))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    services.record("audit.viewed", user=request.user, detail={"filter": request.GET.dict()})
    partial = request.htmx and not request.htmx.history_restore_request
    response = render(request, "oversight/_rows.html" if partial else "oversight/list.html",
                      {"form": form, "page": page, "query": request.GET.urlencode()})
    response["Vary"] = "HX-Request"
    return response


def _cell(text: str) -> str:
    """Typed text must not become a spreadsheet formula when the CSV is opened in Excel."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value: str) -> str:
        return value


@permission_required("audit.view_log")
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    entries = services.filtered(AuditFilterForm(request.GET)).order_by("seq")
    services.record("audit.exported", user=request.user, detail={"filter": request.GET.dict()})
    writer = csv.writer(_Echo())
    header = ["seq", "at_jst", "actor", "action", "object_type", "object_id", "purpose",
              "detail", "request_id", "prev_hash", "hash"]

    def rows():
        yield "\ufeff" + writer.writerow(header)  # BOM: Excel opens UTF-8 Japanese correctly
        for e in entries.iterator(chunk_size=2000):
            yield writer.writerow([e.seq, e.at.astimezone(JST).isoformat(), *map(_cell, (
                e.actor, e.action, e.object_type, e.object_id, e.purpose, e.detail)),
                e.request_id, e.prev_hash, e.hash])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response
