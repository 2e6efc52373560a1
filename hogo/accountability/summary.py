"""The annual summary (年次報告): the figures a city reports each fiscal year (年度, April to
March) on the state of its handling of personal information — files held, persons' requests,
third-party provision, complaints, incidents and their timeliness, training coverage,
contractors and self-inspection findings — for the privacy officer and the head (managers
and auditors read it too).

It names nobody, only counts; each reading (page or CSV) is still one audit entry. Each
section is a small function that reads one lower app, so a figure's meaning is stated where
it is counted. Figures of the year count what was received (or made) in the year; training
and overdue audits are as of today, or the year's last day for a past year.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hogo import clock
from hogo.accountability import contractors, training
from hogo.accountability.models import Contractor, ContractorAudit
from hogo.accounts.models import Organisation, User
from hogo.accounts.permissions import require
from hogo.audit import services as audit
from hogo.complaints import common as complaint_rules
from hogo.complaints.models import Complaint, State
from hogo.holdings.models import PersonalFile
from hogo.incidents import services as incidents
from hogo.kit.refusal import Refused
from hogo.provision.models import Outcome as ProvisionOutcome
from hogo.provision.models import ProvisionRecord, ProvisionRequest, ReceiptRecord
from hogo.provision.models import RequestState as ProvisionState
from hogo.requests import intake
from hogo.requests.models import Kind, Outcome, PersonalRequest, RequestState

FIRST_YEAR = 2000  # no fiscal year before this is asked for: a typo, not a report
REFUSED = (Outcome.REFUSE, Outcome.NEITHER_CONFIRM_NOR_DENY)  # 不開示, counted together


class SummaryError(Refused):
    """A summary that cannot be made (a year out of range); Japanese reasons."""


@dataclass
class Figure:
    """One reported number: what it counts (`label`), the number, and a unit or note."""

    label: str
    value: int | float
    unit: str = ""


@dataclass
class Section:
    """One part of the report: a key (for pages and tests), its title and its figures."""

    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)

    def value(self, label: str) -> int | float:
        """The figure with this label (tests and the CSV read figures by name)."""
        return next(f.value for f in self.figures if f.label == label)


@dataclass
class AnnualSummary:
    """One fiscal year's report: its days, the day "today" figures stand on, the sections."""

    year: int
    first: dt.date
    last: dt.date
    as_of: dt.date
    sections: list[Section] = field(default_factory=list)

    def section(self, key: str) -> Section:
        """The section with this key."""
        return next(s for s in self.sections if s.key == key)


def _in_year(day: dt.date | None, first: dt.date, last: dt.date) -> bool:
    return day is not None and first <= day <= last


def _day(instant: dt.datetime | None) -> dt.date | None:
    return clock.jst_date(instant) if instant is not None else None


# --- the sections ----------------------------------------------------------------------


def files_held(organisation: Organisation, first: dt.date, last: dt.date,
               as_of: dt.date) -> Section:
    """The register (個人情報ファイル簿 / 台帳): entries held on `as_of`, hogo's own and the
    privacy officer's, those left out of the published register under the 1,000-person rule
    (each a recorded decision with its reason), and entries retired in the year."""
    entries = list(PersonalFile.objects.filter(organisation=organisation))
    held = [e for e in entries if e.retired_on is None or e.retired_on > as_of]
    return Section("files", _("保有する個人情報ファイル"), [
        Figure(_("保有しているファイル"), len(held), _("件")),
        Figure(_("うちhogoが保有データから作成したもの"),
               sum(1 for e in held if e.kept_by_hogo), _("件")),
        Figure(_("うち個人情報保護管理者が登録したもの"),
               sum(1 for e in held if not e.kept_by_hogo), _("件")),
        Figure(_("うち本人の数が1,000人未満のため掲載しないもの（決定済み）"),
               sum(1 for e in held if e.exemption_reason), _("件")),
        Figure(_("年度中に廃止したもの"),
               sum(1 for e in entries if _in_year(e.retired_on, first, last)), _("件")),
    ])


