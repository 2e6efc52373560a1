"""Contractors (委託先, R-906; APPI Art. 25, for a public body Art. 66(2)(i); 001 §9): who
handles our personal data on our behalf, the check made before choosing them (001 §9), which
required clauses their signed contract holds, their periodic audits (due every
`contractors.audit_every_months` after the last audit, or after the contract started), and
their incident reports, each an awareness in an incident (the organisation knew at the latest
on the day it was told, R-802).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from hogo import clock
from hogo.accountability.models import (
    Contract,
    Contractor,
    ContractorAudit,
    ContractorIncidentReport,
    SelectionCheck,
)
from hogo.accountability.training import add_months
from hogo.accounts.models import User
from hogo.accounts.permissions import allows, require
from hogo.accounts.policy import effective_profile
from hogo.alerts.services import people_allowed, raise_once
from hogo.alerts.text import AlertText
from hogo.alerts.waiting import WaitingItem
from hogo.audit import services as audit
from hogo.incidents import services as incidents
from hogo.kit.refusal import Refused
from hogo.rules.wareki import format_wareki

SOON_DAYS = 30
AUDIT_KIND = "accountability.audit_overdue"

# The selection check (MLIT guideline §9): what to confirm of a contractor before choosing it.
CHECK_ITEMS = (
    ("security", gettext_lazy("安全管理措置（組織的・人的・物理的・技術的）が講じられている")),
    ("supervision", gettext_lazy("従業者の監督・教育が行われている")),
    ("subcontracting", gettext_lazy("再委託の有無と、再委託先の管理の方法が示されている")),
    ("incident_reporting", gettext_lazy("漏えい等事案が起きたときの報告の体制がある")),
    ("erasure", gettext_lazy("委託の終了時に個人データを返却・消去する方法がある")),
)
# The clauses a contract with a contractor must hold (MLIT guideline §9).
CLAUSES = (
    ("handling", gettext_lazy("個人データの取扱いの範囲と安全管理措置")),
    ("confidentiality", gettext_lazy("秘密の保持")),
    ("subcontract_consent", gettext_lazy("再委託は委託元の同意がある場合に限ること")),
    ("return_erasure", gettext_lazy("終了時の返却・消去と、その証明書の提出")),
    ("incident_reporting", gettext_lazy("漏えい等事案の報告")),
    ("audits", gettext_lazy("委託元による監査・報告の求め")),
)


class ContractorError(Refused):
    """A refused contractor change; Japanese reasons and the form field."""


# --- reading ----------------------------------------------------------------------------


def contractors_of(user: User) -> Any:
    """The organisation's contractors, for whoever may read them."""
    require(user, "accountability.view_contractors")
    return Contractor.objects.filter(organisation=user.organisation_id)


def contractor_for(user: User, pk: int) -> Contractor | None:
    """The contractor with this id in the user's organisation, or None."""
    return contractors_of(user).filter(pk=pk).first()


def audit_due_on(contractor: Contractor) -> dt.date | None:
    """The next audit's day: a period after the last audit, else after the latest contract
    started; None with neither (nothing to audit against yet)."""
    months = effective_profile(contractor.organisation).value("contractors.audit_every_months")
    last = contractor.audits.order_by("-done_on").first()
    if last is not None:
        return add_months(last.done_on, months)
    contract = contractor.contracts.order_by("-starts_on").first()
    return add_months(contract.starts_on, months) if contract is not None else None


def missing_clauses(contract: Contract) -> list[str]:
    """The required clauses this contract lacks, in words."""
    return [str(label) for code, label in CLAUSES if not contract.clauses.get(code)]


def check_rows(check: SelectionCheck) -> list[dict[str, Any]]:
    """A selection check as rows to show: each item, met or not, and its note."""
    return [{"label": label, "ok": bool(check.answers.get(code, {}).get("ok")),
             "note": check.answers.get(code, {}).get("note", "")} for code, label in CHECK_ITEMS]


def clause_rows(contract: Contract) -> list[dict[str, Any]]:
    """A contract's required clauses as rows to show: each present or not."""
    return [{"label": label, "present": bool(contract.clauses.get(code))}
            for code, label in CLAUSES]


