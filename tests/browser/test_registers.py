"""The registers in a real browser: the department's manager registers a cabinet and a
medium in it; the system administrator registers a vehicle and its recorder with two cameras,
shown by their Japanese names; a refused entry keeps what was typed."""

import pytest

from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


def _shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_cabinet_and_medium_registered_by_the_manager(session_for, live_server,
                                                      transactional_db):
    from hogo.media.models import Cabinet, Medium
    from hogo.web.demo import load_demo

    load_demo(footage=False)
    context, manager = session_for("manager")
    manager.goto(f"{live_server.url}/media/")
    manager.click("[data-testid=cabinets-link]")
    manager.click("[data-testid=new-cabinet]")
    manager.fill("input[name=name]", "施錠保管庫B")
    manager.fill("input[name=location]", "本庁舎3階 書庫")
    manager.click("[data-testid=save-cabinet]")
    manager.wait_for_selector("text=保管庫「施錠保管庫B（本庁舎3階 書庫）」を登録しました。")
    assert manager.locator("#cabinets tr[data-cabinet='施錠保管庫B']").count() == 1
    cabinet = Cabinet.objects.get(name="施錠保管庫B")

    manager.goto(f"{live_server.url}/media/")
    manager.click("[data-testid=new-medium]")
    manager.fill("input[name=label]", "KANZAI-USB-01")  # taken: refused, input kept
    manager.select_option("select[name=kind]", label="SDカード")
    manager.fill("input[name=serial]", "SN-778")
    manager.fill("input[name=capacity_gb]", "64")
    manager.select_option("select[name=cabinet]", str(cabinet.pk))
    manager.click("[data-testid=save-medium]")
    assert "すでに登録されています" in manager.inner_text("[data-testid=form-errors]")
    assert manager.input_value("input[name=serial]") == "SN-778"
    manager.fill("input[name=label]", "KANZAI-SD-01")
    _shot(manager, "register-medium-form")
    manager.click("[data-testid=save-medium]")
    manager.wait_for_selector("text=記録媒体「KANZAI-SD-01」を登録しました。")
    assert "施錠保管庫B" in manager.content() and "SDカード" in manager.content()
    medium = Medium.objects.get(label="KANZAI-SD-01")
    assert medium.cabinet == cabinet and medium.capacity_bytes == 64 << 30
    manager.goto(f"{live_server.url}/media/")
    row = manager.locator("#media tr[data-label='KANZAI-SD-01']")
    assert "SDカード" in row.inner_text() and "sd" not in row.inner_text()
    context.close()


def test_vehicle_with_a_recorder_and_two_cameras(session_for, live_server, transactional_db):
    from hogo.registry import services
    from hogo.registry.models import Recorder, Vehicle
    from hogo.web.demo import load_demo

    load_demo(footage=False)
    context, admin = session_for("sysadmin")
    admin.goto(f"{live_server.url}/registry/register/")
    admin.click("[data-testid=new-vehicle]")
    admin.select_option("select[name=department]", label="総務部 管財課")
    admin.fill("input[name=registration]", "デモ 300 さ 10-77")
    admin.select_option("select[name=kind]", label="公用車")
    admin.fill("input[name=label]", "公用車7号")
    admin.click("[data-testid=save-vehicle]")
    admin.wait_for_selector("text=を登録しました。")
    assert admin.inner_text("[data-testid=registration]") == "デモ 300 さ 10-77"

    admin.click("[data-testid=new-recorder]")
    admin.fill("input[name=maker]", "デモ電機")
    admin.fill("input[name=model_name]", "DR-300")
    admin.fill("input[name=serial]", "DR300-0007")
    admin.fill("input[name=capacity_gb]", "128")
    admin.click("[data-testid=save-recorder]")  # no camera chosen: refused, input kept
    assert "付いているカメラを1つ以上選んでください。" in admin.content()
    assert admin.input_value("input[name=serial]") == "DR300-0007"
    admin.check("input[name=channels][value=front]")
    admin.check("input[name=channels][value=cabin]")
    _shot(admin, "register-recorder-form")
    admin.click("[data-testid=save-recorder]")
    admin.wait_for_selector("text=ドライブレコーダーを登録しました。")
    assert admin.inner_text("[data-testid='cameras-DR300-0007']").startswith("前方・車内")
    assert "front" not in admin.inner_text("#recorders")
    _shot(admin, "register-vehicle")
    context.close()

    vehicle = Vehicle.objects.get(registration="デモ 300 さ 10-77")
    recorder = Recorder.objects.get(serial="DR300-0007")
    assert recorder.vehicle == vehicle and recorder.capacity_bytes == 128 << 30
    assert services.channels_of(vehicle) == [("front", "前方"), ("cabin", "車内")]

    # The department sees it among its vehicles, with the cameras in words.
    context, manager = session_for("manager")
    manager.goto(f"{live_server.url}/registry/vehicles/")
    assert "前方・車内" in manager.inner_text("main")
    context.close()
