"""The background work of processing: detection (and counting), then rendering.

Run by the tasks in hogo.processing.tasks (and directly by tests and the fault matrix); it
never enqueues anything, so services -> tasks -> work has no circle. A failure is recorded
on the processing and shown, never lost in a log.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from django.db import transaction

from hogo import clock
from hogo.audit import services as audit
from hogo.copies.models import Copy
from hogo.footage.objects import DecryptingReader, get_store, store_stream
from hogo.media.models import Content
from hogo.processing import handoffs, redaction, signals
from hogo.processing.models import Processing, ProcessingState

log = logging.getLogger("hogo.processing.work")


def run_analysis(pk: int) -> None:
    """Detect and track faces and plates in the copy; count the distinct tracks."""
    processing = Processing.objects.select_related("copy__stored").get(pk=pk)
    if processing.state != ProcessingState.ANALYSING:
        return
    started(processing)
    try:
        with reader_for(processing.copy) as source:
            analysis, counts = redaction.analyse(source, settings_of(processing),
                                                 _progress(processing))
    except Exception as error:  # any failure is shown, never lost in a log
        fail(processing, error)
        return
    finish_analysis(processing, analysis, counts)


def finish_analysis(processing: Processing, analysis: dict, counts: tuple[int, int]) -> None:
    """The detections are in (of the whole clip, or stitched from its pieces): keep them,
    count, and hand the processing to its reviewer."""
    pk = processing.pk
    with transaction.atomic():
        processing.analysis = analysis
        processing.people_count, processing.plate_count = counts
        processing.progress = 100
        processing.state = (ProcessingState.COUNTED if processing.count_only
                            else ProcessingState.REVIEW)
        processing.analysed_at = clock.now()
        processing.save(update_fields=["analysis", "people_count", "plate_count", "progress",
                                       "state", "analysed_at"])
        _record_count(processing.copy, processing)
        audit.record("copy.analysed", obj=processing.copy,
                     detail={"processing": pk, "people": counts[0], "plates": counts[1]})
        handoffs.detected(processing)
        signals.stage_reached.send(Processing, processing=processing, stage="detected")


def run_render(pk: int) -> None:
    """Apply the reviewed detections and store the processed copy, linked to its parent."""
    processing = Processing.objects.select_related("copy__stored", "copy__request").get(pk=pk)
    if processing.state != ProcessingState.RENDERING:
        return
    started(processing)
    parent = processing.copy
    settings = settings_of(processing)
    sink = io.BytesIO()
    try:
        with reader_for(parent) as source:  # added boxes are followed through the clip
            edited = redaction.apply_review(source, processing.analysis,
                                            processing.removed_tracks, processing.added_boxes,
                                            processing.requester_tracks)
        with reader_for(parent) as source:
            facts = redaction.render(source, sink, edited, settings, _progress(processing),
                                     faces=processing.faces)
    except Exception as error:
        fail(processing, error)
        return
    finish_render(processing, sink, facts)


def finish_render(processing: Processing, sink: io.BytesIO, facts: dict) -> None:
    """The processed copy is in `sink` (rendered whole, or joined from its pieces): keep it,
    linked to its parent, with the record of how it was made."""
    pk, parent = processing.pk, processing.copy
    settings = settings_of(processing)
    record = {"settings": redaction.describe(settings, faces=processing.faces), "facts": facts,
              "approved_by": str(processing.decided_by), "approved_as": processing.decided_as,
              "reviewed_by": str(processing.reviewed_by),
              "removed_tracks": processing.removed_tracks,
              "added_boxes": processing.added_boxes, "parent": parent.pk,
              "parent_sha256": parent.sha256}
    count_note = parent.count_note
    if processing.requester_tracks:  # a person's own footage: the others are counted
        people, plates = redaction.others_count(processing.analysis,
                                                processing.requester_tracks)
        count_note = redaction.requester_note(processing.requester_tracks)[:300]
        record.update({"requester_tracks": processing.requester_tracks,
                       "reviewed_at": processing.reviewed_at.isoformat()
                       if processing.reviewed_at else None,
                       "people_detected": processing.people_count,
                       "plates_detected": processing.plate_count,
                       "people_others": people, "plates_others": plates,
                       "count_note": count_note})
        processing.people_count, processing.plate_count = people, plates
    with transaction.atomic():
        stored = store_stream(sink)
        made = Copy.objects.create(
            request=parent.request, channel=parent.channel, stored=stored,
            sha256=stored.object_id, size=stored.size, actual_start=parent.actual_start,
            actual_end=parent.actual_end, made_at=clock.now(), expires_on=parent.expires_on,
            parent=parent, people_count=processing.people_count,
            plate_count=processing.plate_count, count_note=count_note,
            manifest={**parent.manifest, "processing": record,
                      "output": {"sha256": stored.object_id, "size": stored.size}})
        processing.result, processing.record = made, record
        processing.state, processing.progress = ProcessingState.MADE, 100
        processing.save(update_fields=["result", "record", "state", "progress",
                                       "people_count", "plate_count"])
        audit.record("copy.processed", obj=made, detail={"processing": pk,
                                                         "parent": parent.pk,
                                                         "sha256": made.sha256})
        handoffs.rendered(processing)
        signals.stage_reached.send(Processing, processing=processing, stage="rendered")


def settings_of(processing: Processing) -> Any:
    return redaction.settings_for(mask=processing.mask, plates=processing.plates,
                                  keep_audio=processing.keep_audio)


def reader_for(copy: Copy) -> DecryptingReader:
    return DecryptingReader(get_store(), copy.stored.object_id, copy.stored.wrapped_key,
                            copy.size, readahead=2)


def started(processing: Processing) -> None:
    """The job begins now (not when it was queued): the time-left estimate starts here."""
    processing.progress, processing.progress_started_at = 0, clock.now()
    Processing.objects.filter(pk=processing.pk).update(
        progress=0, progress_started_at=processing.progress_started_at)


def _progress(processing: Processing) -> Any:
    """A callback that writes the percentage at most once per whole percent."""
    last = {"percent": -1}

    def report(done: int, total: int) -> None:
        percent = int(done * 100 / total) if total else 0
        if percent != last["percent"]:
            last["percent"] = percent
            Processing.objects.filter(pk=processing.pk).update(progress=min(percent, 99))

    return report


def fail(processing: Processing, error: Exception) -> None:
    log.exception("processing %s failed", processing.pk)
    with transaction.atomic():
        processing.state, processing.error = ProcessingState.FAILED, str(error)[:2000]
        processing.save(update_fields=["state", "error"])
        audit.record("copy.processing_failed", obj=processing.copy,
                     detail={"processing": processing.pk, "error": str(error)[:300]})
        handoffs.failed(processing)


def _record_count(copy: Copy, processing: Processing) -> None:
    """The copy carries its count, so media holding it and incidents linking it use it."""
    copy.people_count, copy.plate_count = processing.people_count, processing.plate_count
    copy.count_note = redaction.COUNT_NOTE
    copy.save(update_fields=["people_count", "plate_count", "count_note"])
    Content.objects.filter(copy=copy, removed_at__isnull=True).update(
        people=processing.people_count)
