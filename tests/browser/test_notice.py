"""The public notice in Chromium: the privacy officer publishes the city's first version,
changes a purpose (a vague one is refused with the text kept, a change without a statement
too), publishes again and sees the dated history; a visitor without log-in finds the city on
/public/ with the new text and both dates; a driving school's officer fills the business
items (address, representative) and publishes, and its page shows what the city's does not
(security measures, the association's complaints contact, 1,000 yen per item)."""

import pytest

pytestmark = pytest.mark.browser

NEW_TEXT = ("公用車に係る事故の原因究明及び保険請求等の事務処理並びに同種事故の再発防止のための"
            "職員研修")
REASON = ("原因究明に用いる同じ映像を同じ事故の再発防止の研修に使うもので、撮影の対象と範囲は"
          "変わらない")


def _school():
    from hogo.accounts import services as accounts
    from hogo.accounts.models import Organisation, Role

    school = Organisation.objects.create(name="テスト自動車学校", profile_key="driving_school")
    office = school.departments.create(code="jimu", name="事務課")
    accounts.create_user(school, "ds-privacy", "demo-ds-privacy-2026",
                         role=Role.PRIVACY_OFFICER, department=office, display_name="保護 花子")
    return school


def test_purpose_edit_published_with_a_dated_history(browser, session_for, live_server,
                                                     transactional_db):
    from hogo.clock import today_jst
    from hogo.rules.wareki import format_wareki
    from hogo.web.demo import load_demo
    from tests.browser.conftest import save_shot

    city, _new = load_demo()
    _, officer = session_for("privacy")
    officer.goto(f"{live_server.url}/notice/")
    assert "まだ公表していません" in officer.inner_text("[data-testid=current]")
    officer.click("[data-testid=publish]")
    officer.wait_for_selector("[data-testid=version]")
    assert "初版を公表しました" in officer.inner_text("[data-testid=version-summary]")

    officer.goto(f"{live_server.url}/notice/")
    form = officer.locator("[data-testid=purpose-form-1]")
    before = form.locator("textarea[name$=-text]").input_value()
    form.locator("textarea[name$=-text]").fill("当市の業務のため")
    form.locator("textarea[name$=-reason]").fill(REASON)
    officer.click("[data-testid=save-purpose-1]")
    officer.wait_for_selector("[data-testid=error-text]")
    assert "一般的な言葉だけ" in officer.inner_text("[data-testid=error-text]")
    form = officer.locator("[data-testid=purpose-form-1]")
    assert form.locator("textarea[name$=-text]").input_value() == "当市の業務のため"
    assert form.locator("textarea[name$=-reason]").input_value() == REASON
    save_shot(officer, "notice-vague-purpose")
    form.locator("textarea[name$=-text]").fill(NEW_TEXT)
    form.locator("textarea[name$=-reason]").fill("")
    officer.click("[data-testid=save-purpose-1]")
    officer.wait_for_selector("[data-testid=error-reason]")
    form = officer.locator("[data-testid=purpose-form-1]")
    assert form.locator("textarea[name$=-text]").input_value() == NEW_TEXT
    form.locator("textarea[name$=-reason]").fill(REASON)
    officer.click("[data-testid=save-purpose-1]")
    officer.wait_for_selector("[data-testid=pending]")
    assert "未公表の変更があります" in officer.inner_text("[data-testid=unpublished]")
    officer.fill("textarea[name=note]", "研修での利用を明記しました。")
    officer.click("[data-testid=publish]")
    officer.wait_for_selector("[data-testid=purpose-changes]")
    change = officer.locator("[data-testid=purpose-change]").first
    assert before in change.inner_text() and NEW_TEXT in change.inner_text()
    assert REASON in change.inner_text()
    save_shot(officer, "notice-history")

    visitor = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    public = visitor.new_page()
    public.goto(f"{live_server.url}/public/")
    public.click("[data-testid=notice-link]")
    public.wait_for_url(f"{live_server.url}/public/{city.pk}/notice/")
    texts = public.locator("[data-testid=purpose-text]").all_inner_texts()
    assert texts[0] == NEW_TEXT and before not in texts
    dates = public.locator("[data-testid=history-date]").all_inner_texts()
    assert dates == [format_wareki(today_jst())] * 2
    history = public.inner_text("[data-testid=notice-history]")
    assert "第2版" in history and "研修での利用を明記しました。" in history
    assert "第5章" in public.inner_text("[data-testid=law-wording]")
    assert public.locator("[data-testid=notice-security]").count() == 0
    save_shot(public, "notice-public-city")

    school = _school()
    _, school_officer = session_for("ds-privacy")
    school_officer.goto(f"{live_server.url}/notice/")
    school_officer.click("[data-testid=publish]")
    refusals = school_officer.inner_text("[data-testid=refusals]")
    assert "住所を記入してください" in refusals and "代表者の氏名" in refusals
    school_officer.fill("input[name=address]", "デモ県デモ市南町1-2-3")
    school_officer.fill("input[name=representative]", "代表取締役 教習 太郎")
    school_officer.click("[data-testid=save-sections]")
    school_officer.wait_for_selector(".messages")
    school_officer.click("[data-testid=publish]")
    school_officer.wait_for_selector("[data-testid=version]")

    public.goto(f"{live_server.url}/public/")
    assert public.locator("[data-testid=public-row]").count() == 2
    public.goto(f"{live_server.url}/public/{school.pk}/notice/")
    assert "代表取締役 教習 太郎" in public.inner_text("[data-testid=notice-identity]")
    assert "技術的安全管理措置" in public.inner_text("[data-testid=notice-security]")
    assert "全日本指定自動車教習所協会連合会" in public.inner_text(
        "[data-testid=notice-association]")
    assert public.inner_text("[data-testid=fee-disclosure]") == "請求の対象1件につき1,000円"
    save_shot(public, "notice-public-school")
    visitor.close()
