"""Media rules: check-out and check-in, contents, overdue escalation, inventory, missing.

Every step is audited. A medium not found in an inventory is marked missing and reported to
its department's manager and the privacy officer at once, with what it held — the
notification that never happened in the Kawasaki case (000).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hogo import clock
from hogo.accounts.models import User
from hogo.accounts.permissions import allows, require
from hogo.alerts.services import raise_alert
from hogo.alerts.text import AlertText
from hogo.audit import services as audit
from hogo.footage.models import DeletionRecord
from hogo.media import handoffs
from hogo.media.models import (
    Cabinet,
    Checkout,
    Content,
    Inventory,
    InventoryItem,
    Medium,
    MediumState,
)
from hogo.media.signals import medium_missing

ESCALATE_AFTER_DAYS = 3


class MediaError(ValueError):
    """A refused media operation; the message is Japanese, for the screen."""


def possible_holders(user: Any, medium: Medium) -> Any:
    """Whom this person may record as taking the medium: themselves; a manager (who may
    hand a medium out) anyone active of the medium's department."""
    if not allows(user, "media.manage", medium):
        return User.objects.filter(pk=user.pk)
    return User.objects.filter(department=medium.department_id, is_active=True).order_by(
        "display_name", "username")


def check_out(user: Any, medium: Medium, *, purpose: str, due_on: dt.date,
              holder: Any = None) -> Checkout:
    """Take a medium out of its cabinet, for oneself or (a manager) handing it to another
    person of the department, who is then told at once (one alert for this loan)."""
    require(user, "media.use", medium)
    holder = holder or user
    if holder.pk != user.pk:
        require(user, "media.manage", medium)
        if not holder.is_active or holder.department_id != medium.department_id:
            raise MediaError(_("記録媒体を渡せるのは、その記録媒体の所属の職員だけです。"))
    if due_on < clock.today_jst():
        raise MediaError(_("返却予定日は今日以降にしてください。"))
    with transaction.atomic():
        medium = Medium.objects.select_for_update().get(pk=medium.pk)
        if not medium.can_be_checked_out:
            raise MediaError(_("この記録媒体は%(state)sのため持ち出せません。")
                             % {"state": medium.get_state_display()})
        checkout = Checkout.objects.create(medium=medium, taken_by=holder, taken_at=clock.now(),
                                           purpose=purpose, due_on=due_on)
        medium.state = MediumState.OUT
        medium.save(update_fields=["state"])
        audit.record("medium.checked_out", user=user, obj=medium, purpose=purpose,
                     detail={"due_on": due_on.isoformat(), "holder": holder.pk})
        if holder.pk != user.pk:
            handoffs.handed_out(checkout, by=user)
    return checkout


def organisation_media(organisation_id: int | None) -> Any:
    """Every medium of an organisation (for choosing the ones an incident involves)."""
    return Medium.objects.filter(department__organisation=organisation_id)


def all_media() -> Any:
    """Every medium (what a copy may be exported onto; the export checks the rest)."""
    return Medium.objects.all()


def checked_out_by(user: Any) -> Any:
    """The media this person has checked out now (the choices for an export)."""
    return Medium.objects.filter(checkouts__taken_by=user, checkouts__returned_at__isnull=True)


def medium_by_label(label: str) -> Medium | None:
    """The medium with this 管理番号 (labels are unique), or None."""
    return Medium.objects.filter(label=label).first() if label else None


def open_checkout(medium: Medium) -> Checkout | None:
    """The medium's loan that has not been returned, if any: who has it, why, until when."""
    return medium.checkouts.filter(returned_at__isnull=True).select_related("taken_by").first()


