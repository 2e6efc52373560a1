"""Failed-login throttling (R-104, R-1001; 004 §7-6).

Per account: the threshold-th wrong password in a row locks it for HOGO_LOCKOUT_MINUTES, or
until an administrator unlocks it; a locked account is refused even with the right password.
An attempt takes its place in the count *before* the slow password hash (`begin_attempt`, one
conditional UPDATE), so parallel guesses cannot all be checked: once the count reaches the
threshold the others are refused as locked, unchecked. A right password gives its place back.

Per client address: past HOGO_LOGIN_FAILURES_PER_ADDRESS failures (any name) in a window of
HOGO_LOGIN_WINDOW_MINUTES, the address is refused log-in until the window ends. Failures for
unknown (or disabled) names are logged at WARNING and counted in LoginFailureTally; one audit
entry per window summarises them, so anonymous guessing cannot grow the chain without bound.

The authentication backend calls this, so every way in (UI, admin) is throttled alike.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Greatest

from hogo import clock
from hogo.accounts.models import LoginFailureTally, User
from hogo.audit import services as audit

log = logging.getLogger("hogo.accounts")
OTHER = "other"


@dataclass(frozen=True)
class Attempt:
    """A place taken in an account's failure count before its password is checked."""

    user_pk: int
    count: int
    locked_until: dt.datetime | None  # set when this attempt reached the threshold


def begin_attempt(user: User) -> Attempt | None:
    """Count this attempt as failed until it proves otherwise; None when the account is locked.

    One UPDATE both counts and, at the threshold, locks, and only while the account is not
    locked: under parallel attempts exactly `threshold` get a place.
    """
    now = clock.now()
    lock = now + dt.timedelta(minutes=settings.HOGO_LOCKOUT_MINUTES)
    with transaction.atomic():
        taken = User.objects.filter(
            Q(locked_until__isnull=True) | Q(locked_until__lte=now), pk=user.pk,
        ).update(failed_logins=F("failed_logins") + 1, locked_until=Case(
            When(failed_logins__gte=settings.HOGO_LOCKOUT_THRESHOLD - 1, then=Value(lock)),
            default=F("locked_until")))
        if not taken:
            return None
        count, locked_until = User.objects.filter(pk=user.pk).values_list(
            "failed_logins", "locked_until").get()
    return Attempt(user.pk, count, lock if locked_until == lock else None)


def fail_attempt(attempt: Attempt, username: str, address: str) -> None:
    """The password (or code) was wrong: the place taken stays, and is audited."""
    locked = attempt.count >= settings.HOGO_LOCKOUT_THRESHOLD
    audit.record("login.locked" if locked else "login.failed", actor=f"user:{username}",
                 object_type="accounts.user", object_id=attempt.user_pk,
                 detail={"failed_logins": attempt.count})
    _tally(address, "known_names")


def give_back(attempt: Attempt) -> None:
    """A right password that still needs its TOTP code: not a failure after all."""
    with transaction.atomic():
        User.objects.filter(pk=attempt.user_pk).update(
            failed_logins=Greatest(F("failed_logins") - 1, Value(0)))
        if attempt.locked_until is not None:
            User.objects.filter(pk=attempt.user_pk, locked_until=attempt.locked_until).update(
                locked_until=None)


def refuse_locked(user: User) -> None:
    """A locked account was tried (password or TOTP code): refused unchecked, and audited."""
    audit.record("login.refused_locked", actor=f"user:{user.username}", obj=user)


def reset(user: User) -> None:
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)


def unlock(user: User, *, by: User) -> None:
    with transaction.atomic():
        user.failed_logins, user.locked_until = 0, None
        user.save(update_fields=["failed_logins", "locked_until"])
        audit.record("account.unlocked", user=by, obj=user)


# --- per client address ---------------------------------------------------------------------

def client_address(request: Any) -> str:
    """The client's address ("" without a request).

    Behind the HTTPS reverse proxy (HOGO_HTTPS) every peer is the proxy, so the address the
    proxy appended last to X-Forwarded-For is the client's; earlier entries are the client's
    own say and are not trusted.
    """
    meta = getattr(request, "META", None) or {}
    forwarded = str(meta.get("HTTP_X_FORWARDED_FOR") or "")
    if getattr(settings, "HOGO_HTTPS", False) and forwarded.strip():
        return forwarded.rsplit(",", 1)[-1].strip()[:64]
    return str(meta.get("REMOTE_ADDR") or "")[:64]


def window_start(instant: dt.datetime) -> dt.datetime:
    seconds = settings.HOGO_LOGIN_WINDOW_MINUTES * 60
    return dt.datetime.fromtimestamp(instant.timestamp() // seconds * seconds, dt.UTC)


def throttled(address: str) -> bool:
    """Has this address failed too often in the current window?"""
    counts = LoginFailureTally.objects.filter(
        window_start=window_start(clock.now()), address=address).values_list(
        "unknown_names", "known_names").first()
    return counts is not None and sum(counts) >= settings.HOGO_LOGIN_FAILURES_PER_ADDRESS


def refuse_throttled(address: str, username: str) -> None:
    log.warning("log-in as %r refused unchecked: too many failures from %s", username[:100],
                address or "an unknown address")
    _tally(address, "refused")


def count_unknown(address: str, username: str) -> None:
    """A failure for a name with no active account: logged and counted, not audited alone."""
    log.warning("failed log-in for unknown or disabled account %r from %s", username[:100],
                address or "an unknown address")
    _tally(address, "unknown_names")


def _tally(address: str, field: str) -> None:
    now = clock.now()
    window = window_start(now)
    summarise_closed_windows(now)
    with transaction.atomic():
        rows = LoginFailureTally.objects.filter(window_start=window, address=address)
        if rows.update(**{field: F(field) + 1}):
            return
        if address != OTHER and LoginFailureTally.objects.filter(
                window_start=window).count() >= settings.HOGO_LOGIN_TRACKED_ADDRESSES:
            address = OTHER
            rows = LoginFailureTally.objects.filter(window_start=window, address=address)
            if rows.update(**{field: F(field) + 1}):
                return
        try:
            with transaction.atomic():
                LoginFailureTally.objects.create(window_start=window, address=address,
                                                 **{field: 1})
        except IntegrityError:  # a parallel failure created it first
            rows.update(**{field: F(field) + 1})


def summarise_closed_windows(now: dt.datetime | None = None) -> int:
    """One audit entry per finished window that had unknown names or refusals; its rows go.

    Returns the number of entries written.
    """
    current = window_start(now or clock.now())
    if not LoginFailureTally.objects.filter(window_start__lt=current).exists():
        return 0
    written = 0
    with transaction.atomic():
        rows = list(LoginFailureTally.objects.select_for_update().filter(
            window_start__lt=current).order_by("window_start", "address"))
        for window, group in groupby(rows, key=lambda row: row.window_start):
            group = list(group)
            totals = {name: sum(getattr(row, name) for row in group)
                      for name in ("unknown_names", "known_names", "refused")}
            if not totals["unknown_names"] and not totals["refused"]:
                continue  # failures for known names are each in the chain already
            audit.record("login.failures_summary", actor="system", detail={
                "window_start": window.isoformat(),
                "window_minutes": settings.HOGO_LOGIN_WINDOW_MINUTES, **totals,
                "by_address": {row.address or "unknown": {
                    "unknown_names": row.unknown_names, "known_names": row.known_names,
                    "refused": row.refused} for row in group}})
            written += 1
        LoginFailureTally.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return written
