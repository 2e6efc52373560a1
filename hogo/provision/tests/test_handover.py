"""Hand-over of an approved provision: on a medium the person has checked out (the export is
recorded, the medium knows it holds the copy), the signed undertakings, the erasure chased
once a day until it is confirmed, and the confirmation closing the request and releasing
the originals it pinned."""

from __future__ import annotations

import datetime as dt

import pytest

from hogo import clock
from hogo.alerts.models import Alert
from hogo.audit.models import AuditEntry
from hogo.clock import JST
from hogo.copies import services as copies
from hogo.copies.models import Copy
from hogo.footage.ingest import ingest_file
from hogo.footage.models import Hold
from hogo.media.models import Medium
from hogo.media.services import MediaError, check_out
from hogo.provision import common, handover
from hogo.provision.models import (
    Basis,
    ErasureHow,
    HandOver,
    Method,
    Outcome,
    ProvisionRequest,
    RecipientKind,
    RequestState,
)
from hogo.rules.copies import PROVISION_PURPOSE

T0 = dt.datetime(2025, 6, 3, 14, 0, 0, tzinfo=JST)
NUMBER = "2026-P901"


@pytest.fixture
def approved(demo, recorder, continuous_clips, user):
    """A police inquiry (CCP 197(2)) approved for one minute of the front camera, its copy
    made through the copy workflow and its originals pinned: built with the ORM."""
    for clip in continuous_clips:
        ingest_file(recorder, clip, clip.name, by="test")
    manager = user("manager")
    start, end = T0 + dt.timedelta(seconds=62), T0 + dt.timedelta(seconds=124)
    copy_request = copies.request_copy(
        manager, vehicle=recorder.vehicle, start=start, end=end, channels=["front"],
        audio=False, purpose=PROVISION_PURPOSE, justification=f"提供申請 {NUMBER} の提供決定",
        provision_reference=NUMBER)
    now = clock.now()
    request = ProvisionRequest.objects.create(
        organisation=demo, department=recorder.vehicle.department, number=NUMBER,
        received_via="letter", state=RequestState.APPROVED,
        recipient_kind=RecipientKind.POLICE, requester_name="デモ警察署",
        requester_address="デモ市中央1-1", is_organisation=True, representative="署長 警察 太郎",
        person_in_charge="捜査課 担当 次郎", basis=Basis.CCP_197_2,
        letter_reference="デモ署刑第123号", purpose="交通事故の捜査", vehicle=recorder.vehicle,
        start_at=start, end_at=end, channels=["front"], received_at=now, entered_by=manager,
        accepted_at=now, accepted_by=manager, outcome=Outcome.APPROVE, decided_by=manager,
        decided_at=now, approved_start_at=start, approved_end_at=end,
        approved_channels=["front"])
    request.copy_requests.add(copy_request)
    common.pin_originals(request, by=manager)
    request.save()
    return request


@pytest.fixture
def copy(approved):
    return Copy.objects.get(request__in=approved.copy_requests.all())


@pytest.fixture
def usb(user):
    medium = Medium.objects.get(label="KANZAI-USB-01")
    check_out(user("operator"), medium, purpose="提供申請の引渡し", due_on=clock.today_jst())
    medium.refresh_from_db()
    return medium


def on_medium(user, approved, copy, usb, **changes):
    return handover.hand_over_on_medium(user("operator"), approved, copy, usb,
                                        **{"recipient_name": "捜査課 担当 次郎", **changes})


def test_only_copies_made_for_the_request_and_their_masked_copies(approved, copy, recorder,
                                                                   user):
    masked = Copy.objects.create(
        request=copy.request, channel=copy.channel, stored=copy.stored, sha256=copy.sha256,
        size=copy.size, actual_start=copy.actual_start, actual_end=copy.actual_end,
        made_at=clock.now(), expires_on=copy.expires_on, parent=copy, manifest={})
    other = copies.request_copy(
        user("manager"), vehicle=recorder.vehicle, start=T0, end=T0 + dt.timedelta(seconds=50),
        channels=["front"], audio=False, purpose="accident_investigation",
        justification="別件の事故の確認のため")
    # masked (processed) copies first: the minimum scope is offered first
    assert [c.pk for c in handover.available_copies(approved)] == [masked.pk, copy.pk]
    with pytest.raises(handover.HandOverError, match="この申請のために作成された"):
        handover.hand_over_by_link(user("operator"), approved, other.copies.get(),
                                   recipient_name="受領者")


