"""With a small capacity the oldest unpinned originals are erased (crypto-shredded) with
deletion records; pinned ones survive, and pins that exceed capacity raise an alert."""

import pytest

from hogo.alerts.models import Alert
from hogo.audit.models import AuditEntry
from hogo.footage import retention
from hogo.footage.ingest import ingest_file
from hogo.footage.models import DeletionRecord, HoldKind, Segment
from hogo.footage.objects import get_store


@pytest.fixture
def small_recorder(recorder, clips):
    Segment.objects.filter(recorder=recorder).update(erased_at=None)
    for segment in Segment.objects.filter(recorder=recorder):  # demo footage: out of the way
        retention.erase_segment(segment, rule="test", by=None, why="clean slate")
    recorder.capacity_bytes = sum(c.stat().st_size for c in clips[:2]) + 1
    recorder.save()
    return recorder


def ingest(recorder, clip):
    return ingest_file(recorder, clip, clip.name, by="test").segment


def test_oldest_unpinned_are_erased_with_deletion_records(small_recorder, clips,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        segments = [ingest(small_recorder, clip) for clip in clips]
    kept = Segment.objects.filter(recorder=small_recorder, erased_at__isnull=True)
    assert set(kept) == set(segments[2:])
    for erased in segments[:2]:
        erased.refresh_from_db()
        assert erased.erased_at is not None and erased.stored.wrapped_key == ""
        record = DeletionRecord.objects.get(segment_id=erased.pk)
        assert record.rule == "ring_buffer" and record.sha256 == erased.sha256
        assert record.size == erased.size and "crypto-shred" in record.method
        assert not get_store().exists(erased.stored.object_id)
    assert AuditEntry.objects.filter(action="footage.erased").count() >= 2


def test_pinned_original_survives_and_the_next_oldest_goes(small_recorder, clips, user):
    first = ingest(small_recorder, clips[0])
    retention.place_hold(HoldKind.LEGAL_HOLD, "事故 2025-06-03", [first], by=user("privacy"))
    for clip in clips[1:]:
        ingest(small_recorder, clip)
    first.refresh_from_db()
    assert first.erased_at is None
    names = set(Segment.objects.filter(recorder=small_recorder, erased_at__isnull=True)
                .values_list("original_name", flat=True))
    assert clips[0].name in names and clips[1].name not in names


def test_erasing_a_held_original_is_refused(small_recorder, clips, user):
    segment = ingest(small_recorder, clips[0])
    retention.place_hold(HoldKind.COPY_REQUEST, "複製申請 1", [segment], by=user("manager"))
    with pytest.raises(PermissionError):
        retention.erase_segment(segment, rule="manual", by=user("manager"), why="test")


def test_capacity_alert_when_every_original_is_held(small_recorder, clips, user):
    segment = ingest(small_recorder, clips[0])
    retention.place_hold(HoldKind.LEGAL_HOLD, "証拠保全", [segment], by=user("privacy"))
    small_recorder.capacity_bytes = 1
    small_recorder.save()
    result = retention.sweep_recorder(small_recorder)
    assert result.erased == 0 and result.over_capacity
    segment.refresh_from_db()
    assert segment.erased_at is None
    assert Alert.objects.filter(kind="footage.capacity_pinned",
                                acknowledged_at__isnull=True).count() == 1
