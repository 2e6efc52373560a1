"""Failed-login throttling (REQUIREMENTS R-104, 004 §7-6).

The threshold-th wrong password in a row locks the account for HOGO_LOCKOUT_MINUTES, or until
an administrator unlocks it; a locked account is refused even with the right password. The
authentication backend calls this, so every way in (UI, admin) is throttled alike.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import F

from hogo import clock
from hogo.accounts.models import User
from hogo.audit import services as audit


def refuse_locked(user: User) -> None:
    audit.record("login.refused_locked", actor=f"user:{user.username}", obj=user)


def count_failure(user: User | None, username: str) -> None:
    if user is None or not user.is_active:
        audit.record("login.failed", actor=f"anonymous:{username[:100]}",
                     detail={"reason": "unknown or disabled account"})
        return
    with transaction.atomic():
        # Count in the database, not on a copy read before the slow hash: parallel wrong
        # passwords must each count.
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        user = User.objects.select_for_update().get(pk=user.pk)
        locked = user.failed_logins >= settings.HOGO_LOCKOUT_THRESHOLD
        if locked and not user.is_locked:
            user.locked_until = clock.now() + dt.timedelta(minutes=settings.HOGO_LOCKOUT_MINUTES)
            user.save(update_fields=["locked_until"])
        audit.record("login.locked" if locked else "login.failed", actor=f"user:{username}",
                     obj=user, detail={"failed_logins": user.failed_logins})


def reset(user: User) -> None:
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)


def unlock(user: User, *, by: User) -> None:
    with transaction.atomic():
        user.failed_logins, user.locked_until = 0, None
        user.save(update_fields=["failed_logins", "locked_until"])
        audit.record("account.unlocked", user=by, obj=user)
