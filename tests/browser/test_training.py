"""Training and contractors in Chromium (R-905, R-906): the privacy officer registers a
session course and records the attendees at once; a staff member whose training lapsed waits
in the work queue; a contractor whose audit is overdue waits there too until the privacy
officer records the audit."""

import datetime as dt

import pytest

pytestmark = pytest.mark.browser


def test_session_lapsed_person_and_overdue_audit(page, login, live_server):
    from hogo import clock
    from hogo.accountability import contractors, training
    from hogo.accountability.models import Course
    from hogo.accounts.models import User
    from tests.browser.conftest import save_shot

    privacy = User.objects.get(username="privacy")
    User.objects.filter(username="staff").update(
        date_joined=clock.now() - dt.timedelta(days=600))
    firm = contractors.create_contractor(
        privacy, name="デモ映像サービス株式会社", address="デモ市本町1-2-3",
        handles="ドライブレコーダー映像の保管と消去", contact="委託 太郎 000-0000-0000")
    contractors.record_audit(privacy, firm, done_on=clock.today_jst() - dt.timedelta(days=400),
                             done_by="保護 花子", findings="指摘なし")

    login("privacy")
    page.goto(f"{page.base_url}/accountability/training/")
    page.fill("input[name=name]", "個人情報保護研修（集合）")
    page.select_option("select[name=kind]", "session")
    page.fill("textarea[name=description]", "ドライブレコーダー映像の取扱い")
    page.click("[data-testid=save-course]")
    page.wait_for_selector("[data-testid=record-form]")
    course = Course.objects.get(name="個人情報保護研修（集合）")
    # 職員 三郎 took it last over a year ago: lapsed
    training.record_training(privacy, course, [User.objects.get(username="staff")],
                             taken_on=clock.today_jst() - dt.timedelta(days=400))

    page.reload()
    page.check("[data-testid=attendee-operator]")
    page.check("[data-testid=attendee-manager]")
    page.click("[data-testid=save-records]")  # no day typed: refused, ticks kept
    page.wait_for_selector("text=日付を入力してください")
    assert page.is_checked("[data-testid=attendee-operator]")
    page.fill("input[name=taken_on]", clock.today_jst().isoformat())
    page.fill("input[name=note]", "大会議室")
    page.click("[data-testid=save-records]")
    page.wait_for_selector("text=2 人の受講を記録しました")
    records = page.inner_text("[data-testid=training-records]")
    assert "操作 次郎" in records and "管財 一郎" in records and "令和" in records
    save_shot(page, "training-course-session")

    page.goto(f"{page.base_url}/accountability/training/")
    assert "職員 三郎" in page.inner_text("[data-testid=training-departments]")
    page.click("[data-testid=training-departments] >> text=総務部 管財課")
    staff_row = page.inner_text("[data-testid=training-people] tr:has-text('職員 三郎')")
    assert "期限切れ" in staff_row and "令和" in staff_row
    save_shot(page, "training-department")

    page.goto(f"{page.base_url}/")
    queue = page.inner_text("#waiting")
    assert "職員 三郎" in queue and "期限切れ" in queue
    assert "デモ映像サービス株式会社" in queue and "委託先の監査を実施する" in queue
    assert "操作 次郎" not in queue
    save_shot(page, "training-work-queue")

    page.click("#waiting >> text=委託先の監査を実施する")
    assert "期限超過" in page.inner_text("[data-testid=audit-due]")
    page.fill("[data-testid=audit-form] input[name=done_on]", clock.today_jst().isoformat())
    page.fill("[data-testid=audit-form] input[name=done_by]", "保護 花子")
    page.fill("[data-testid=audit-form] textarea[name=findings]",
              "消去証明書の様式を確認。指摘なし")
    page.click("[data-testid=save-audit]")
    page.wait_for_selector("text=監査の実施を記録しました")
    assert "期限超過" not in page.inner_text("[data-testid=audit-due]")
    assert "消去証明書の様式を確認" in page.inner_text("[data-testid=audits]")
    save_shot(page, "contractor-audit-recorded")
    page.goto(f"{page.base_url}/")
    assert "デモ映像サービス株式会社" not in page.inner_text("main")
