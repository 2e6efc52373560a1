"""The monthly access report of a department: a printable page (dates in 和暦) and the same
lines as CSV for a spreadsheet. Reading either is audited (in the service)."""

from __future__ import annotations

import csv
import io

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hogo import clock
from hogo.accounts.permissions import authorize, permission_required
from hogo.audit.labels import action_label
from hogo.clock import JST
from hogo.oversight import access_report
from hogo.oversight.forms import ReportForm
from hogo.oversight.views import _cell


def _chosen(request: HttpRequest):
    """The form and, when it is valid and allowed, the department and month."""
    departments = access_report.departments_for(request.user)
    initial = {"month": f"{clock.today_jst():%Y-%m}", "department": departments.first()}
    form = ReportForm(request.GET or None, departments=departments, initial=initial)
    if not form.is_valid():
        return form, None, None
    department = form.cleaned_data["department"]
    authorize(request, "oversight.access_report", department)
    return form, department, form.cleaned_data["month"]


@permission_required("oversight.access_report")
def report(request: HttpRequest) -> HttpResponse:
    """The chosen department's month on the page, or as a printable document (?print=1)."""
    form, department, month = _chosen(request)
    built = access_report.build(request.user, department, month) if department else None
    page = ("oversight/access_report_print.html" if built and request.GET.get("print")
            else "oversight/access_report.html")
    return render(request, page, {
        "form": form, "report": built, "query": request.GET.urlencode(),
        "printed_on": clock.today_jst()})


@permission_required("oversight.access_report")
def report_csv(request: HttpRequest) -> HttpResponse:
    """The same lines as CSV (UTF-8 with BOM for Excel; typed text never a formula)."""
    form, department, month = _chosen(request)
    if department is None:
        return render(request, "oversight/access_report.html", {
            "form": form, "report": None, "printed_on": clock.today_jst()}, status=400)
    built = access_report.build(request.user, department, month, exported=True)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["seq", "at_jst", "actor", "name", "action", "action_label",
                     "object_type", "object_id", "purpose"])
    for e, name in built.lines:
        writer.writerow([e.seq, e.at.astimezone(JST).isoformat(), *map(_cell, (
            e.actor, name, e.action, action_label(e.action),
            e.object_type, e.object_id, e.purpose))])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="access-report-{department.code}-{month}.csv"')
    return response
