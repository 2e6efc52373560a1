"""Complaints in Chromium, end to end: a citizen sends the public form (a missing text is
refused with what was typed kept, then a receipt number); the privacy officer finds it in the
work queue and routes it to 管財課; the manager finds it in theirs, answers, prints the
answer letter and closes it within its target; the yearly list counts it as answered in time."""

import pytest

pytestmark = pytest.mark.browser


def test_public_form_to_closed_complaint(browser, session_for, live_server, transactional_db):
    from hogo.complaints.models import Complaint, State
    from hogo.web.demo import load_demo
    from tests.browser.conftest import save_shot

    load_demo()
    public = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    citizen = public.new_page()
    citizen.set_default_timeout(15_000)
    citizen.goto(f"{live_server.url}/public/complaints/")
    assert "回答をお送りできません" in citizen.inner_text("[data-testid=anonymous-note]")
    citizen.fill("input[name=complainant_name]", "市民 花子")
    citizen.fill("input[name=complainant_contact]", "090-1234-5678")
    citizen.select_option("select[name=category]", "filming")
    citizen.fill("input[name=place]", "デモ市東町2丁目")
    citizen.click("[data-testid=submit-public]")
    citizen.wait_for_selector("[data-testid=refusals]")
    assert "苦情の内容を入力してください" in citizen.inner_text("main")
    assert citizen.input_value("input[name=place]") == "デモ市東町2丁目"
    save_shot(citizen, "complaint-public-missing")
    citizen.fill("textarea[name=text]",
                 "公用車のドライブレコーダーが自宅の窓を映しているようで不安です。")
    citizen.click("[data-testid=submit-public]")
    number = citizen.inner_text("[data-testid=receipt-number]").strip()
    complaint = Complaint.objects.get()
    assert number == complaint.number and complaint.state == State.RECEIVED
    save_shot(citizen, "complaint-public-done")
    public.close()

    _, privacy = session_for("privacy")
    privacy.goto(f"{live_server.url}/")
    assert number in privacy.inner_text("main")  # the work queue: a complaint to route
    privacy.goto(f"{live_server.url}/complaints/")
    privacy.click(f"text={number}")
    privacy.select_option("[data-testid=assign-step] select[name=department]",
                          label="総務部 管財課")
    privacy.click("[data-testid=assign]")
    privacy.wait_for_selector("[data-testid=state]:has-text('対応中')")
    assert "総務部 管財課" in privacy.inner_text("[data-testid=department]")
    save_shot(privacy, "complaint-assigned")

    _, manager = session_for("manager")
    manager.goto(f"{live_server.url}/")
    assert number in manager.inner_text("main")  # the work queue: a complaint to answer
    manager.goto(f"{live_server.url}/complaints/{complaint.pk}/")
    manager.click("[data-testid=save-answer]")  # nothing typed yet
    assert "回答の内容を入力してください" in manager.inner_text("main")
    manager.fill("textarea[name=answer]", "撮影範囲を確認し、住宅の窓が映らないようカメラの向きを"
                 "調整しました。映像は規則に従い一定期間の後に消去されます。")
    manager.select_option("select[name=answer_how]", "letter")
    manager.click("[data-testid=save-answer]")
    manager.wait_for_selector("[data-testid=state]:has-text('回答済み')")
    save_shot(manager, "complaint-answered")
    manager.goto(f"{live_server.url}/complaints/{complaint.pk}/letters/answer/")
    letter = manager.inner_text("body")
    assert "苦情の申出についての回答" in letter and "市民 花子" in letter and "令和" in letter
    assert "デモ市長" in manager.inner_text("[data-testid=issuer]")
    save_shot(manager, "complaint-letter-answer")
    manager.goto(f"{live_server.url}/complaints/{complaint.pk}/")
    manager.fill("textarea[name=note]", "回答書を郵送した。")
    manager.click("[data-testid=close]")
    manager.wait_for_selector("[data-testid=state]:has-text('完了')")
    timeline = manager.inner_text("#timeline")
    assert "受付フォームから苦情が届きました" in timeline and "完了としました" in timeline
    save_shot(manager, "complaint-closed")
    complaint.refresh_from_db()
    assert complaint.state == State.CLOSED and complaint.within_target

    manager.goto(f"{live_server.url}/complaints/yearly/")
    assert "1" in manager.inner_text("[data-testid=total]")
    assert "目安日内に回答" in manager.inner_text("#yearly-rows")
    save_shot(manager, "complaint-yearly")
