"""Every hand-off of a copy tells exactly the people who act next, once; the work queue shows
what still waits for each person; a failed copy is made again; a change of encoding splits."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from hogo import clock
from hogo.alerts.models import Alert
from hogo.alerts.waiting import waiting_for
from hogo.audit.models import AuditEntry
from hogo.clock import JST
from hogo.copies import services
from hogo.copies.models import Copy, RequestState
from hogo.copies.packages import export_to_medium
from hogo.copies.tests.test_copy_workflow import ask
from hogo.footage.ingest import ingest_file
from hogo.footage.models import Segment
from hogo.media.models import Medium
from hogo.media.services import check_out


@pytest.fixture
def footage(recorder, continuous_clips):
    return [ingest_file(recorder, c, c.name, by="test").segment for c in continuous_clips]


def alerts(kind):
    return list(Alert.objects.filter(kind=kind).select_related("recipient"))


def kinds(person):
    return [item.kind for item in waiting_for(person)]


def test_a_request_tells_the_deciding_manager_once_with_a_link_and_a_mail(
        recorder, footage, user, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(user("operator"), recorder)
    [alert] = alerts("copies.requested")
    assert alert.recipient == user("manager")  # not the operator, not the other department
    assert alert.key == f"copy.requested:{request.pk}:user:{user('manager').pk}"
    assert alert.link == reverse("copies:detail", args=[request.pk])
    assert "前方" in alert.message and "front" not in alert.message
    [mail] = mailoutbox
    assert mail.to == ["manager@demo.city.example.jp"]
    assert alert.link in mail.body and "令和" in mail.body
    assert kinds(user("manager")) .count("copy.decide") == 1
    assert "copy.decide" not in kinds(user("operator"))
    assert "copy.decide" not in kinds(user("seiso-manager"))


def test_a_request_alert_reads_in_english_on_english_pages(recorder, footage, user):
    request = ask(user("operator"), recorder)
    [alert] = alerts("copies.requested")
    assert alert.translated and "複製申請" in alert.message  # stored Japanese, for logs
    with translation.override("en"):
        shown = alert.text
    assert shown.startswith(f"{user('operator')} requested copy request #{request.pk} (")
    assert "approve or refuse" in shown
    assert request.justification not in shown  # the reason stays on the page, not in mail
    assert "申請しました" not in shown
    with translation.override("ja"):
        assert "を申請しました" in alert.text


def test_approval_and_the_made_copy_tell_the_requester_not_the_approver(
        recorder, footage, user, mailoutbox, django_capture_on_commit_callbacks):
    request = ask(user("operator"), recorder)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(user("manager"), request)
    for kind in ("copies.approved", "copies.made"):
        assert [a.recipient for a in alerts(kind)] == [user("operator")]
    assert "保存期間の満了日" in alerts("copies.made")[0].message
    assert {tuple(m.to) for m in mailoutbox} == {("operator@demo.city.example.jp",)}
    assert "copy.decide" not in kinds(user("manager"))
    # The copy waits for its export: for the requester, until it is on a medium.
    assert kinds(user("operator")).count("copy.export") == 1
    copy = Copy.objects.get(request=request)
    usb = Medium.objects.get(label="KANZAI-USB-01")
    check_out(user("operator"), usb, purpose="保険会社への提出", due_on=clock.today_jst())
    usb.refresh_from_db()
    export_to_medium(user("operator"), copy, usb)
    assert "copy.export" not in kinds(user("operator"))


def test_a_refusal_tells_the_requester(recorder, footage, user):
    request = ask(user("operator"), recorder)
    services.refuse(user("manager"), request, "範囲が広すぎます")
    [alert] = alerts("copies.refused")
    assert alert.recipient == user("operator") and "範囲が広すぎます" in alert.message
    assert not alerts("copies.made")


def test_a_managers_own_request_alerts_nobody(recorder, footage, user):
    ask(user("manager"), recorder)
    assert not Alert.objects.filter(kind__startswith="copies.").exists()


def test_the_manager_sees_retention_ending_within_a_week(recorder, footage, user):
    copy = Copy.objects.get(request=ask(user("manager"), recorder))
    Copy.objects.filter(pk=copy.pk).update(expires_on=clock.today_jst() + dt.timedelta(days=5))
    [item] = [i for i in waiting_for(user("manager")) if i.kind == "copy.expiring"]
    assert item.due_on == clock.today_jst() + dt.timedelta(days=5)
    assert item.url == reverse("copies:detail", args=[copy.request_id])
    assert "copy.expiring" not in kinds(user("operator"))
    assert "copy.expiring" not in kinds(user("seiso-manager"))
    services.place_copy_hold(copy, "事件 2026-1", by=user("manager"))
    assert "copy.expiring" not in kinds(user("manager"))  # held: it will not be erased


def test_a_failed_copy_is_made_again(recorder, footage, user, client_for):
    request = ask(user("operator"), recorder)
    third = footage[2]
    # The third file claims to start 30 s inside the second: the copy cannot be joined.
    Segment.objects.filter(pk=third.pk).update(start_at=third.start_at - dt.timedelta(seconds=30))
    services.approve(user("manager"), request)
    request.refresh_from_db()
    assert request.state == RequestState.FAILED and request.decision_note
    assert [a.recipient for a in alerts("copies.failed")] == [user("operator")]
    assert "copy.retry" in kinds(user("operator")) and "copy.retry" in kinds(user("manager"))
    page = client_for("operator").get(f"/copies/requests/{request.pk}/").content.decode()
    assert 'data-testid="retry"' in page
    Segment.objects.filter(pk=third.pk).update(start_at=third.start_at)
    response = client_for("operator").post(f"/copies/requests/{request.pk}/decide/",
                                           {"decision": "retry"}, follow=True)
    request.refresh_from_db()
    assert request.state == RequestState.MADE
    assert "作成済み" in response.content.decode()
    assert Copy.objects.filter(request=request).count() == 1
    assert AuditEntry.objects.filter(action="copy.retried", object_id=str(request.pk)).exists()
    assert "copy.retry" not in kinds(user("manager"))
    with pytest.raises(ValueError):
        services.retry(user("manager"), request)
    assert client_for("staff").post(f"/copies/requests/{request.pk}/decide/",
                                    {"decision": "retry"}).status_code == 403


def test_a_change_of_encoding_gives_one_copy_per_run(recorder, footage, user, tmp_path):
    """The recorder's settings changed at 14:03: the copy across it is two copies."""
    from hogo.video.synth import make_clip

    start = dt.datetime(2025, 6, 3, 14, 3, 0, tzinfo=JST)
    clip = make_clip(tmp_path / f"{start:%Y%m%d_%H%M%S}_F.mp4", start, 60, fps=10,
                     size=(160, 90))
    ingest_file(recorder, clip, clip.name, by="test")
    request = ask(user("manager"), recorder, start=start - dt.timedelta(seconds=20),
                  end=start + dt.timedelta(seconds=20))
    request.refresh_from_db()
    assert request.state == RequestState.MADE, request.decision_note
    made = sorted(Copy.objects.filter(request=request), key=lambda c: c.actual_start)
    assert len(made) == 2
    assert made[0].actual_end <= start + dt.timedelta(seconds=1) <= made[1].actual_end
    assert [len(c.manifest["sources"]) for c in made] == [1, 1]
