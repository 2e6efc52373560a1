"""The annual summary (年次報告): figures counted from real requests, complaints, incidents,
training records and contractors made through their services in a fiscal year; who may read
it; the CSV; a bad year; the audit entry of each reading.

Objects of a past year are made with the clock frozen in fiscal year 2024 (the demo city's
own data is made now, so it does not fall in that year)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from hogo import clock
from hogo.accountability import contractors, summary
from hogo.accounts.permissions import Refused
from hogo.audit.models import AuditEntry
from hogo.complaints import handling
from hogo.complaints import intake as complaint_intake
from hogo.complaints.common import fiscal_year_range
from hogo.complaints.models import AnswerHow
from hogo.holdings import services as holdings
from hogo.incidents import services as incidents
from hogo.incidents.models import IncidentKind
from hogo.provision import records
from hogo.requests import deciding, identity
from hogo.requests import intake as request_intake

YEAR = 2024
FIRST, LAST = dt.date(2024, 4, 1), dt.date(2025, 3, 31)
IN_YEAR = dt.datetime(2024, 6, 3, 10, 0, tzinfo=clock.JST)  # a Monday of fiscal year 2024


def _request(user, **changes):
    data = {"kind": "disclosure", "disclosure_of": ["data"], "requester_type": "self",
            "requester_name": "市民 花子", "requester_address": "デモ市中央2-3-4",
            "data_description": "公用車の運行記録（令和6年5月分）", "method": "paper",
            "received_via": "counter", "department": user("manager").department}
    return request_intake.enter(user("staff"), {**data, **changes})


def _complaint(user, **changes):
    data = {"received_via": "counter", "category": "filming", "complainant_name": "市民 次郎",
            "complainant_contact": "000-0000-0000", "text": "自宅の玄関が撮影されている",
            "department": user("manager").department}
    return complaint_intake.enter(user("privacy"), {**data, **changes})


@pytest.fixture
def year_2024(user):
    """Fiscal year 2024: two requests (one decided in time, partly disclosed; one open), two
    complaints (one answered, one open), a reportable incident whose preliminary report was
    filed late and its final one on time, two contractors (one audited in the year, one
    never audited), a provision record entered by hand."""
    with clock.frozen(IN_YEAR):
        decided = _request(user)
        identity.record_check(user("operator"), decided, documents=["driving_licence"])
        deciding.decide(user("manager"), decided, outcome="partial", grounds=["third_party"],
                        reason="他の人物の情報を含むため、その部分を除いて開示します。")
        _request(user, requester_name="市民 三郎")
        answered = _complaint(user)
        handling.answer(user("manager"), answered, "撮影範囲を確認し、説明しました。",
                        AnswerHow.PHONE)
        _complaint(user, text="運転中の撮影について説明してほしい")
        incident = incidents.report(
            user("staff"), title="USBメモリの紛失", kind=IncidentKind.LOSS,
            what_happened="映像を保存したUSBメモリが見つからない",
            knew_on=IN_YEAR.date() - dt.timedelta(days=14), data_items="映像", people=1500)
        incidents.record_filing(incident, user("privacy"), kind="preliminary",
                                filed_on=IN_YEAR.date())  # due within days: late
        incidents.record_filing(incident, user("privacy"), kind="final",
                                filed_on=IN_YEAR.date())  # due within 30 days: on time
        privacy = user("privacy")
        audited = contractors.create_contractor(
            privacy, name="デモ映像保守株式会社", address="デモ市港1-1",
            handles="ドライブレコーダー映像の保守", contact="保守 太郎 000-0000-0000")
        contractors.record_contract(privacy, audited, starts_on=dt.date(2023, 5, 1),
                                    ends_on=None, clauses={})
        contractors.record_audit(privacy, audited, done_on=IN_YEAR.date(),
                                 done_by="個人情報保護管理者", findings="指摘事項なし")
        never = contractors.create_contractor(
            privacy, name="デモ文書保管株式会社", address="デモ市港2-2",
            handles="紙の申請書の保管", contact="保管 花子 000-0000-0000")
        contractors.record_contract(privacy, never, starts_on=dt.date(2023, 5, 1),
                                    ends_on=None, clauses={})
        records.enter_provision_record(privacy, {
            "recipient_name": "デモ損害保険株式会社", "recipient_address": "デモ市本町1-1",
            "persons": "事故の相手方", "data_items": "映像",
            "provided_on": [IN_YEAR.date()], "consent_on": IN_YEAR.date()})
    return {"incident": incident}


def test_requests_of_the_year_by_kind_decision_and_period(year_2024, demo):
    got = summary.persons_requests(demo, FIRST, LAST)
    assert got.value("受け付けた請求") == 2
    assert got.value("うち開示") == 2 and got.value("うち訂正・追加・削除") == 0
    assert got.value("決定したもの") == 1
    assert got.value("うち法定の期限内に決定したもの") == 1
    assert got.value("決定期限を延長したもの") == 0
    assert got.value("まだ決定していないもの（本日現在）") == 1
    assert got.value("一部を開示したもの") == 1 and got.value("全部を開示したもの") == 0
    # A public body has no purpose-notification request: no such row.
    assert not any("利用目的の通知" in f.label for f in got.figures)
    # The year before holds none of them.
    assert summary.persons_requests(demo, dt.date(2023, 4, 1),
                                    dt.date(2024, 3, 31)).value("受け付けた請求") == 0


def test_complaints_within_target_and_open(year_2024, demo):
    got = summary.complaints(demo, FIRST, LAST)
    assert got.value("受け付けた苦情") == 2
    assert [f.value for f in got.figures if f.label.startswith("回答の目安")] == [1]
    assert got.value("目安を過ぎて回答したもの") == 0
    assert got.value("対応中のもの") == 1


def test_incidents_and_the_late_filing(year_2024, demo):
    got = summary.incident_figures(demo, YEAR)
    assert got.value("事案") == 1 and got.value("うち報告対象となるもの") == 1
    assert got.value("本人の数（合計）") == 1500
    assert got.value("期限を過ぎて提出した報告") == 1
    assert got.value("期限内に提出した報告") == 1
    late = year_2024["incident"].filings.get(kind="preliminary")
    assert late.days_late > 0  # what the figure counts


def test_contractors_audited_in_the_year_and_overdue_at_its_end(year_2024, demo):
    got = summary.contractor_figures(demo, FIRST, LAST, LAST)
    assert got.value("委託先") == 2  # the demo's own contractor is registered later
    assert got.value("年度中に実施した監査") == 1
    # The one never audited was due a year after its contract (1 May 2024).
    assert got.value("監査の期限を過ぎている委託先") == 1


def test_training_coverage_today(demo, user, course, took, joined_days_ago):
    today = clock.today_jst()
    operator = joined_days_ago(user("operator"), 800)
    staff = joined_days_ago(user("staff"), 800)
    before = summary.training_coverage(demo, today)  # nobody has taken the new course
    took(operator, course, 10)
    took(staff, course, 400)  # a yearly course taken 400 days ago: lapsed
    after = summary.training_coverage(demo, today)
    bound = after.value("受講が必要な人")
    assert bound == before.value("受講が必要な人") >= 2
    assert after.value("受講が期限内の人") == before.value("受講が期限内の人") + 1  # operator
    assert after.value("まだ受講していない人") == before.value("まだ受講していない人") - 2
    assert after.value("受講の期限が切れた人") == before.value("受講の期限が切れた人") + 1  # staff
    assert after.value("受講率") == round(100 * after.value("受講が期限内の人") / bound, 1)


def test_files_held_count_the_officers_exempt_entry(demo, user):
    today = clock.today_jst()
    before = summary.files_held(demo, *_this_year(), today)
    holdings.add(user("privacy"), {
        "name": "窓口来訪者記録（紙）",
        "purpose": "窓口での相談に回答するため、来訪者の氏名と相談内容を記録する",
        "items": "氏名、相談内容", "persons": "窓口に来訪した市民", "collected_by": "本人の申出",
        "form": "manual", "persons_estimate": 200,
        "exemption_reason": "本人の数が1,000人未満のため"})
    after = summary.files_held(demo, *_this_year(), today)
    assert after.value("保有しているファイル") == before.value("保有しているファイル") + 1
    assert after.value("うち個人情報保護管理者が登録したもの") == before.value(
        "うち個人情報保護管理者が登録したもの") + 1
    assert after.value("うち本人の数が1,000人未満のため掲載しないもの（決定済み）") == before.value(
        "うち本人の数が1,000人未満のため掲載しないもの（決定済み）") + 1


def _this_year():
    return fiscal_year_range(summary.this_year())


def _inspected_2024(user):
    """In fiscal year 2024: an inspection of the manager's department, finished, with one
    finding (due within the year, never closed, so overdue today)."""
    from hogo.accountability import inspection

    auditor, manager = user("auditor"), user("manager")
    with clock.frozen(IN_YEAR):
        made = inspection.start(auditor, manager.department)
        inspection.raise_finding(auditor, made, what="媒体の棚卸しが未実施",
                                 owner=manager, due_on=IN_YEAR.date() + dt.timedelta(days=30))
        for row in inspection.check_rows(made):
            if not row["settled"]:
                inspection.note_check(auditor, row["check"], "次回の点検で確認する")
        inspection.finish(auditor, made, summary="概ね良好")


def test_the_summary_counts_every_section_and_audits_the_reading(year_2024, user):
    _inspected_2024(user)
    made = summary.annual_summary(user("auditor"), YEAR)
    assert (made.first, made.last, made.as_of) == (FIRST, LAST, LAST)
    assert [s.key for s in made.sections] == [
        "files", "requests", "provision", "complaints", "incidents", "training",
        "contractors", "inspection"]
    assert made.section("requests").value("受け付けた請求") == 2
    assert made.section("incidents").value("期限を過ぎて提出した報告") == 1
    assert made.section("provision").value("提供の依頼を受け付けたもの") == 0
    assert made.section("provision").value("作成した提供記録") == 1
    assert made.section("provision").value("作成した確認記録（第三者からの受領）") == 0
    found = made.section("inspection")
    assert found.value("実施した自己点検") == 1 and found.value("点検した所属") == 1
    assert found.value("指摘事項") == 1 and found.value("うち未完了のもの") == 1
    assert found.value("うち対応期限を過ぎたもの") == 1
    assert found.value("うち改善を確認したもの") == 0
    entry = AuditEntry.objects.filter(action="accountability.summary_viewed").latest("pk")
    assert entry.object_type == "accountability.summary"
    assert json.loads(entry.detail) == {"year": YEAR, "what": "page"}
    assert entry.actor_user_id == user("auditor").pk


def test_staff_may_not_read_it_the_auditor_and_manager_may(user, client_for):
    with pytest.raises(Refused):
        summary.annual_summary(user("staff"), YEAR)
    assert client_for("staff").get("/accountability/summary/").status_code == 403
    for login in ("auditor", "manager", "privacy"):
        page = client_for(login).get(f"/accountability/summary/?year={YEAR}")
        assert page.status_code == 200, login
        text = page.content.decode()
        assert "2024年度" in text and 'data-section="inspection"' in text
        assert "令和6年4月1日" in text and "令和7年3月31日" in text
        assert "data-print" in text


def test_the_page_shows_the_figures_of_the_year(year_2024, client_for):
    text = client_for("privacy").get(f"/accountability/summary/?year={YEAR}").content.decode()
    assert '<tr data-label="期限を過ぎて提出した報告"><td>期限を過ぎて提出した報告</td>' \
           '<td class="number">1 件</td></tr>' in text
    assert '<option value="2024" selected>' in text  # the picker offers the year and marks it


def test_the_csv_has_one_row_per_figure(year_2024, client_for):
    response = client_for("privacy").get(f"/accountability/summary.csv?year={YEAR}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="annual-summary-2024.csv"' in response["Content-Disposition"]
    raw = response.content.decode("utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(raw[1:])))
    assert rows[0][:2] == ["個人情報の取扱状況（年次報告）", "2024年度"]
    assert rows[1] == ["区分", "項目", "値", "単位"]
    assert ["本人からの請求", "受け付けた請求", "2", "件"] in rows
    assert ["漏えい等事案", "期限を過ぎて提出した報告", "1", "件"] in rows
    assert ["委託先", "監査の期限を過ぎている委託先", "1", "者"] in rows
    assert all(len(row) == 4 for row in rows[1:])
    entry = AuditEntry.objects.filter(action="accountability.summary_viewed").latest("pk")
    assert json.loads(entry.detail) == {"year": YEAR, "what": "csv"}


@pytest.mark.parametrize("year", ["abc", "20x6", "1999", "2999", "-1", "99999"])
def test_a_bad_year_is_a_japanese_400(year, client_for):
    before = AuditEntry.objects.filter(action="accountability.summary_viewed").count()
    for url in ("/accountability/summary/", "/accountability/summary.csv"):
        response = client_for("privacy").get(url, {"year": year})
        assert response.status_code == 400
        text = response.content.decode()
        assert "年度は" in text and "Traceback" not in text
        assert 'data-testid="summary-errors"' in text
    assert AuditEntry.objects.filter(action="accountability.summary_viewed").count() == before


def test_no_year_is_this_fiscal_year(client_for):
    text = client_for("privacy").get("/accountability/summary/").content.decode()
    assert f"{summary.this_year()}年度" in text
