"""Who is told when a medium changes hands (R-402), once per event and person.

Two hand-offs had no alert: a manager hands a medium to someone of the department (that
person now answers for it and must bring it back by the date), and a medium comes back (its
manager checks what it holds and whether it was erased; the holder, if someone else returned
it, learns that it is no longer theirs). A loan past its date also tells the holder, besides
the department alert `escalate_overdue` raises. The actor is never told of their own step.
Each alert is keyed by the event, raised in the transaction of the change; mail follows the
commit. The text is an AlertText, so each reader sees it in their language; mail is Japanese.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_noop

from hogo.accounts.models import User
from hogo.accounts.permissions import allows
from hogo.alerts.services import Message, mail_people, raise_once
from hogo.alerts.text import AlertText, as_japanese

HANDED_OUT = "media.handed_out"
RETURNED = "media.returned"
OVERDUE = "media.overdue"


def _link(checkout: Any) -> str:
    return reverse("media:medium", args=[checkout.medium_id])


def _absolute(path: str) -> str:
    base = str(getattr(settings, "HOGO_BASE_URL", "") or "").rstrip("/")
    return f"{base}{path}"


def managers_of(medium: Any, *, besides: Iterable[Any] = ()) -> list[User]:
    """The active people who manage this medium (its department's manager), but `besides`."""
    skip = {person.pk for person in besides if person is not None}
    candidates = User.objects.filter(is_active=True, department=medium.department_id)
    return [p for p in candidates.order_by("pk")
            if p.pk not in skip and allows(p, "media.manage", medium)]


def once(kind: str, *, key: str, message: Message, link: str, recipient: User | None = None,
         department: Any = None) -> bool:
    """Raise this alert unless one with its key was ever raised (`alerts.raise_once`)."""
    return raise_once(kind, key=key, message=message, link=link, recipient=recipient,
                      department=department)


def _tell(event: str, checkout: Any, people: list[User], text: AlertText,
          subject: str) -> None:
    link = _link(checkout)
    told = [person for person in people
            if once(event, message=text, recipient=person, link=link,
                    key=f"{event}:{checkout.pk}:user:{person.pk}")]
    if told:
        body = f"{as_japanese(text)}\n\n{_absolute(link)}\n\n（hogo から自動送信）"
        transaction.on_commit(lambda: mail_people(told, f"[hogo] {subject}", body))


def handed_out(checkout: Any, *, by: Any) -> None:
    """The person a medium was handed to answers for it until it is back."""
    medium = checkout.medium
    _tell(HANDED_OUT, checkout, [checkout.taken_by],
          AlertText(gettext_noop("%(by)sさんが記録媒体 %(medium)s をあなたの持出しとして記録"
                                 "しました。目的：%(purpose)s。返却予定日 %(due)sまでに保管庫へ"
                                 "返却し、返却を記録してください。"),
                    by=str(by), medium=str(medium), purpose=checkout.purpose,
                    due=checkout.due_on), "記録媒体の受け渡し")


def returned(checkout: Any, *, by: Any) -> None:
    """Back in the cabinet: its manager checks it, and the holder is done with it."""
    medium = checkout.medium
    text = AlertText(gettext_noop("記録媒体 %(medium)s が保管庫に返却されました（返却：%(by)s、"
                                  "持出し者：%(holder)s、返却時の状態：%(condition)s）。"
                                  "記録している内容と消去の要否を確認してください。"),
                     medium=str(medium), by=str(by), holder=str(checkout.taken_by),
                     condition=checkout.condition)
    _tell(RETURNED, checkout, managers_of(medium, besides=[by]), text, "記録媒体の返却")
    if checkout.taken_by_id != by.pk:
        _tell(RETURNED, checkout, [checkout.taken_by],
              AlertText(gettext_noop("あなたが持ち出していた記録媒体 %(medium)s は "
                                     "%(by)sさんが返却しました。"),
                        medium=str(medium), by=str(by)),
              "記録媒体の返却")


def overdue_to_holder(checkout: Any, days: int) -> None:
    """The holder is told too (once per loan): they are the one who can bring it back."""
    medium = checkout.medium
    _tell(OVERDUE, checkout, [checkout.taken_by],
          AlertText(gettext_noop("持ち出している記録媒体 %(medium)s の返却予定日（%(due)s）を"
                                 "%(days)s日過ぎています。直ちに保管庫へ返却し、返却を記録して"
                                 "ください。"),
                    medium=str(medium), due=checkout.due_on, days=days),
          "記録媒体の返却期限超過")
