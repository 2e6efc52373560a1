"""What the media ledger has waiting for a person (対応待ち), registered from apps.ready().

- the holder: a medium to bring back, from the day it was taken (with its return date, so it
  rises when the date is near and shows overdue after it);
- the department's manager: a loan past its date that someone else holds;
- the department's manager: a cabinet whose periodic inventory (R-404) is due within a week
  or overdue;
- whoever started an inventory: finishing it.

Only what `allows` lets this person act on is listed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from hogo import clock
from hogo.accounts.permissions import allows
from hogo.alerts.waiting import WaitingItem
from hogo.media.models import Cabinet, Checkout, Inventory
from hogo.rules.wareki import format_wareki

# A cabinet is counted at least this often (R-404; no profile value yet).
INVENTORY_EVERY_DAYS = 90
SOON_DAYS = 7


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=clock.JST)


def inventory_due_on(cabinet: Cabinet) -> dt.date:
    """The day the next inventory of this cabinet is due: a period after the last finished
    one, or after the cabinet was registered."""
    last = cabinet.inventories.filter(finished_at__isnull=False).order_by(
        "-finished_at").first()
    since = last.finished_at if last is not None else cabinet.registered_at
    return clock.jst_date(since) + dt.timedelta(days=INVENTORY_EVERY_DAYS)


def waiting(user: Any) -> Iterator[WaitingItem]:
    yield from _to_return(user)
    yield from _overdue_for_manager(user)
    yield from _inventories_due(user)
    yield from _inventories_open(user)


def _to_return(user: Any) -> Iterator[WaitingItem]:
    for checkout in Checkout.objects.filter(taken_by=user.pk, returned_at__isnull=True
                                            ).select_related("medium"):
        if allows(user, "media.use", checkout.medium):
            yield WaitingItem(
                kind="media.return", label=_("記録媒体を保管庫へ返却する"),
                title=_("%(medium)s（返却予定日 %(due)s）") % {
                    "medium": checkout.medium, "due": format_wareki(checkout.due_on)},
                url=reverse("media:medium", args=[checkout.medium_id]),
                since=checkout.taken_at, due_on=checkout.due_on)


def _overdue_for_manager(user: Any) -> Iterator[WaitingItem]:
    if not allows(user, "media.manage"):
        return
    today = clock.today_jst()
    late = Checkout.objects.filter(returned_at__isnull=True, due_on__lt=today).exclude(
        taken_by=user.pk).select_related("medium", "taken_by")
    for checkout in late:
        if allows(user, "media.manage", checkout.medium):
            yield WaitingItem(
                kind="media.overdue", label=_("返却期限を過ぎた記録媒体の所在を確かめる"),
                title=_("%(medium)s（持出し者：%(holder)s）") % {
                    "medium": checkout.medium, "holder": checkout.taken_by},
                url=reverse("media:medium", args=[checkout.medium_id]),
                since=_start_of(checkout.due_on + dt.timedelta(days=1)),
                due_on=checkout.due_on)


def _inventories_due(user: Any) -> Iterator[WaitingItem]:
    if not allows(user, "media.manage"):
        return
    soon = clock.today_jst() + dt.timedelta(days=SOON_DAYS)
    for cabinet in Cabinet.objects.filter(department=user.department_id):
        if not allows(user, "media.manage", cabinet):
            continue
        due = inventory_due_on(cabinet)
        if due <= soon:
            yield WaitingItem(
                kind="media.inventory", label=_("保管庫の棚卸しをする"), title=str(cabinet),
                url=reverse("media:cabinets"),
                since=min(clock.now(), _start_of(due - dt.timedelta(days=SOON_DAYS))),
                due_on=due)


def _inventories_open(user: Any) -> Iterator[WaitingItem]:
    for counted in Inventory.objects.filter(started_by=user.pk, finished_at__isnull=True
                                            ).select_related("cabinet"):
        if allows(user, "media.use", counted.cabinet):
            yield WaitingItem(
                kind="media.inventory_open", label=_("始めた棚卸しを終える"),
                title=str(counted.cabinet), url=reverse("media:inventory", args=[counted.pk]),
                since=counted.started_at)
