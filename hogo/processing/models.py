"""Processing a copy (加工（マスキング）, Ashiya rule Art. 7(3)) or counting its people (R-808).

The model moved here from the copies app; its table did not (Meta.db_table keeps the old
name, and the migrations only moved the model's state), so existing rows stay where they are.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hogo.accounts.models import User
from hogo.copies.models import Copy
from hogo.footage.models import EncryptedObject
from hogo.rules.copies import PERSONAL_REQUEST_PURPOSE


class MaskKind(models.TextChoices):
    BLUR = "blur", _("ぼかし")
    MOSAIC = "mosaic", _("モザイク")
    SOLID = "solid", _("塗りつぶし")


class ProcessingState(models.TextChoices):
    PENDING = "pending", _("承認待ち")
    REFUSED = "refused", _("不承認")
    ANALYSING = "analysing", _("検出中")
    REVIEW = "review", _("確認待ち")
    RENDERING = "rendering", _("加工中")
    MADE = "made", _("作成済み")
    COUNTED = "counted", _("計数済み")
    FAILED = "failed", _("失敗")


RUNNING = (ProcessingState.ANALYSING, ProcessingState.RENDERING)


class Processing(models.Model):
    """Masking a copy for privacy (Art. 7(3)) or only counting the people in it (R-808).

    Masking needs the approval the policy profile names (the head of the organisation, for
    whom the privacy officer acts by default); a reviewer checks the detections before the
    processed copy is made. Counting only reads the copy and makes nothing new.
    """

    copy = models.ForeignKey(Copy, on_delete=models.PROTECT, related_name="processings")
    count_only = models.BooleanField(default=False)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    reason = models.TextField(_("加工が必要な理由"), blank=True)
    mask = models.CharField(_("加工の方法"), max_length=10, choices=MaskKind.choices,
                            default=MaskKind.BLUR)
    faces = models.BooleanField(_("顔"), default=True)
    plates = models.BooleanField(_("ナンバープレート"), default=True)
    keep_audio = models.BooleanField(_("音声を残す"), default=False)
    state = models.CharField(max_length=10, choices=ProcessingState.choices,
                             default=ProcessingState.PENDING)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_as = models.CharField(max_length=200, blank=True)  # "個人情報保護管理者（市長の代理）"
    decision_note = models.TextField(blank=True)
    progress = models.PositiveSmallIntegerField(default=0)  # percent of the current job
    # When the current job really began working (not when it was queued), so the time still
    # needed is estimated from the measured rate, not from a constant.
    progress_started_at = models.DateTimeField(null=True, blank=True)
    analysed_at = models.DateTimeField(null=True, blank=True)  # detections ready for review
    analysis = models.JSONField(null=True, blank=True)  # hogo.redact's tracks, for review
    removed_tracks = models.JSONField(default=list, blank=True)
    # For a person's own footage: the tracks the reviewer marked as the requester's,
    # left unmasked while every other face and plate is masked; not counted in people_count.
    requester_tracks = models.JSONField(default=list, blank=True)
    added_boxes = models.JSONField(default=list, blank=True)  # [{"frame", "box": [x0,y0,x1,y1]}]
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    people_count = models.PositiveIntegerField(null=True, blank=True)
    plate_count = models.PositiveIntegerField(null=True, blank=True)
    record = models.JSONField(default=dict, blank=True)  # settings, model versions, reviewer
    result = models.OneToOneField(Copy, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="made_by")
    error = models.TextField(blank=True)

    class Meta:
        db_table = "copies_processing"  # the table it had in the copies app
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"加工 #{self.pk}（複製データ #{self.copy_id}）"

    @property
    def department_id(self) -> int:
        return self.copy.department_id

    # The state gates: screens read them, services enforce them.

    @property
    def can_be_approved(self) -> bool:
        """Approved or refused only while pending; counting alone needs no approval."""
        return self.state == ProcessingState.PENDING and not self.count_only

    @property
    def marks_requester(self) -> bool:
        """The copy was made to disclose a person's own footage (R-607): the reviewer marks
        the requester's tracks, which stay unmasked."""
        return self.copy.request.purpose == PERSONAL_REQUEST_PURPOSE and not self.count_only

    @property
    def can_be_reviewed(self) -> bool:
        """The detections are ready: the reviewer corrects them and starts the render."""
        return self.state == ProcessingState.REVIEW

    @property
    def is_running(self) -> bool:
        """A background job (detection or rendering) is working on it."""
        return self.state in RUNNING

    def remaining(self, now: dt.datetime) -> dt.timedelta | None:
        """The time the running job still needs at the rate measured so far; None before
        there is a measurement (under 1 % done, or not running)."""
        if not self.is_running or self.progress_started_at is None or self.progress < 1:
            return None
        elapsed = (now - self.progress_started_at).total_seconds()
        if elapsed <= 0:
            return None
        return dt.timedelta(seconds=elapsed * (100 - self.progress) / self.progress)


class PieceStage(models.TextChoices):
    ANALYSE = "analyse", _("検出")
    RENDER = "render", _("加工")


class ProcessingPiece(models.Model):
    """One piece (about a minute, cut at a keyframe) of a long copy being analysed or
    rendered: each is a background job of its own, so several workers share one copy, the
    progress is the sum of the pieces, and a piece whose worker died is done again alone.

    An analysed piece keeps its detections (stitched into the processing's analysis when the
    last is in); a rendered piece keeps its encrypted video until the pieces are joined into
    the processed copy, then it is crypto-shredded with a deletion record.
    """

    # Which pieces still need their stored object (footage.objects.still_needed).
    keeps_stored: ClassVar[tuple[int, Q, str]] = (
        5, Q(erased_at__isnull=True), "processing piece erased; key kept: an identical "
                                      "piece is still kept")

    processing = models.ForeignKey(Processing, on_delete=models.PROTECT, related_name="pieces")
    stage = models.CharField(max_length=10, choices=PieceStage.choices)
    index = models.PositiveIntegerField()
    plan = models.JSONField()  # hogo.redact.chunks.Piece.to_dict()
    done_frames = models.PositiveIntegerField(default=0)
    analysis = models.JSONField(null=True, blank=True)  # the piece's detections (analyse)
    stored = models.ForeignKey(EncryptedObject, on_delete=models.PROTECT, null=True,
                               blank=True, related_name="processing_pieces")  # render
    finished_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["processing", "stage", "index"]
        constraints = [models.UniqueConstraint(fields=["processing", "stage", "index"],
                                               name="one_piece_per_place")]

    def __str__(self) -> str:
        return f"加工 #{self.processing_id} {self.get_stage_display()} {self.index + 1}"

    @property
    def frames(self) -> int:
        return int(self.plan["frames"])
