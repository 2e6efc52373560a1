"""Auditors (and the privacy officer) read the chain: a filtered list and a CSV export.

Exporting is itself an access to personal data, so it is recorded in the chain too.
"""

from __future__ import annotations

import csv
import datetime as dt

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from hogo.accounts.permissions import permission_required
from hogo.audit import services
from hogo.audit.models import AuditEntry
from hogo.clock import JST


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("操作者"), required=False)
    action = forms.CharField(label=_("操作"), required=False)
    object_type = forms.CharField(label=_("対象の種類"), required=False)
    date_from = forms.DateField(label=_("開始日"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("終了日"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))


def filtered(data: dict) -> QuerySet[AuditEntry]:
    """Entries matching the filter; dates are Japanese calendar days, both ends included."""
    form = AuditFilterForm(data)
    entries = AuditEntry.objects.order_by("-seq")
    if not form.is_valid():
        return entries.none()
    f = form.cleaned_data
    if f["actor"]:
        entries = entries.filter(actor__icontains=f["actor"])
    if f["action"]:
        entries = entries.filter(action__startswith=f["action"])
    if f["object_type"]:
        entries = entries.filter(object_type=f["object_type"])
    if f["date_from"]:
        entries = entries.filter(at__gte=dt.datetime.combine(f["date_from"], dt.time(), JST))
    if f["date_to"]:
        end = dt.datetime.combine(f["date_to"] + dt.timedelta(days=1), dt.time(), JST)
        entries = entries.filter(at__lt=end)
    return entries


@permission_required("audit.view_log")
def entry_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    page = Paginator(filtered(request.GET), 50).get_page(request.GET.get("page"))
    services.record("audit.viewed", user=request.user, detail={"filter": request.GET.dict()})
    template = "audit/_rows.html" if request.htmx else "audit/list.html"
    return render(request, template, {"form": form, "page": page,
                                      "query": request.GET.urlencode()})


class _Echo:
    def write(self, value: str) -> str:
        return value


@permission_required("audit.view_log")
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    entries = filtered(request.GET).order_by("seq")
    services.record("audit.exported", user=request.user, detail={"filter": request.GET.dict()})
    writer = csv.writer(_Echo())
    header = ["seq", "at_jst", "actor", "action", "object_type", "object_id", "purpose",
              "detail", "request_id", "prev_hash", "hash"]

    def rows():
        yield "\ufeff" + writer.writerow(header)  # BOM: Excel opens UTF-8 Japanese correctly
        for e in entries.iterator(chunk_size=2000):
            yield writer.writerow([e.seq, e.at.astimezone(JST).isoformat(), e.actor, e.action,
                                   e.object_type, e.object_id, e.purpose, e.detail,
                                   e.request_id, e.prev_hash, e.hash])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response
