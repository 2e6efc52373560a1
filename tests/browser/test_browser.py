"""What a person sees in Chromium: log-in, menus per role, language switch, designation, 403."""

import pytest

from hogo.web.tests.test_shell import MENUS

pytestmark = pytest.mark.browser


def _footage_day() -> str:
    """The demo footage's day: today, or yesterday before its clips are over (never future)."""
    from hogo.web.demo import footage_start

    return footage_start().date().isoformat()


def _menu(page, label: str) -> None:
    """Open a menu item; on a tablet or phone the menu is folded behind its button first."""
    toggle = page.locator("[data-testid=menu-toggle]")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    page.click(f"nav.side >> text={label}")

LABELS = {
    "web:dashboard": "ダッシュボード",
    "accounts:department": "職員・操作取扱者",
    "registry:vehicles": "車両",
    "audit:list": "監査ログ",
    "accounts:policy": "運用ポリシー",
    "accounts:permitted_uses": "利用目的の登録簿",
    "accounts:users": "利用者管理",
    "accounts:tokens": "APIトークン",
    "accounts:totp": "二要素認証",
    "admin:index": "マスタ管理",
    "footage:search": "映像の検索",
    "footage:uploads": "受信記録",
    "copies:register": "複製データ",
    "media:board": "記録媒体",
    "media:cabinets": "保管庫と棚卸し",
    "registry:register": "車両・機器の登録",
    "incidents:list": "漏えい等事案",
    "provision:inbox": "第三者提供",
    "provision:records": "提供記録・確認記録",
    "requests:inbox": "本人からの請求",
    "complaints:list": "苦情",
    "notice:edit": "公表事項",
    "notice:history": "公表事項の変更履歴",
    "holdings:register": "保有個人情報の台帳",
    "accountability:training": "研修の受講状況",
    "accountability:contractors": "委託先",
    "accountability:inspections": "自己点検",
    "accountability:summary": "年次報告",
    "audit:flags": "アクセスログの注意事項",
    "audit:access_report": "月次アクセス報告",
}


@pytest.mark.parametrize(
    "username", ["privacy", "manager", "operator", "staff", "auditor", "sysadmin"]
)
def test_each_role_logs_in_and_sees_its_menus(page, login, shot, username):
    login(username)
    shown = page.locator("nav.side ul a").all_inner_texts()
    assert page.locator("nav.side [data-testid=report-incident]").inner_text() == "事故を報告"
    assert sorted(shown) == sorted(LABELS[name] for name in MENUS[username])
    assert page.locator("h1").inner_text() == "ダッシュボード"
    shot(f"dashboard-{username}")


def test_login_page(page, shot):
    page.goto(f"{page.base_url}/accounts/login/")
    assert page.locator("h1").inner_text() == "ログイン"
    shot("login")


def test_wrong_password_is_explained_in_japanese(page, shot):
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", "wrong-password")
    page.click("[data-testid=login-submit]")
    assert "ログインIDまたはパスワードが正しくありません" in page.content()
    shot("login-failed")


def test_language_switch(page, login, shot):
    login("manager")
    page.click("[data-testid=lang-en]")
    page.wait_for_selector("h1:text('Dashboard')")
    assert "Staff and operators" in page.locator("nav.side").inner_text()
    shot("dashboard-manager-en")
    page.click("[data-testid=lang-ja]")
    page.wait_for_selector("h1:text('ダッシュボード')")


def test_manager_designates_an_operator(page, login, shot):
    login("manager")
    page.click("nav.side >> text=職員・操作取扱者")
    role_cell = page.locator("[data-testid=role-staff]")
    assert role_cell.inner_text() == "職員"
    page.click("[data-testid=designate-staff]")
    page.wait_for_selector("[data-testid=role-staff]:text('操作取扱者')")
    shot("department-designated")
    page.reload()
    assert page.locator("[data-testid=role-staff]").inner_text() == "操作取扱者"


def test_staff_is_refused_a_manager_page(page, login, shot):
    login("staff")
    response = page.goto(f"{page.base_url}/accounts/department/")
    assert response.status == 403
    assert page.locator("h1").inner_text() == "アクセスできません"
    shot("forbidden-staff")


def test_auditor_reads_the_audit_log(page, login, shot):
    login("auditor")
    page.click("nav.side >> text=監査ログ")
    page.fill("input[name=action]", "login.")
    page.click("button:text('絞り込む')")
    page.wait_for_url("**action=login.*")  # htmx pushes the URL once the filtered rows arrive
    page.wait_for_selector("#audit-rows code:text-is('login.succeeded')")
    assert page.locator("#audit-rows code", has_text="account.created").count() == 0
    shot("audit-log")


