"""Contractors (R-906): done when a contractor's overdue audit appears in the work queue; the
audit's due day; the selection check and contract items; a contractor's incident report is an
awareness in the incident (the organisation knew at the latest when told)."""

import datetime as dt

import pytest

from hogo import clock
from hogo.accountability import contractors
from hogo.accountability.training import add_months
from hogo.alerts.models import Alert
from hogo.alerts.waiting import waiting_for
from hogo.audit.models import AuditEntry

TODAY = clock.today_jst


@pytest.fixture
def contractor(user):
    return contractors.create_contractor(
        user("privacy"), name="デモ映像サービス株式会社", address="デモ市本町1-2-3",
        handles="ドライブレコーダー映像の保管と消去", contact="営業部 委託 太郎 000-0000-0000")


def _audits(who):
    return [w for w in waiting_for(who) if w.kind.startswith("accountability.audit")]


def test_overdue_audit_waits_for_privacy_officer(demo, user, contractor):
    contractors.record_contract(user("privacy"), contractor,
                                starts_on=TODAY() - dt.timedelta(days=400), ends_on=None,
                                clauses={"handling": True, "confidentiality": True})
    due = add_months(TODAY() - dt.timedelta(days=400), 12)
    assert contractors.audit_due_on(contractor) == due
    items = _audits(user("privacy"))
    assert len(items) == 1
    assert items[0].kind == contractors.AUDIT_KIND and items[0].overdue
    assert "デモ映像サービス株式会社" in items[0].title
    assert items[0].url == f"/accountability/contractors/{contractor.pk}/"
    for who in ("manager", "auditor", "staff"):
        assert _audits(user(who)) == [], who
    # the audit is done: the next falls a year later, nothing waits
    contractors.record_audit(user("privacy"), contractor, done_on=TODAY(),
                             done_by="保護 花子", findings="指摘なし")
    assert contractors.audit_due_on(contractor) == add_months(TODAY(), 12)
    assert _audits(user("privacy")) == []


def test_audit_due_within_30_days_waits_not_overdue(demo, user, contractor):
    contractors.record_audit(user("privacy"), contractor,
                             done_on=TODAY() - dt.timedelta(days=350), done_by="保護 花子",
                             findings="軽微な指摘1件")
    items = _audits(user("privacy"))
    assert [i.kind for i in items] == ["accountability.audit_due"] and not items[0].overdue


def test_no_contract_no_audit_due(demo, user, contractor):
    assert contractors.audit_due_on(contractor) is None
    assert _audits(user("privacy")) == []


def test_daily_alert_once_when_audit_overdue(demo, user, contractor):
    contractors.record_audit(user("privacy"), contractor,
                             done_on=TODAY() - dt.timedelta(days=400), done_by="保護 花子",
                             findings="指摘なし")
    assert contractors.alert_overdue_audits() == 1  # the one privacy officer
    alert = Alert.objects.get(kind=contractors.AUDIT_KIND)
    assert alert.recipient.username == "privacy" and "デモ映像サービス株式会社" in alert.message
    assert contractors.alert_overdue_audits() == 0


def test_selection_check_needs_a_note_for_a_no(demo, user, contractor):
    answers = {code: {"ok": True, "note": ""} for code, _label in contractors.CHECK_ITEMS}
    answers["subcontracting"] = {"ok": False, "note": ""}
    with pytest.raises(contractors.ContractorError) as refused:
        contractors.record_check(user("privacy"), contractor, checked_on=TODAY(),
                                 answers=answers)
    assert refused.value.field == "subcontracting_note"
    answers["subcontracting"]["note"] = "再委託なしと確認（誓約書あり）"
    check = contractors.record_check(user("privacy"), contractor, checked_on=TODAY(),
                                     answers=answers)
    rows = contractors.check_rows(check)
    assert [r["ok"] for r in rows].count(False) == 1
    assert AuditEntry.objects.filter(action="contractor.checked").exists()


def test_contract_shows_missing_clauses(demo, user, contractor):
    contract = contractors.record_contract(
        user("privacy"), contractor, starts_on=TODAY(), ends_on=TODAY() + dt.timedelta(days=365),
        clauses={code: code != "audits" for code, _label in contractors.CLAUSES})
    assert contractors.missing_clauses(contract) == ["委託元による監査・報告の求め"]
    with pytest.raises(contractors.ContractorError):
        contractors.record_contract(user("privacy"), contractor, starts_on=TODAY(),
                                    ends_on=TODAY() - dt.timedelta(days=1), clauses={})


def test_contractor_report_is_an_awareness_in_the_incident(demo, user, contractor):
    from hogo.incidents import services as incidents

    incident = incidents.report(user("manager"), title="委託先での映像の誤送信",
                                kind="loss", what_happened="委託先が誤って送信",
                                knew_on=TODAY())
    told_on = TODAY() - dt.timedelta(days=3)
    report = contractors.record_incident_report(
        user("privacy"), contractor, incident=incident, told_on=told_on,
        told_by="委託 太郎", what="映像を別の顧客に誤送信した")
    assert report.incident == incident
    awareness = incident.awareness.get(source="contractor")
    assert awareness.knew_on == told_on and awareness.person_name == "委託 太郎"
    assert awareness.person_section == "デモ映像サービス株式会社"
    # the organisation's knew_on moved to the day it was told
    assert incidents.organisation_knew_on(incident)[0] == told_on
    assert AuditEntry.objects.filter(action="contractor.incident_reported").exists()
    assert AuditEntry.objects.filter(action="incident.awareness").exists()


def test_only_the_privacy_officer_manages_contractors(demo, user, contractor):
    from hogo.accounts.permissions import Refused

    with pytest.raises(Refused):
        contractors.create_contractor(user("manager"), name="x", address="y", handles="z",
                                      contact="w")
    with pytest.raises(Refused):
        contractors.record_audit(user("auditor"), contractor, done_on=TODAY(), done_by="a",
                                 findings="b")
    with pytest.raises(Refused):
        contractors.contractors_of(user("staff"))
    assert list(contractors.contractors_of(user("auditor"))) == [contractor]


def test_a_contractor_report_opens_a_new_incident_known_the_day_told(demo, user, contractor):
    from hogo.incidents import services as incidents

    told_on = TODAY() - dt.timedelta(days=2)
    with pytest.raises(contractors.ContractorError) as refused:
        contractors.record_incident_report(
            user("privacy"), contractor, incident=contractors.NEW_INCIDENT, told_on=told_on,
            told_by="委託 太郎", what="保管中のUSBメモリを紛失した")
    assert refused.value.field == "kind"
    report = contractors.record_incident_report(
        user("privacy"), contractor, incident=contractors.NEW_INCIDENT, kind="loss",
        told_on=told_on, told_by="委託 太郎", what="保管中のUSBメモリを紛失した")
    incident = report.incident
    assert incident.kind == "loss" and "デモ映像サービス株式会社" in incident.title
    awareness = incident.awareness.get()
    assert awareness.source == "contractor" and awareness.knew_on == told_on
    assert "委託 太郎" in awareness.how
    assert incidents.organisation_knew_on(incident)[0] == told_on
    assert AuditEntry.objects.filter(action="incident.reported", object_id=str(incident.pk)
                                     ).exists()