def overview(contractor: Contractor) -> dict[str, Any]:
    """What the contractor's page shows: the latest check and contract, the audits and the
    next audit's day."""
    check = contractor.checks.first()
    contract = contractor.contracts.first()
    due = audit_due_on(contractor)
    return {"check": check, "check_rows": check_rows(check) if check else [],
            "contract": contract, "clause_rows": clause_rows(contract) if contract else [],
            "missing_clauses": missing_clauses(contract) if contract else [],
            "audits": list(contractor.audits.all()), "due_on": due,
            "overdue": due is not None and due < clock.today_jst(),
            "reports": list(contractor.incident_reports.select_related("incident"))}


def open_incidents(user: User) -> Any:
    """The open incidents a contractor's report may be added to (those the user manages)."""
    return [i for i in incidents.visible_incidents(user).order_by("-reported_at")
            if i.is_open and allows(user, "incidents.manage", i)]


# --- changing ---------------------------------------------------------------------------


def _clean(value: str, name: str, label: str) -> str:
    if not value.strip():
        raise ContractorError(_("%(label)sを入力してください。") % {"label": label}, field=name)
    return value.strip()


def create_contractor(user: User, *, name: str, address: str, handles: str,
                      contact: str) -> Contractor:
    """Register a contractor."""
    require(user, "accountability.manage_contractors")
    values = {"name": _clean(name, "name", _("名称")),
              "address": _clean(address, "address", _("所在地")),
              "handles": _clean(handles, "handles", _("委託する取扱い")),
              "contact": _clean(contact, "contact", _("連絡先"))}
    with transaction.atomic():
        contractor = Contractor.objects.create(
            organisation=user.organisation, created_by=user, created_at=clock.now(), **values)
        audit.record("contractor.created", user=user, obj=contractor,
                     detail={"name": contractor.name})
    return contractor


def record_check(user: User, contractor: Contractor, *, checked_on: dt.date,
                 answers: Mapping[str, Mapping[str, Any]]) -> SelectionCheck:
    """The selection check: every checklist item yes or no; a "no" needs a note saying why
    the contractor is chosen all the same (or what it must fix)."""
    require(user, "accountability.manage_contractors")
    if checked_on > clock.today_jst():
        raise ContractorError(_("確認日に未来の日付は指定できません。"), field="checked_on")
    kept = {}
    for code, label in CHECK_ITEMS:
        answer = answers.get(code, {})
        ok, note = bool(answer.get("ok")), str(answer.get("note", "")).strip()
        if not ok and not note:
            raise ContractorError(
                _("「%(item)s」が満たされていない理由又は対応を備考に記入してください。")
                % {"item": label}, field=f"{code}_note")
        kept[code] = {"ok": ok, "note": note}
    with transaction.atomic():
        check = SelectionCheck.objects.create(
            contractor=contractor, checked_on=checked_on, checked_by=user, answers=kept,
            recorded_at=clock.now())
        audit.record("contractor.checked", user=user, obj=contractor, detail={
            "check": check.pk, "checked_on": checked_on.isoformat(),
            "not_met": [c for c, a in kept.items() if not a["ok"]]})
    return check


def record_contract(user: User, contractor: Contractor, *, starts_on: dt.date,
                    ends_on: dt.date | None, clauses: Mapping[str, bool],
                    note: str = "") -> Contract:
    """The signed contract's dates and which required clauses it holds (a missing clause is
    recorded as missing and shown, not refused: the contract is what was signed)."""
    require(user, "accountability.manage_contractors")
    if ends_on is not None and ends_on < starts_on:
        raise ContractorError(_("契約終了日が契約開始日より前になっています。"), field="ends_on")
    kept = {code: bool(clauses.get(code)) for code, _label in CLAUSES}
    with transaction.atomic():
        contract = Contract.objects.create(
            contractor=contractor, starts_on=starts_on, ends_on=ends_on, clauses=kept,
            note=note.strip(), recorded_by=user, recorded_at=clock.now())
        audit.record("contractor.contract", user=user, obj=contractor, detail={
            "contract": contract.pk, "starts_on": starts_on.isoformat(),
            "missing": [c for c, present in kept.items() if not present]})
    return contract


def record_audit(user: User, contractor: Contractor, *, done_on: dt.date, done_by: str,
                 findings: str) -> ContractorAudit:
    """A periodic audit done: the next one falls due a period after it."""
    require(user, "accountability.manage_contractors")
    if done_on > clock.today_jst():
        raise ContractorError(_("実施日に未来の日付は指定できません。"), field="done_on")
    done_by = _clean(done_by, "done_by", _("実施者"))
    findings = _clean(findings, "findings", _("結果・指摘事項"))
    with transaction.atomic():
        made = ContractorAudit.objects.create(
            contractor=contractor, done_on=done_on, done_by=done_by, findings=findings,
            recorded_by=user, recorded_at=clock.now())
        audit.record("contractor.audited", user=user, obj=contractor, detail={
            "audit": made.pk, "done_on": done_on.isoformat()})
    return made


