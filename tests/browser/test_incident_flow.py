"""Incidents (R-801-R-805) in a real browser: a staff member reports a lost USB stick, the
section head and the privacy officer see it at once, silence escalates, and the privacy
officer issues the PPC report.
"""

import datetime as dt

import pytest

from tests.browser.conftest import save_shot

pytestmark = pytest.mark.browser



def _shot(page, name):
    save_shot(page, name)


def test_report_escalation_and_documents(session_for, live_server, transactional_db):
    from hogo import clock
    from hogo.incidents import services
    from hogo.incidents.models import Incident
    from hogo.web.demo import load_demo

    load_demo(footage=False)
    staff_context, staff = session_for("staff")
    staff.click("[data-testid=report-incident]")
    staff.fill("input[name=title]", "USBメモリの紛失")
    staff.select_option("select[name=kind]", "loss")
    staff.fill("textarea[name=what_happened]", "営業所で保管していたUSBメモリが見当たらない。")
    staff.fill("input[name=noticed_how]", "朝の点検で気付いた")
    staff.check("input[name=media] >> nth=0")
    staff.fill("input[name=people]", "220")
    _shot(staff, "incident-report-form")
    staff.click("[data-testid=report]")
    staff.wait_for_selector("text=直ちに通知しました")
    incident = Incident.objects.get(title="USBメモリの紛失")
    staff_context.close()

    # The section head sees it on the dashboard at once, with a link to the incident.
    manager_context, manager = session_for("manager")
    alert = manager.locator("#alerts li", has_text=incident.number)
    assert alert.count() == 1
    _shot(manager, "incident-manager-alert")
    manager_context.close()

    # Nobody acknowledged: the escalation job (run every minute by the server) escalates.
    late = incident.reported_at + dt.timedelta(days=7)
    assert services.escalate_unacknowledged(late) == 1
    privacy_context, privacy = session_for("privacy")
    assert privacy.locator("#alerts li", has_text="至急・未確認").count() >= 1
    assert privacy.locator("#incident-deadlines", has_text=incident.number).count() == 1
    privacy.click(f"#alerts li:has-text('{incident.number}') a >> nth=0")
    privacy.wait_for_selector("[data-testid=assessment]")
    assert "第4号" in privacy.inner_text("[data-testid=assessment]")  # 220 > 100 (a city)
    privacy.click("[data-testid=acknowledge]")
    privacy.wait_for_selector("text=確認を記録しました")
    assert "上位へ通知済み" in privacy.content()
    _shot(privacy, "incident-page")

    # The PPC report: nine items, edited, filled, issued, printed.
    privacy.click("[data-testid=doc-ppc_report]")
    privacy.wait_for_selector("[data-testid=document-form]")
    privacy.fill("textarea[name=section-item4]", "保管庫の施錠を徹底していなかった。")
    privacy.evaluate("""() => document.querySelectorAll('textarea').forEach(t => {
        t.value = t.value.replaceAll('（未記入）', '調査中'); })""")
    privacy.click("[data-testid=save]")
    privacy.wait_for_selector("text=文書を保存しました")
    privacy.on("dialog", lambda dialog: dialog.accept())
    privacy.click("[data-testid=issue]")
    privacy.wait_for_selector("text=発行しました")
    assert "発行済み" in privacy.inner_text("[data-testid=document-state]")
    with privacy.context.expect_page() as printed_info:
        privacy.click("[data-testid=print-link]")
    printed = printed_info.value
    printed.wait_for_load_state()
    text = printed.inner_text("body")
    for number, heading in enumerate(["概要", "個人データの項目", "本人の数", "原因",
                                      "二次被害", "本人への対応", "公表", "再発防止",
                                      "その他"], start=1):
        assert heading in text, (number, heading)
    assert "保管庫の施錠を徹底していなかった。" in text and "220" in text and "令和" in text
    assert printed.locator("[data-testid=draft]").count() == 0
    _shot(printed, "incident-ppc-report-print")
    assert clock.jst_date(incident.reported_at).year >= 2025
    privacy_context.close()
