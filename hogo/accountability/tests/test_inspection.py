"""Self-inspection (R-904): done when an inspection of the demo city finds the unchecked notice
sticker and the overdue medium hogo already knows about, and a finding is followed to closure
(raised with an owner and a due day, answered, sent back, answered again, closed), each
hand-off alerting the next person and waiting in their queue."""

import datetime as dt
import json

import pytest

from hogo import clock
from hogo.accountability import contractors, inspection
from hogo.accountability.models import FindingState
from hogo.accounts.models import Department
from hogo.accounts.permissions import Refused
from hogo.alerts.models import Alert
from hogo.alerts.waiting import waiting_for
from hogo.audit.models import AuditEntry
from hogo.media import services as media
from hogo.media.models import Medium

TODAY = clock.today_jst


def _department(code):
    return Department.objects.get(code=code, organisation__name="デモ市")


def _overdue_loan(person, label):
    """A medium taken out ten days ago, due back three days ago, still out."""
    medium = Medium.objects.get(label=label)
    ten_days_ago = clock.now() - dt.timedelta(days=10)
    with clock.frozen(ten_days_ago):
        media.check_out(person, medium, purpose="事故の記録の持出し",
                        due_on=clock.today_jst() + dt.timedelta(days=7))
    return medium


def _check(found, code):
    return found.checks.get(code=code)


def test_inspection_finds_the_unchecked_sticker_and_the_overdue_medium(demo, user):
    seiso = _department("seiso")
    _overdue_loan(user("seiso-manager"), "SEISO-USB-02")
    found = inspection.start(user("auditor"), seiso)
    notice = _check(found, "notice_checked")
    assert not notice.ok and [f["what"] for f in notice.facts] == [
        "デモ 800 す 20-11 デモ電機 DR-100 (DEMO-0003)"]
    assert notice.facts[0]["day"] == (TODAY() - dt.timedelta(days=400)).isoformat()
    loan = _check(found, "media_returned")
    assert not loan.ok and "SEISO-USB-02" in loan.facts[0]["what"]
    assert loan.facts[0]["day"] == (TODAY() - dt.timedelta(days=3)).isoformat()
    lines = inspection.fact_lines(loan)
    assert "返却予定日" in lines[0] and "令和" in lines[0]
    for code in ("media_inventory", "copies_erased", "designations_current",
                 "training_current"):
        assert _check(found, code).ok, code
    assert {c.code for c in found.checks.all()} == {
        c.code for c in inspection.checks_for(seiso)}
    entry = AuditEntry.objects.filter(action="inspection.started").last()
    assert sorted(json.loads(entry.detail)["failed"]) == ["media_returned", "notice_checked"]


def test_the_other_department_has_neither(demo, user):
    found = inspection.start(user("privacy"), _department("kanzai"))
    assert _check(found, "notice_checked").ok and _check(found, "media_returned").ok


def test_the_facts_are_kept_as_found(demo, user):
    found = inspection.start(user("auditor"), _department("seiso"))
    from hogo.registry.models import Recorder

    Recorder.objects.filter(serial="DEMO-0003").update(notice_checked_on=TODAY())
    assert not _check(found, "notice_checked").ok  # what the inspector saw stays
    again = inspection.start(user("auditor"), _department("kanzai"))
    assert _check(again, "notice_checked").ok