def _decided_in_time(request: PersonalRequest) -> bool:
    """Decided by the day the law allowed: the due day, or the extended one when the request
    was extended (the deadlines module keeps both on the request)."""
    due = request.effective_due_on
    return due is None or _day(request.decided_at) <= due


def persons_requests(organisation: Organisation, first: dt.date, last: dt.date) -> Section:
    """Persons' own requests received in the year: by kind, decided, decided within the
    legal period, extended, still open, and the disclosure outcomes."""
    rows = list(PersonalRequest.objects.filter(
        organisation=organisation, received_on__gte=first, received_on__lte=last))
    decided = [r for r in rows if r.decided_at is not None]
    figures = [Figure(_("受け付けた請求"), len(rows), _("件"))]
    kinds = intake.kinds_for(organisation)
    figures += [Figure(_("うち%(kind)s") % {"kind": label},
                       sum(1 for r in rows if r.kind == code), _("件"))
                for code, label in Kind.choices if code in kinds]
    figures += [
        Figure(_("決定したもの"), len(decided), _("件")),
        Figure(_("うち法定の期限内に決定したもの"),
               sum(1 for r in decided if _decided_in_time(r)), _("件")),
        Figure(_("決定期限を延長したもの"),
               sum(1 for r in rows if r.extended_due_on is not None), _("件")),
        Figure(_("まだ決定していないもの（本日現在）"),
               sum(1 for r in rows if r.is_open and r.decided_at is None), _("件")),
        Figure(_("取下げ"), sum(1 for r in rows if r.state == RequestState.WITHDRAWN), _("件")),
        Figure(_("全部を開示したもの"),
               sum(1 for r in decided if r.outcome == Outcome.DISCLOSE), _("件")),
        Figure(_("一部を開示したもの"),
               sum(1 for r in decided if r.outcome == Outcome.PARTIAL), _("件")),
        Figure(_("開示しなかったもの（存否応答拒否を含む）"),
               sum(1 for r in decided if r.outcome in REFUSED), _("件")),
        Figure(_("保有していなかったもの（不存在）"),
               sum(1 for r in decided if r.outcome == Outcome.NOT_EXIST), _("件")),
    ]
    return Section("requests", _("本人からの請求"), figures)


def provision(organisation: Organisation, first: dt.date, last: dt.date) -> Section:
    """Third-party provision: requests received in the year and how they were decided, and
    the provision and receipt records made in the year."""
    rows = [r for r in ProvisionRequest.objects.filter(organisation=organisation)
            if _in_year(_day(r.received_at), first, last)]
    made = [r for r in ProvisionRecord.objects.filter(organisation=organisation)
            if _in_year(_day(r.created_at), first, last)]
    received = [r for r in ReceiptRecord.objects.filter(organisation=organisation)
                if _in_year(_day(r.created_at), first, last)]
    return Section("provision", _("第三者提供"), [
        Figure(_("提供の依頼を受け付けたもの"), len(rows), _("件")),
        Figure(_("提供したもの（一部提供を含む）"), sum(1 for r in rows if r.outcome in (
            ProvisionOutcome.APPROVE, ProvisionOutcome.PARTIAL)), _("件")),
        Figure(_("提供しなかったもの"),
               sum(1 for r in rows if r.outcome == ProvisionOutcome.REFUSE), _("件")),
        Figure(_("取下げ・受付不可"),
               sum(1 for r in rows if r.state == ProvisionState.WITHDRAWN), _("件")),
        Figure(_("作成した提供記録"), len(made), _("件")),
        Figure(_("作成した確認記録（第三者からの受領）"), len(received), _("件")),
    ])


