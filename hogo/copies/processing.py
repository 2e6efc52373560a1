"""Processing a copy for privacy (加工, Ashiya rule Art. 7(3)) and counting its people (R-808).

A masked copy is made only with the approval the policy profile names — the head of the
organisation, for whom the privacy officer acts by default, recorded as such. Detection runs
as a background job; a reviewer of the department then sees the detections on a frame strip,
removes false ones or adds a missed box (which is then tracked), and only then is the
processed copy rendered: a new encrypted object linked to its parent, which stays untouched.
Counting alone (for an incident's report) runs the same detection and makes nothing new.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from django.db import transaction

from hogo import clock
from hogo.accounts.models import Role
from hogo.accounts.permissions import require
from hogo.accounts.policy import effective_profile
from hogo.audit import services as audit
from hogo.copies import redaction
from hogo.copies.models import Copy, MaskKind, Processing, ProcessingState
from hogo.copies.services import store_bytes
from hogo.footage.storage import DecryptingReader, get_store
from hogo.redact import frame_at
from hogo.video.frames import thumbnail_jpeg

log = logging.getLogger("hogo.copies.processing")


class ProcessingError(Exception):
    """A refused step; the message is Japanese, for the person who tried."""


def approver_label(organisation: Any) -> str:
    profile = effective_profile(organisation)
    role = Role(profile.value("copies.processing_approver")).label
    return f"{role}（{profile.value('copies.processing_acting_for')}の代理）"


def request(user: Any, copy: Copy, *, reason: str, mask: str = MaskKind.BLUR,
            faces: bool = True, plates: bool = True, keep_audio: bool = False) -> Processing:
    """Ask for a masked copy; nothing runs until the approver agrees."""
    require(user, "copies.request_processing", copy)
    _usable(copy)
    if not reason.strip():
        raise ProcessingError("加工が必要な理由を入力してください。")
    if mask not in MaskKind.values:
        raise ProcessingError("加工の方法が正しくありません。")
    if not (faces or plates):
        raise ProcessingError("顔又はナンバープレートの少なくとも一方を選んでください。")
    with transaction.atomic():
        processing = Processing.objects.create(
            copy=copy, requested_by=user, requested_at=clock.now(), reason=reason.strip(),
            mask=mask, faces=faces, plates=plates, keep_audio=keep_audio)
        audit.record("copy.processing_requested", user=user, obj=copy, purpose=reason,
                     detail={"processing": processing.pk, "mask": mask})
    return processing


def count_people(user: Any, copy: Copy) -> Processing:
    """Count the identifiable people (and plates) in a copy; no approval, nothing made."""
    require(user, "copies.request_processing", copy)
    _usable(copy)
    with transaction.atomic():
        processing = Processing.objects.create(
            copy=copy, count_only=True, requested_by=user, requested_at=clock.now(),
            reason="人数の算定（延べ人数）", state=ProcessingState.ANALYSING)
        audit.record("copy.count_requested", user=user, obj=copy,
                     detail={"processing": processing.pk})
        _enqueue_analysis(processing)
    return processing


def approve(user: Any, processing: Processing) -> None:
    require(user, "copies.approve_processing", processing)
    _pending(processing)
    with transaction.atomic():
        processing.state = ProcessingState.ANALYSING
        processing.decided_by, processing.decided_at = user, clock.now()
        processing.decided_as = approver_label(user.organisation)
        processing.save(update_fields=["state", "decided_by", "decided_at", "decided_as"])
        audit.record("copy.processing_approved", user=user, obj=processing.copy,
                     detail={"processing": processing.pk, "as": processing.decided_as})
        _enqueue_analysis(processing)


def refuse(user: Any, processing: Processing, *, note: str) -> None:
    require(user, "copies.approve_processing", processing)
    _pending(processing)
    if not note.strip():
        raise ProcessingError("不承認の理由を入力してください。")
    with transaction.atomic():
        processing.state, processing.decision_note = ProcessingState.REFUSED, note.strip()
        processing.decided_by, processing.decided_at = user, clock.now()
        processing.save(update_fields=["state", "decision_note", "decided_by", "decided_at"])
        audit.record("copy.processing_refused", user=user, obj=processing.copy, purpose=note)


def review(user: Any, processing: Processing, *, removed: list[str],
           added: list[dict[str, Any]]) -> None:
    """Record the reviewer's corrections: false detections removed, missed boxes added."""
    require(user, "copies.review_processing", processing)
    if processing.state != ProcessingState.REVIEW:
        raise ProcessingError("確認できるのは検出が終わった申請だけです。")
    known = set(redaction.track_ids(processing.analysis))
    unknown = [track for track in removed if track not in known]
    if unknown:
        raise ProcessingError("存在しない検出が指定されました：" + "、".join(unknown))
    frames = redaction.frame_count(processing.analysis)
    for box in added:
        problem = redaction.box_problem(processing.analysis, box)
        if problem:
            raise ProcessingError(problem)
    with transaction.atomic():
        processing.removed_tracks, processing.added_boxes = sorted(set(removed)), added
        processing.reviewed_by, processing.reviewed_at = user, clock.now()
        processing.save(update_fields=["removed_tracks", "added_boxes", "reviewed_by",
                                       "reviewed_at"])
        audit.record("copy.processing_reviewed", user=user, obj=processing.copy,
                     detail={"processing": processing.pk, "removed": len(removed),
                             "added": len(added), "frames": frames})