def test_a_finding_is_followed_to_closure(demo, user):
    auditor, manager = user("auditor"), user("seiso-manager")
    found = inspection.start(auditor, _department("seiso"))
    notice = _check(found, "notice_checked")
    assert inspection.default_owner(found) == manager
    finding = inspection.raise_finding(
        auditor, found, what="収集車1号の録画中表示を確認し、確認日を記録すること",
        owner=manager, due_on=inspection.default_due_on(found), from_check=notice)
    assert finding.number == 1 and finding.due_on == TODAY() + dt.timedelta(days=30)
    alert = Alert.objects.get(recipient=manager, kind=inspection.RAISED_KIND)
    assert "指摘事項 1" in alert.text
    [item] = [w for w in waiting_for(manager) if w.kind == inspection.RAISED_KIND]
    assert item.due_on == finding.due_on and item.url == f"/accountability/findings/{finding.pk}/"

    with pytest.raises(inspection.InspectionError):  # only the owner answers, with words
        inspection.answer(manager, finding, action="  ")
    with pytest.raises(Refused):
        inspection.answer(user("staff"), finding, action="確認しました")
    inspection.answer(manager, finding, action="ステッカーを貼り替えた")
    finding.refresh_from_db()
    assert finding.state == FindingState.ANSWERED
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None  # the request to act is done
    assert [w.kind for w in waiting_for(auditor) if w.kind.startswith(
        "accountability.finding")] == [inspection.ANSWERED_KIND]
    assert Alert.objects.filter(recipient=auditor, kind=inspection.ANSWERED_KIND).exists()

    inspection.send_back(auditor, finding, reason="確認日が登録簿に記録されていません")
    finding.refresh_from_db()
    assert finding.state == FindingState.OPEN
    assert Alert.objects.filter(recipient=manager, kind=inspection.RAISED_KIND,
                                acknowledged_at__isnull=True).count() == 1
    with pytest.raises(inspection.InspectionError):
        inspection.close(auditor, finding)  # not answered yet

    inspection.answer(manager, finding, action="ステッカーを貼り替え、確認日を登録した")
    inspection.close(auditor, finding)
    finding.refresh_from_db()
    assert finding.state == FindingState.CLOSED and finding.closed_by == auditor
    assert not [w for w in waiting_for(manager) if w.kind.startswith("accountability.finding")]
    assert not [w for w in waiting_for(auditor) if w.kind.startswith("accountability.finding")]
    actions = list(AuditEntry.objects.filter(action__startswith="inspection.finding_").order_by(
        "seq").values_list("action", flat=True))
    assert actions == ["inspection.finding_raised", "inspection.finding_answered",
                       "inspection.finding_returned", "inspection.finding_answered",
                       "inspection.finding_closed"]


def test_finishing_needs_each_failed_check_settled(demo, user):
    auditor = user("auditor")
    found = inspection.start(auditor, _department("seiso"))
    with pytest.raises(inspection.InspectionError) as refused:
        inspection.finish(auditor, found, summary="")
    assert any("録画中表示" in reason for reason in refused.value.reasons)
    inspection.note_check(auditor, _check(found, "notice_checked"),
                          "車両は修理中で車庫にあり、戻り次第確認する")
    inspection.finish(auditor, found, summary="概ね適正")
    found.refresh_from_db()
    assert found.is_finished
    told = Alert.objects.get(kind="accountability.inspection_finished")
    assert told.recipient == user("seiso-manager")
    with pytest.raises(inspection.InspectionError):
        inspection.raise_finding(auditor, found, what="追加", owner=user("seiso-manager"),
                                 due_on=TODAY())
    # the next inspection falls due a year after this one
    assert inspection.due_on(demo, _department("seiso")) > TODAY() + dt.timedelta(days=360)


def test_one_inspection_at_a_time_and_who_may_start(demo, user):
    seiso = _department("seiso")
    inspection.start(user("privacy"), seiso)
    with pytest.raises(inspection.InspectionError, match="実施中"):
        inspection.start(user("auditor"), seiso)
    for who in ("manager", "staff", "operator"):
        with pytest.raises(Refused):
            inspection.start(user(who), seiso)


def test_finding_owner_must_belong_and_due_day_not_past(demo, user):
    auditor = user("auditor")
    found = inspection.start(auditor, _department("seiso"))
    with pytest.raises(inspection.InspectionError) as refused:
        inspection.raise_finding(auditor, found, what="x", owner=user("staff"), due_on=TODAY())
    assert refused.value.field == "owner"
    with pytest.raises(inspection.InspectionError) as refused:
        inspection.raise_finding(auditor, found, what="x", owner=user("seiso-manager"),
                                 due_on=TODAY() - dt.timedelta(days=1))
    assert refused.value.field == "due_on"
    assert not found.findings.exists()


def test_training_and_designations(demo, user, course, joined_days_ago, took):
    operator = joined_days_ago(user("operator"), 900)
    took(operator, course, 500)  # lapsed: taken over a year ago
    for person in ("manager", "staff"):
        took(joined_days_ago(user(person), 900), course, 30)
    found = inspection.start(user("privacy"), _department("kanzai"))
    training = _check(found, "training_current")
    assert [f["what"] for f in training.facts] == [str(operator)]
    designations = _check(found, "designations_current")
    assert designations.facts == [{"what": str(operator), "day": None, "why": "training"}]
    assert "研修" in inspection.fact_lines(designations)[0]