def test_hand_over_on_a_checked_out_medium(approved, copy, usb, user):
    made, export = on_medium(user, approved, copy, usb)
    approved.refresh_from_db()
    assert approved.state == RequestState.HANDED_OVER
    assert made.method == Method.MEDIUM and made.medium == usb
    assert made.password_fingerprint == export.fingerprint and export.password
    assert made.package_sha256 == export.sha256 and export.path.exists()
    assert made.erasure_due_on == clock.today_jst() + dt.timedelta(days=90)  # city profile
    assert usb.contents.filter(copy=copy).count() == 1  # the medium knows what it holds
    assert AuditEntry.objects.filter(action="copy.exported").count() == 1
    entry = AuditEntry.objects.get(action="provision.handed_over")
    assert NUMBER in entry.detail and export.password not in entry.detail
    from hogo.provision.intake import word_event

    line = word_event(approved.events.get(action="handed_over"))
    assert "捜査課 担当 次郎さんに記録媒体 KANZAI-USB-01 で引き渡しました" in line
    assert "令和" in line


def test_double_submit_records_one_hand_over(approved, copy, usb, user):
    session: dict = {}
    first, export = on_medium(user, approved, copy, usb, pending=session)
    second, same = on_medium(user, approved, copy, usb, pending=session)
    assert first == second and export.password == same.password
    assert HandOver.objects.filter(request=approved).count() == 1
    assert usb.contents.filter(copy=copy).count() == 1


def test_medium_must_be_in_the_persons_hands(approved, copy, user):
    cabinet = Medium.objects.get(label="KANZAI-USB-02")  # still in its cabinet
    with pytest.raises(MediaError, match="持出し中"):
        handover.hand_over_on_medium(user("operator"), approved, copy, cabinet,
                                     recipient_name="担当")
    assert not HandOver.objects.exists()
    approved.refresh_from_db()
    assert approved.state == RequestState.APPROVED


def test_who_may_hand_over(approved, copy, usb, user):
    for name in ("staff", "seiso-manager", "auditor"):
        with pytest.raises(PermissionError):
            handover.hand_over_by_link(user(name), approved, copy, recipient_name="担当")
    approved.state = RequestState.RECEIVED
    approved.save()
    with pytest.raises(handover.HandOverError, match="提供が決定された"):
        on_medium(user, approved, copy, usb)


def test_signed_undertaking_is_recorded_once(approved, copy, usb, user):
    made, _ = on_medium(user, approved, copy, usb)
    with pytest.raises(handover.HandOverError, match="氏名"):
        handover.confirm_undertaking(user("operator"), made, name=" ", how="")
    handover.confirm_undertaking(user("operator"), made, name="捜査課 担当 次郎", how="")
    made.refresh_from_db()
    assert made.undertaking_confirmed_name == "捜査課 担当 次郎"
    assert made.undertaking_how == "書面に署名" and made.undertaking_confirmed_at
    assert AuditEntry.objects.filter(action="provision.undertaking_confirmed").exists()
    with pytest.raises(handover.HandOverError):
        handover.confirm_undertaking(user("operator"), made, name="別人", how="")


def reminders(handover_row):
    return Alert.objects.filter(kind=handover.ERASURE_DUE,
                                key__contains=f":erasure:{handover_row.pk}:")


