"""Watching a copy inside hogo (R-205) in Chromium: the purpose form refuses a reason shorter
than the profile asks (keeping what was typed), then the copy plays, decrypted with range
requests, and the viewing is in the audit chain with its purpose."""

import datetime as dt

import pytest

from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

REASON = "本日の庁舎前での接触事故の状況を確認する"


def test_operator_watches_a_copy_with_the_purpose_logged(session_for, live_server,
                                                         transactional_db):
    from hogo.accounts.models import User
    from hogo.audit.models import AuditEntry
    from hogo.copies import services
    from hogo.registry.models import Vehicle
    from hogo.web.demo import footage_start, load_demo

    load_demo()
    manager = User.objects.get(username="manager")
    vehicle = Vehicle.objects.filter(department=manager.department).first()
    start = footage_start() + dt.timedelta(seconds=10)
    request = services.request_copy(manager, vehicle=vehicle, start=start,
                                    end=start + dt.timedelta(seconds=20), channels=["front"],
                                    audio=False, purpose="accident_investigation",
                                    justification="庁舎前での接触事故の確認のため")
    copy = request.copies.get()

    context, operator = session_for("operator")
    operator.goto(f"{live_server.url}/copies/requests/{request.pk}/")
    operator.click(f"[data-testid=watch-copy-{copy.pk}]")
    assert operator.locator("video").count() == 0  # nothing plays before a purpose
    operator.select_option("select[name=purpose]", "accident_investigation")
    operator.fill("textarea[name=reason]", "確認")
    operator.click("[data-testid=start-viewing]")
    operator.wait_for_selector("text=10文字以上で入力してください")
    assert operator.input_value("textarea[name=reason]") == "確認"  # kept for correcting
    assert operator.locator("video").count() == 0
    operator.fill("textarea[name=reason]", REASON)
    operator.click("[data-testid=start-viewing]")
    operator.wait_for_selector("video#player")
    operator.wait_for_function("() => document.querySelector('#player').readyState >= 1")
    duration = operator.evaluate("document.querySelector('#player').duration")
    assert 18 <= duration <= 22
    operator.evaluate("document.querySelector('#player').currentTime = 15")
    operator.wait_for_function("() => document.querySelector('#player').readyState >= 2")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    operator.screenshot(path=str(SCREENSHOTS / "copy-player.png"), full_page=True)
    entry = AuditEntry.objects.get(action="copy.viewed", object_id=str(copy.pk))
    assert entry.actor == "user:operator" and REASON in entry.purpose
    context.close()