def test_the_organisation_inspection_checks_contractors(demo, user):
    privacy = user("privacy")
    late = contractors.create_contractor(privacy, name="デモ保守株式会社", address="デモ市",
                                         handles="保守", contact="000")
    contractors.record_contract(privacy, late, starts_on=TODAY() - dt.timedelta(days=400),
                                ends_on=None, clauses={"handling": True})
    found = inspection.start(privacy, None)
    assert {c.code for c in found.checks.all()} == {"contractors_audited",
                                                    "contractors_checked"}
    assert [f["what"] for f in _check(found, "contractors_audited").facts] == ["デモ保守株式会社"]
    assert _check(found, "contractors_checked").facts[0]["why"] == "no_check"
    assert privacy in inspection.owner_choices(found)


def test_due_inspections_wait_for_inspectors(demo, user):
    year = clock.today_jst().year

    def due_items(who):
        return [w for w in waiting_for(user(who)) if w.kind == "accountability.inspection_due"]

    with clock.frozen(dt.datetime(year, 12, 1, 10, tzinfo=clock.JST)):
        assert due_items("auditor") == []  # the year ends on March 31: not yet
    with clock.frozen(dt.datetime(year + 1, 3, 10, 10, tzinfo=clock.JST)):
        assert len(due_items("auditor")) == len(inspection.scopes(demo.pk))
        assert len(due_items("privacy")) == len(inspection.scopes(demo.pk))
        assert due_items("manager") == []


def test_an_overdue_finding_alerts_once(demo, user):
    auditor, manager = user("auditor"), user("seiso-manager")
    found = inspection.start(auditor, _department("seiso"))
    inspection.raise_finding(auditor, found, what="確認すること", owner=manager,
                             due_on=TODAY())
    later = TODAY() + dt.timedelta(days=2)
    assert inspection.alert_overdue_findings(later) == 2
    assert inspection.alert_overdue_findings(later) == 0
    assert Alert.objects.filter(kind=inspection.OVERDUE_KIND, recipient=manager).count() == 1


def test_findings_figures_for_the_annual_summary(demo, user):
    auditor, manager = user("auditor"), user("seiso-manager")
    found = inspection.start(auditor, _department("seiso"))
    first = inspection.raise_finding(auditor, found, what="一", owner=manager, due_on=TODAY())
    inspection.raise_finding(auditor, found, what="二", owner=manager, due_on=TODAY())
    inspection.answer(manager, first, action="済")
    inspection.close(auditor, first)
    inspection.note_check(auditor, _check(found, "notice_checked"), "指摘事項二で対応")
    inspection.finish(auditor, found, summary="")
    year_start, year_end = dt.date(TODAY().year - 1, 1, 1), dt.date(TODAY().year + 1, 1, 1)
    figures = inspection.findings_figures(demo, year_start, year_end)
    assert figures == {"inspections": 1, "departments_inspected": 1, "findings": 2,
                       "closed": 1, "open": 1, "overdue": 0}
    assert inspection.findings_figures(demo, dt.date(2000, 4, 1), dt.date(2001, 3, 31))[
        "findings"] == 0


def test_the_demo_command_s_city_inspections_find_the_sticker_and_the_medium(demo, user):
    from hogo.accounts.models import User
    from hogo.web.demo import USERS, load_city_accountability

    load_city_accountability({u.username: User.objects.get(username=u.username)
                              for u in USERS})
    auditor = user("auditor")
    kanzai = inspection.start(auditor, _department("kanzai"))
    assert "KANZAI-USB-02" in _check(kanzai, "media_returned").facts[0]["what"]
    assert [f["what"] for f in _check(kanzai, "training_current").facts] == ["職員 三郎"]
    seiso = inspection.start(auditor, _department("seiso"))
    assert "DEMO-0003" in _check(seiso, "notice_checked").facts[0]["what"]
    whole = inspection.start(auditor, None)
    assert [f["what"] for f in _check(whole, "contractors_audited").facts] == [
        "デモ情報システム株式会社"]