def test_erasure_is_chased_once_a_day_until_confirmed(approved, copy, usb, user, mailoutbox,
                                                      django_capture_on_commit_callbacks):
    made, _ = on_medium(user, approved, copy, usb)
    due = made.erasure_due_on
    assert handover.chase_erasures(due - dt.timedelta(days=8)) == 0  # not yet
    with django_capture_on_commit_callbacks(execute=True):
        soon = handover.chase_erasures(due - dt.timedelta(days=7))
    # those the permission lets record the erasure (the privacy officer, the department's
    # manager and operator; the operator also handed over), one alert each
    assert soon == 3
    assert {a.recipient.username for a in reminders(made)} == {"privacy", "manager",
                                                                "operator"}
    assert len(mailoutbox) == 1 and set(mailoutbox[0].to) == {
        "privacy@demo.city.example.jp", "manager@demo.city.example.jp",
        "operator@demo.city.example.jp"}
    assert handover.chase_erasures(due - dt.timedelta(days=3)) == 0  # the week's one notice
    for alert in Alert.objects.filter(kind=handover.ERASURE_DUE):
        alert.acknowledged_at = clock.now()
        alert.save()
    assert handover.chase_erasures(due) == 3  # the due day
    assert handover.chase_erasures(due) == 0  # the same day again: nothing, even acknowledged
    assert handover.chase_erasures(due + dt.timedelta(days=1)) == 3  # the next day
    assert reminders(made).count() == 9
    text = reminders(made).order_by("-pk").first().message
    assert NUMBER in text and "消去等" in text
    # the work queue shows it, overdue, to those who record the erasure
    with clock.frozen(dt.datetime.combine(due + dt.timedelta(days=1), dt.time(9), JST)):
        items = [i for i in handover.waiting(user("manager")) if i.kind == "provision.erasure"]
        assert len(items) == 1 and items[0].due_on == due and items[0].overdue
        assert not [i for i in handover.waiting(user("seiso-manager"))
                    if i.kind == "provision.erasure"]

    handover.confirm_erasure(user("manager"), made, how=ErasureHow.ERASED,
                             note="消去報告書（令和8年）受領", confirmed_on=clock.today_jst())
    assert handover.chase_erasures(due + dt.timedelta(days=2)) == 0
    assert not [i for i in handover.waiting(user("manager")) if i.kind == "provision.erasure"]


def test_confirmation_closes_the_request_and_releases_the_originals(approved, copy, usb, user,
                                                                    mailoutbox):
    hold = Hold.objects.get(pk=approved.hold_id)
    assert hold.released_at is None
    made, _ = on_medium(user, approved, copy, usb)
    with pytest.raises(handover.HandOverError, match="処理の内容"):
        handover.confirm_erasure(user("operator"), made, how="burnt", note="",
                                 confirmed_on=clock.today_jst())
    with pytest.raises(handover.HandOverError, match="今日までの日"):
        handover.confirm_erasure(user("operator"), made, how=ErasureHow.RETURNED, note="",
                                 confirmed_on=clock.today_jst() + dt.timedelta(days=1))
    with pytest.raises(PermissionError):
        handover.confirm_erasure(user("staff"), made, how=ErasureHow.RETURNED, note="",
                                 confirmed_on=clock.today_jst())
    handover.confirm_erasure(user("operator"), made, how=ErasureHow.RETURNED,
                             note="記録媒体の返却を受けた", confirmed_on=clock.today_jst())
    approved.refresh_from_db()
    hold.refresh_from_db()
    assert approved.state == RequestState.CLOSED and approved.closed_by == user("operator")
    assert approved.closed_at is not None and hold.released_at is not None
    assert AuditEntry.objects.filter(action="provision.erasure_confirmed").exists()
    assert AuditEntry.objects.filter(action="provision.closed").exists()
    assert approved.events.filter(action="closed").exists()
    # the manager who decided is told (the operator closed it)
    assert Alert.objects.filter(kind=handover.CLOSED, recipient=user("manager")).exists()
    with pytest.raises(handover.HandOverError, match="記録済み"):
        handover.confirm_erasure(user("operator"), made, how=ErasureHow.ERASED, note="",
                                 confirmed_on=clock.today_jst())


