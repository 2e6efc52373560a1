"""What screens and other apps ask the registry, and how vehicles and recorders are
registered: vehicles and recorders, the cameras each really has, and which recorders need
their on-vehicle notice checked (R-201).

Registering is a change of the organisation's master data: checked through the one
permission layer, validated here (the screens only show what this module refuses) and
audited in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hogo import clock
from hogo.accounts.models import Department
from hogo.accounts.permissions import allows, require
from hogo.audit import services as audit
from hogo.kit.changes import apply_changes, described
from hogo.registry.models import (
    Channel,
    NamingProfile,
    Recorder,
    Vehicle,
    VehicleKind,
    camera_names,
)

# Who registers and edits vehicles and recorders: the system administrator, or a
# department's manager for their own department (accounts.permissions.RULES).
REGISTER_PERM = "registry.register"

VEHICLE_FIELDS = ("department", "registration", "kind", "label")
RECORDER_FIELDS = ("maker", "model_name", "serial", "capacity_bytes", "capacity_hours",
                   "channels", "has_microphone", "naming_profile", "notice_checked_on")


class RegistryError(ValueError):
    """A refused registration; the message is Japanese, for the screen."""


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


def channel_label(code: str) -> str:
    """The camera's name for people (「前方」), never its code."""
    return str(dict(Channel.choices).get(code, _("不明なカメラ")))


def channels_of(thing: Recorder | Vehicle) -> list[tuple[str, str]]:
    """The cameras this recorder (or any recorder of this vehicle) really has, as
    (code, Japanese label) in the usual order: what a copy or a search may offer."""
    if isinstance(thing, Vehicle):
        codes = {code for recorder in thing.recorders.all() for code in recorder.channels}
    else:
        codes = set(thing.channels)
    return [(code, str(label)) for code, label in Channel.choices if code in codes]


def channel_labels(codes: list[str]) -> str:
    """「前方・車内」 for a list of camera codes."""
    return camera_names(codes)


def registrable_departments(user: Any) -> list[Department]:
    """The departments of the user's organisation for which they may register vehicles."""
    departments = Department.objects.filter(organisation=user.organisation_id,
                                            manages_vehicles=True)
    return [d for d in departments if allows(user, REGISTER_PERM, d)]


def can_register(user: Any) -> bool:
    return allows(user, REGISTER_PERM) and bool(registrable_departments(user))


def register_list(user: Any) -> list[Vehicle]:
    """Every vehicle of the organisation this person may edit, with its recorders."""
    vehicles = Vehicle.objects.filter(
        department__organisation=user.organisation_id).select_related(
        "department").prefetch_related("recorders")
    return [v for v in vehicles if allows(user, REGISTER_PERM, v)]


def _check_vehicle(user: Any, data: dict[str, Any], pk: int | None) -> dict[str, Any]:
    department = data["department"]
    if department not in registrable_departments(user):
        raise RegistryError(_("この所属の車両は登録できません。"))
    registration = " ".join(str(data["registration"]).split())
    if not registration:
        raise RegistryError(_("登録番号を入力してください。"))
    if Vehicle.objects.filter(registration=registration).exclude(pk=pk).exists():
        raise RegistryError(_("登録番号「%(number)s」の車両はすでに登録されています。")
                            % {"number": registration})
    if data["kind"] not in VehicleKind.values:
        raise RegistryError(_("車両の種別を選んでください。"))
    return {"department": department, "registration": registration, "kind": data["kind"],
            "label": str(data.get("label") or "").strip()}


def register_vehicle(user: Any, **data: Any) -> Vehicle:
    """A new vehicle of a department that manages vehicles."""
    require(user, REGISTER_PERM, data.get("department"))
    fields = _check_vehicle(user, data, None)
    with transaction.atomic():
        made = Vehicle.objects.create(**fields)
        audit.record("vehicle.registered", user=user, obj=made,
                     detail=described(made, VEHICLE_FIELDS))
    return made


def update_vehicle(user: Any, target: Vehicle, **data: Any) -> Vehicle:
    """Change a vehicle's registration, kind, name or department; the change is audited
    field by field (old and new)."""
    require(user, REGISTER_PERM, target)
    fields = _check_vehicle(user, data, target.pk)
    with transaction.atomic():
        target = Vehicle.objects.select_for_update().get(pk=target.pk)
        changed = apply_changes(target, fields)
        if changed:
            target.save(update_fields=list(changed))
            audit.record("vehicle.changed", user=user, obj=target, detail={"changed": changed})
    return target


def _check_recorder(data: dict[str, Any], pk: int | None) -> dict[str, Any]:
    channels = list(dict.fromkeys(data.get("channels") or []))
    if not channels:
        raise RegistryError(_("付いているカメラを1つ以上選んでください。"))
    if not set(channels) <= set(Channel.values):
        raise RegistryError(_("カメラの指定が正しくありません。"))
    serial = str(data.get("serial") or "").strip()
    if not serial:
        raise RegistryError(_("製造番号を入力してください。"))
    if Recorder.objects.filter(serial=serial).exclude(pk=pk).exists():
        raise RegistryError(
            _("製造番号「%(serial)s」のドライブレコーダーはすでに登録されています。")
            % {"serial": serial})
    capacity_bytes, capacity_hours = data.get("capacity_bytes"), data.get("capacity_hours")
    if not capacity_bytes and not capacity_hours:
        raise RegistryError(_("記録容量（GB または 時間）を入力してください。"
                              "超えた分は古い元データから消去されます。"))
    checked: dt.date | None = data.get("notice_checked_on")
    if checked is not None and checked > clock.today_jst():
        raise RegistryError(_("録画中表示の確認日に未来の日付は入れられません。"))
    naming = data.get("naming_profile") or NamingProfile.FLAT
    if naming not in NamingProfile.values:
        raise RegistryError(_("ファイル名の形式を選んでください。"))
    ordered = [c for c in Channel.values if c in channels]
    return {"maker": str(data.get("maker") or "").strip(),
            "model_name": str(data.get("model_name") or "").strip(), "serial": serial,
            "capacity_bytes": capacity_bytes or None, "capacity_hours": capacity_hours or None,
            "channels": ordered, "has_microphone": bool(data.get("has_microphone")),
            "naming_profile": naming, "notice_checked_on": checked}


def register_recorder(user: Any, on: Vehicle, **data: Any) -> Recorder:
    """A recorder fitted to a vehicle, with the cameras it really has."""
    require(user, REGISTER_PERM, on)
    fields = _check_recorder(data, None)
    with transaction.atomic():
        made = Recorder.objects.create(vehicle=on, **fields)
        audit.record("recorder.registered", user=user, obj=made,
                     detail={"vehicle": on.pk, **described(made, RECORDER_FIELDS)})
    return made


def update_recorder(user: Any, target: Recorder, **data: Any) -> Recorder:
    require(user, REGISTER_PERM, target.vehicle)
    fields = _check_recorder(data, target.pk)
    with transaction.atomic():
        target = Recorder.objects.select_for_update().get(pk=target.pk)
        changed = apply_changes(target, fields)
        if changed:
            target.save(update_fields=list(changed))
            audit.record("recorder.changed", user=user, obj=target,
                         detail={"changed": changed})
    return target
