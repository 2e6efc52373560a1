"""The annual summary's screens (年次報告): the printable page of one fiscal year with a year
picker, and the same figures as CSV. The figures and the audit entry come from
hogo.accountability.summary; a year that is not a number or out of range is answered with a
Japanese message and 400, never a traceback."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from hogo.accountability import summary
from hogo.accounts.permissions import permission_required


def _year(http: HttpRequest) -> int:
    """The year asked for (`?year=2026`), this fiscal year when none; SummaryError when it
    is not a number."""
    raw = (http.GET.get("year") or "").strip()
    if not raw:
        return summary.this_year()
    if not raw.isdecimal() or len(raw) > 4:
        raise summary.SummaryError(_("年度は4桁の数字（例：2026）で指定してください。"),
                                   field="year")
    return int(raw)


def _refused(http: HttpRequest, refused: summary.SummaryError) -> HttpResponse:
    return render(http, "accountability/summary.html", {
        "summary": None, "years": summary.years(http.user), "errors": refused.reasons,
        "asked": http.GET.get("year", ""), "organisation": http.user.organisation},
        status=400)


@permission_required("accountability.annual_summary")
def summary_page(http: HttpRequest) -> HttpResponse:
    """The report of a fiscal year as a page (printable)."""
    try:
        made = summary.annual_summary(http.user, _year(http))
    except summary.SummaryError as refused:
        return _refused(http, refused)
    return render(http, "accountability/summary.html", {
        "summary": made, "years": summary.years(http.user),
        "organisation": http.user.organisation})


@permission_required("accountability.annual_summary")
def summary_csv(http: HttpRequest) -> HttpResponse:
    """The report of a fiscal year as CSV, one row per figure."""
    try:
        made = summary.annual_summary(http.user, _year(http), what="csv")
    except summary.SummaryError as refused:
        return _refused(http, refused)
    response = HttpResponse(summary.as_csv(made), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="annual-summary-{made.year}.csv"'
    return response


urlpatterns = [
    path("summary/", summary_page, name="summary"),
    path("summary.csv", summary_csv, name="summary_csv"),
]