def complaints(organisation: Organisation, first: dt.date, last: dt.date) -> Section:
    """Complaints received in the year: answered within the profile's target, answered
    later, still open, withdrawn."""
    rows = list(Complaint.objects.filter(
        organisation=organisation, received_on__gte=first, received_on__lte=last))
    days = complaint_rules.answer_days(organisation)
    return Section("complaints", _("苦情"), [
        Figure(_("受け付けた苦情"), len(rows), _("件")),
        Figure(_("回答の目安（%(days)d日）内に回答したもの") % {"days": days},
               sum(1 for c in rows if c.within_target is True), _("件")),
        Figure(_("目安を過ぎて回答したもの"),
               sum(1 for c in rows if c.within_target is False), _("件")),
        Figure(_("対応中のもの"), sum(1 for c in rows if c.is_open), _("件")),
        Figure(_("取下げ"), sum(1 for c in rows if c.state == State.WITHDRAWN), _("件")),
    ])


def incident_figures(organisation: Organisation, year: int) -> Section:
    """Incidents reported in the year (the incidents app's yearly summary) and whether the
    reports to the Commission were filed on time: a filing with a due day, late by none or
    some days."""
    found = incidents.yearly_summary(organisation, year)
    filings = [f for i in found["incidents"] for f in i.filings.all() if f.due_on is not None]
    return Section("incidents", _("漏えい等事案"), [
        Figure(_("事案"), found["total"], _("件")),
        Figure(_("うち報告対象となるもの"), found["reportable"], _("件")),
        Figure(_("うち対応中のもの"), found["open"], _("件")),
        Figure(_("本人の数（合計）"), found["people"], _("人")),
        Figure(_("期限内に提出した報告"), sum(1 for f in filings if f.days_late == 0), _("件")),
        Figure(_("期限を過ぎて提出した報告"), sum(1 for f in filings if f.days_late > 0), _("件")),
    ])


def training_coverage(organisation: Organisation, as_of: dt.date) -> Section:
    """Training on `as_of`: the people (joined by then) who must take a course, how many are
    current (or due soon), the percentage, and how many have lapsed or never took one."""
    courses = list(training.courses_of(organisation.pk))
    people = [training.standing(p, as_of, courses=courses)
              for p in training.people_in(organisation.pk)
              if clock.jst_date(p.date_joined) <= as_of]
    bound = [p for p in people if p.courses]
    current = sum(1 for p in bound if p.status in (training.Status.CURRENT,
                                                   training.Status.DUE_SOON))
    percent = round(100 * current / len(bound), 1) if bound else 0.0
    return Section("training", _("研修の受講状況"), [
        Figure(_("受講が必要な人"), len(bound), _("人")),
        Figure(_("受講が期限内の人"), current, _("人")),
        Figure(_("受講率"), percent, "%"),
        Figure(_("受講の期限が切れた人"),
               sum(1 for p in bound if p.status == training.Status.LAPSED), _("人")),
        Figure(_("まだ受講していない人"),
               sum(1 for p in bound if p.status == training.Status.NEVER), _("人")),
    ])


def contractor_figures(organisation: Organisation, first: dt.date, last: dt.date,
                       as_of: dt.date) -> Section:
    """Contractors registered by `as_of`, audits done in the year, audits overdue on
    `as_of`."""
    known = [c for c in Contractor.objects.filter(organisation=organisation)
             if clock.jst_date(c.created_at) <= as_of]
    overdue = [c for c in known if (due := contractors.audit_due_on(c)) is not None
               and due < as_of]
    audits = ContractorAudit.objects.filter(contractor__organisation=organisation,
                                            done_on__gte=first, done_on__lte=last).count()
    return Section("contractors", _("委託先"), [
        Figure(_("委託先"), len(known), _("者")),
        Figure(_("年度中に実施した監査"), audits, _("件")),
        Figure(_("監査の期限を過ぎている委託先"), len(overdue), _("者")),
    ])