NEW_INCIDENT = "new"


def record_incident_report(user: User, contractor: Contractor, *, incident: Any,
                           told_on: dt.date, told_by: str, what: str, kind: str = ""
                           ) -> ContractorIncidentReport:
    """A contractor told us of an incident: kept here and added to the open incident as an
    awareness on the day we were told (the incidents service moves its deadlines); with
    `incident` NEW_INCIDENT, a new incident of `kind` is reported from it, known that day."""
    require(user, "accountability.manage_contractors")
    told_by = _clean(told_by, "told_by", _("連絡してきた人"))
    what = _clean(what, "what", _("連絡の内容"))
    how = _("委託先（%(name)s）の%(who)sからの連絡：%(what)s") % {
        "name": contractor.name, "who": told_by, "what": what[:200]}
    with transaction.atomic():
        try:
            if incident == NEW_INCIDENT:
                if not kind:
                    raise ContractorError(_("新しい事案の種類を選んでください。"), field="kind")
                incident = incidents.report(
                    user, title=_("委託先（%(name)s）からの連絡：%(what)s") % {
                        "name": contractor.name, "what": what[:60]},
                    kind=kind, what_happened=what, knew_on=told_on, noticed_how=how,
                    source="contractor")
            elif incident is None or incident.organisation_id != user.organisation_id:
                raise ContractorError(_("事案を選んでください。"), field="incident")
            else:
                incidents.add_awareness(
                    incident, user, person_name=told_by, source="contractor",
                    knew_on=told_on, how=how, person_section=contractor.name[:200])
        except incidents.IncidentError as refused:
            raise ContractorError(str(refused), field="told_on") from refused
        report = ContractorIncidentReport.objects.create(
            contractor=contractor, incident=incident, told_on=told_on, told_by=told_by,
            what=what, recorded_by=user, recorded_at=clock.now())
        audit.record("contractor.incident_reported", user=user, obj=contractor, detail={
            "report": report.pk, "incident": incident.pk, "told_on": told_on.isoformat()})
    return report


# --- what follows -----------------------------------------------------------------------


def waiting(user: Any) -> Iterator[WaitingItem]:
    """For whoever keeps the contractors (the privacy officer): audits overdue or due within
    SOON_DAYS."""
    if user.organisation_id is None or not allows(user, "accountability.manage_contractors"):
        return
    today = clock.today_jst()
    for contractor in Contractor.objects.filter(organisation=user.organisation_id):
        due = audit_due_on(contractor)
        if due is None or (due - today).days > SOON_DAYS:
            continue
        yield WaitingItem(
            kind=AUDIT_KIND if due < today else "accountability.audit_due",
            label=_("委託先の監査を実施する"),
            title=_("%(name)s（監査期限 %(due)s）") % {
                "name": contractor.name, "due": format_wareki(due)},
            url=reverse("accountability:contractor", args=[contractor.pk]),
            since=contractor.created_at, due_on=due)


def alert_overdue_audits(today: dt.date | None = None) -> int:
    """Daily: once per contractor and due day, tell who keeps the contractors that its audit
    is overdue. Returns how many alerts were raised."""
    today = today or clock.today_jst()
    raised = 0
    for contractor in Contractor.objects.select_related("organisation"):
        due = audit_due_on(contractor)
        if due is None or due >= today:
            continue
        message = AlertText(gettext_noop("委託先 %(name)s の監査の期限（%(due)s）が過ぎました"),
                            name=contractor.name, due=due)
        for person in people_allowed(contractor.organisation_id,
                                     "accountability.manage_contractors", contractor):
            raised += raise_once(
                AUDIT_KIND, message=message, recipient=person,
                key=f"accountability:contractor:{contractor.pk}:{due.isoformat()}"
                    f":user:{person.pk}",
                link=reverse("accountability:contractor", args=[contractor.pk]))
    return raised


def register() -> None:
    """From AccountabilityConfig.ready(): the work queue and the alert's name."""
    from hogo.alerts.text import label_kind
    from hogo.alerts.waiting import add_source

    add_source(waiting)
    label_kind(AUDIT_KIND, gettext_lazy("委託先の監査の期限切れ"))