def test_privacy_officer_sees_the_policy_profile(page, login, shot):
    login("privacy")
    page.click("nav.side >> text=運用ポリシー")
    assert "市（行政機関等）" in page.content()
    shot("policy")


def test_operator_finds_and_plays_footage_after_choosing_a_purpose(page, login, shot):
    login("operator")
    page.click("nav.side >> text=映像の検索")
    page.click("a:text('デモ 300 さ 10-01 公用車1号')")
    page.fill("input[name=day]", _footage_day())
    page.click("button:text('表示')")
    page.wait_for_selector(".lane-bars .bar")
    assert page.locator(".lane-bars .bar").count() == 3
    shot("timeline")
    page.locator(".lane-bars .bar").first.click()
    assert page.locator("video").count() == 0  # no footage before a purpose is recorded
    page.select_option("select[name=purpose]", "accident_investigation")
    page.fill("textarea[name=reason]", "本日9時 庁舎前での接触事故の確認")
    page.click("[data-testid=start-viewing]")
    page.wait_for_selector("video#player")
    page.wait_for_function("() => document.querySelector('#player').readyState >= 1")
    width, duration = page.evaluate(
        "(v => [v.videoWidth, v.duration])(document.querySelector('#player'))"
    )
    assert width == 640 and 59 <= duration <= 61
    page.evaluate("document.querySelector('#player').currentTime = 30")
    page.wait_for_function("() => document.querySelector('#player').readyState >= 2")
    shot("playback")


def test_auditor_cannot_reach_footage(page, login, shot):
    login("auditor")
    response = page.goto(f"{page.base_url}/footage/")
    assert response.status == 403


def test_copy_request_and_approval(page, login, shot, browser):
    login("operator")
    page.click("nav.side >> text=複製データ")
    page.click("[data-testid=new-copy]")
    today = page.evaluate("new Date(Date.now() + 9 * 3600 * 1000).toISOString().slice(0, 10)")
    day = _footage_day()
    page.select_option("select[name=vehicle]", label="デモ 300 さ 10-01 公用車1号")
    page.fill("input[name=start]", f"{day}T09:00:10")
    page.fill("input[name=end]", f"{day}T09:00:50")
    page.check("input[name=channels][value=front]")
    page.select_option("select[name=purpose]", "accident_investigation")
    page.fill("textarea[name=justification]", "本日9時 庁舎前での接触事故（保険請求）")
    shot("copy-request")
    page.click("[data-testid=submit-request]")
    assert page.locator("[data-testid=state]").inner_text() == "承認待ち"
    url = page.url
    page.click("text=ログアウト")

    login("manager")
    page.goto(url)
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=copy-sha256]")
    assert page.locator("[data-testid=state]").inner_text() == "作成済み"
    shot("copy-approved")

    # Export: take a USB stick out of the cabinet, then write the copy onto it encrypted.
    page.click("nav.side >> text=記録媒体")
    page.click("a:text('KANZAI-USB-01')")
    page.fill("input[name=purpose]", "保険会社への提出")
    page.fill("input[name=due_on]", today)
    page.click("[data-testid=checkout]")
    page.goto(url)
    page.click("[data-testid=export]")
    password = page.locator("[data-testid=password]").inner_text()
    assert len(password) == 29
    shot("copy-exported")
    with page.expect_download() as download:
        page.click("[data-testid=download]")
    assert download.value.suggested_filename.endswith(".zip")


def test_inventory_flow_on_a_tablet(browser, live_server, transactional_db):
    from hogo.web.demo import load_demo

    load_demo(footage=False)
    context = browser.new_context(locale="ja-JP", viewport={"width": 820, "height": 1180})
    tablet = context.new_page()
    tablet.set_default_timeout(10_000)
    tablet.goto(f"{live_server.url}/accounts/login/")
    tablet.fill("input[name=username]", "staff")
    tablet.fill("input[name=password]", "demo-staff-2026")
    tablet.click("[data-testid=login-submit]")
    _menu(tablet, "記録媒体")
    tablet.click("form button:has-text('棚卸しを始める')")
    tablet.click("[data-testid=found-KANZAI-USB-02]")
    tablet.wait_for_selector("#items .inventory-item[data-label=KANZAI-USB-02] .badge")
    tablet.click("[data-testid=missing-KANZAI-USB-01]")
    tablet.wait_for_selector("[data-testid=missing-mark-KANZAI-USB-01]")
    tablet.screenshot(path=str(_shots() / "inventory.png"), full_page=True)
    _menu(tablet, "記録媒体")
    state = tablet.locator("[data-testid=state-KANZAI-USB-01]").inner_text()
    assert state.startswith("所在不明")  # and the incident it opened (item 10)
    context.close()


def _shots():
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
