"""Copy requests and the copies made from them (the organisation's rule on copies; R-301-R-306).

A request pins the originals it needs (a footage Hold) from the moment it is made until the
copy exists or the request is refused. A copy is a new encrypted object with its lineage; it
is kept until its 保存期間の満了日 (a year counted as the Civil Code counts, Arts. 140, 143)
and erased from the next day, unless an extension with a listed reason names a later day.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hogo.accounts.models import User
from hogo.footage.models import EncryptedObject, Hold
from hogo.registry.models import Channel, Vehicle
from hogo.rules.copies import erasure_from


class RequestState(models.TextChoices):
    PENDING = "pending", _("承認待ち")
    APPROVED = "approved", _("承認済み（作成中）")
    MADE = "made", _("作成済み")
    REFUSED = "refused", _("不承認")
    FAILED = "failed", _("作成失敗")


class CopyRequest(models.Model):
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, verbose_name=_("車両"))
    start_at = models.DateTimeField(_("開始日時"))
    end_at = models.DateTimeField(_("終了日時"))
    channels = models.JSONField(_("カメラ"))
    audio = models.BooleanField(_("音声を含める"), default=False)
    purpose = models.CharField(_("利用目的"), max_length=50)
    justification = models.TextField(_("必要な理由"))
    long_range_reason = models.TextField(_("長い範囲が必要な理由"), blank=True)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=RequestState.choices,
                             default=RequestState.PENDING)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    self_approved = models.BooleanField(default=False)
    decision_note = models.TextField(blank=True)
    hold = models.ForeignKey(Hold, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"複製申請 #{self.pk} {self.vehicle}"

    @property
    def department_id(self) -> int:
        return self.vehicle.department_id

    @property
    def can_be_decided(self) -> bool:
        """Only a pending request is approved or refused (services.approve/refuse enforce)."""
        return self.state == RequestState.PENDING

    @property
    def can_be_retried(self) -> bool:
        """A failed copy is made again on the same approval (services.retry enforces)."""
        return self.state == RequestState.FAILED


class Copy(models.Model):
    # Which copies still need their stored object (footage.objects.still_needed).
    keeps_stored: ClassVar[tuple[int, Q, str]] = (
        2, Q(erased_at__isnull=True), "copy erased; key kept: an identical copy is still kept")

    request = models.ForeignKey(CopyRequest, on_delete=models.PROTECT, related_name="copies")
    channel = models.CharField(_("カメラ"), max_length=10)
    stored = models.ForeignKey(EncryptedObject, on_delete=models.PROTECT, related_name="copies")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    actual_start = models.DateTimeField(_("実際の開始"))
    actual_end = models.DateTimeField(_("実際の終了"))
    manifest = models.JSONField(default=dict)
    made_at = models.DateTimeField(_("作成日時"))
    # The last day the copy is kept (保存期間の満了日); it is erased from the next day.
    expires_on = models.DateField(_("保存期間の満了日"))
    erased_at = models.DateTimeField(null=True, blank=True)
    # A processed copy (加工済み複製データ, Ashiya rule Art. 7(3)) points at its parent.
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="processed")
    # Identifiable people in the footage (延べ人数, R-808) when counted, and how.
    people_count = models.PositiveIntegerField(_("人数（延べ）"), null=True, blank=True)
    plate_count = models.PositiveIntegerField(_("ナンバープレート（延べ）"), null=True,
                                              blank=True)
    count_note = models.CharField(_("人数の算定方法"), max_length=300, blank=True)

    class Meta:
        ordering = ["-made_at"]

    def __str__(self) -> str:
        camera = dict(Channel.choices).get(self.channel, self.channel)
        return f"複製データ #{self.pk} {self.request.vehicle} {camera}"

    @property
    def department_id(self) -> int:
        return self.request.vehicle.department_id

    @property
    def is_kept(self) -> bool:
        """Not erased yet: it can be extended, exported or processed."""
        return self.erased_at is None

    @property
    def is_processed(self) -> bool:
        """A processed copy (加工済み複製データ) made from a parent copy."""
        return self.parent_id is not None

    @property
    def erase_from(self) -> dt.date:
        """The first day the copy must be gone: the day after its 満了日."""
        return erasure_from(self.expires_on)


class ExtensionReason(models.TextChoices):
    """The three reasons the rule on copy retention lists; where the organisation's own rule
    lists them is shown beside them (accounts.policy.citation "copy_retention")."""

    EVIDENCE = "evidence", _("証拠保全等の理由により特に必要")
    LAW = "law", _("法令等の規定により保管が義務付けられる")
    INVESTIGATION = "investigation", _("捜査機関から犯罪捜査の目的による要請")


class RetentionExtension(models.Model):
    copy = models.ForeignKey(Copy, on_delete=models.PROTECT, related_name="extensions")
    reason = models.CharField(_("延長の理由"), max_length=20, choices=ExtensionReason.choices)
    asked_by = models.CharField(_("要請者・根拠"), max_length=300)
    until = models.DateField(_("延長後の保存期間の満了日"))
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} → {self.until}"


class CopyHold(models.Model):
    """A legal hold on a copy: no erasure rule applies until the privacy officer releases it."""

    copy = models.ForeignKey(Copy, on_delete=models.PROTECT, related_name="holds")
    reference = models.CharField(_("参照（事件番号など）"), max_length=200)
    placed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField()
    released_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    released_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"証拠保全 {self.reference}"
