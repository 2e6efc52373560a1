"""Vehicles of a department and their recorders (R-201; Ashiya rule Art. 3).

A recorder knows its cameras, whether it records sound, its storage capacity (what the ring
buffer imitates, R-204) and when the 「ドライブレコーダー搭載車」 notice on the vehicle was last
checked; a check older than a year is flagged.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from hogo import clock
from hogo.accounts.models import Department

NOTICE_CHECK_DAYS = 365


class VehicleKind(models.TextChoices):
    OFFICIAL_CAR = "official_car", _("公用車")
    BUS = "bus", _("バス")
    TRAINING_CAR = "training_car", _("教習車")


class Vehicle(models.Model):
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="vehicles",
                                   verbose_name=_("所属"))
    registration = models.CharField(_("登録番号"), max_length=40, unique=True)
    kind = models.CharField(_("種別"), max_length=20, choices=VehicleKind.choices)
    label = models.CharField(_("名称"), max_length=100, blank=True)

    class Meta:
        ordering = ["department__code", "registration"]
        verbose_name = _("車両")
        verbose_name_plural = _("車両")

    def __str__(self) -> str:
        return f"{self.registration} {self.label}".strip()


class Channel(models.TextChoices):
    FRONT = "front", _("前方")
    REAR = "rear", _("後方")
    LEFT = "left", _("左")
    RIGHT = "right", _("右")
    CABIN = "cabin", _("車内")


class NamingProfile(models.TextChoices):
    """How the recorder names its files (see hogo/video/naming.py)."""

    FLAT = "flat", _("日時_カメラ.mp4（例: 20250603_141500_F.mp4）")
    DATE_FOLDERS = "date_folders", _("日付フォルダ（例: 2025-06-03/141500_front.mp4）")


def camera_names(codes: list[str]) -> str:
    """「前方・車内」 for camera codes, in the usual order: people never read the codes."""
    labels = dict(Channel.choices)
    return "・".join(str(labels[c]) for c in Channel.values if c in codes)


def validate_channels(value: object) -> None:
    if not isinstance(value, list) or not value or not set(value) <= set(Channel.values):
        raise ValidationError(_("カメラは %(choices)s から1つ以上選んでください。"),
                              params={"choices": camera_names(list(Channel.values))})


class Recorder(models.Model):
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="recorders",
                                verbose_name=_("車両"))
    maker = models.CharField(_("メーカー"), max_length=100)
    model_name = models.CharField(_("型式"), max_length=100)
    serial = models.CharField(_("製造番号"), max_length=100, unique=True)
    capacity_bytes = models.PositiveBigIntegerField(
        _("記録容量（バイト）"), null=True, blank=True,
        help_text=_("記録媒体の容量。超えると古い元データから消去されます。"))
    capacity_hours = models.PositiveIntegerField(_("記録容量（時間）"), null=True, blank=True)
    channels = models.JSONField(_("カメラ"), default=list, validators=[validate_channels],
                                help_text=_("実際に付いているカメラ（前方・後方・左・右・車内）"))
    has_microphone = models.BooleanField(_("マイクあり"), default=False)
    naming_profile = models.CharField(_("ファイル名の形式"), max_length=20,
                                      choices=NamingProfile.choices, default=NamingProfile.FLAT)
    notice_checked_on = models.DateField(_("録画中表示の確認日"), null=True, blank=True)

    class Meta:
        ordering = ["vehicle__registration", "serial"]
        verbose_name = _("ドライブレコーダー")
        verbose_name_plural = _("ドライブレコーダー")
        constraints = [models.CheckConstraint(
            condition=models.Q(capacity_bytes__isnull=False) | models.Q(
                capacity_hours__isnull=False),
            name="recorder_has_capacity")]

    def __str__(self) -> str:
        return f"{self.vehicle.registration} {self.maker} {self.model_name} ({self.serial})"

    @property
    def cameras(self) -> str:
        """The cameras it has, in words (「前方・車内」)."""
        return camera_names(self.channels)

    @property
    def department_id(self) -> int:
        return self.vehicle.department_id

    def notice_check_overdue(self, today: dt.date | None = None) -> bool:
        """The on-vehicle notice must be checked at least yearly (reminder, R-201)."""
        today = today or clock.today_jst()
        return (self.notice_checked_on is None
                or (today - self.notice_checked_on).days > NOTICE_CHECK_DAYS)
