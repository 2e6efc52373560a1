"""Incidents against the Act, in a real browser: a count nobody knows yet waits on the count
(deadlines running, on the privacy officer's work queue), a city's page cites Act Art. 68 and
Rules Art. 43/44, the medium with nothing recorded is not "記録なし" beside 150 people, and the
確報 follows the issued 速報 as a second version with the first kept.
"""

import pytest

from tests.browser.conftest import save_shot

pytestmark = pytest.mark.browser


def _shot(page, name):
    save_shot(page, name)


def test_pending_count_citations_and_versions(session_for, live_server, transactional_db):
    from hogo.incidents.models import Document, Incident
    from hogo.web.demo import load_demo

    load_demo(footage=False)
    staff_context, staff = session_for("staff")
    staff.click("[data-testid=report-incident]")
    staff.fill("input[name=title]", "USBメモリの所在不明")
    staff.select_option("select[name=kind]", "loss")
    staff.fill("textarea[name=what_happened]", "保管庫のUSBメモリが見当たらない。")
    staff.check("input[name=media] >> nth=1")  # nothing recorded on it in hogo
    staff.click("[data-testid=report]")  # the count left empty: nobody knows it yet
    staff.wait_for_selector("text=直ちに通知しました")
    incident = Incident.objects.get(title="USBメモリの所在不明")
    staff_context.close()

    privacy_context, privacy = session_for("privacy")
    # The work queue: acknowledge it, and the 速報 due within the week.
    waiting = privacy.locator("#waiting tr.waiting-item", has_text=incident.number)
    kinds = {waiting.nth(i).get_attribute("data-kind") for i in range(waiting.count())}
    assert {"incident.acknowledge", "incident.preliminary"} <= kinds
    privacy.goto(f"{live_server.url}/incidents/{incident.pk}/")
    assessment = privacy.inner_text("[data-testid=assessment]")
    assert "本人の数の確定待ち" in assessment and "報告対象外" not in assessment
    assert privacy.locator("[data-testid=deadline-final]").count() == 1
    citation = privacy.inner_text("[data-testid=citation]")
    assert "第68条" in citation and "第43条" in citation and "第44条" in citation
    assert "第26条" not in citation
    _shot(privacy, "incident-pending-count")

    # The count found: 150 people, reportable under item 4 from the same day of knowing.
    privacy.click("#facts-form >> xpath=.. >> summary")
    privacy.fill("#facts-form input[name=people]", "150")
    privacy.fill("#facts-form input[name=people_basis]", "映像から数えた延べ人数")
    privacy.click("[data-testid=save-facts]")
    privacy.wait_for_selector("text=報告要否と期限を再評価しました")
    assert "第4号" in privacy.inner_text("[data-testid=assessment]")
    links = privacy.inner_text("[data-testid=links]")
    assert "記録なし" not in links and "hogo に内容の記録がない媒体" in links
    assert "報告要否が変わりました" in privacy.inner_text("#timeline")

    # The PPC report: the medium is not "記録なし" beside 150 people; issue the 速報.
    privacy.click("[data-testid=doc-ppc_report]")
    privacy.wait_for_selector("[data-testid=document-form]")
    item2 = privacy.input_value("textarea[name=section-item2]")
    assert "記録なし" not in item2 and "hogo に内容の記録がない媒体" in item2
    assert privacy.input_value("textarea[name=section-item3]").startswith("150人")
    assert privacy.input_value("textarea[name=section-report_kind]").startswith("速報（法第68条")
    privacy.evaluate("""() => document.querySelectorAll('textarea').forEach(t => {
        t.value = t.value.replaceAll('（未記入）', '調査中'); })""")
    privacy.click("[data-testid=save]")
    privacy.wait_for_selector("text=文書を保存しました")
    privacy.on("dialog", lambda dialog: dialog.accept())
    privacy.click("[data-testid=issue]")
    privacy.wait_for_selector("text=発行しました")

    # The 確報 as version 2; version 1 stays issued and listed.
    privacy.click("[data-testid=new-version]")
    privacy.wait_for_selector("text=第2版を現在の事実から作成しました")
    assert privacy.input_value("textarea[name=section-report_kind]").startswith("確報")
    rows = privacy.locator("[data-testid=versions] tr[data-version]")
    assert rows.count() == 2
    assert "保護 花子" in rows.nth(0).inner_text() and "速報" in rows.nth(0).inner_text()
    assert "未発行" in rows.nth(1).inner_text()
    _shot(privacy, "incident-document-versions")
    privacy.click("[data-testid=versions] tr[data-version='1'] a")
    privacy.wait_for_selector("[data-testid=old-version]")
    assert privacy.locator("[data-testid=document-form]").count() == 0
    assert "発行済み" in privacy.inner_text("[data-testid=document-state]")
    assert list(Document.objects.filter(incident=incident).order_by("version").values_list(
        "version", "stage")) == [(1, "preliminary"), (2, "final")]
    privacy_context.close()
