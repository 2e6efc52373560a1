"""The originals a provision request asks for survive a full ring buffer until the request
closes (R-204): the recorder's card fills, older unpinned footage is overwritten, the
requested minutes stay; once the request is withdrawn the next sweep may erase them."""

from __future__ import annotations

import datetime as dt

from hogo.footage import retention
from hogo.footage.ingest import ingest_file
from hogo.footage.models import Segment
from hogo.provision import intake
from hogo.provision.tests.test_intake import T0, letter


def inquiry(vehicle):
    """The police inquiry of the intake tests, for the first clip's minute only."""
    return letter(vehicle, start_at=T0 + dt.timedelta(seconds=10),
                  end_at=T0 + dt.timedelta(seconds=50))


def test_requested_originals_outlive_a_full_card_until_the_request_closes(
        recorder, continuous_clips, user, django_capture_on_commit_callbacks):
    for segment in Segment.objects.filter(recorder=recorder):  # the demo's clips: out of the way
        retention.erase_segment(segment, rule="test", by=None, why="clean slate")
    first, *later = continuous_clips
    asked = ingest_file(recorder, first, first.name, by="test").segment
    request = intake.accept(user("manager"), intake.enter(user("staff"), inquiry(
        recorder.vehicle)))
    assert set(request.hold.segments.all()) == {asked}

    # The card holds two clips: the third overwrites the oldest original not pinned.
    recorder.capacity_bytes = first.stat().st_size + max(c.stat().st_size for c in later) + 1
    recorder.save()
    with django_capture_on_commit_callbacks(execute=True):
        kept_later = [ingest_file(recorder, clip, clip.name, by="test").segment
                      for clip in later]
    asked.refresh_from_db()
    assert asked.erased_at is None and asked.stored.wrapped_key
    assert Segment.objects.filter(pk=kept_later[0].pk, erased_at__isnull=False).exists()
    assert Segment.objects.filter(pk=kept_later[1].pk, erased_at__isnull=True).exists()

    intake.withdraw(user("manager"), request, "請求者から取下げの連絡があった")
    recorder.capacity_bytes = later[-1].stat().st_size + 1  # the card is full again
    recorder.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert retention.sweep_recorder(recorder).erased == 1
    asked.refresh_from_db()
    assert asked.erased_at is not None and asked.stored.wrapped_key == ""
    assert Segment.objects.filter(pk=kept_later[1].pk, erased_at__isnull=True).exists()