def make(user: Any, processing: Processing) -> None:
    """The reviewer has checked the detections: render the processed copy in the background."""
    require(user, "copies.review_processing", processing)
    if processing.state != ProcessingState.REVIEW:
        raise ProcessingError("検出結果の確認が終わっていません。")
    with transaction.atomic():
        if processing.reviewed_by_id is None:
            processing.reviewed_by, processing.reviewed_at = user, clock.now()
        processing.state, processing.progress = ProcessingState.RENDERING, 0
        processing.save(update_fields=["state", "progress", "reviewed_by", "reviewed_at"])
        audit.record("copy.processing_started", user=user, obj=processing.copy,
                     detail={"processing": processing.pk})
        transaction.on_commit(lambda: _enqueue("render", processing.pk))


def review_frame(user: Any, processing: Processing, index: int) -> bytes:
    """One frame of the copy as a JPEG with the detections (and the reviewer's boxes) drawn.
    It shows footage, so each viewing is audited; FrameError if the copy has no such frame."""
    require(user, "copies.review_processing", processing)
    boxes = redaction.boxes_at(processing.analysis, index, removed=processing.removed_tracks,
                               added=processing.added_boxes) if processing.analysis else []
    with reader_for(processing.copy) as source:
        picture = thumbnail_jpeg(frame_at(source, index), boxes)
    audit.record("copy.frame_viewed", user=user, obj=processing.copy,
                 purpose="加工前の検出結果の確認",
                 detail={"processing": processing.pk, "frame": index})
    return picture


# --- the jobs ---------------------------------------------------------------------------------


def run_analysis(pk: int) -> None:
    """Detect and track faces and plates in the copy; count the distinct tracks."""
    processing = Processing.objects.select_related("copy__stored").get(pk=pk)
    if processing.state != ProcessingState.ANALYSING:
        return
    try:
        with reader_for(processing.copy) as source:
            analysis, counts = redaction.analyse(source, _settings(processing),
                                                 _progress(processing))
    except Exception as error:  # any failure is shown, never lost in a log
        _fail(processing, error)
        return
    with transaction.atomic():
        processing.analysis = analysis
        processing.people_count, processing.plate_count = counts
        processing.progress = 100
        processing.state = (ProcessingState.COUNTED if processing.count_only
                            else ProcessingState.REVIEW)
        processing.save(update_fields=["analysis", "people_count", "plate_count", "progress",
                                       "state"])
        _record_count(processing.copy, processing)
        audit.record("copy.analysed", obj=processing.copy,
                     detail={"processing": pk, "people": counts[0], "plates": counts[1]})


