"""Third-party provision in Chromium, end to end: a police officer sends the public form (an
address left out is refused with the text kept, then a receipt number); the operator names
the vehicle and takes it in; the manager sees why the law allows it and approves; the
operator makes a one-time download link; the officer confirms the undertakings and
downloads once (a second try is refused); the operator records the erasure and the request
closes, its originals released."""

import datetime as dt

import pytest

pytestmark = pytest.mark.browser


def test_public_form_to_erasure_confirmed(browser, session_for, live_server, transactional_db,
                                          settings):
    from hogo import clock
    from hogo.provision.models import ProvisionRequest, RequestState
    from hogo.registry.models import Vehicle
    from hogo.web.demo import footage_start, load_demo
    from tests.browser.conftest import save_shot

    settings.HOGO_BASE_URL = live_server.url  # the link handed to the recipient
    load_demo()
    vehicle = Vehicle.objects.get(label="公用車1号")
    start = footage_start().astimezone(clock.JST)
    end = start + dt.timedelta(minutes=1)

    public = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    officer = public.new_page()
    officer.set_default_timeout(15_000)
    officer.goto(f"{live_server.url}/provision/request/")
    officer.select_option("select[name=recipient_kind]", "police")
    officer.fill("input[name=requester_name]", "デモ県デモ中央警察署")
    officer.fill("input[name=representative]", "デモ中央警察署長 警察 太郎")
    officer.fill("input[name=person_in_charge]", "刑事課 捜査 一郎")
    officer.fill("input[name=phone]", "000-0000-0110")
    officer.select_option("select[name=basis]", "ccp_197_2")
    officer.fill("input[name=letter_reference]", "デモ中刑第123号")
    officer.fill("textarea[name=purpose]", "庁舎前交差点で発生した交通事故の捜査のため")
    officer.fill("input[name=vehicle_text]", "デモ 300 さ 10-01（公用車）")
    officer.fill("input[name=place]", "デモ市中央一丁目交差点付近")
    officer.fill("input[name=start_at]", start.strftime("%Y-%m-%dT%H:%M"))
    officer.fill("input[name=end_at]", end.strftime("%Y-%m-%dT%H:%M"))
    officer.click("[data-testid=submit-public]")
    officer.wait_for_selector("[data-testid=refusals]")
    assert "住所又は所在地" in officer.inner_text("[data-testid=refusals]")
    assert officer.input_value("input[name=letter_reference]") == "デモ中刑第123号"
    save_shot(officer, "provision-public-missing")
    officer.fill("input[name=requester_address]", "デモ市中央一丁目1番1号")
    officer.click("[data-testid=submit-public]")
    number = officer.inner_text("[data-testid=receipt-number]").strip()
    request = ProvisionRequest.objects.get()
    assert number == request.number and request.state == RequestState.INCOMPLETE
    save_shot(officer, "provision-public-done")

    _, operator = session_for("operator")
    operator.goto(f"{live_server.url}/provision/")
    operator.click(f"text={number}")
    operator.click("[data-testid=edit]")
    operator.select_option("select[name=vehicle]", str(vehicle.pk))
    operator.check("input[name=channels][value=front]")
    operator.click("[data-testid=save-request]")
    operator.click("[data-testid=accept]")
    operator.wait_for_selector("[data-testid=state]:has-text('受付済み')")
    assert "消去を停止" in operator.inner_text("[data-testid=pinned]")

    _, manager = session_for("manager")
    manager.goto(f"{live_server.url}/")
    assert number in manager.inner_text("main")  # the work queue: a request to decide
    manager.goto(f"{live_server.url}/provision/{request.pk}/")
    assessment = manager.inner_text("[data-testid=assessment]")
    assert "法令に基づく" in assessment and "第69条第1項" in assessment
    save_shot(manager, "provision-decision")
    manager.check("input[name=outcome][value=approve]")
    manager.click("[data-testid=decide]")
    manager.wait_for_selector("[data-testid=state]:has-text('提供決定')")
    assert "行政機関等には求められません" in manager.inner_text("main")  # no Art. 29 record: why
    manager.goto(f"{live_server.url}/provision/{request.pk}/letters/decision/")
    assert "提供決定通知書" in manager.inner_text("body") and "令和" in manager.inner_text("body")
    save_shot(manager, "provision-letter-decision")

    operator.goto(f"{live_server.url}/provision/{request.pk}/")
    operator.click("[data-testid=handover-link] summary")
    operator.fill("[data-testid=handover-link] input[name=recipient_name]",
                  "刑事課 捜査 一郎")
    operator.click("[data-testid=hand-over-link]")
    url = operator.inner_text("[data-testid=link-url]").strip()
    password = operator.inner_text("[data-testid=password]").strip()
    assert url.startswith("http") and "/provision/dl/" in url and len(password) >= 12
    save_shot(operator, "provision-link-made")

    officer.goto(url)
    assert "目的以外の利用" in officer.inner_text("[data-testid=undertakings]")
    officer.check("input[name=confirmed]")
    officer.fill("input[name=name]", "刑事課 捜査 一郎")
    save_shot(officer, "provision-link-fetch")
    with officer.expect_download() as waiting:
        officer.click("[data-testid=download]")
    assert waiting.value.suggested_filename.endswith(".zip")
    officer.goto(url)
    assert "既にダウンロード" in officer.inner_text("[data-testid=refused]")
    public.close()

    operator.goto(f"{live_server.url}/provision/{request.pk}/")
    handover = request.handovers.get()
    assert "刑事課 捜査 一郎" in operator.inner_text(f"[data-testid=undertaking-{handover.pk}]")
    operator.locator(f"[data-testid=handover-{handover.pk}] details:has("
                     f"[data-testid=confirm-erasure-{handover.pk}]) summary").click()
    form = operator.locator(f"form:has([data-testid=confirm-erasure-{handover.pk}])")
    form.locator("select[name=how]").select_option("erased")
    form.locator("input[name=confirmed_on]").fill(clock.today_jst().isoformat())
    form.locator("textarea[name=note], input[name=note]").first.fill("警察署から消去報告書を受領")
    operator.click(f"[data-testid=confirm-erasure-{handover.pk}]")
    operator.wait_for_selector("[data-testid=state]:has-text('完了')")
    save_shot(operator, "provision-closed")
    operator.goto(f"{live_server.url}/provision/handovers/{handover.pk}/letters/handover/")
    assert "遵守事項" in operator.inner_text("body")
    save_shot(operator, "provision-letter-handover")
    request.refresh_from_db()
    assert request.state == RequestState.CLOSED and request.hold.released_at is not None
