"""Intake: a letter entered by staff (complete or not), accepted by a handler and routed to
the vehicle's department; corrections in 経過; withdrawal; the originals pinned meanwhile;
alerts and work-queue items to the people who act next, never to the actor."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from hogo import clock
from hogo.alerts.models import Alert
from hogo.alerts.waiting import waiting_for
from hogo.audit.models import AuditEntry
from hogo.clock import JST
from hogo.footage.ingest import ingest_file
from hogo.footage.models import HoldKind
from hogo.provision import intake
from hogo.provision.models import Event, ProvisionRequest, Received, RequestState
from hogo.registry.models import Vehicle

T0 = dt.datetime(2025, 6, 3, 14, 0, 0, tzinfo=JST)


@pytest.fixture
def footage(recorder, continuous_clips):
    return [ingest_file(recorder, c, c.name, by="test").segment for c in continuous_clips]


def letter(vehicle, **changes):
    """A police inquiry under CCP 197(2), as its letter says."""
    data = {"recipient_kind": "police", "requester_name": "デモ県中央警察署",
            "requester_address": "デモ市中央一丁目1番1号",
            "representative": "中央警察署長 警察 太郎", "person_in_charge": "刑事課 捜査 一郎",
            "basis": "ccp_197_2", "letter_reference": "中央刑第123号",
            "purpose": "令和7年6月3日の交通事故の捜査のため", "vehicle": vehicle,
            "start_at": T0 + dt.timedelta(seconds=30), "end_at": T0 + dt.timedelta(minutes=2),
            "channels": ["front"]}
    return {**data, **changes}


def recipients(kind):
    return sorted(a.recipient.username for a in Alert.objects.filter(kind=kind))


def kinds(person):
    return [item.kind for item in waiting_for(person)]


def test_a_complete_letter_is_entered_accepted_and_routed(recorder, footage, user):
    made = intake.enter(user("staff"), letter(recorder.vehicle))
    year = clock.today_jst().year
    assert made.number == f"{year}-P001" and made.state == RequestState.INCOMPLETE
    assert made.missing == [] and made.received_via == Received.LETTER
    # The handlers of the vehicle's department and the privacy officer take it in.
    assert recipients("provision.received") == ["manager", "operator", "privacy"]
    assert "provision.take_in" in kinds(user("operator"))
    assert "provision.take_in" not in kinds(user("staff"))
    assert "provision.take_in" not in kinds(user("seiso-manager"))

    accepted = intake.accept(user("operator"), made)
    assert accepted.state == RequestState.RECEIVED
    assert accepted.department == recorder.vehicle.department
    assert accepted.accepted_by == user("operator")
    assert accepted.due_on == clock.today_jst() + dt.timedelta(days=14)
    accepted.refresh_from_db()
    assert accepted.assessment["allowed"] is True  # law-based (CCP 197(2)), kept for the page
    # The department's manager decides; the operator who accepted is not told.
    assert recipients("provision.to_decide") == ["manager"]
    [alert] = Alert.objects.filter(kind="provision.to_decide")
    assert alert.link == reverse("provision:detail", args=[made.pk])
    assert "provision.take_in" not in kinds(user("manager"))
    assert AuditEntry.objects.filter(action="provision.accepted",
                                     object_id=str(made.pk)).exists()
    assert intake.enter(user("staff"), letter(recorder.vehicle)).number == f"{year}-P002"


def test_acceptance_pins_the_originals_and_withdrawal_releases_them(recorder, footage, user):
    made = intake.enter(user("staff"), letter(recorder.vehicle))
    accepted = intake.accept(user("manager"), made)
    hold = accepted.hold
    assert hold.kind == HoldKind.PROVISION_REQUEST and hold.released_at is None
    pinned = set(hold.segments.values_list("pk", flat=True))
    assert pinned == {s.pk for s in footage[:2]}  # 14:00:30-14:02 touches the first two
    assert Alert.objects.filter(kind="provision.to_decide").count() == 0  # manager = actor

    intake.withdraw(user("manager"), accepted, "請求者から取下げの連絡があった")
    accepted.refresh_from_db()
    hold.refresh_from_db()
    assert accepted.state == RequestState.WITHDRAWN and accepted.closed_by == user("manager")
    assert hold.released_at is not None
    assert not accepted.is_open
    with pytest.raises(intake.ProvisionError):
        intake.withdraw(user("manager"), accepted, "もう一度")


def test_a_correction_repins_and_lists_the_changed_fields(recorder, footage, user, client_for):
    made = intake.enter(user("manager"), letter(recorder.vehicle, requester_address="",
                                                end_at=T0 + dt.timedelta(seconds=50)))
    assert made.missing == ["requester_address"]
    assert set(made.hold.segments.values_list("pk", flat=True)) == {footage[0].pk}
    first_hold = made.hold
    updated = intake.update(user("manager"), made, {
        "requester_address": "デモ市中央一丁目1番1号",
        "end_at": T0 + dt.timedelta(minutes=2, seconds=30)})
    assert updated.missing == []
    assert set(updated.hold.segments.values_list("pk", flat=True)) == {
        s.pk for s in footage}
    first_hold.refresh_from_db()
    assert first_hold.released_at is not None
    event = Event.objects.get(request=made, action="updated")
    assert event.detail["fields"] == ["end_at", "requester_address"]
    page = client_for("manager").get(reverse("provision:detail", args=[made.pk]))
    text = page.content.decode()
    assert "内容を修正しました（終了日時、住所又は所在地）" in text
    assert "書面による申請を登録しました。 不足している事項：請求者の住所又は所在地" in text


def test_a_handlers_own_entry_is_in_nobodys_queue_of_theirs(recorder, user):
    made = intake.enter(user("manager"), letter(recorder.vehicle, purpose=""))
    assert made.missing == ["purpose"]
    assert "provision.complete" not in kinds(user("manager"))  # the actor
    assert "provision.complete" in kinds(user("operator"))
    assert "provision.complete" in kinds(user("privacy"))
    assert "manager" not in recipients("provision.received")
    [alert] = Alert.objects.filter(kind="provision.received", recipient=user("operator"))
    assert "不足" in alert.message


def test_enter_and_accept_at_once_tells_no_one_to_take_it_in(recorder, user):
    made = intake.enter(user("operator"), letter(recorder.vehicle), accept_now=True)
    assert made.state == RequestState.RECEIVED
    assert Alert.objects.filter(kind="provision.received").count() == 0
    assert recipients("provision.to_decide") == ["manager"]


@pytest.mark.parametrize(("changes", "missing"), [
    ({"requester_address": ""}, ["requester_address"]),
    ({"representative": "", "person_in_charge": " "}, ["representative", "person_in_charge"]),
    ({"basis": "statute"}, ["basis_detail"]),
    ({"letter_reference": ""}, ["letter_reference"]),
    ({"vehicle": None, "channels": []}, ["data"]),
    ({"vehicle": None, "channels": [], "place": "中央一丁目交差点"}, []),
    ({"end_at": T0}, ["range"]),
    ({"start_at": None}, ["start_at"]),
    ({"channels": []}, ["channels"]),
    ({"basis": "consent"}, ["consent_on"]),
    ({"recipient_kind": "individual", "is_organisation": False, "basis": "consent",
      "consent_on": dt.date(2025, 6, 10), "letter_reference": "", "representative": "",
      "person_in_charge": ""}, []),
])
def test_the_own_rules_items_are_checked(recorder, user, changes, missing):
    made = intake.enter(user("staff"), letter(**{"vehicle": recorder.vehicle, **changes}))
    assert made.missing == missing


def test_an_incomplete_request_cannot_be_accepted_and_says_why(recorder, user):
    made = intake.enter(user("staff"), letter(recorder.vehicle, requester_address=""))
    with pytest.raises(intake.Incomplete) as refused:
        intake.accept(user("manager"), made)
    assert refused.value.missing == ["requester_address"]
    assert "デモ市" in refused.value.reasons[0] and "第9条" in refused.value.reasons[0]
    assert "「請求者の住所又は所在地」が記載されていません。" in refused.value.reasons
    made.refresh_from_db()
    assert made.state == RequestState.INCOMPLETE


def test_a_request_without_a_vehicle_cannot_be_accepted(user):
    made = intake.enter(user("staff"), letter(None, channels=[], vehicle_text="白い公用車"))
    assert made.missing == [] and made.department is None and made.hold is None
    with pytest.raises(intake.Incomplete) as refused:
        intake.accept(user("manager"), made)
    assert refused.value.missing == ["vehicle"]


def test_an_accepted_request_cannot_lose_an_item(recorder, user):
    made = intake.accept(user("manager"), intake.enter(user("staff"), letter(recorder.vehicle)))
    with pytest.raises(intake.Incomplete):
        intake.update(user("manager"), made, {"requester_address": ""})
    made.refresh_from_db()
    assert made.requester_address and made.state == RequestState.RECEIVED


def test_another_departments_manager_cannot_accept(recorder, user):
    made = intake.enter(user("staff"), letter(recorder.vehicle))
    with pytest.raises(PermissionError):
        intake.accept(user("seiso-manager"), made)
    with pytest.raises(PermissionError):
        intake.enter(user("sysadmin"), letter(recorder.vehicle))


def test_a_camera_the_vehicle_lacks_is_refused(recorder, user):
    with pytest.raises(intake.ProvisionError, match="カメラ"):
        intake.enter(user("staff"), letter(recorder.vehicle, channels=["cabin"]))


# --- screens --------------------------------------------------------------------------


def form_data(vehicle: Vehicle | None, **changes):
    data = {"recipient_kind": "police", "requester_name": "デモ県中央警察署",
            "requester_address": "デモ市中央一丁目1番1号", "representative": "中央警察署長",
            "person_in_charge": "刑事課 捜査 一郎", "basis": "ccp_197_2",
            "letter_reference": "中央刑第123号", "purpose": "交通事故の捜査のため",
            "vehicle": vehicle.pk if vehicle else "", "start_at": "2025-06-03T14:00",
            "end_at": "2025-06-03T14:02", "channels": ["front"], "record_form": "single"}
    return {**data, **changes}


def test_a_letter_without_address_is_kept_and_cannot_be_accepted(recorder, client_for):
    staff = client_for("staff")
    response = staff.post(reverse("provision:new"), form_data(
        recorder.vehicle, requester_address=""), follow=True)
    page = response.content.decode()
    made = ProvisionRequest.objects.get()
    assert made.state == RequestState.INCOMPLETE and made.missing == ["requester_address"]
    assert made.requester_name == "デモ県中央警察署" and made.letter_reference == "中央刑第123号"
    assert made.start_at == dt.datetime(2025, 6, 3, 14, 0, tzinfo=JST)
    assert 'data-testid="missing"' in page and "請求者の住所又は所在地" in page
    assert "受付前（補正待ち）" in page

    manager = client_for("manager")
    response = manager.post(reverse("provision:accept", args=[made.pk]), follow=True)
    page = response.content.decode()
    assert "「請求者の住所又は所在地」が記載されていません。" in page
    made.refresh_from_db()
    assert made.state == RequestState.INCOMPLETE
    edit = manager.get(reverse("provision:edit", args=[made.pk])).content.decode()
    assert 'value="中央刑第123号"' in edit and 'value="2025-06-03T14:00"' in edit

    response = manager.post(reverse("provision:edit", args=[made.pk]), form_data(
        recorder.vehicle, action="accept"), follow=True)
    made.refresh_from_db()
    assert made.state == RequestState.RECEIVED
    assert "受け付けました" in response.content.decode()


def test_a_bad_date_keeps_everything_typed(recorder, client_for):
    response = client_for("staff").post(reverse("provision:new"), form_data(
        recorder.vehicle, start_at="2025-13-45T99:99"))
    page = response.content.decode()
    assert response.status_code == 200 and not ProvisionRequest.objects.exists()
    assert 'value="デモ県中央警察署"' in page and "交通事故の捜査のため" in page


def test_an_accepted_edit_that_drops_an_item_is_refused_on_the_form(recorder, client_for,
                                                                   user):
    made = intake.accept(user("manager"), intake.enter(user("staff"), letter(recorder.vehicle)))
    response = client_for("manager").post(reverse("provision:edit", args=[made.pk]),
                                          form_data(recorder.vehicle, requester_address=""))
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="refusals"' in page
    assert 'value="デモ県中央警察署"' in page


@pytest.fixture
def three_requests(recorder, user, demo):
    seiso = Vehicle.objects.get(label="収集車1号")
    kanzai = intake.enter(user("staff"), letter(recorder.vehicle, requester_name="管財の件"))
    seiso_one = intake.enter(user("seiso-manager"), letter(
        seiso, requester_name="清掃の件", channels=["front"]))
    web = ProvisionRequest.objects.create(
        organisation=demo, number="2099-P999", received_via=Received.WEB,
        recipient_kind="insurer", requester_name="ウェブの件", received_at=clock.now())
    return kanzai, seiso_one, web


@pytest.mark.parametrize(("username", "seen"), [
    ("privacy", {"管財の件", "清掃の件", "ウェブの件"}),
    ("auditor", {"管財の件", "清掃の件", "ウェブの件"}),
    ("manager", {"管財の件", "ウェブの件"}),
    ("operator", {"管財の件", "ウェブの件"}),
    ("seiso-manager", {"清掃の件", "ウェブの件"}),
    ("staff", {"管財の件"}),
])
def test_the_inbox_shows_what_each_role_may_see(three_requests, client_for, username, seen):
    page = client_for(username).get(reverse("provision:inbox")).content.decode()
    shown = {name for name in ("管財の件", "清掃の件", "ウェブの件") if name in page}
    assert shown == seen
    kanzai, seiso_one, _web = three_requests
    detail = client_for(username).get(reverse("provision:detail", args=[seiso_one.pk]))
    assert detail.status_code == (200 if "清掃の件" in seen else 403)


def test_the_inbox_is_refused_to_the_system_administrator(client_for):
    assert client_for("sysadmin").get(reverse("provision:inbox")).status_code == 403


def test_the_inbox_filters_and_marks_overdue(three_requests, client_for, user):
    kanzai, _seiso, _web = three_requests
    accepted = intake.accept(user("manager"), kanzai)
    ProvisionRequest.objects.filter(pk=accepted.pk).update(
        due_on=clock.today_jst() - dt.timedelta(days=1))
    privacy = client_for("privacy")
    page = privacy.get(reverse("provision:inbox"), {"overdue": "1"}).content.decode()
    assert "管財の件" in page and "清掃の件" not in page and 'data-testid="overdue"' in page
    assert "令和" in page
    page = privacy.get(reverse("provision:inbox"), {"state": "received"}).content.decode()
    assert "管財の件" in page and "ウェブの件" not in page
    page = privacy.get(reverse("provision:inbox"), {"state": "", "via": "web"}).content.decode()
    assert "ウェブの件" in page and "管財の件" not in page


def test_the_detail_page_is_audited_and_shows_the_timeline(three_requests, client_for):
    kanzai, _seiso, _web = three_requests
    page = client_for("privacy").get(reverse("provision:detail", args=[kanzai.pk]))
    text = page.content.decode()
    assert "書面による申請を登録しました。" in text and "中央刑第123号" in text
    assert AuditEntry.objects.filter(action="provision.viewed",
                                     object_id=str(kanzai.pk)).exists()


def test_withdraw_on_screen(recorder, footage, client_for, user):
    made = intake.enter(user("staff"), letter(recorder.vehicle))
    manager = client_for("manager")
    url = reverse("provision:withdraw", args=[made.pk])
    assert manager.post(url, {"reason": ""}).status_code == 200
    response = manager.post(url, {"reason": "補正の求めに応じなかった"}, follow=True)
    made.refresh_from_db()
    assert made.state == RequestState.WITHDRAWN and made.hold.released_at is not None
    assert "取下げ・受付不可としました。理由：補正の求めに応じなかった" in response.content.decode()
    assert client_for("staff").post(url, {"reason": "x"}).status_code == 403


def test_the_receipt_letter_prints_in_wareki_with_the_own_rule(recorder, client_for, user,
                                                               demo):
    made = intake.enter(user("staff"), letter(recorder.vehicle, requester_address=""))
    page = client_for("manager").get(reverse("provision:receipt_letter", args=[made.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and '<meta charset="utf-8">' in text
    assert made.number in text and str(demo) in text and "令和" in text
    assert "第9条" in text and "補正をお願いする事項" in text and "請求者の住所又は所在地" in text
    assert "デモ県中央警察署" in text
    assert AuditEntry.objects.filter(action="provision.viewed",
                                     detail__contains="receipt_letter").exists()