def check_in(user: Any, medium: Medium, *, condition: str) -> Checkout:
    """Bring a medium back; its manager (and the holder, when someone else returned it)
    is told once, so whoever must check what it holds knows it is back."""
    require(user, "media.use", medium)
    with transaction.atomic():
        medium = Medium.objects.select_for_update().get(pk=medium.pk)
        checkout = open_checkout(medium)
        if checkout is None:
            raise MediaError(_("この記録媒体は持ち出されていません。"))
        checkout.returned_by, checkout.returned_at = user, clock.now()
        checkout.condition = condition
        checkout.save(update_fields=["returned_by", "returned_at", "condition"])
        medium.state = MediumState.IN_CABINET
        medium.save(update_fields=["state"])
        audit.record("medium.checked_in", user=user, obj=medium, purpose=condition,
                     detail={"checkout": checkout.pk})
        handoffs.returned(checkout, by=user)
    return checkout


def record_content(user: Any, medium: Medium, *, description: str, copy: Any = None,
                   people: int | None = None) -> Content:
    """Write down what was put on the medium (R-403): the system knows what each holds."""
    require(user, "media.use", medium)
    with transaction.atomic():
        content = Content.objects.create(medium=medium, description=description, copy=copy,
                                         people=people, written_by=user, written_at=clock.now())
        audit.record("medium.written", user=user, obj=medium, purpose=description,
                     detail={"copy": getattr(copy, "pk", None), "people": people})
    return content


def holdings(medium: Medium) -> str:
    """One line of what a medium holds, for alerts and incident reports."""
    current = medium.contents.filter(removed_at__isnull=True)
    people = sum(c.people or 0 for c in current)
    items = "、".join(c.description for c in current) or "記録なし"
    return f"{items}（延べ{people}人）" if people else items


