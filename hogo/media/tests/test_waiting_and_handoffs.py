"""Media in the work queue (対応待ち) and the alerts at each hand-off: exactly one per event
and recipient, never to the actor; the inventory names who holds each loaned medium and
links the incident a missing one opened."""

import datetime as dt

import pytest

from hogo import clock
from hogo.alerts.models import Alert
from hogo.alerts.services import acknowledge
from hogo.alerts.waiting import waiting_for
from hogo.media import services, waiting
from hogo.media.models import Medium


@pytest.fixture
def usb(demo):
    return Medium.objects.get(label="KANZAI-USB-01")


def _kinds(person):
    return [(i.kind, i.title) for i in waiting_for(person) if i.kind.startswith("media.")]


def _later(days):
    return clock.frozen(clock.now() + dt.timedelta(days=days))


def test_the_holder_and_then_the_manager_see_an_overdue_medium(usb, user):
    staff, manager = user("staff"), user("manager")
    loan = services.check_out(staff, usb, purpose="提出", due_on=clock.today_jst())
    [item] = [i for i in waiting_for(staff) if i.kind == "media.return"]
    assert "KANZAI-USB-01" in item.title and item.url == f"/media/{usb.pk}/"
    assert item.due_on == loan.due_on and not item.overdue
    assert not any(kind == "media.overdue" for kind, _ in _kinds(manager))
    with _later(2):
        [item] = [i for i in waiting_for(staff) if i.kind == "media.return"]
        assert item.overdue
        [late] = [i for i in waiting_for(manager) if i.kind == "media.overdue"]
        assert "職員 三郎" in late.title and late.overdue
        assert not [k for k, _ in _kinds(user("seiso-manager")) if k == "media.overdue"]
        assert not [k for k, _ in _kinds(user("operator")) if k == "media.overdue"]
    services.check_in(staff, usb, condition="返却")
    with _later(2):
        assert not [k for k, _ in _kinds(staff) if k == "media.return"]
        assert not [k for k, _ in _kinds(manager) if k == "media.overdue"]


def test_an_inventory_due_within_a_week_waits_for_the_manager(usb, user):
    manager = user("manager")
    assert not [k for k, _ in _kinds(manager) if k == "media.inventory"]
    with _later(waiting.INVENTORY_EVERY_DAYS - 5):
        [item] = [i for i in waiting_for(manager) if i.kind == "media.inventory"]
        assert "施錠保管庫A" in item.title and item.url == "/media/cabinets/"
        assert not [k for k, _ in _kinds(user("staff")) if k == "media.inventory"]
        counted = services.start_inventory(user("staff"), usb.cabinet)
        assert [k for k, _ in _kinds(user("staff")) if k == "media.inventory_open"]
        for item in counted.items.all():
            services.confirm(user("staff"), item, found=True)
        services.finish_inventory(user("staff"), counted)
        assert not [k for k, _ in _kinds(manager) if k == "media.inventory"]
        assert not [k for k, _ in _kinds(user("staff")) if k == "media.inventory_open"]


def test_a_medium_handed_to_someone_alerts_them_once_and_its_return_the_manager(
        usb, user, client_for):
    staff, manager = user("staff"), user("manager")
    client_for("manager").post(f"/media/{usb.pk}/", {
        "action": "checkout", "purpose": "保険会社への提出", "holder": staff.pk,
        "due_on": (clock.today_jst() + dt.timedelta(days=2)).isoformat()})
    loan = services.open_checkout(usb)
    assert loan.taken_by == staff
    handed = Alert.objects.filter(kind="media.handed_out")
    assert [(a.recipient_id, a.link) for a in handed] == [(staff.pk, f"/media/{usb.pk}/")]
    assert "管財 一郎さん" in handed[0].message and "令和" in handed[0].message
    services.check_in(staff, usb, condition="内容を消去して返却")
    returned = Alert.objects.filter(kind="media.returned")
    assert [a.recipient_id for a in returned] == [manager.pk]
    assert "内容を消去して返却" in returned[0].message


def test_only_a_manager_may_hand_a_medium_to_someone_else(usb, user):
    with pytest.raises(PermissionError):
        services.check_out(user("staff"), usb, purpose="x", due_on=clock.today_jst(),
                           holder=user("operator"))
    with pytest.raises(services.MediaError):
        services.check_out(user("manager"), usb, purpose="x", due_on=clock.today_jst(),
                           holder=user("seiso-manager"))
    services.check_out(user("manager"), usb, purpose="自分で", due_on=clock.today_jst())
    assert not Alert.objects.filter(kind="media.handed_out").exists()


def test_the_manager_returning_their_own_loan_is_not_told(usb, user):
    services.check_out(user("manager"), usb, purpose="自分で", due_on=clock.today_jst())
    services.check_in(user("manager"), usb, condition="返却")
    assert not Alert.objects.filter(kind="media.returned").exists()


def test_someone_else_returning_it_tells_the_holder(usb, user):
    staff, operator, manager = user("staff"), user("operator"), user("manager")
    services.check_out(staff, usb, purpose="提出", due_on=clock.today_jst())
    services.check_in(operator, usb, condition="代わりに返却")
    recipients = sorted(Alert.objects.filter(kind="media.returned").values_list(
        "recipient_id", flat=True))
    assert recipients == sorted([manager.pk, staff.pk])


def test_an_overdue_loan_alerts_each_recipient_once_even_after_acknowledgement(usb, user):
    staff = user("staff")
    loan = services.check_out(staff, usb, purpose="提出", due_on=clock.today_jst())
    day = loan.due_on + dt.timedelta(days=1)
    services.escalate_overdue(day)
    holder_alerts = Alert.objects.filter(kind="media.overdue", recipient=staff)
    assert holder_alerts.count() == 1
    for alert in Alert.objects.filter(kind="media.overdue"):
        acknowledge(alert, by=user("privacy") if alert.recipient_id is None else staff)
    services.escalate_overdue(day)
    services.escalate_overdue(day + dt.timedelta(days=5))
    assert holder_alerts.count() == 1
    assert Alert.objects.filter(key=f"overdue:{loan.pk}").count() == 1
    assert Alert.objects.filter(key=f"overdue-escalated:{loan.pk}").count() == 1


def test_the_inventory_names_the_holder_and_links_the_incident(usb, user, client_for):
    services.check_out(user("operator"), usb, purpose="提出", due_on=clock.today_jst())
    staff = client_for("staff")
    response = staff.post(f"/media/cabinets/{usb.cabinet_id}/inventory/", follow=True)
    page = response.content.decode()
    assert "持出し者：操作 次郎" in page
    [item] = [i for i in response.context["items"] if i.medium_id == usb.pk]
    swapped = staff.post(f"/media/inventory-items/{item.pk}/", {"found": "no"},
                         HTTP_HX_REQUEST="true").content.decode()
    usb.refresh_from_db()
    assert usb.missing_reference and usb.missing_link.startswith("/incidents/")
    assert f'href="{usb.missing_link}"' in swapped and usb.missing_reference in swapped
    assert "持出し者：操作 次郎" in swapped
    board = client_for("manager").get("/media/").content.decode()
    assert f'href="{usb.missing_link}"' in board


def test_only_a_manager_is_offered_whom_to_hand_it_to(usb, user, client_for):
    manager = user("manager")
    page = client_for("manager").get(f"/media/{usb.pk}/").content.decode()
    assert f'<option value="{manager.pk}" selected>管財 一郎</option>' in page
    assert "職員 三郎</option>" in page and "清掃 六子" not in page
    assert 'name="holder"' not in client_for("staff").get(f"/media/{usb.pk}/").content.decode()
