"""Vehicles of a department (REQUIREMENTS R-201). Recorders join them with footage custody."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hogo.accounts.models import Department


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
