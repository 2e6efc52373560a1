"""Every hand-off of a masking tells exactly the people who must act next, once, with a link
and a mail; the work queue shows each waiting step to them only, until it is done."""

import pytest
from django.core import mail

from hogo.alerts.models import Alert
from hogo.alerts.waiting import waiting_for
from hogo.copies import playback
from hogo.copies.models import Copy
from hogo.copies.tests.test_copy_workflow import ask
from hogo.footage.ingest import ingest_file
from hogo.processing import handoffs, work
from hogo.processing import services as service
from hogo.processing.models import ProcessingState


@pytest.fixture
def copy(recorder, continuous_clips, user):
    for clip in continuous_clips:
        ingest_file(recorder, clip, clip.name, by="test")
    return Copy.objects.get(request=ask(user("manager"), recorder))


def alerted(kind: str) -> list[str]:
    return sorted(a.recipient.username for a in Alert.objects.filter(kind=kind))


def queue(user, kind: str) -> list:
    return [item for item in waiting_for(user) if item.kind == kind]


def test_each_hand_off_alerts_the_next_people_once(copy, user, settings,
                                                  django_capture_on_commit_callbacks):
    settings.HOGO_BASE_URL = "https://hogo.demo.example.jp"
    operator, officer = user("operator"), user("privacy")
    for person in (operator, officer, user("manager")):
        person.email = f"{person.username}@demo.example.jp"
        person.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):  # mail goes after the commit
        item = service.request(operator, copy, reason="保険会社へ提出する前に第三者の顔を隠す")
    assert alerted(handoffs.REQUESTED) == ["privacy"]  # the profile's approver, not the actor
    told = Alert.objects.get(kind=handoffs.REQUESTED)
    assert told.link == f"/copies/processing/{item.pk}/" and "前方" in told.message
    assert "front" not in told.message and "令和" in told.message
    with django_capture_on_commit_callbacks(execute=True):
        handoffs.requested(item)  # announced twice: still one alert, one mail
    assert Alert.objects.filter(kind=handoffs.REQUESTED).count() == 1
    sent = [m for m in mail.outbox if "承認依頼" in m.subject]
    assert len(sent) == 1 and sent[0].to == ["privacy@demo.example.jp"]
    assert f"https://hogo.demo.example.jp/copies/processing/{item.pk}/" in sent[0].body
    assert "第三者の顔を隠す" not in sent[0].body  # the reason stays inside hogo
    assert [w.url for w in queue(officer, "processing.approve")] == [told.link]
    assert queue(operator, "processing.approve") == []  # the requester does not approve

    service.approve(officer, item)
    assert alerted(handoffs.APPROVED) == ["operator"]
    assert queue(officer, "processing.approve") == []

    work.run_analysis(item.pk)
    item.refresh_from_db()
    assert item.state == ProcessingState.REVIEW and item.analysed_at is not None
    # The department's reviewers (its manager and operators); no one else, never twice.
    assert alerted(handoffs.DETECTED) == ["manager", "operator"]
    assert [w.url for w in queue(operator, "processing.review")] == [told.link]
    for outsider in ("staff", "seiso-manager", "privacy", "auditor"):
        assert queue(user(outsider), "processing.review") == []

    service.make(operator, item)
    assert queue(operator, "processing.review") == []
    work.run_render(item.pk)
    item.refresh_from_db()
    assert item.state == ProcessingState.MADE, item.error
    assert alerted(handoffs.RENDERED) == ["operator"]
    check = queue(operator, "processing.check")
    assert [w.url for w in check] == [f"/copies/copies/{item.result_id}/watch/"]
    assert queue(user("manager"), "processing.check") == []  # the requester checks it

    session: dict = {}
    playback.start_watching(operator, session, item.result, "accident_investigation",
                            "提出前に加工済み複製データを確認する")
    assert queue(operator, "processing.check") == []  # watched: no longer waiting
    for kind in (handoffs.REQUESTED, handoffs.APPROVED, handoffs.DETECTED, handoffs.RENDERED):
        keys = list(Alert.objects.filter(kind=kind).values_list("key", flat=True))
        assert len(keys) == len(set(keys))  # one alert per person per event


def test_a_failure_tells_the_requester(copy, user):
    item = service.count_people(user("operator"), copy)
    copy.stored.object_id = "0" * 64  # the stored object cannot be read
    copy.stored.save(update_fields=["object_id"])
    work.run_analysis(item.pk)
    item.refresh_from_db()
    assert item.state == ProcessingState.FAILED
    told = Alert.objects.get(kind=handoffs.FAILED)
    assert told.recipient.username == "operator" and "人数の算定に失敗" in told.message


def test_the_time_left_is_estimated_from_the_measured_rate(copy, user):
    import datetime as dt

    from hogo import clock

    item = service.count_people(user("operator"), copy)
    now = clock.now()
    item.progress, item.progress_started_at = 25, now - dt.timedelta(seconds=60)
    assert item.remaining(now) == dt.timedelta(seconds=180)  # 1 minute for a quarter
    item.save(update_fields=["progress", "progress_started_at"])
    assert service.remaining(item) == "残り約3分"
    item.progress = 0
    assert item.remaining(now) is None and service.remaining(item) == ""
    item.progress, item.state = 50, ProcessingState.COUNTED
    assert item.remaining(now) is None  # a finished job needs no estimate
