"""Masking (R-304) in Chromium: request a masked copy, approve it as the privacy officer acting
for the mayor, review the frame strip (drag a box around something missed), make it."""

import datetime as dt

import pytest
from django.core.management import call_command

from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser



def _work():
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def test_request_approve_review_and_make_a_masked_copy(session_for, live_server, transactional_db):
    from hogo import clock
    from hogo.accounts.models import User
    from hogo.copies import services
    from hogo.processing.models import Processing, ProcessingState
    from hogo.registry.models import Vehicle
    from hogo.web.demo import load_demo

    load_demo()
    manager = User.objects.get(username="manager")
    vehicle = Vehicle.objects.filter(department=manager.department).first()
    nine = dt.datetime.combine(clock.today_jst(), dt.time(9, 0, 10), tzinfo=clock.JST)
    request = services.request_copy(manager, vehicle=vehicle, start=nine,
                                    end=nine + dt.timedelta(seconds=20), channels=["front"],
                                    audio=False, purpose="accident_investigation",
                                    justification="接触事故の確認")
    copy = request.copies.get()

    context, operator = session_for("operator")
    operator.goto(f"{live_server.url}/copies/requests/{request.pk}/")
    operator.click("text=加工（マスキング）の申請・人数の算定")
    operator.fill("textarea[name=reason]", "保険会社へ提出する前に第三者を隠す")
    operator.click(f"[data-testid=ask-processing-{copy.pk}]")
    operator.wait_for_selector("text=承認を待っています")
    item = Processing.objects.get(copy=copy)
    context.close()

    context, officer = session_for("privacy")
    officer.goto(f"{live_server.url}/copies/processing/{item.pk}/")
    officer.click("[data-testid=approve-processing]")
    officer.wait_for_selector("text=検出を始めました")
    assert "市長の代理" in officer.inner_text("main")
    context.close()
    _work()

    context, operator = session_for("operator")
    operator.goto(f"{live_server.url}/copies/processing/{item.pk}/")
    operator.wait_for_selector("#strip img")
    operator.wait_for_function("""() => [...document.querySelectorAll('#strip img')]
        .every(i => i.complete && i.naturalWidth > 0)""")  # parallel frame requests all served
    image = operator.locator("#strip img").first
    image.scroll_into_view_if_needed()
    operator.wait_for_function("() => document.querySelector('#strip img').complete")
    box = image.bounding_box()
    operator.mouse.move(box["x"] + 40, box["y"] + 30)
    operator.mouse.down()
    operator.mouse.move(box["x"] + 110, box["y"] + 90)
    operator.mouse.up()
    assert "[" in operator.inner_text("#added-list")
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
    context.close()
