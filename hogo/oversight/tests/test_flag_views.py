"""The privacy officer reads the flags, dismisses one only with a reason (kept typed when
refused), auditors only read; the monthly access report as a page and CSV. Every reading is
audited."""

import csv
import datetime as dt
import io

import pytest

from hogo import clock
from hogo.audit import services as audit
from hogo.audit.models import AuditEntry
from hogo.clock import JST
from hogo.footage import viewing
from hogo.footage.ingest import ingest_file
from hogo.oversight import flags
from hogo.oversight.models import AccessFlag

DAY = dt.date(2026, 6, 3)


@pytest.fixture
def flag(user, recorder, clips):
    segment = ingest_file(recorder, clips[0], clips[0].name, by="test").segment
    with clock.frozen(dt.datetime(2026, 6, 3, 21, 30, tzinfo=JST)):
        viewing.start_viewing(user("operator"), {}, segment, "accident_investigation",
                              "6月3日 14時 交差点での接触事故の確認")
    (made,) = flags.analyse_day(DAY)
    return made


def test_the_privacy_officer_reads_the_list_and_the_explanation(client_for, flag):
    client = client_for("privacy")
    page = client.get("/audit/flags/").content.decode()
    assert "執務時間外・閉庁日の閲覧" in page and "21:30" in page
    detail = client.get(f"/audit/flags/{flag.pk}/").content.decode()
    assert "操作 次郎 さんが執務時間（08:30-17:15）外に映像を1回閲覧しました" in detail
    assert 'data-testid="dismiss-form"' in detail and "映像の閲覧" in detail
    assert AuditEntry.objects.filter(action="oversight.flags_viewed",
                                     actor="user:privacy").exists()
    assert AuditEntry.objects.filter(action="oversight.flag_viewed", actor="user:privacy",
                                     object_id=str(flag.pk)).exists()


def test_dismissing_needs_a_reason_and_keeps_what_was_typed(client_for, flag):
    client = client_for("privacy")
    refused = client.post(f"/audit/flags/{flag.pk}/dismiss", {"reason": "問題なし"})
    body = refused.content.decode()
    assert refused.status_code == 200
    assert "10文字以上で書いてください（現在4文字）" in body and ">\n問題なし</textarea>" in body
    flag.refresh_from_db()
    assert flag.is_open
    done = client.post(f"/audit/flags/{flag.pk}/dismiss",
                       {"reason": "本人と課長に確認：夜間の事故対応のため閲覧した"}, follow=True)
    assert "確認済みにしました" in done.content.decode()
    flag.refresh_from_db()
    assert not flag.is_open and flag.dismissed_by.username == "privacy"
    entry = AuditEntry.objects.get(action="oversight.flag_dismissed")
    assert "夜間の事故対応" in entry.purpose
    # Never deleted: it stays listed among the dismissed ones, not among the open ones.
    assert f"flag-{flag.pk}" not in client.get("/audit/flags/").content.decode()
    assert f"flag-{flag.pk}" in client.get("/audit/flags/?state=dismissed").content.decode()
    assert AccessFlag.objects.filter(pk=flag.pk).exists()


def test_auditors_read_but_cannot_dismiss(client_for, flag):
    client = client_for("auditor")
    detail = client.get(f"/audit/flags/{flag.pk}/").content.decode()
    assert "執務時間" in detail and 'data-testid="dismiss-form"' not in detail
    assert client.post(f"/audit/flags/{flag.pk}/dismiss",
                       {"reason": "監査担当が勝手に確認済みにする"}).status_code == 403
    flag.refresh_from_db()
    assert flag.is_open


@pytest.mark.parametrize("username", ["manager", "operator", "staff", "sysadmin"])
def test_others_cannot_see_flags(client_for, flag, username):
    assert client_for(username).get("/audit/flags/").status_code == 403
    assert client_for(username).get(f"/audit/flags/{flag.pk}/").status_code == 403


def test_the_monthly_report_counts_per_person_and_action(client_for, flag, demo):
    kanzai = demo.departments.get(code="kanzai")
    client = client_for("manager")
    page = client.get("/audit/access-report/", {"department": kanzai.pk, "month": "2026-06"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "総務部 管財課　令和8年6月1日〜令和8年6月30日" in body
    assert "操作 次郎" in body and "映像の閲覧" in body
    assert page.context["report"].counts == [("操作 次郎", "footage.viewed", 1)]
    assert AuditEntry.objects.filter(action="oversight.report_viewed",
                                     actor="user:manager").exists()
    printable = client.get("/audit/access-report/", {"department": kanzai.pk,
                                                     "month": "2026-06", "print": "1"})
    assert "映像記録の月次アクセス報告" in printable.content.decode()
    assert "data-print" in printable.content.decode()


def test_the_report_csv(client_for, flag, demo):
    kanzai = demo.departments.get(code="kanzai")
    response = client_for("privacy").get("/audit/access-report.csv",
                                         {"department": kanzai.pk, "month": "2026-06"})
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffseq,at_jst,actor,name,action")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert [(r[2], r[3], r[4], r[5]) for r in rows[1:]] == [
        ("user:operator", "操作 次郎", "footage.viewed", "映像の閲覧")]
    assert rows[1][1].startswith("2026-06-03T21:30:00")
    assert AuditEntry.objects.filter(action="oversight.report_exported").exists()


def test_another_departments_report_is_refused_to_a_manager(client_for, demo, user):
    from hogo.oversight import access_report

    seiso = demo.departments.get(code="seiso")
    response = client_for("manager").get("/audit/access-report/",
                                         {"department": seiso.pk, "month": "2026-06"})
    assert response.status_code == 200 and response.context["report"] is None
    assert [d.code for d in response.context["form"].fields["department"].queryset] == [
        "kanzai"]
    assert 'data-testid="report-error"' in response.content.decode()
    with pytest.raises(PermissionError):
        access_report.build(user("manager"), seiso, "2026-06")
    assert client_for("staff").get("/audit/access-report/").status_code == 403


def test_a_bad_month_is_explained(client_for, demo):
    kanzai = demo.departments.get(code="kanzai")
    response = client_for("privacy").get("/audit/access-report/",
                                         {"department": kanzai.pk, "month": "6月"})
    assert "月は 2026-06 のように年と月で指定してください" in response.content.decode()
    assert 'value="6月"' in response.content.decode()


def test_a_written_entry_of_another_department_stays_in_its_own_report(client_for, flag,
                                                                       demo, user):
    seiso = demo.departments.get(code="seiso")
    with clock.frozen(dt.datetime(2026, 6, 4, 10, tzinfo=JST)):
        audit.record("copy.requested", user=user("seiso-manager"))
    response = client_for("privacy").get("/audit/access-report/",
                                         {"department": seiso.pk, "month": "2026-06"})
    assert response.context["report"].lines == []