def test_the_request_waits_for_every_hand_over(approved, copy, usb, user):
    first, _ = on_medium(user, approved, copy, usb, recipient_name="担当 一")
    second, *_ = handover.hand_over_by_link(user("operator"), approved, copy,
                                            recipient_name="担当 二")
    second.links.update(used_at=clock.now())  # fetched
    handover.confirm_erasure(user("manager"), first, how=ErasureHow.ERASED, note="",
                             confirmed_on=clock.today_jst())
    approved.refresh_from_db()
    assert approved.state == RequestState.HANDED_OVER
    handover.confirm_erasure(user("manager"), second, how=ErasureHow.ERASED, note="",
                             confirmed_on=clock.today_jst())
    approved.refresh_from_db()
    assert approved.state == RequestState.CLOSED


def test_work_queue_and_panel(approved, copy, usb, user, rf):
    queue = [i.kind for i in handover.waiting(user("operator"))]
    assert "provision.hand_over" in queue
    assert "provision.hand_over" not in [i.kind for i in handover.waiting(user("staff"))]
    http = rf.get("/")
    http.user = user("operator")
    page = handover.panel(http, approved)
    assert 'data-testid="hand-over-medium"' in page and "KANZAI-USB-01" in page
    assert 'data-testid="hand-over-link"' in page
    made, _ = on_medium(user, approved, copy, usb)
    approved.refresh_from_db()
    queue = [i.kind for i in handover.waiting(user("operator"))]
    assert "provision.hand_over" not in queue and "provision.undertaking" in queue
    page = handover.panel(http, approved)
    assert f'data-testid="handover-{made.pk}"' in page
    assert f"/provision/handovers/{made.pk}/letters/handover/" in page
    assert f'data-testid="confirm-undertaking-{made.pk}"' in page


def test_screens_hand_over_and_letters(approved, copy, usb, client_for, user):
    client = client_for("operator")
    bad = client.post(f"/provision/{approved.pk}/hand-over/", {
        "method": "medium", "copy": copy.pk, "medium": usb.pk, "recipient_name": ""})
    body = bad.content.decode()
    assert bad.status_code == 400 and "受領者の氏名を入力してください" in body
    done = client.post(f"/provision/{approved.pk}/hand-over/", {
        "method": "medium", "copy": copy.pk, "medium": usb.pk,
        "recipient_name": "捜査課 担当 次郎"})
    assert done.status_code == 200 and done["Cache-Control"] == "no-store"
    export = done.context["export"]
    assert export.password in done.content.decode()
    assert client.get(f"/copies/exports/{export.token}/").status_code == 200
    made = HandOver.objects.get(request=approved)
    letter = client.get(f"/provision/handovers/{made.pk}/letters/handover/").content.decode()
    assert "提供データ受領書兼遵守事項確認書" in letter and "デモ市" in letter
    assert "デモ市公用車ドライブレコーダーの設置及び管理運用に関する規則第10条" in letter
    assert "令和" in letter and made.password_fingerprint in letter
    assert export.password not in letter and "芦屋" not in letter
    reminder = client.get(f"/provision/handovers/{made.pk}/letters/reminder/").content.decode()
    assert "消去等の確認のお願い" in reminder and "デモ警察署" in reminder
    assert AuditEntry.objects.filter(action="provision.letter_printed").count() == 2
    assert client_for("seiso-manager").get(
        f"/provision/handovers/{made.pk}/letters/handover/").status_code in (403, 404)
    erased = client_for("manager").post(f"/provision/handovers/{made.pk}/erasure/", {
        "how": "erased", "confirmed_on": "", "note": "報告書あり"})
    assert erased.status_code == 400 and "報告書あり" in erased.content.decode()
    erased = client_for("manager").post(f"/provision/handovers/{made.pk}/erasure/", {
        "how": "erased", "confirmed_on": clock.today_jst().isoformat(), "note": "報告書あり"})
    assert erased.status_code == 302
    approved.refresh_from_db()
    assert approved.state == RequestState.CLOSED

