"""A citizen's request for footage of herself, end to end in Chromium: she sends
the public form (an address left out is refused with the text kept, then a receipt number);
the operator routes it to 管財課, asks for a correction two days later and records it the
day after (the decision day moves by the two days waited), records the postal identity
check with the copy of her licence; the footage is found, copied, masked with her track
marked 「本人」 and registered; the manager decides a partial disclosure (others' images,
Art. 78(1)(ii)); the letter carries the 教示; the fee is paid, the disclosure carried out and
notified; closing erases the ID image."""

import datetime as dt

import pytest
from django.core.management import call_command

from tests.browser.conftest import save_shot

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _work():
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def test_public_form_to_identity_to_masked_disclosure_and_letter(
        browser, session_for, live_server, transactional_db, settings, tmp_path, monkeypatch):
    from hogo import clock
    from hogo.accounts.models import User
    from hogo.footage.models import DeletionRecord
    from hogo.processing import services as processing
    from hogo.processing.models import Processing, ProcessingState
    from hogo.registry.models import Vehicle
    from hogo.requests.models import PersonalRequest, RequestState
    from hogo.rules.wareki import format_wareki
    from hogo.web.demo import footage_start, load_demo

    settings.HOGO_BASE_URL = live_server.url
    demo, _ = load_demo()
    start = footage_start().astimezone(clock.JST)

    # The citizen, without an account.
    public = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    citizen = public.new_page()
    citizen.set_default_timeout(15_000)
    citizen.goto(f"{live_server.url}/public/requests/")
    citizen.check("input[name=kind][value=disclosure]")
    citizen.check("input[name=disclosure_of][value=footage]")
    citizen.fill("input[name=requester_name]", "市民 花子")
    citizen.fill("input[name=phone]", "000-0000-1234")
    citizen.fill("input[name=occurred_from]", start.strftime("%Y-%m-%dT%H:%M"))
    citizen.fill("input[name=occurred_to]",
                 (start + dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M"))
    citizen.fill("input[name=place]", "デモ市役所前の横断歩道")
    citizen.fill("input[name=appearance]", "赤い上着、黒い自転車")
    citizen.select_option("select[name=method]", "electronic")
    citizen.click("[data-testid=submit-public]")
    citizen.wait_for_selector("[data-testid=refusals]")
    assert "住所又は居所" in citizen.inner_text("[data-testid=refusals]")
    assert citizen.input_value("input[name=appearance]") == "赤い上着、黒い自転車"
    save_shot(citizen, "request-public-missing")
    citizen.fill("input[name=requester_address]", "デモ市中央二丁目3番4号")
    citizen.click("[data-testid=submit-public]")
    number = citizen.inner_text("[data-testid=receipt-number]").strip()
    request = PersonalRequest.objects.get()
    assert number == request.number and request.state == RequestState.RECEIVED
    received = request.received_on
    assert request.due_on == received + dt.timedelta(days=30)  # from the day after arrival
    save_shot(citizen, "request-public-done")
    public.close()

    # The operator routes it, asks for a correction, records it and the identity check.
    page_url = f"{live_server.url}/requests/{request.pk}/"
    context, operator = session_for("operator")
    operator.goto(f"{live_server.url}/requests/")
    operator.click(f"text={number}")
    operator.click("[data-testid=edit]")
    operator.select_option("select[name=department]", str(
        User.objects.get(username="operator").department_id))
    operator.click("[data-testid=save]")
    operator.wait_for_selector("text=修正しました")
    # Two days later (the clock of the whole process, the server's too) she is asked to
    # correct the request; she answers the day after: both days do not count.
    arrived_at = clock.now()
    monkeypatch.setattr(clock, "_frozen", arrived_at + dt.timedelta(days=2))
    operator.fill("textarea[name=what]", "映像の時間を分単位で特定してください。")
    operator.click("[data-testid=ask-correction]")
    operator.wait_for_selector("text=補正を求めました")
    assert "補正待ち" in operator.inner_text("[data-testid=state]")
    monkeypatch.setattr(clock, "_frozen", arrived_at + dt.timedelta(days=3))
    operator.reload()
    operator.click("[data-testid=correction-answered]")
    operator.wait_for_selector("text=補正を記録しました")
    request.refresh_from_db()
    waited = request.correction_waits.get()
    assert (waited.asked_on, waited.answered_on) == (received + dt.timedelta(days=2),
                                                     received + dt.timedelta(days=3))
    assert request.due_on == received + dt.timedelta(days=32)  # two days waited
    assert format_wareki(request.due_on) in operator.inner_text("[data-testid=due]")
    scan = tmp_path / "licence-copy.png"
    scan.write_bytes(PNG)
    operator.click("[data-testid=identity-link]")
    operator.check("input[name=documents][value=driving_licence]")
    operator.check("input[name=by_post]")
    operator.click("[data-testid=record-identity]")
    operator.wait_for_selector("[data-testid=refusals]")
    assert "住民票の写し" in operator.inner_text("[data-testid=refusals]")
    operator.check("input[name=documents][value=residence_certificate]")
    operator.fill("input[name=residence_certificate_on]",
                  (received - dt.timedelta(days=5)).isoformat())
    operator.set_input_files("input[name=images]", str(scan))
    operator.click("[data-testid=record-identity]")
    operator.wait_for_selector("text=本人確認を記録しました")
    assert "運転免許証" in operator.inner_text("[data-testid=identity]")
    save_shot(operator, "request-identity-recorded")

    # Her footage: found, copied, masked with her track marked, registered.
    operator.click("[data-testid=footage-segments-link]")
    operator.select_option("select[name=vehicle]", str(
        Vehicle.objects.get(registration="デモ 300 さ 10-01").pk))
    operator.check("input[name=channels][value=front]")
    operator.click("[data-testid=footage-save]")
    operator.wait_for_selector("[data-testid=footage-hold]")
    context.close()
    request.refresh_from_db()
    assert request.hold is not None and request.hold.segments.exists()

    context, manager = session_for("manager")
    manager.goto(page_url)
    manager.click("[data-testid=footage-panel] [data-testid=footage-make-copy]")
    manager.wait_for_selector("text=複製データを作成しました")
    context.close()
    copy = request.copy_requests.get().copies.get()

    context, operator = session_for("operator")
    operator.goto(page_url)
    operator.click(f"[data-testid=footage-mask-{copy.pk}]")
    operator.wait_for_selector("text=承認を待っています")
    item = Processing.objects.get(copy=copy)
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
    operator.click("[data-testid=requester-1]")
    operator.wait_for_selector("[data-testid=requester-row-1]")
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
    context.close()

    # The manager decides: her images disclosed, the others' not (Art. 78(1)(ii)).
    context, manager = session_for("manager")
    manager.goto(page_url)
    manager.check("[data-testid=decision-form] input[name=outcome][value=partial]")
    manager.click("[data-testid=decide]")
    manager.wait_for_selector("[data-testid=decision-page-form], [data-testid=refusals], "
                              ".errorlist")
    assert "根拠" in manager.inner_text("main")  # a partial disclosure needs its ground
    manager.check("input[name=grounds][value=third_party]")
    manager.fill("textarea[name=reason]", "映像に写っている請求者以外の人物の顔及び車両の"
                 "ナンバープレートは、開示請求者以外の個人に関する情報であるため、加工して"
                 "開示しない。")
    manager.click("[data-testid=decide]")
    manager.wait_for_selector("[data-testid=decision-made]")
    context.close()

    context, operator = session_for("operator")
    operator.goto(f"{live_server.url}/requests/{request.pk}/letters/decision/")
    letter = operator.inner_text("body")
    assert "部分開示決定通知書" in letter and "法第78条第1項第2号" in letter
    appeal = operator.inner_text("[data-testid=appeal]")
    assert "審査請求" in appeal and "3か月以内" in appeal and "6か月以内" in appeal
    assert "デモ市長" in appeal
    save_shot(operator, "request-decision-letter")

    # The fee, the disclosure carried out and notified, then closing.
    operator.goto(page_url)
    operator.click("[data-testid=payment-form] summary")
    operator.fill("[data-testid=payment-form] input[name=amount]", "300")
    operator.click("[data-testid=record-payment]")
    operator.wait_for_selector("[data-testid=fee-paid]")
    operator.click("[data-testid=carry-out-link]")
    operator.check("input[name=method][value=electronic]")
    operator.click("[data-testid=submit]")
    operator.wait_for_selector("[data-testid=carried-out]")
    operator.click("[data-testid=notified]")
    operator.wait_for_selector("[data-testid=notified-on]")
    context.close()

    context, privacy = session_for("privacy")
    privacy.goto(page_url)
    privacy.click("[data-testid=close-link]")
    privacy.click("[data-testid=submit]")
    privacy.wait_for_selector("[data-testid=images-erased]")
    request.refresh_from_db()
    assert request.state == RequestState.CLOSED
    image = request.identity_images.get()
    assert image.erased_at is not None and image.stored.wrapped_key == ""
    assert DeletionRecord.objects.filter(object_id=image.stored.object_id).exists()
    assert request.hold.released_at is not None
    save_shot(privacy, "request-closed")
    context.close()