def run_render(pk: int) -> None:
    """Apply the reviewed detections and store the processed copy, linked to its parent."""
    processing = Processing.objects.select_related("copy__stored", "copy__request").get(pk=pk)
    if processing.state != ProcessingState.RENDERING:
        return
    parent = processing.copy
    settings = _settings(processing)
    sink = io.BytesIO()
    try:
        with reader_for(parent) as source:  # added boxes are followed through the clip
            edited = redaction.apply_review(source, processing.analysis,
                                            processing.removed_tracks, processing.added_boxes)
        with reader_for(parent) as source:
            facts = redaction.render(source, sink, edited, settings, _progress(processing),
                                     faces=processing.faces)
    except Exception as error:
        _fail(processing, error)
        return
    record = {"settings": redaction.describe(settings, faces=processing.faces), "facts": facts,
              "approved_by": str(processing.decided_by), "approved_as": processing.decided_as,
              "reviewed_by": str(processing.reviewed_by),
              "removed_tracks": processing.removed_tracks,
              "added_boxes": processing.added_boxes, "parent": parent.pk,
              "parent_sha256": parent.sha256}
    with transaction.atomic():
        stored = store_bytes(get_store(), sink)
        made = Copy.objects.create(
            request=parent.request, channel=parent.channel, stored=stored,
            sha256=stored.object_id, size=stored.size, actual_start=parent.actual_start,
            actual_end=parent.actual_end, made_at=clock.now(), expires_on=parent.expires_on,
            parent=parent, people_count=processing.people_count,
            plate_count=processing.plate_count, count_note=parent.count_note,
            manifest={**parent.manifest, "processing": record,
                      "output": {"sha256": stored.object_id, "size": stored.size}})
        processing.result, processing.record = made, record
        processing.state, processing.progress = ProcessingState.MADE, 100
        processing.save(update_fields=["result", "record", "state", "progress"])
        audit.record("copy.processed", obj=made, detail={"processing": pk,
                                                         "parent": parent.pk,
                                                         "sha256": made.sha256})


# --- helpers ----------------------------------------------------------------------------------


def _usable(copy: Copy) -> None:
    if copy.erased_at is not None:
        raise ProcessingError("消去済みの複製データは加工できません。")


def _pending(processing: Processing) -> None:
    if processing.state != ProcessingState.PENDING or processing.count_only:
        raise ProcessingError("この申請は既に判断されています。")


def _settings(processing: Processing) -> Any:
    return redaction.settings_for(mask=processing.mask, plates=processing.plates,
                                  keep_audio=processing.keep_audio)


def reader_for(copy: Copy) -> DecryptingReader:
    return DecryptingReader(get_store(), copy.stored.object_id, copy.stored.wrapped_key,
                            copy.size, readahead=2)


def _progress(processing: Processing) -> Any:
    """A callback that writes the percentage at most once per whole percent."""
    last = {"percent": -1}

    def report(done: int, total: int) -> None:
        percent = int(done * 100 / total) if total else 0
        if percent != last["percent"]:
            last["percent"] = percent
            Processing.objects.filter(pk=processing.pk).update(progress=min(percent, 99))

    return report


def _fail(processing: Processing, error: Exception) -> None:
    log.exception("processing %s failed", processing.pk)
    with transaction.atomic():
        processing.state, processing.error = ProcessingState.FAILED, str(error)[:2000]
        processing.save(update_fields=["state", "error"])
        audit.record("copy.processing_failed", obj=processing.copy,
                     detail={"processing": processing.pk, "error": str(error)[:300]})


def _record_count(copy: Copy, processing: Processing) -> None:
    """The copy carries its count, so media holding it and incidents linking it use it."""
    copy.people_count, copy.plate_count = processing.people_count, processing.plate_count
    copy.count_note = redaction.COUNT_NOTE
    copy.save(update_fields=["people_count", "plate_count", "count_note"])
    from hogo.media.models import Content

    Content.objects.filter(copy=copy, removed_at__isnull=True).update(
        people=processing.people_count)


def _enqueue_analysis(processing: Processing) -> None:
    transaction.on_commit(lambda: _enqueue("analyse", processing.pk))


def _enqueue(job: str, pk: int) -> None:
    from hogo.copies.tasks import analyse_task, render_task

    (analyse_task if job == "analyse" else render_task).enqueue(pk)
