"""Originals (元データ) as recorded, the encrypted objects that hold them, and what happens
to them: uploads in progress, quarantined files, holds that block erasure, deletion records.

An original is never modified (Ashiya rule Art. 7(2)); it is erased only the way the
recorder itself would overwrite it (Art. 7(1)) and then only by crypto-shredding, which
leaves a DeletionRecord (R-306).
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hogo.clock import JST
from hogo.registry.models import Channel, Recorder


class EncryptedObject(models.Model):
    """One content-addressed encrypted blob and its wrapped data key.

    Destroying `wrapped_key` (crypto-shredding) makes the blob unreadable for good; the blob
    itself is deleted at the same time.
    """

    object_id = models.CharField(max_length=64, unique=True)  # SHA-256 of the plaintext
    size = models.PositiveBigIntegerField()
    wrapped_key = models.TextField(blank=True)
    created_at = models.DateTimeField()
    shredded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.object_id[:12]


class Segment(models.Model):
    """One recorded file of an original (録画ファイル)."""

    # Which rows still need their stored object (objects.still_needed), first asked.
    keeps_stored: ClassVar[tuple[int, Q, str]] = (
        1, Q(erased_at__isnull=True),
        "catalogue entry removed; key kept: still another recorder's original")

    recorder = models.ForeignKey(Recorder, on_delete=models.PROTECT, related_name="segments")
    channel = models.CharField(_("カメラ"), max_length=10, choices=Channel.choices)
    start_at = models.DateTimeField(_("録画開始"), db_index=True)
    end_at = models.DateTimeField(_("録画終了"))
    duration = models.FloatField(_("長さ（秒）"))
    original_name = models.CharField(_("ファイル名"), max_length=500)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField()
    stored = models.ForeignKey(EncryptedObject, on_delete=models.PROTECT, related_name="segments")
    codec = models.CharField(max_length=32)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    fps = models.FloatField()
    frame_count = models.PositiveIntegerField()
    has_audio = models.BooleanField(default=False)
    recorded_creation_time = models.DateTimeField(null=True, blank=True)
    # Facts found at ingest that a person should see: overlap, clock jump, name/metadata mismatch
    flags = models.JSONField(default=list, blank=True)
    # The GPS track is personal data (where the vehicle was, second by second): it is kept
    # sealed under the original's own data key (hogo.footage.tracks), so it dies with it.
    gps_sealed = models.TextField(blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    min_lon = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.CharField(max_length=150)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["recorder", "start_at"]
        indexes = [models.Index(fields=["recorder", "start_at"]),
                   models.Index(fields=["start_at", "end_at"])]
        constraints = [models.UniqueConstraint(fields=["recorder", "sha256"],
                                               name="segment_once_per_recorder")]

    def __str__(self) -> str:
        """Registration, camera in words (never its code) and the start in Japan time."""
        when = f"{self.start_at.astimezone(JST):%Y-%m-%d %H:%M:%S}"
        return f"{self.recorder.vehicle.registration} {self.get_channel_display()} {when}"

    @property
    def department_id(self) -> int:
        return self.recorder.vehicle.department_id


class UploadState(models.TextChoices):
    RECEIVING = "receiving", _("受信中")
    INGESTED = "ingested", _("登録済み")
    DUPLICATE = "duplicate", _("登録済み（重複）")
    QUARANTINED = "quarantined", _("隔離")
    FAILED = "failed", _("失敗（再送が必要）")
    ERASED = "erased", _("隔離後に消去")


class Upload(models.Model):
    """A resumable upload (tus 1.0) of one file from a depot or vehicle."""

    keeps_stored: ClassVar[tuple[int, Q, str]] = (
        3, Q(state=UploadState.QUARANTINED),
        "entry erased; key kept: a quarantined file has the same content")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    recorder = models.ForeignKey(Recorder, on_delete=models.PROTECT, related_name="uploads")
    relative_path = models.CharField(max_length=500)
    length = models.PositiveBigIntegerField()
    offset = models.PositiveBigIntegerField(default=0)
    declared_sha256 = models.CharField(max_length=64)
    state = models.CharField(max_length=12, choices=UploadState.choices,
                             default=UploadState.RECEIVING)
    spool_id = models.CharField(max_length=32, blank=True)  # the store's resumable upload
    wrapped_key = models.TextField(blank=True)  # its data key, wrapped
    stored = models.ForeignKey(EncryptedObject, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="uploads")
    uploaded_by = models.CharField(max_length=150)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, null=True, blank=True)
    quarantine_code = models.CharField(max_length=32, blank=True)
    quarantine_reason = models.TextField(blank=True)
    quarantined_at = models.DateTimeField(null=True, blank=True)  # counts its kept days
    # What a person (or the retention rule) decided about a quarantined file: released into
    # the footage or erased, when, by whom and why.
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.CharField(max_length=150, blank=True)
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        # Sidecars are found by name when their clip is ingested or erased; open uploads
        # are counted per token before each new one (limits on open uploads).
        indexes = [models.Index(fields=["recorder", "relative_path"]),
                   models.Index(fields=["state", "uploaded_by"], name="upload_open_by_token")]

    def __str__(self) -> str:
        return f"{self.relative_path} ({self.offset}/{self.length})"


class HoldKind(models.TextChoices):
    COPY_REQUEST = "copy_request", _("複製の申請")
    SUBJECT_REQUEST = "subject_request", _("本人からの請求")
    PROVISION_REQUEST = "provision_request", _("第三者提供の申請")
    LEGAL_HOLD = "legal_hold", _("証拠保全（消去停止）")


class Hold(models.Model):
    """Something that still needs these originals: erasure of any kind must wait (R-204)."""

    kind = models.CharField(_("理由"), max_length=20, choices=HoldKind.choices)
    reference = models.CharField(_("参照"), max_length=200)
    segments = models.ManyToManyField(Segment, related_name="holds")
    placed_by = models.CharField(max_length=150)
    placed_at = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.CharField(max_length=150, blank=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"


class DeletionRecord(models.Model):
    """What was erased, when, how and by which rule (消去記録, R-306)."""

    object_id = models.CharField(max_length=64)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    what = models.CharField(max_length=700)  # a label and a recording path (up to 500)
    segment_id = models.BigIntegerField(null=True, blank=True)
    recorder = models.ForeignKey(Recorder, on_delete=models.PROTECT, null=True, blank=True)
    recorded_from = models.DateTimeField(null=True, blank=True)
    rule = models.CharField(max_length=40)
    method = models.CharField(max_length=100)
    erased_at = models.DateTimeField()
    erased_by = models.CharField(max_length=150)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-erased_at"]

    def __str__(self) -> str:
        return f"{self.what} ({self.rule})"