def board_rows(media: Any, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Each medium with its open checkout and whether that is past its due date."""
    today = today or clock.today_jst()
    rows = []
    for medium in media.prefetch_related("checkouts"):
        out = next((c for c in medium.checkouts.all() if c.returned_at is None), None)
        rows.append({"medium": medium, "checkout": out,
                     "overdue": out is not None and out.due_on < today})
    return rows


def inventory_rows(inventory: Inventory) -> list[dict[str, Any]]:
    """Each item of an inventory with the loan it is out on (who holds it, until when)."""
    items = inventory.items.select_related("medium__cabinet")
    return [{"item": item, "loan": open_checkout(item.medium)} for item in items]


def escalate_overdue(today: dt.date | None = None) -> int:
    """Overdue media: the manager is told the day after the due date, the privacy officer
    after three more days."""
    today = today or clock.today_jst()
    overdue = Checkout.objects.filter(returned_at__isnull=True, due_on__lt=today).select_related(
        "medium__department", "taken_by")
    for checkout in overdue:
        medium = checkout.medium
        days = (today - checkout.due_on).days
        message = AlertText(gettext_noop(
            "記録媒体 %(medium)s が返却予定日（%(due)s）を%(days)s日過ぎても返却されていません。"
            "持出し者: %(holder)s。内容: %(holdings)s"),
            medium=str(medium), due=checkout.due_on, days=days, holder=str(checkout.taken_by),
            holdings=holdings(medium))
        link = reverse("media:medium", args=[medium.pk])
        handoffs.once("media.overdue", department=medium.department, message=message,
                      key=f"overdue:{checkout.pk}", link=link)
        handoffs.overdue_to_holder(checkout, days)
        if days > ESCALATE_AFTER_DAYS:
            handoffs.once("media.overdue", department=None, message=message,
                          key=f"overdue-escalated:{checkout.pk}", link=link)
    return overdue.count()


def start_inventory(user: Any, cabinet: Cabinet) -> Inventory:
    require(user, "media.use", cabinet)
    with transaction.atomic():
        inventory = Inventory.objects.create(cabinet=cabinet, started_by=user,
                                             started_at=clock.now())
        for medium in cabinet.media.exclude(state=MediumState.DESTROYED):
            InventoryItem.objects.create(inventory=inventory, medium=medium,
                                         expected=medium.state)
        audit.record("inventory.started", user=user, obj=inventory)
    return inventory


def confirm(user: Any, item: InventoryItem, *, found: bool) -> InventoryItem:
    """Confirm one item; a medium expected in the cabinet and not found is missing at once."""
    require(user, "media.use", item.inventory.cabinet)
    with transaction.atomic():
        item.found, item.checked_by, item.checked_at = found, user, clock.now()
        item.save(update_fields=["found", "checked_by", "checked_at"])
        audit.record("inventory.checked", user=user, obj=item.medium,
                     detail={"inventory": item.inventory_id, "found": found})
        if not found and item.expected in (MediumState.IN_CABINET, MediumState.OUT):
            where = item.inventory.cabinet
            why = (f"棚卸し（{where}）で持出し者の手元にも見つかりません"
                   if item.expected == MediumState.OUT else f"棚卸し（{where}）で見つかりません")
            mark_missing(user, item.medium, why=why)
    return item


def mark_missing(user: Any, medium: Medium, *, why: str) -> Any:
    """A medium not found: alerts to the manager and the privacy officer at once, and
    `medium_missing` announced so the incident is opened, pre-filled from what the medium
    holds (R-801). Returns what a receiver opened (the incident), or None if nobody did."""
    with transaction.atomic():
        medium.state = MediumState.MISSING
        medium.save(update_fields=["state"])
        audit.record("medium.missing", user=user, obj=medium, purpose=why)
        opened = [record for _, record in medium_missing.send(Medium, medium=medium,
                                                               user=user, why=why)
                  if record is not None]
        record = opened[0] if opened else None
        if record is not None:
            medium.missing_reference = str(record.number)
            medium.missing_link = record.get_absolute_url()
            medium.save(update_fields=["missing_reference", "missing_link"])
        found = {"medium": str(medium), "why": why, "holdings": holdings(medium)}
        message = AlertText(gettext_noop("記録媒体 %(medium)s が所在不明です（%(why)s）。"
                                         "内容: %(holdings)s。"), **found)
        link = ""
        if record is not None:
            message = AlertText(gettext_noop(
                "記録媒体 %(medium)s が所在不明です（%(why)s）。内容: %(holdings)s。"
                "漏えい等事案 %(number)s として直ちに確認してください。"),
                number=str(record.number), **found)
            link = record.get_absolute_url()
        raise_alert("media.missing", department=medium.department, message=message,
                    key=f"missing:{medium.pk}", link=link)
        raise_alert("media.missing", department=None, message=message,
                    key=f"missing-po:{medium.pk}", link=link)
    return record


def finish_inventory(user: Any, inventory: Inventory) -> None:
    """Items expected in the cabinet that nobody confirmed count as not found; a medium out
    on loan that nobody asked its holder about stays as it was."""
    for item in inventory.items.filter(found__isnull=True, expected=MediumState.IN_CABINET
                                       ).select_related("medium"):
        confirm(user, item, found=False)
    with transaction.atomic():
        inventory.finished_at = clock.now()
        inventory.save(update_fields=["finished_at"])
        audit.record("inventory.finished", user=user, obj=inventory)


def wipe(user: Any, medium: Medium, *, method: str, destroy: bool = False) -> DeletionRecord:
    """Erase what a medium holds (or destroy it) with a record (R-306; 004 §7-5(4)).

    Only the department's manager decides; the medium must be back in its cabinet.
    """
    require(user, "media.manage", medium)
    if not medium.can_be_wiped:
        raise MediaError(_("消去・破砕できるのは保管庫に返却済みの記録媒体だけです。"))
    with transaction.atomic():
        now = clock.now()
        held = list(medium.contents.filter(removed_at__isnull=True))
        medium.contents.filter(removed_at__isnull=True).update(removed_at=now)
        if destroy:
            medium.state = MediumState.DESTROYED
            medium.save(update_fields=["state"])
        record = DeletionRecord.objects.create(
            object_id="", sha256="", size=medium.capacity_bytes or 0,
            what=f"記録媒体 {medium}: " + ("、".join(c.description for c in held) or "記録なし"),
            rule="medium_destroyed" if destroy else "medium_wiped", method=method,
            erased_at=now, erased_by=audit.actor_of(user)[0],
            detail={"medium": medium.label, "contents": [c.pk for c in held]})
        audit.record("medium.destroyed" if destroy else "medium.wiped", user=user, obj=medium,
                     purpose=method, detail={"deletion_record": record.pk})
    return record
