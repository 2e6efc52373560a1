"""The register of personal information files in Chromium: the privacy officer brings hogo's
own files up to date, a vague purpose for a paper file is refused with the text kept, a
specific one is registered; the public 個人情報ファイル簿 shows them without a log-in and is
linked from the public notice."""

import pytest

from tests.browser.conftest import save_shot

pytestmark = pytest.mark.browser


def test_register_and_public_file_register(browser, session_for, live_server,
                                           transactional_db):
    from hogo.accounts.models import User
    from hogo.notice import publishing
    from hogo.notice import services as notice
    from hogo.web.demo import load_demo

    demo, _ = load_demo()
    privacy_user = User.objects.get(username="privacy")
    publishing.publish(privacy_user, notice.ensure_draft(privacy_user))

    context, privacy = session_for("privacy")
    privacy.goto(f"{live_server.url}/holdings/")
    privacy.click("[data-testid=sync]")
    privacy.wait_for_selector("[data-source='footage:kanzai']")
    assert "ドライブレコーダーの映像" in privacy.inner_text("[data-source='footage:kanzai']")
    privacy.click("[data-testid=new-entry]")
    privacy.fill("input[name=name]", "公用車運行記録簿（紙）")
    privacy.fill("textarea[name=purpose]", "業務のため")
    privacy.fill("textarea[name=items]", "運転者の氏名、運行日時、行先、走行距離")
    privacy.fill("textarea[name=persons]", "公用車を運転した職員")
    privacy.fill("textarea[name=collected_by]", "運転者による記入")
    privacy.select_option("select[name=form]", "manual")
    privacy.click("[data-testid=save]")
    privacy.wait_for_selector(".errorlist")
    assert "業務のため" in privacy.inner_text("[data-testid=entry-form]")
    assert privacy.input_value("input[name=name]") == "公用車運行記録簿（紙）"
    save_shot(privacy, "file-register-vague-purpose")
    privacy.fill("textarea[name=purpose]", "公用車の運行管理及び燃料費の精算の事務のため")
    privacy.click("[data-testid=save]")
    privacy.wait_for_selector("text=登録しました")
    save_shot(privacy, "file-register")
    context.close()

    public = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = public.new_page()
    page.goto(f"{live_server.url}/public/{demo.pk}/notice/")
    page.click("[data-testid=file-register-link] a")
    page.wait_for_selector("[data-testid=public-files]")
    table = page.inner_text("[data-testid=public-files]")
    assert "公用車運行記録簿（紙）" in table and "ドライブレコーダーの映像" in table
    assert "マニュアル処理ファイル" in table
    assert "開示請求等を受理する組織" in page.inner_text("[data-testid=received-at]")
    save_shot(page, "file-register-public")
    public.close()
