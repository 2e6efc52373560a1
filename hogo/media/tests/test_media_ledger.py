"""Media: every use recorded, overdue escalated, inventory finds the missing at once."""

import datetime as dt

import pytest

from hogo import clock
from hogo.alerts.models import Alert
from hogo.audit.models import AuditEntry
from hogo.media import services
from hogo.media.models import Cabinet, Medium, MediumState


@pytest.fixture
def usb(demo):
    return Medium.objects.get(label="KANZAI-USB-01")


def test_staff_checks_out_and_returns_on_screen(client_for, usb):
    staff = client_for("staff")
    due = (clock.today_jst() + dt.timedelta(days=2)).isoformat()
    staff.post(f"/media/{usb.pk}/", {"action": "checkout", "purpose": "保険会社への提出用",
                                     "due_on": due})
    usb.refresh_from_db()
    assert usb.state == MediumState.OUT
    assert "持出し中" in client_for("manager").get("/media/").content.decode()
    staff.post(f"/media/{usb.pk}/", {"action": "checkin", "condition": "内容を消去して返却"})
    usb.refresh_from_db()
    assert usb.state == MediumState.IN_CABINET
    actions = set(AuditEntry.objects.filter(object_id=str(usb.pk)).values_list("action",
                                                                                flat=True))
    assert {"medium.checked_out", "medium.checked_in"} <= actions


def test_a_medium_out_cannot_be_taken_twice(usb, user):
    services.check_out(user("staff"), usb, purpose="a", due_on=clock.today_jst())
    with pytest.raises(services.MediaError):
        services.check_out(user("operator"), usb, purpose="b", due_on=clock.today_jst())


def test_other_departments_cannot_use_it(usb, user, client_for):
    with pytest.raises(PermissionError):
        services.check_out(user("seiso-manager"), usb, purpose="x", due_on=clock.today_jst())
    assert client_for("seiso-manager").get(f"/media/{usb.pk}/").status_code == 403


def test_overdue_reaches_the_manager_then_the_privacy_officer(usb, user, client_for):
    services.record_content(user("operator"), usb, description="複製データ #1（事故映像）",
                            people=220)
    checkout = services.check_out(user("staff"), usb, purpose="提出", due_on=clock.today_jst())
    assert services.escalate_overdue(checkout.due_on) == 0
    assert services.escalate_overdue(checkout.due_on + dt.timedelta(days=1)) == 1
    alert = Alert.objects.get(key=f"overdue:{checkout.pk}")
    assert alert.department == usb.department and "延べ220人" in alert.message
    assert "返却されていません" in client_for("manager").get("/").content.decode()
    assert not Alert.objects.filter(key=f"overdue-escalated:{checkout.pk}").exists()
    services.escalate_overdue(checkout.due_on + dt.timedelta(days=4))
    assert Alert.objects.get(key=f"overdue-escalated:{checkout.pk}").department is None


def test_inventory_marks_a_missing_medium_and_notifies_at_once(client_for, usb, user):
    cabinet = Cabinet.objects.get(pk=usb.cabinet_id)
    staff = client_for("staff")
    response = staff.post(f"/media/cabinets/{cabinet.pk}/inventory/", follow=True)
    inventory_url = response.redirect_chain[-1][0]
    body = response.content.decode()
    assert "KANZAI-USB-01" in body and "KANZAI-USB-02" in body
    items = {i.medium.label: i for i in response.context["items"]}
    staff.post(f"/media/inventory-items/{items['KANZAI-USB-02'].pk}/", {"found": "yes"})
    staff.post(f"/media/inventory-items/{items['KANZAI-USB-01'].pk}/", {"found": "no"},
               HTTP_HX_REQUEST="true")
    usb.refresh_from_db()
    assert usb.state == MediumState.MISSING
    assert Alert.objects.filter(kind="media.missing", department=usb.department).exists()
    assert Alert.objects.filter(kind="media.missing", department__isnull=True).exists()
    assert "所在不明" in client_for("privacy").get("/").content.decode()
    staff.post(inventory_url, {"action": "finish"})
    assert Medium.objects.get(label="KANZAI-USB-02").state == MediumState.IN_CABINET


def test_unconfirmed_items_count_as_missing_when_the_inventory_ends(usb, user):
    inventory = services.start_inventory(user("staff"), usb.cabinet)
    services.finish_inventory(user("staff"), inventory)
    assert set(Medium.objects.filter(cabinet=usb.cabinet).values_list("state", flat=True)) == {
        MediumState.MISSING}


def test_wiping_leaves_a_record_and_empties_the_medium(client_for, usb, user):
    from hogo.footage.models import DeletionRecord

    services.record_content(user("operator"), usb, description="複製データ #9", people=3)
    assert client_for("staff").post(f"/media/{usb.pk}/", {
        "action": "wipe", "method": "x"}).status_code == 403
    client_for("manager").post(f"/media/{usb.pk}/", {"action": "wipe",
                                                     "method": "専用ソフトで全領域を上書き"})
    record = DeletionRecord.objects.get(rule="medium_wiped")
    assert "複製データ #9" in record.what and record.erased_by == "user:manager"
    assert services.holdings(usb) == "記録なし"


def test_a_missing_medium_is_announced_and_alerts_even_with_nobody_listening(usb, user):
    """Media tells the apps above it by `medium_missing`; it does not call them."""
    from hogo.media.signals import medium_missing

    heard = []

    def listener(sender, *, medium, user, why, **kwargs):
        heard.append((medium.pk, user.pk, why, medium.state))

    receivers = medium_missing.receivers
    medium_missing.receivers = []  # as if no app above media were installed
    medium_missing.sender_receivers_cache.clear()
    try:
        medium_missing.connect(listener, weak=False)
        assert services.mark_missing(user("staff"), usb, why="棚卸しで見つかりません") is None
    finally:
        medium_missing.receivers = receivers
        medium_missing.sender_receivers_cache.clear()
    assert heard == [(usb.pk, user("staff").pk, "棚卸しで見つかりません", MediumState.MISSING)]
    alert = Alert.objects.get(key=f"missing:{usb.pk}")
    assert "所在不明" in alert.message and "漏えい等事案" not in alert.message


def test_the_wipe_gate_is_the_models_and_the_service_enforces_it(client_for, usb, user):
    services.check_out(user("staff"), usb, purpose="a", due_on=clock.today_jst())
    usb.refresh_from_db()
    assert not usb.can_be_wiped and usb.can_be_checked_in and not usb.can_be_checked_out
    with pytest.raises(services.MediaError):
        services.wipe(user("manager"), usb, method="上書き")
    page = client_for("manager").get(f"/media/{usb.pk}/").content.decode()
    assert 'data-testid="wipe"' not in page
    services.check_in(user("staff"), usb, condition="返却")
    usb.refresh_from_db()
    assert usb.can_be_wiped
    page = client_for("manager").get(f"/media/{usb.pk}/").content.decode()
    assert 'data-testid="wipe"' in page
