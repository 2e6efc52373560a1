"""One-time download links: how a recipient without an account fetches the encrypted package
of a hand-over (R-502, R-303).

The package (the AES-256 ZIP that export makes, under a new password) is kept as an encrypted
object until it is fetched. The token goes to the recipient (the page shows it once to staff;
it may be mailed), the password by another channel (phone, letter): neither is stored, only
the token's SHA-256 and the password's fingerprint. A link works once: the first delivery
marks it used and crypto-shreds the package, as revoking it, its expiry or the erasure of
its copy at the end of the copy's retention do (a DeletionRecord each time). The provision
happens when the recipient takes the package: the provision record (Act Art. 29) is made
then, dated that day, never for a link that died unfetched.

Every attempt — delivered, refused as expired, used, revoked or unknown, opened, sent without
the undertaking — is a Fetch row (for a known link) and an audit entry with the address and
the user agent. Refused attempts are throttled per client address (a keyed hash): past
REFUSED_PER_HOUR in the hour the address is answered 429 and no longer writes an audit entry
per attempt (one summary entry per address and hour instead); a known link still gets its
Fetch row for every attempt.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hogo import clock
from hogo.accounts.permissions import require
from hogo.alerts.text import AlertText
from hogo.audit import services as audit
from hogo.audit.models import AuditEntry
from hogo.copies.models import Copy
from hogo.copies.packages import BuiltPackage, export_dir, write_copy_package
from hogo.footage.models import EncryptedObject
from hogo.footage.objects import erasure_batch, get_store, shred_unless_needed, store_stream
from hogo.provision import common, records
from hogo.provision.models import DownloadLink, Fetch, HandOver, Method

log = logging.getLogger("hogo.provision")
FETCHED = "provision.link_fetched"  # the alert kind: the recipient took the package
PUBLIC = "public"  # the audit actor of a fetch: nobody is logged in
UNDERTAKEN_ONLINE = "オンラインで確認"
# Fetch outcomes.
DELIVERED, OPENED, UNCONFIRMED = "delivered", "opened", "unconfirmed"
EXPIRED, USED, REVOKED, UNKNOWN = "expired", "used", "revoked", "unknown"
REFUSED = (EXPIRED, USED, REVOKED, UNKNOWN)
# Not an answer about the link: too many refused attempts from this address (429), or the
# delivery failed on our side (the package or the provision record; the link stays unused).
THROTTLED, FAILED = "throttled", "failed"
VALID = "valid"
RULE = "provision_link"  # the DeletionRecord rule of a link's package
REFUSED_ACTION, THROTTLED_ACTION = "provision.link_refused", "provision.link_throttled"
REFUSED_PER_HOUR = 20  # refused attempts per address and hour before it is answered 429


class LinkError(ValueError):
    """A refused link operation; the message is Japanese, for the screen."""


@dataclass(frozen=True)
class Visitor:
    """Who knocks: the address and user agent of the attempt (for the log)."""

    address: str = ""
    user_agent: str = ""


@dataclass(frozen=True)
class Attempt:
    """What a fetch attempt came to: `outcome` is DELIVERED (then `handle` and `filename`),
    OPENED (a valid link's page), UNCONFIRMED, or one of REFUSED."""

    outcome: str
    link: DownloadLink | None = None
    handle: BinaryIO | None = None
    filename: str = ""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def url_of(token: str) -> str:
    """The link as the recipient opens it (absolute, from HOGO_BASE_URL)."""
    return common.absolute(reverse("provision:link", args=[token]))


def state_of(link: DownloadLink, now: dt.datetime | None = None) -> str:
    """USED, REVOKED, EXPIRED or VALID (in that order: a used link stays used). A link whose
    copy was erased (the end of its retention) is REVOKED even before the job shreds it."""
    now = now or clock.now()
    if link.used_at is not None:
        return USED
    if link.revoked_at is not None or not link.handover.copy.is_kept:
        return REVOKED
    if now >= link.expires_at:
        return EXPIRED
    return VALID


def store_package(copy: Copy) -> tuple[EncryptedObject, BuiltPackage]:
    """Package the copy under a new password and keep the package as an encrypted object
    (in the caller's transaction). The password is in the returned package: show it once."""
    with tempfile.TemporaryFile(dir=export_dir()) as sink:  # the ZIP is encrypted already
        built = write_copy_package(copy, sink)
        stored = store_stream(sink)  # type: ignore[arg-type]  # any seekable binary file
    return stored, built


def create_link(user: Any, handover: HandOver, stored: EncryptedObject, *, filename: str,
                recipient_email: str = "", days: int) -> tuple[DownloadLink, str]:
    """The link to a stored package, expiring after `days` (in the caller's transaction).
    Returns it and its token: show the token once; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    link = DownloadLink.objects.create(
        handover=handover, recipient_name=handover.recipient_name,
        recipient_email=recipient_email, token_hash=token_hash(token), package=stored,
        filename=filename, created_by=user, created_at=now,
        expires_at=now + dt.timedelta(days=days))
    return link, token


def _fetch_row(link: DownloadLink | None, outcome: str, visitor: Visitor) -> None:
    if link is not None:
        Fetch.objects.create(link=link, at=clock.now(), outcome=outcome,
                             address=visitor.address[:64], user_agent=visitor.user_agent[:300])


def _log(link: DownloadLink | None, outcome: str, visitor: Visitor, **detail: Any) -> None:
    """The attempt's Fetch row (a known link) and audit entry."""
    _fetch_row(link, outcome, visitor)
    action = {DELIVERED: "provision.link_fetched", OPENED: "provision.link_opened"}.get(
        outcome, REFUSED_ACTION)
    audit.record(action, actor=PUBLIC, obj=link, detail={
        "outcome": outcome, "address": visitor.address[:64],
        "user_agent": visitor.user_agent[:300],
        **({"number": link.handover.request.number} if link is not None else {}), **detail})


def address_key(address: str) -> str:
    """A keyed hash of the client address: what the throttle counts by."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"provision-link:{address}".encode(), hashlib.sha256).hexdigest()[:32]


def throttle_window(now: dt.datetime) -> dt.datetime:
    """The start of the hour (UTC) the throttle counts in."""
    return now.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def _refusals(hashed: str, since: dt.datetime) -> int:
    return AuditEntry.objects.filter(action=REFUSED_ACTION, at__gte=since,
                                     detail__contains=f'"address_hash":"{hashed}"').count()


def _refuse(link: DownloadLink | None, outcome: str, visitor: Visitor) -> Attempt:
    """A refused attempt (expired, used, revoked, unknown): logged, or THROTTLED once this
    address had REFUSED_PER_HOUR refusals this hour — then a known link still gets its Fetch
    row, and the address one summary audit entry for the hour instead of one per attempt."""
    hashed, window = address_key(visitor.address), throttle_window(clock.now())
    if _refusals(hashed, window) < REFUSED_PER_HOUR:
        _log(link, outcome, visitor, address_hash=hashed)
        return Attempt(outcome)
    _fetch_row(link, outcome, visitor)
    if not AuditEntry.objects.filter(
            action=THROTTLED_ACTION, at__gte=window,
            detail__contains=f'"address_hash":"{hashed}"').exists():
        log.warning("download links: too many refused attempts from one address; throttled "
                    "until the hour ends")
        audit.record(THROTTLED_ACTION, actor=PUBLIC, detail={
            "address_hash": hashed, "window_start": window.isoformat(),
            "refused": REFUSED_PER_HOUR, "limit_per_hour": REFUSED_PER_HOUR,
            "user_agent": visitor.user_agent[:300]})
    return Attempt(THROTTLED)


def _find(token: str) -> DownloadLink | None:
    if not token or len(token) > 200:
        return None
    return DownloadLink.objects.select_related("handover__request__organisation",
                                               "handover__copy").filter(
        token_hash=token_hash(token)).first()


def look(token: str, visitor: Visitor) -> Attempt:
    """The recipient opens the link's page: logged; VALID links show what they hold."""
    with transaction.atomic():
        link = _find(token)
        state = UNKNOWN if link is None else state_of(link)
        if state != VALID:
            return _refuse(link, state, visitor)
        _log(link, OPENED, visitor)
    return Attempt(OPENED, link)


def fetch(token: str, visitor: Visitor, *, name: str, confirmed: bool) -> Attempt:
    """The recipient confirms the undertakings and takes the package, once.

    Delivered: an open, already unlinked temporary file holding the package (the stored
    object is crypto-shredded in the same transaction), the link marked used, the hand-over's
    undertaking recorded as confirmed online by `name`, and the provision record made (the
    data is provided now). FAILED when the package or the record cannot be made: nothing
    changes, the link stays usable, the attempt is logged."""
    try:
        with transaction.atomic():
            return _deliver(token, visitor, name=name, confirmed=confirmed)
    except (records.RecordError, LinkError) as problem:
        log.error("download link: delivery failed: %s", problem)
        with transaction.atomic():
            _log(_find(token), FAILED, visitor, problem=str(problem)[:300])
        return Attempt(FAILED)


def _deliver(token: str, visitor: Visitor, *, name: str, confirmed: bool) -> Attempt:
    """`fetch` in its transaction (an exception undoes the claim and the record)."""
    now = clock.now()
    link = _find(token)
    state = UNKNOWN if link is None else state_of(link, now)
    if state != VALID:
        return _refuse(link, state, visitor)
    assert link is not None
    if not (confirmed and name.strip()):
        _log(link, UNCONFIRMED, visitor)
        return Attempt(UNCONFIRMED, link)
    # Claimed in one statement: two fetches at once deliver once.
    claimed = DownloadLink.objects.filter(
        pk=link.pk, used_at__isnull=True, revoked_at__isnull=True,
        expires_at__gt=now).update(used_at=now)
    if not claimed:
        link.refresh_from_db()
        return _refuse(link, state_of(link, now), visitor)
    link.used_at = now
    handover = link.handover
    if not handover.links.filter(used_at__isnull=False).exclude(pk=link.pk).exists():
        # The provision happens now: its record (Act Art. 29) is dated the day of the fetch.
        records.record_provision(handover, provided_on=clock.jst_date(now))
    handle = _package_copy(link)
    try:
        if handover.undertaking_confirmed_at is None:
            handover.undertaking_confirmed_at = now
            handover.undertaking_confirmed_name = name.strip()[:200]
            handover.undertaking_how = UNDERTAKEN_ONLINE
            handover.save(update_fields=["undertaking_confirmed_at",
                                         "undertaking_confirmed_name", "undertaking_how"])
        _log(link, DELIVERED, visitor, name=name.strip()[:200])
        common.log_event(handover.request, "link_fetched", actor_text=name.strip()[:200],
                         link=link.pk, recipient=link.recipient_name,
                         address=visitor.address[:64])
        _shred(link, now, why="fetched")
        _tell_fetched(link)
    except BaseException:
        handle.close()
        raise
    return Attempt(DELIVERED, link, handle, link.filename)


def _tell_fetched(link: DownloadLink) -> None:
    """Whoever made the link learns that the recipient took the package."""
    request = link.handover.request
    common.tell(request, FETCHED, f"fetched:{link.pk}", [link.created_by], AlertText(
        gettext_noop("提供申請 %(number)s（%(requester)s）の提供データを%(recipient)sさんが"
                     "ダウンロードしました（%(at)s）。パッケージはサーバーから消去しました。"
                     "パスワードを別の方法で伝えていない場合は伝えてください。"),
        recipient=link.recipient_name, at=link.used_at, **common.title_params(request)),
        AlertText(gettext_noop("提供データが受領されました")))


def _package_copy(link: DownloadLink) -> BinaryIO:
    """The stored package decrypted into an anonymous temporary file (it is an encrypted ZIP
    still), checked against its hash, so the object can be shredded before it is sent."""
    stored = link.package
    if stored is None or not stored.wrapped_key:
        raise LinkError("package already erased")
    handle = tempfile.TemporaryFile(dir=export_dir())  # noqa: SIM115 - the response closes it
    digest = hashlib.sha256()
    for piece in get_store().open_range(stored.object_id, stored.wrapped_key):
        digest.update(piece)
        handle.write(piece)
    if digest.hexdigest() != stored.object_id:
        handle.close()
        raise LinkError("package damaged: its SHA-256 does not match")
    handle.seek(0)
    return handle


def _shred(link: DownloadLink, now: dt.datetime, *, why: str, by: str = "system") -> None:
    """Erase the link's package (crypto-shred, DeletionRecord) in the caller's transaction."""
    if link.package is None or link.package_erased_at is not None:
        return
    link.package_erased_at = now
    link.save(update_fields=["package_erased_at", "used_at"])
    shred_unless_needed(link.package, besides=link, what=f"提供データのパッケージ {link.filename}",
                        rule=RULE, by=by, now=now,
                        detail={"link": link.pk, "request": link.handover.request.number,
                                "why": why})


# Called when a link dies unfetched (revoked, expired, its copy erased), in that change's
# transaction: the hand-over area closes the request if nothing else waits (registered by
# `handover.register`, so this module needs no import of it).
_when_dead: list[Callable[[Any, Any], Any]] = []


def when_link_dies(callback: Callable[[Any, Any], Any]) -> None:
    """Register `callback(user_or_None, request)` (once)."""
    if callback not in _when_dead:
        _when_dead.append(callback)


def _close_if_done(user: Any, link: DownloadLink) -> None:
    """A link that died may have been the last thing the request waited for (the other
    hand-overs' erasure confirmed): the request closes then (in the caller's transaction)."""
    for callback in _when_dead:
        callback(user, link.handover.request)


def revoke(user: Any, link: DownloadLink) -> DownloadLink:
    """Stop a link before it is used: it refuses every later attempt; its package is shredded."""
    require(user, "provision.hand_over", link.handover.request)
    now = clock.now()
    with transaction.atomic():
        locked = DownloadLink.objects.select_for_update().get(pk=link.pk)
        if locked.used_at is not None:
            raise LinkError(_("受領済みのリンクは取り消せません。"))
        if locked.revoked_at is not None:
            raise LinkError(_("このリンクは取り消し済みです。"))
        state = state_of(locked, now)
        locked.revoked_at, locked.revoked_by = now, user
        locked.save(update_fields=["revoked_at", "revoked_by"])
        common.log_event(locked.handover.request, "link_revoked", actor=user,
                         audit_action="provision.link_revoked", link=locked.pk,
                         recipient=locked.recipient_name, was=state)
        _shred(locked, now, why="revoked", by=f"user:{user.get_username()}")
        _close_if_done(user, locked)
    return locked


def expire_links(now: dt.datetime | None = None) -> int:
    """The hourly job: shred the packages of links that expired unused, and stop (revoke and
    shred) live links whose copy was erased at the end of its retention; how many."""
    now = now or clock.now()
    done = 0
    due = DownloadLink.objects.filter(used_at__isnull=True, package_erased_at__isnull=True,
                                      package__isnull=False)
    with erasure_batch():
        for link in due.filter(Q(expires_at__lte=now) | Q(handover__copy__erased_at__isnull=False)):
            with transaction.atomic():
                locked = DownloadLink.objects.select_for_update().get(pk=link.pk)
                if locked.package_erased_at is not None or locked.used_at is not None:
                    continue
                if locked.expires_at <= now:
                    _shred(locked, now, why="expired")
                    common.log_event(locked.handover.request, "link_expired",
                                     actor_text="system", audit_action="provision.link_expired",
                                     link=locked.pk, recipient=locked.recipient_name)
                else:
                    _stop_for_erased_copy(locked, now)
                _close_if_done(None, locked)
                done += 1
    return done


def _stop_for_erased_copy(link: DownloadLink, now: dt.datetime) -> None:
    """The copy behind a live link was erased (its retention ended): the link is revoked and
    its package, a copy of that copy, shredded too."""
    if link.revoked_at is None:
        link.revoked_at = now
        link.save(update_fields=["revoked_at"])
    _shred(link, now, why="copy_erased")
    common.log_event(link.handover.request, "link_stopped", actor_text="system",
                     audit_action="provision.link_revoked", link=link.pk,
                     recipient=link.recipient_name, why="copy_erased",
                     copy=link.handover.copy_id)


def links_of(handover: HandOver) -> list[DownloadLink]:
    return list(handover.links.prefetch_related("fetches").order_by("created_at"))


def delivered_at(handover: HandOver) -> dt.datetime | None:
    """When the recipient got the data: the hand-over of a medium, the first fetch of a link;
    None while nothing was delivered."""
    if handover.method != Method.LINK:
        return handover.prepared_at
    return handover.links.filter(used_at__isnull=False).order_by("used_at").values_list(
        "used_at", flat=True).first()


def delivered(handover: HandOver) -> bool:
    """The recipient has the data: on a medium, or a link of it was fetched."""
    return handover.method != Method.LINK or handover.links.filter(
        used_at__isnull=False).exists()


def live_links(now: dt.datetime | None = None) -> QuerySet[DownloadLink]:
    """Links that can still be fetched: unused, not revoked, not expired, their copy kept."""
    return DownloadLink.objects.filter(used_at__isnull=True, revoked_at__isnull=True,
                                       expires_at__gt=now or clock.now(),
                                       handover__copy__erased_at__isnull=True)


def still_pending(handover: HandOver, now: dt.datetime | None = None) -> bool:
    """A link hand-over whose link can still be fetched."""
    return live_links(now).filter(handover=handover).exists()
