"""Processing a copy for privacy (加工, Ashiya rule Art. 7(3)) and counting its people (R-808).

A masked copy is made only with the approval the policy profile names — the head of the
organisation, for whom the privacy officer acts by default, recorded as such. Detection runs
as a background job; a reviewer of the department then sees the detections on a frame strip,
removes false ones or adds a missed box (which is then tracked), and only then is the
processed copy rendered: a new encrypted object linked to its parent, which stays untouched.
Counting alone (for an incident's report) runs the same detection and makes nothing new.
The jobs themselves are in hogo.processing.work, queued through hogo.processing.tasks.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext

from hogo import clock
from hogo.accounts.models import Role
from hogo.accounts.permissions import require
from hogo.accounts.policy import citation, effective_profile
from hogo.audit import services as audit
from hogo.copies.models import Copy
from hogo.processing import handoffs, redaction, tasks
from hogo.processing.models import MaskKind, Processing, ProcessingState
from hogo.processing.work import reader_for
from hogo.redact import frame_at
from hogo.video.frames import thumbnail_jpeg


class ProcessingError(Exception):
    """A refused step; the message is Japanese, for the person who tried."""


def copies() -> QuerySet[Copy]:
    """The copies a processing may be asked for (the screens look one up by its key)."""
    return Copy.objects.select_related("request__vehicle")


def processings() -> QuerySet[Processing]:
    """Processings with what their page shows."""
    return Processing.objects.select_related(
        "copy__request__vehicle", "copy__stored", "requested_by", "decided_by", "result")


def processing_citation(organisation: Any) -> str:
    """Where the organisation's own rules allow processing a copy; "" when they say nothing."""
    return citation(organisation, "copy_processing")


copy_title = handoffs.copy_title


def remaining(processing: Processing) -> str:
    """「残り約3分」: the time the running job still needs at the rate measured so far, in
    words; "" before there is a measurement."""
    left = processing.remaining(clock.now())
    if left is None:
        return ""
    seconds = max(1, round(left.total_seconds()))
    if seconds < 60:
        return gettext("残り約%(n)d秒") % {"n": seconds}
    if seconds < 3600:
        return gettext("残り約%(n)d分") % {"n": round(seconds / 60)}
    return gettext("残り約%(h)d時間%(m)d分") % {"h": seconds // 3600,
                                             "m": round(seconds % 3600 / 60)}


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
        handoffs.requested(processing)
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
        handoffs.approved(processing)
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
           added: list[dict[str, Any]], requester: list[str] | None = None) -> None:
    """Record the reviewer's corrections: false detections removed, missed boxes added and,
    for a person's own footage (R-607), the requester's own tracks marked (None keeps the
    marks as they are): those stay unmasked, everyone else is masked."""
    require(user, "copies.review_processing", processing)
    if not processing.can_be_reviewed:
        raise ProcessingError("確認できるのは検出が終わった申請だけです。")
    known = set(redaction.track_ids(processing.analysis))
    mine = processing.requester_tracks if requester is None else sorted(set(requester), key=int)
    unknown = [track for track in [*removed, *mine] if track not in known]
    if unknown:
        raise ProcessingError("存在しない検出が指定されました：" + "、".join(unknown))
    if mine and not processing.marks_requester:
        raise ProcessingError("「本人」の印は、本人からの開示請求のための複製データの加工にだけ"
                              "付けられます。")
    both = sorted(set(mine) & set(removed), key=int)
    if both:
        raise ProcessingError("「除外」と「本人」の両方が指定された検出があります："
                              + "、".join(both) + "。どちらか一方にしてください。")
    frames = redaction.frame_count(processing.analysis)
    for box in added:
        problem = redaction.box_problem(processing.analysis, box)
        if problem:
            raise ProcessingError(problem)
    with transaction.atomic():
        processing.removed_tracks, processing.added_boxes = sorted(set(removed)), added
        processing.requester_tracks = mine
        processing.reviewed_by, processing.reviewed_at = user, clock.now()
        processing.save(update_fields=["removed_tracks", "added_boxes", "requester_tracks",
                                       "reviewed_by", "reviewed_at"])
        audit.record("copy.processing_reviewed", user=user, obj=processing.copy,
                     detail={"processing": processing.pk, "removed": len(removed),
                             "added": len(added), "frames": frames,
                             **({"requester": mine} if mine else {})})


def make(user: Any, processing: Processing) -> None:
    """The reviewer has checked the detections: render the processed copy in the background."""
    require(user, "copies.review_processing", processing)
    if not processing.can_be_reviewed:
        raise ProcessingError("検出結果の確認が終わっていません。")
    with transaction.atomic():
        if processing.reviewed_by_id is None:
            processing.reviewed_by, processing.reviewed_at = user, clock.now()
        processing.state, processing.progress = ProcessingState.RENDERING, 0
        processing.save(update_fields=["state", "progress", "reviewed_by", "reviewed_at"])
        audit.record("copy.processing_started", user=user, obj=processing.copy,
                     detail={"processing": processing.pk})
        transaction.on_commit(lambda: tasks.render_task.enqueue(processing.pk))


def review_frame(user: Any, processing: Processing, index: int) -> bytes:
    """One frame of the copy as a JPEG with the detections (and the reviewer's boxes) drawn.
    It shows footage, so each viewing is audited; FrameError if the copy has no such frame."""
    require(user, "copies.review_processing", processing)
    boxes = redaction.boxes_at(processing.analysis, index, removed=processing.removed_tracks,
                               added=processing.added_boxes,
                               requester=processing.requester_tracks,
                               ) if processing.analysis else []
    with reader_for(processing.copy) as source:
        picture = thumbnail_jpeg(frame_at(source, index), boxes)
    audit.record("copy.frame_viewed", user=user, obj=processing.copy,
                 purpose="加工前の検出結果の確認",
                 detail={"processing": processing.pk, "frame": index})
    return picture


def detection_picture(user: Any, processing: Processing, track_id: str) -> bytes:
    """A small JPEG of one detection where it is seen best, for the review table. It shows
    footage, so each viewing is audited; LookupError for a detection the analysis lacks."""
    require(user, "copies.review_processing", processing)
    view = redaction.best_view(processing.analysis, track_id)
    if view is None:
        raise LookupError(f"processing {processing.pk} has no detection {track_id}")
    index, box = view
    with reader_for(processing.copy) as source:
        frame = frame_at(source, index)
    x0, y0, x1, y1 = redaction.around(box, frame.shape[1], frame.shape[0])
    picture = thumbnail_jpeg(frame[y0:y1, x0:x1], width=96)
    audit.record("copy.frame_viewed", user=user, obj=processing.copy,
                 purpose="加工前の検出結果の確認",
                 detail={"processing": processing.pk, "frame": index, "detection": track_id})
    return picture


def _usable(copy: Copy) -> None:
    if not copy.is_kept:
        raise ProcessingError("消去済みの複製データは加工できません。")


def _pending(processing: Processing) -> None:
    if not processing.can_be_approved:
        raise ProcessingError("この申請は既に判断されています。")


def _enqueue_analysis(processing: Processing) -> None:
    transaction.on_commit(lambda: tasks.analyse_task.enqueue(processing.pk))
