"""A masked copy in the workflow (R-304) needs the head's approval (the privacy officer acting
for the mayor), runs as background jobs through the real task worker, is reviewed, and is a
new copy linked to its untouched parent; counting alone needs no approval."""

import hashlib
import io
import json

import av
import numpy as np
import pytest
from django.core.management import call_command

from hogo import clock
from hogo.audit.models import AuditEntry
from hogo.copies.models import Copy
from hogo.copies.tests.test_copy_workflow import ask
from hogo.footage.ingest import ingest_file
from hogo.footage.objects import get_store
from hogo.media import services as media
from hogo.media.models import Medium
from hogo.processing import services as service
from hogo.processing.models import ProcessingState


@pytest.fixture
def copy(transactional_db, recorder, continuous_clips, user):
    """The real django-tasks worker closes the database connection between tasks, as it must
    in production; that ends a test wrapped in a transaction, so these tests commit for real."""
    for clip in continuous_clips:
        ingest_file(recorder, clip, clip.name, by="test")
    return Copy.objects.get(request=ask(user("manager"), recorder))


def work(_: object) -> None:
    """Run the queued jobs with the real django-tasks database worker, as `hogo serve` does."""
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def plaintext(copy) -> bytes:
    return b"".join(get_store().open_range(copy.stored.object_id, copy.stored.wrapped_key))


def frames(data: bytes) -> list[np.ndarray]:
    with av.open(io.BytesIO(data)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def test_masked_copy_after_approval_and_review(copy, user, django_capture_on_commit_callbacks):
    before = hashlib.sha256(plaintext(copy)).hexdigest()
    operator, officer = user("operator"), user("privacy")
    item = service.request(operator, copy, reason="保険会社への提出前に第三者の顔を隠す")
    assert item.state == ProcessingState.PENDING
    for refused in (operator, user("manager")):  # the profile names the privacy officer
        with pytest.raises(PermissionError):
            service.approve(refused, item)
    with django_capture_on_commit_callbacks(execute=True):
        service.approve(officer, item)
    item.refresh_from_db()
    assert item.decided_as == "個人情報保護管理者（市長の代理）"
    work(django_capture_on_commit_callbacks)
    item.refresh_from_db()
    assert item.state == ProcessingState.REVIEW, item.error
    assert item.people_count == 0 and item.analysis["frame_count"] > 0  # a synthetic street
    with pytest.raises(service.ProcessingError):
        service.review(operator, item, removed=["999"], added=[])
    with pytest.raises(service.ProcessingError):
        service.review(operator, item, removed=[], added=[{"frame": 10 ** 6, "box": [0, 0, 9, 9]}])
    box = {"frame": 5, "box": [100, 60, 200, 140]}  # the clips are 320×180
    service.review(operator, item, removed=[], added=[box])
    with django_capture_on_commit_callbacks(execute=True):
        service.make(operator, item)
    work(django_capture_on_commit_callbacks)
    item.refresh_from_db()
    assert item.state == ProcessingState.MADE, item.error
    made = item.result
    assert made.parent == copy and made.sha256 != copy.sha256
    assert hashlib.sha256(plaintext(copy)).hexdigest() == before == copy.sha256  # untouched
    assert hashlib.sha256(plaintext(made)).hexdigest() == made.sha256
    assert item.record["reviewed_by"] == str(operator)
    assert item.record["approved_as"] == item.decided_as and item.record["settings"]["model"]
    original, masked = frames(plaintext(copy)), frames(plaintext(made))
    assert len(original) == len(masked)
    inside = np.abs(original[5][70:130, 110:190].astype(int) - masked[5][70:130, 110:190])
    outside = np.abs(original[5][150:, 250:].astype(int) - masked[5][150:, 250:])
    assert inside.mean() > 3 * outside.mean() + 2  # masked where the reviewer drew, not elsewhere
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"copy.processing_requested", "copy.processing_approved", "copy.processing_reviewed",
            "copy.processed"} <= actions


def test_the_masked_copy_can_be_exported(copy, user, django_capture_on_commit_callbacks):
    item = service.request(user("manager"), copy, reason="提供用")
    with django_capture_on_commit_callbacks(execute=True):
        service.approve(user("privacy"), item)
    work(None)
    item.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        service.make(user("manager"), item)
    work(None)
    item.refresh_from_db()
    from hogo.copies.packages import export_to_medium

    usb = Medium.objects.get(label="KANZAI-USB-01")
    media.check_out(user("manager"), usb, purpose="提供", due_on=clock.today_jst())
    usb.refresh_from_db()
    export_to_medium(user("manager"), item.result, usb)
    content = usb.contents.get(copy=item.result)
    assert content.description.startswith("加工済み複製データ")


def test_counting_needs_no_approval_and_sets_the_copy_count(copy, user, client_for,
                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = service.count_people(user("operator"), copy)
    work(None)
    item.refresh_from_db()
    copy.refresh_from_db()
    assert item.state == ProcessingState.COUNTED and copy.people_count == 0
    assert "延べ人数" in copy.count_note
    with pytest.raises(PermissionError):
        service.count_people(user("staff"), copy)


def test_screens(copy, user, client_for, django_capture_on_commit_callbacks):
    operator = client_for("operator")
    detail = operator.get(f"/copies/requests/{copy.request_id}/").content.decode()
    assert f'data-testid="ask-processing-{copy.pk}"' in detail
    response = operator.post(f"/copies/copies/{copy.pk}/processing/",
                             {"action": "request", "reason": "顔を隠す", "mask": "mosaic",
                              "faces": "on", "plates": "on"})
    item = copy.processings.get()
    assert response.status_code == 302 and item.mask == "mosaic"
    page = operator.get(f"/copies/processing/{item.pk}/").content.decode()
    assert "approve-processing" not in page
    officer = client_for("privacy")
    page = officer.get(f"/copies/processing/{item.pk}/").content.decode()
    assert "市長の代理" in page and "approve-processing" in page
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(f"/copies/processing/{item.pk}/decide/", {"decision": "approve"})
    work(None)
    operator = client_for("operator")
    page = operator.get(f"/copies/processing/{item.pk}/").content.decode()
    assert "検出結果の確認" in page and "make-processed" in page
    picture = operator.get(f"/copies/processing/{item.pk}/frames/3.jpg")
    assert picture.status_code == 200 and picture["Content-Type"] == "image/jpeg"
    assert picture.content[:2] == b"\xff\xd8"
    assert AuditEntry.objects.filter(action="copy.frame_viewed").exists()
    assert client_for("staff").get(f"/copies/processing/{item.pk}/frames/3.jpg").status_code == 403
    operator = client_for("operator")  # one test client: log the operator in again
    bad = operator.post(f"/copies/processing/{item.pk}/review/",
                        {"added": "not json", "action": "save"}, follow=True)
    assert "形式が正しくありません" in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        operator.post(f"/copies/processing/{item.pk}/review/", {
            "added": json.dumps([{"frame": 2, "box": [10, 10, 90, 90]}]), "action": "make"})
    work(None)
    item.refresh_from_db()
    assert item.state == ProcessingState.MADE and item.added_boxes[0]["frame"] == 2
    detail = operator.get(f"/copies/requests/{copy.request_id}/").content.decode()
    assert 'data-testid="processed-badge"' in detail
