"""What screens and other apps ask the registry: vehicles and recorders, and which recorders
need their on-vehicle notice checked."""

from __future__ import annotations

from django.db.models import QuerySet

from hogo.registry.models import Recorder, Vehicle


def overdue_notices(department_id: int | None) -> list[Recorder]:
    """Recorders of a department whose on-vehicle notice was last checked over a year ago."""
    recorders = Recorder.objects.filter(vehicle__department=department_id).select_related(
        "vehicle")
    return [r for r in recorders if r.notice_check_overdue()]


def vehicles_of(department_id: int | None) -> QuerySet[Vehicle]:
    return Vehicle.objects.filter(department=department_id)


def vehicle(pk: int) -> Vehicle | None:
    return Vehicle.objects.select_related("department").filter(pk=pk).first()


def recorder_by_serial(serial: str) -> Recorder | None:
    """The recorder with this serial number (with its vehicle's department), or None."""
    return Recorder.objects.filter(serial=serial).select_related(
        "vehicle__department").first()
