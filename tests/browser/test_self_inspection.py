"""A self-inspection in Chromium (R-904): the auditor inspects 環境部 清掃課 of the demo city;
hogo finds the recorder whose notice sticker was last checked 400 days ago and the USB stick
past its return day; a finding goes to the department's manager, who answers it from the
work queue; the auditor closes it and finishes the inspection."""

import datetime as dt

import pytest

pytestmark = pytest.mark.browser


def test_inspection_finding_followed_to_closure(page, login, session_for, live_server):
    from hogo import clock
    from hogo.accounts.models import Department, User
    from hogo.media import services as media
    from hogo.media.models import Medium
    from tests.browser.conftest import save_shot

    seiso = Department.objects.get(code="seiso", organisation__name="デモ市")
    with clock.frozen(clock.now() - dt.timedelta(days=10)):
        media.check_out(User.objects.get(username="seiso-manager"),
                        Medium.objects.get(label="SEISO-USB-02"), purpose="事故の記録",
                        due_on=clock.today_jst() + dt.timedelta(days=7))

    login("auditor")
    page.goto(f"{page.base_url}/accountability/inspections/")
    page.select_option("select[name=scope]", str(seiso.pk))
    page.click("[data-testid=start-inspection]")
    page.wait_for_selector("text=自己点検を始めました")
    notice = page.inner_text("[data-testid=facts-notice_checked]")
    assert "DEMO-0003" in notice and "最終確認 令和" in notice
    loan = page.inner_text("[data-testid=facts-media_returned]")
    assert "SEISO-USB-02" in loan and "返却されていない" in loan
    assert "適合" in page.inner_text("[data-testid=check-copies_erased]")
    save_shot(page, "inspection-checks")

    page.click("[data-testid=check-notice_checked] >> text=この項目の指摘事項を挙げる")
    form = "[data-testid=finding-form-notice_checked]"
    page.fill(f"{form} textarea[name=what]", "収集車1号の録画中表示を確認し、確認日を登録すること")
    page.fill(f"{form} input[name=due_on]", (clock.today_jst() - dt.timedelta(days=1)).isoformat())
    page.click("[data-testid=raise-notice_checked]")  # a past day: refused, text kept
    page.wait_for_selector("text=対応期限は今日以降の日にしてください")
    assert "確認日を登録すること" in page.input_value(f"{form} textarea[name=what]")
    page.fill(f"{form} input[name=due_on]", (clock.today_jst() + dt.timedelta(days=14)).isoformat())
    page.click("[data-testid=raise-notice_checked]")
    page.wait_for_selector("text=指摘事項 1 を挙げ")
    page.click("[data-testid=check-media_returned] >> text=所見を記入する")
    page.fill("[data-testid=check-media_returned] textarea[name=note]",
              "持出し者に確認済み。事故調査のため延長中で、明日返却予定")
    page.click("[data-testid=note-media_returned]")
    page.wait_for_selector("text=所見を記録しました")
    page.fill("[data-testid=finish-form] textarea[name=summary]", "録画中表示の確認を徹底すること")
    page.click("[data-testid=finish-inspection]")
    page.wait_for_selector("text=自己点検を終了しました")
    assert "終了" in page.inner_text("[data-testid=inspection-state]")
    save_shot(page, "inspection-finished")

    _context, manager = session_for("seiso-manager")
    queue = manager.inner_text("#waiting")
    assert "自己点検の指摘事項に対応する" in queue and "収集車1号の録画中表示" in queue
    manager.click("#waiting >> text=自己点検の指摘事項に対応する")
    manager.fill("[data-testid=answer-form] textarea[name=action]",
                 "ステッカーを貼り替え、登録簿の確認日を更新した")
    manager.click("[data-testid=answer-finding]")
    manager.wait_for_selector("text=対応を報告しました")
    assert "対応済み" in manager.inner_text("[data-testid=finding-state]")
    save_shot(manager, "inspection-finding-answered")

    page.goto(f"{page.base_url}/")
    page.click("#waiting >> text=指摘事項の対応を確認する")
    assert "ステッカーを貼り替え" in page.inner_text("[data-testid=finding-action]")
    page.click("[data-testid=close-finding]")
    page.wait_for_selector("text=指摘事項を完了にしました")
    assert "完了" in page.inner_text("[data-testid=finding-state]")
    save_shot(page, "inspection-finding-closed")
    page.goto(f"{page.base_url}/")
    assert "指摘事項の対応を確認する" not in page.content()  # nothing waits any more