INSPECTION_LABELS = (
    ("inspections", gettext_lazy("実施した自己点検"), gettext_lazy("回")),
    ("departments_inspected", gettext_lazy("点検した所属"), gettext_lazy("所属")),
    ("findings", gettext_lazy("指摘事項"), gettext_lazy("件")),
    ("closed", gettext_lazy("うち改善を確認したもの"), gettext_lazy("件")),
    ("open", gettext_lazy("うち未完了のもの"), gettext_lazy("件")),
    ("overdue", gettext_lazy("うち対応期限を過ぎたもの"), gettext_lazy("件")),
)


def inspection_figures(organisation: Organisation, first: dt.date, last: dt.date) -> Section:
    """Self-inspections of the year and their findings, as the inspection module counts
    them."""
    from hogo.accountability import inspection

    found = inspection.findings_figures(organisation, first, last)
    return Section("inspection", _("自己点検"), [
        Figure(str(label), int(found[key]), str(unit)) for key, label, unit in INSPECTION_LABELS])


# --- the report --------------------------------------------------------------------------


def years(user: User) -> list[int]:
    """The fiscal years offered in the picker: from the first year anything was received,
    reported or joined in the organisation to this one, newest first."""
    this = this_year()
    firsts = [PersonalRequest.objects.filter(organisation=user.organisation_id).order_by(
                  "received_on").values_list("received_on", flat=True).first(),
              Complaint.objects.filter(organisation=user.organisation_id).order_by(
                  "received_on").values_list("received_on", flat=True).first()]
    joined = User.objects.filter(organisation=user.organisation_id).order_by(
        "date_joined").values_list("date_joined", flat=True).first()
    firsts.append(_day(joined))
    start = min([complaint_rules.fiscal_year(d) for d in firsts if d is not None] or [this])
    return list(range(this, max(min(start, this), FIRST_YEAR) - 1, -1))


def this_year() -> int:
    """The fiscal year of today (the page's default)."""
    return complaint_rules.fiscal_year(clock.today_jst())


def check_year(year: int) -> int:
    """The year, if a report can be made for it: from FIRST_YEAR to this fiscal year."""
    this = this_year()
    if not FIRST_YEAR <= year <= this:
        raise SummaryError(_("年度は%(first)d年度から%(this)d年度までの数字で指定してください。")
                           % {"first": FIRST_YEAR, "this": this}, field="year")
    return year


def annual_summary(user: User, fiscal_year: int, *, what: str = "page") -> AnnualSummary:
    """The report of one fiscal year; `what` ("page", "csv") goes in its audit entry."""
    require(user, "accountability.annual_summary")
    year = check_year(fiscal_year)
    organisation = user.organisation
    first, last = complaint_rules.fiscal_year_range(year)
    as_of = min(last, clock.today_jst())
    summary = AnnualSummary(year, first, last, as_of, [
        files_held(organisation, first, last, as_of),
        persons_requests(organisation, first, last),
        provision(organisation, first, last),
        complaints(organisation, first, last),
        incident_figures(organisation, year),
        training_coverage(organisation, as_of),
        contractor_figures(organisation, first, last, as_of),
        inspection_figures(organisation, first, last),
    ])
    audit.record("accountability.summary_viewed", user=user,
                 object_type="accountability.summary", detail={"year": year, "what": what})
    return summary


def as_csv(summary: AnnualSummary) -> str:
    """The report as CSV (UTF-8 with BOM for spreadsheet programs): a title row, then one row
    per figure — section, item, value (and its unit)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("個人情報の取扱状況（年次報告）"),
                     _("%(year)d年度") % {"year": summary.year},
                     summary.first.isoformat(), summary.last.isoformat()])
    writer.writerow([_("区分"), _("項目"), _("値"), _("単位")])
    for section in summary.sections:
        for figure in section.figures:
            writer.writerow([section.title, figure.label, figure.value, figure.unit])
    return out.getvalue()

