"""A copy in Chromium: the operator asks (a too-short reason is refused, the typed text kept;
only the vehicle's cameras are offered), the manager is alerted once and approves, the
operator is told and exports onto the medium they hold; reloading the password page leaves
one package and one medium row, and the package has a readable name."""

import datetime as dt

import pytest

pytestmark = pytest.mark.browser


def test_request_approve_and_export_a_copy(session_for, live_server, transactional_db):
    from hogo import clock
    from hogo.accounts.models import User
    from hogo.alerts.models import Alert
    from hogo.copies.models import Copy, CopyRequest
    from hogo.copies.packages import export_dir
    from hogo.media.models import Medium
    from hogo.media.services import check_out
    from hogo.registry.models import Vehicle
    from hogo.web.demo import footage_start, load_demo

    load_demo()
    operator_user = User.objects.get(username="operator")
    vehicle = Vehicle.objects.filter(department=operator_user.department).first()
    start = footage_start().astimezone(clock.JST) + dt.timedelta(seconds=10)
    end = start + dt.timedelta(seconds=20)

    context, operator = session_for("operator")
    operator.goto(f"{live_server.url}/copies/new/")
    operator.select_option("select[name=vehicle]", str(vehicle.pk))
    cameras = operator.inner_text("[data-testid=cameras]")
    assert "前方" in cameras and "後方" not in cameras and "front" not in cameras
    operator.fill("input[name=start]", start.strftime("%Y-%m-%dT%H:%M:%S"))
    operator.fill("input[name=end]", end.strftime("%Y-%m-%dT%H:%M:%S"))
    operator.check("input[name=channels][value=front]")
    operator.select_option("select[name=purpose]", "accident_investigation")
    operator.fill("textarea[name=justification]", "確認")
    operator.click("[data-testid=submit-request]")
    operator.wait_for_selector("text=10文字以上で具体的に書いてください")
    assert operator.input_value("textarea[name=justification]") == "確認"
    operator.fill("textarea[name=justification]", "庁舎前での接触事故の状況確認（照会 7-123）")
    operator.check("input[name=channels][value=front]")
    operator.click("[data-testid=submit-request]")
    operator.wait_for_selector("[data-testid=state]:has-text('承認待ち')")
    request = CopyRequest.objects.get()
    assert [a.recipient.username for a in Alert.objects.filter(
        kind="copies.requested")] == ["manager"]

    manager_context, manager = session_for("manager")
    manager.goto(f"{live_server.url}/copies/requests/{request.pk}/")
    manager.click("[data-testid=approve]")
    manager.wait_for_selector("[data-testid=state]:has-text('作成済み')")
    assert "保存期間の満了日" in manager.inner_text("main")
    manager_context.close()
    for kind in ("copies.approved", "copies.made"):
        assert [a.recipient.username for a in Alert.objects.filter(kind=kind)] == ["operator"]

    copy = Copy.objects.get(request=request)
    usb = Medium.objects.get(label="KANZAI-USB-01")
    check_out(operator_user, usb, purpose="保険会社への提出", due_on=clock.today_jst())
    operator.goto(f"{live_server.url}/copies/requests/{request.pk}/")
    assert "KANZAI-USB-02" not in operator.inner_text(f"[data-testid=export-{copy.pk}]")
    operator.click("[data-testid=export]")
    password = operator.inner_text("[data-testid=password]")
    operator.reload()
    assert operator.inner_text("[data-testid=password]") == password
    assert len(list(export_dir().glob(f"copy-{copy.pk:05d}-*.zip"))) == 1
    assert usb.contents.filter(copy=copy).count() == 1
    with operator.expect_download() as waiting:
        operator.click("[data-testid=download]")
    name = waiting.value.suggested_filename
    assert name == f"複製データ_#{copy.pk}_{clock.jst_date(copy.made_at):%Y-%m-%d}.zip"
    context.close()
