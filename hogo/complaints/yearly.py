"""The yearly list of complaints (苦情処理状況一覧, R-701) for a fiscal year (年度, April to
March, by the day of receipt): counts by category and whether each was answered within its
target, with one row per complaint. It names no complainant, only numbers, categories and
days, so the auditor reads it too; each view and each CSV is still one audit entry.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from hogo import clock
from hogo.accounts.models import User
from hogo.accounts.permissions import require
from hogo.audit import services as audit
from hogo.complaints import common
from hogo.complaints.models import Category, Complaint, State


@dataclass
class Tally:
    """The counts of one category (or of all)."""

    label: str
    received: int = 0
    within_target: int = 0
    late: int = 0
    unanswered: int = 0
    withdrawn: int = 0

    def add(self, complaint: Complaint) -> None:
        """Count one complaint in its column."""
        self.received += 1
        if complaint.state == State.WITHDRAWN:
            self.withdrawn += 1
        elif complaint.within_target is None:
            self.unanswered += 1
        elif complaint.within_target:
            self.within_target += 1
        else:
            self.late += 1


@dataclass
class YearlyList:
    """One fiscal year's tallies and rows."""

    year: int
    first: Any
    last: Any
    tallies: list[Tally] = field(default_factory=list)
    total: Tally | None = None
    complaints: list[Complaint] = field(default_factory=list)


def years(user: User) -> list[int]:
    """The fiscal years offered: from the first complaint's to this one, newest first."""
    this = common.fiscal_year(clock.today_jst())
    first = Complaint.objects.filter(organisation=user.organisation_id).order_by(
        "received_on").values_list("received_on", flat=True).first()
    start = common.fiscal_year(first) if first else this
    return list(range(this, min(start, this) - 1, -1))


def yearly_list(user: User, year: int, *, what: str = "page") -> YearlyList:
    """The list of one fiscal year; `what` ("page", "csv") goes in its audit entry."""
    require(user, "complaints.yearly_list")
    first, last = common.fiscal_year_range(year)
    rows = list(Complaint.objects.filter(
        organisation=user.organisation_id, received_on__gte=first,
        received_on__lte=last).select_related("department").order_by("received_on", "number"))
    tallies = {code: Tally(str(label)) for code, label in Category.choices}
    total = Tally(_("合計"))
    for complaint in rows:
        tallies[complaint.category].add(complaint)
        total.add(complaint)
    audit.record("complaints.yearly_viewed", user=user, object_type="complaints.complaint",
                 detail={"year": year, "what": what, "count": len(rows)})
    return YearlyList(year, first, last, list(tallies.values()), total, rows)


def outcome(complaint: Complaint) -> str:
    """The row's result in words."""
    if complaint.state == State.WITHDRAWN:
        return _("取下げ")
    if complaint.within_target is None:
        return _("未回答")
    return _("目安日内に回答") if complaint.within_target else _("目安日を過ぎて回答")


def as_csv(listed: YearlyList) -> str:
    """The list as CSV (UTF-8 with BOM for spreadsheet programs): the counts, then a row per
    complaint. Dates are ISO (a spreadsheet reads them as dates)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("苦情処理状況一覧"), _("%(year)d年度") % {"year": listed.year},
                     listed.first.isoformat(), listed.last.isoformat()])
    writer.writerow([_("区分"), _("受付件数"), _("目安日内に回答"), _("目安日を過ぎて回答"),
                     _("未回答"), _("取下げ")])
    for tally in [*listed.tallies, listed.total]:
        writer.writerow([tally.label, tally.received, tally.within_target, tally.late,
                         tally.unanswered, tally.withdrawn])
    writer.writerow([])
    writer.writerow([_("受付番号"), _("受付日"), _("受付方法"), _("区分"), _("担当する所属"),
                     _("回答の目安日"), _("回答日"), _("結果")])
    for c in listed.complaints:
        writer.writerow([c.number, c.received_on.isoformat(), c.get_received_via_display(),
                         c.get_category_display(), str(c.department or ""),
                         c.due_on.isoformat(),
                         c.answered_on.isoformat() if c.answered_on else "", outcome(c)])
    return out.getvalue()
