"""A person's own footage in Chromium (R-607): the operator finds the segments from what the
person gave and saves them (the originals pinned), the manager makes the copy, the operator
asks for masking everyone else; after the privacy officer's approval and the detection, the
operator marks the requester's track 「本人」 with one click in the review strip, makes the
processed copy and registers it as the file to disclose; the request's footage section then
shows the processing, its people count (the others) and who reviewed it."""

import pytest
from django.core.management import call_command

from tests.browser.conftest import SCREENSHOTS, save_shot

pytestmark = pytest.mark.browser


def _work():
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def test_find_copy_mask_mark_the_requester_and_register(session_for, live_server,
                                                         transactional_db):
    from hogo.accounts.models import User
    from hogo.processing import services as processing
    from hogo.processing.models import Processing, ProcessingState
    from hogo.requests.models import PersonalRequest
    from hogo.requests.tests.test_footage import car, footage_request
    from hogo.web.demo import load_demo

    demo, _ = load_demo()
    request = footage_request(demo, User.objects.get(username="staff"))
    page_url = f"{live_server.url}/requests/{request.pk}/"

    context, operator = session_for("operator")
    operator.goto(page_url)
    section = operator.locator("[data-testid=footage-panel]")
    assert "青い上着、自転車" in section.inner_text()
    operator.click("[data-testid=footage-segments-link]")
    operator.select_option("select[name=vehicle]", str(car(demo).pk))
    operator.check("input[name=channels][value=front]")
    operator.click("[data-testid=footage-preview]")
    operator.wait_for_selector("[data-testid=footage-preview-list]")
    assert "_F.mp4" in operator.inner_text("[data-testid=footage-preview-list]")
    operator.click("[data-testid=footage-save]")
    operator.wait_for_selector("[data-testid=footage-hold]")
    assert "消去停止中" in operator.inner_text("[data-testid=footage-hold]")
    request.refresh_from_db()
    assert request.hold is not None and request.hold.segments.count() == 1
    context.close()

    context, manager = session_for("manager")
    manager.goto(page_url)
    manager.click("[data-testid=footage-panel] [data-testid=footage-make-copy]")
    manager.wait_for_selector("text=複製データを作成しました")
    context.close()
    [copy_request] = request.copy_requests.all()
    copy = copy_request.copies.get()

    context, operator = session_for("operator")
    operator.goto(page_url)
    operator.click(f"[data-testid=footage-mask-{copy.pk}]")
    operator.wait_for_selector("text=承認を待っています")
    item = Processing.objects.get(copy=copy)
    assert item.reason == "本人開示のため請求者以外を加工"
    processing.approve(User.objects.get(username="privacy"), item)
    _work()
    item.refresh_from_db()
    assert item.state == ProcessingState.REVIEW, item.error
    frames = item.analysis["frame_count"]
    # The synthetic street has no faces the detector finds: two people where its clock is.
    item.analysis["tracks"] = [
        {"id": n, "kind": "face", "source": "detector", "first": 0, "last": frames - 1,
         "removed": False, "keyframes": [[f, *box, 0.9] for f in range(0, frames, 10)]}
        for n, box in ((1, (5, 2, 115, 28)), (2, (210, 2, 320, 28)))]
    item.people_count = 2
    item.save(update_fields=["analysis", "people_count"])

    operator.goto(f"{live_server.url}/copies/processing/{item.pk}/")
    operator.wait_for_selector("#strip img")
    operator.wait_for_function("""() => [...document.querySelectorAll('#strip img')]
        .every(i => i.complete && i.naturalWidth > 0)""")
    operator.click("[data-testid=requester-1]")  # one click
    operator.wait_for_selector("[data-testid=requester-row-1]")
    assert "「本人」の印を付けました" in operator.inner_text("main")
    assert operator.get_attribute("[data-testid=requester-1]", "aria-pressed") == "true"
    assert operator.get_attribute("[data-testid=requester-2]", "aria-pressed") == "false"
    assert "加工する他の人（延べ）：1人" in operator.inner_text("[data-testid=requester-count]")
    operator.wait_for_function("""() => [...document.querySelectorAll('#strip img')]
        .every(i => i.complete && i.naturalWidth > 0)""")
    save_shot(operator, "request-footage-review-strip")
    item.refresh_from_db()
    assert item.requester_tracks == ["1"]
    operator.click("[data-testid=make-processed]")
    operator.wait_for_selector("text=作成を始めました")
    _work()
    item.refresh_from_db()
    assert item.state == ProcessingState.MADE, item.error
    made = item.result

    operator.goto(page_url)
    operator.click(f"[data-testid=footage-register-{made.pk}]")
    operator.wait_for_selector("[data-testid=footage-disclosed-badge]")
    assert operator.inner_text(f"[data-testid=footage-people-{made.pk}]") == "1"
    assert "操作 次郎" in operator.inner_text(f"[data-testid=footage-reviewed-{made.pk}]")
    assert "加工済み複製データ" in operator.inner_text("[data-testid=footage-disclosed]")
    operator.locator("[data-testid=footage-panel]").scroll_into_view_if_needed()
    save_shot(operator, "request-footage-section")
    operator.locator("[data-testid=footage-panel]").screenshot(
        path=str(SCREENSHOTS / "request-footage-panel.png"))
    assert PersonalRequest.objects.get(pk=request.pk).disclosed_copy_id == made.pk
    context.close()
