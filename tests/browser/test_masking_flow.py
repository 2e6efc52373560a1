"""Masking (R-304) in Chromium: request a masked copy, approve it as the privacy officer acting
for the mayor, review the frame strip (it reaches the clip's last frame; the scrubber shows
any frame; drag a box around something missed), make it, then watch the masked copy beside
its parent with the purpose logged. Each hand-off alerts the next person once."""

import datetime as dt

import pytest
from django.core.management import call_command

from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser



def _work():
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def test_request_approve_review_and_make_a_masked_copy(session_for, live_server, transactional_db):
    from hogo.accounts.models import User
    from hogo.alerts.models import Alert
    from hogo.audit.models import AuditEntry
    from hogo.copies import services
    from hogo.processing.models import Processing, ProcessingState
    from hogo.registry.models import Vehicle
    from hogo.web.demo import footage_start, load_demo

    load_demo()
    manager = User.objects.get(username="manager")
    vehicle = Vehicle.objects.filter(department=manager.department).first()
    nine = footage_start() + dt.timedelta(seconds=10)  # demo footage is never in the future
    request = services.request_copy(manager, vehicle=vehicle, start=nine,
                                    end=nine + dt.timedelta(seconds=20), channels=["front"],
                                    audio=False, purpose="accident_investigation",
                                    justification="庁舎前での接触事故の状況確認")
    copy = request.copies.get()

    context, operator = session_for("operator")
    operator.goto(f"{live_server.url}/copies/requests/{request.pk}/")
    operator.click("text=加工（マスキング）の申請・人数の算定")
    operator.fill("textarea[name=reason]", "保険会社へ提出する前に第三者を隠す")
    operator.click(f"[data-testid=ask-processing-{copy.pk}]")
    operator.wait_for_selector("text=承認を待っています")
    item = Processing.objects.get(copy=copy)
    assert [a.recipient.username for a in Alert.objects.filter(
        kind="processing.requested")] == ["privacy"]
    context.close()

    context, officer = session_for("privacy")
    officer.goto(f"{live_server.url}/copies/processing/{item.pk}/")
    officer.click("[data-testid=approve-processing]")
    officer.wait_for_selector("text=検出を始めました")
    assert "市長の代理" in officer.inner_text("main")
    context.close()
    assert [a.recipient.username for a in Alert.objects.filter(
        kind="processing.approved")] == ["operator"]
    _work()
    item.refresh_from_db()
    assert sorted(a.recipient.username for a in Alert.objects.filter(
        kind="processing.detected")) == ["manager", "operator"]
    last = item.analysis["frame_count"] - 1

    context, operator = session_for("operator")
    operator.goto(f"{live_server.url}/copies/processing/{item.pk}/")
    operator.wait_for_selector("#strip img")
    operator.wait_for_function("""() => [...document.querySelectorAll('#strip img')]
        .every(i => i.complete && i.naturalWidth > 0)""")  # parallel frame requests all served
    shown = operator.eval_on_selector_all("#strip img", "s => s.map(i => Number(i.dataset.frame))")
    assert shown[0] == 0 and shown[-1] == last  # the strip covers the clip's last frame
    operator.fill("[data-testid=scrub]", str(last))  # the scrubber reaches it too
    operator.dispatch_event("[data-testid=scrub]", "change")
    operator.wait_for_function("""last => { const i = document.getElementById('scrub-image');
        return i.complete && i.naturalWidth > 0 && i.dataset.frame === String(last); }""",
                               arg=last)
    assert str(last) in operator.inner_text("[data-testid=scrub-label]")
    image = operator.locator("#strip img").first
    image.scroll_into_view_if_needed()
    operator.wait_for_function("() => document.querySelector('#strip img').complete")
    box = image.bounding_box()
    operator.mouse.move(box["x"] + 40, box["y"] + 30)
    operator.mouse.down()
    operator.mouse.move(box["x"] + 110, box["y"] + 90)
    operator.mouse.up()
    assert "追加した枠：フレーム" in operator.inner_text("#added-list")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    operator.screenshot(path=str(SCREENSHOTS / "masking-review.png"), full_page=True)
    operator.click("[data-testid=make-processed]")
    operator.wait_for_selector("text=作成を始めました")
    _work()
    item.refresh_from_db()
    assert item.state == ProcessingState.MADE, item.error
    assert len(item.added_boxes) == 1
    operator.goto(f"{live_server.url}/copies/requests/{request.pk}/")
    assert operator.locator("[data-testid=processed-badge]").count() == 1
    operator.screenshot(path=str(SCREENSHOTS / "masking-made.png"), full_page=True)
    assert [a.recipient.username for a in Alert.objects.filter(
        kind="processing.rendered")] == ["operator"]

    # The masked copy plays inside hogo beside its parent, once a purpose is recorded.
    operator.click(f"[data-testid=watch-copy-{item.result_id}]")
    operator.select_option("select[name=purpose]", "accident_investigation")
    operator.fill("textarea[name=reason]", "保険会社へ提出する前に加工の結果を確かめる")
    operator.click("[data-testid=start-viewing]")
    operator.wait_for_selector("[data-testid=side-by-side]")
    operator.wait_for_function("""() => ['#player', '#parent-player'].every(
        s => document.querySelector(s).readyState >= 1)""")
    durations = operator.evaluate("""['#player', '#parent-player'].map(
        s => document.querySelector(s).duration)""")
    assert abs(durations[0] - durations[1]) < 0.5 and durations[0] > 15
    operator.evaluate("document.querySelector('#player').currentTime = 12")
    operator.wait_for_function(
        "() => Math.abs(document.querySelector('#parent-player').currentTime - 12) < 0.2")
    operator.screenshot(path=str(SCREENSHOTS / "masking-side-by-side.png"), full_page=True)
    viewed = AuditEntry.objects.filter(action="copy.viewed", actor="user:operator")
    assert sorted(viewed.values_list("object_id", flat=True)) == sorted(
        [str(copy.pk), str(item.result_id)])
    assert all("加工の結果を確かめる" in entry.purpose for entry in viewed)
    context.close()
