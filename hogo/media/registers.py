"""Registering cabinets and portable media (R-401): every medium that may hold personal data
has a fixed, lockable cabinet of its department, never a personal desk.

A department's manager registers and corrects them ("media.manage"); the checks are here,
the screens show what is refused; each change is audited with the old and new values.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hogo.accounts.models import Department
from hogo.accounts.permissions import allows, require
from hogo.audit import services as audit
from hogo.kit.changes import apply_changes, described
from hogo.media.models import Cabinet, Medium, MediumKind

MANAGE = "media.manage"
CABINET_FIELDS = ("department", "name", "location")
MEDIUM_FIELDS = ("label", "kind", "serial", "capacity_bytes", "encrypted", "cabinet")


class RegisterError(ValueError):
    """A refused registration; the message is Japanese, for the screen."""


def managed_departments(user: Any) -> list[Department]:
    """The departments of the user's organisation whose cabinets and media they register."""
    departments = Department.objects.filter(organisation=user.organisation_id)
    return [d for d in departments if allows(user, MANAGE, d)]


def managed_cabinets(user: Any) -> list[Cabinet]:
    """The cabinets a medium registered by this person may be kept in."""
    cabinets = Cabinet.objects.filter(department__organisation=user.organisation_id)
    return [c for c in cabinets.select_related("department") if allows(user, MANAGE, c)]


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def _cabinet_fields(user: Any, data: dict[str, Any]) -> dict[str, Any]:
    department = data.get("department")
    if department is None or department not in managed_departments(user):
        raise RegisterError(_("この所属の保管庫は登録できません。"))
    name, location = _text(data.get("name")), _text(data.get("location"))
    if not name or not location:
        raise RegisterError(_("保管庫の名称と設置場所（施錠できる場所）を入力してください。"))
    return {"department": department, "name": name, "location": location}


def register_cabinet(user: Any, **data: Any) -> Cabinet:
    require(user, MANAGE, data.get("department"))
    fields = _cabinet_fields(user, data)
    with transaction.atomic():
        made = Cabinet.objects.create(**fields)
        audit.record("cabinet.registered", user=user, obj=made,
                     detail=described(made, CABINET_FIELDS))
    return made


def update_cabinet(user: Any, cabinet: Cabinet, **data: Any) -> Cabinet:
    """Rename or move a cabinet; it stays with its department while it keeps media."""
    require(user, MANAGE, cabinet)
    fields = _cabinet_fields(user, data)
    with transaction.atomic():
        cabinet = Cabinet.objects.select_for_update().get(pk=cabinet.pk)
        if fields["department"] != cabinet.department and cabinet.media.exists():
            raise RegisterError(_("記録媒体を保管している保管庫は、他の所属に移せません。"))
        changed = apply_changes(cabinet, fields)
        if changed:
            cabinet.save(update_fields=list(changed))
            audit.record("cabinet.changed", user=user, obj=cabinet, detail={"changed": changed})
    return cabinet


def _medium_fields(user: Any, data: dict[str, Any], pk: int | None) -> dict[str, Any]:
    label = _text(data.get("label"))
    if not label:
        raise RegisterError(_("管理番号を入力してください。"))
    if Medium.objects.filter(label=label).exclude(pk=pk).exists():
        raise RegisterError(_("管理番号「%(label)s」の記録媒体はすでに登録されています。")
                            % {"label": label})
    if data.get("kind") not in MediumKind.values:
        raise RegisterError(_("記録媒体の種別を選んでください。"))
    cabinet = data.get("cabinet")
    if cabinet is None or cabinet not in managed_cabinets(user):
        raise RegisterError(_("この保管庫には登録できません。"))
    capacity = data.get("capacity_bytes")
    return {"label": label, "kind": data["kind"], "serial": _text(data.get("serial")),
            "capacity_bytes": capacity or None, "encrypted": bool(data.get("encrypted")),
            "cabinet": cabinet}


def register_medium(user: Any, **data: Any) -> Medium:
    """A new medium, kept in a cabinet of its department (it belongs to that department)."""
    require(user, MANAGE, data.get("cabinet"))
    fields = _medium_fields(user, data, None)
    with transaction.atomic():
        made = Medium.objects.create(department=fields["cabinet"].department, **fields)
        audit.record("medium.registered", user=user, obj=made,
                     detail=described(made, MEDIUM_FIELDS))
    return made


def update_medium(user: Any, medium: Medium, **data: Any) -> Medium:
    """Correct a medium's particulars; another cabinet only while it is in its own."""
    require(user, MANAGE, medium)
    fields = _medium_fields(user, data, medium.pk)
    with transaction.atomic():
        medium = Medium.objects.select_for_update().get(pk=medium.pk)
        if fields["cabinet"] != medium.cabinet and not medium.can_be_moved:
            raise RegisterError(_("保管庫を変えられるのは、保管庫にある記録媒体だけです"
                                  "（現在：%(state)s）。") % {"state": medium.get_state_display()})
        fields["department"] = fields["cabinet"].department
        changed = apply_changes(medium, fields)
        if changed:
            medium.save(update_fields=list(changed))
            audit.record("medium.changed", user=user, obj=medium, detail={"changed": changed})
    return medium
