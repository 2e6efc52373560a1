"""One-time download links: how a recipient without an account fetches the encrypted package
of a hand-over (R-502, R-303).

The package (the AES-256 ZIP that export makes, under a new password) is kept as an encrypted
object until it is fetched. The token goes to the recipient (the page shows it once to staff;
it may be mailed), the password by another channel (phone, letter): neither is stored, only
the token's SHA-256 and the password's fingerprint. A link works once: the first delivery
marks it used and crypto-shreds the package, as revoking it or its expiry do (a
DeletionRecord each time). Every attempt — delivered, refused as expired, used, revoked or
unknown, opened, sent without the undertaking — is a Fetch row (for a known link) and an
audit entry with the address and the user agent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import tempfile
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_noop

from hogo import clock
from hogo.accounts.permissions import require
from hogo.alerts.text import AlertText
from hogo.audit import services as audit
from hogo.copies.models import Copy
from hogo.copies.packages import BuiltPackage, export_dir, write_copy_package
from hogo.footage.models import EncryptedObject
from hogo.footage.objects import erasure_batch, get_store, shred_unless_needed, store_stream
from hogo.provision import common
from hogo.provision.models import DownloadLink, Fetch, HandOver, Method

FETCHED = "provision.link_fetched"  # the alert kind: the recipient took the package
PUBLIC = "public"  # the audit actor of a fetch: nobody is logged in
UNDERTAKEN_ONLINE = "オンラインで確認"
# Fetch outcomes.
DELIVERED, OPENED, UNCONFIRMED = "delivered", "opened", "unconfirmed"
EXPIRED, USED, REVOKED, UNKNOWN = "expired", "used", "revoked", "unknown"
REFUSED = (EXPIRED, USED, REVOKED, UNKNOWN)
VALID = "valid"
RULE = "provision_link"  # the DeletionRecord rule of a link's package


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
    """USED, REVOKED, EXPIRED or VALID (in that order: a used link stays used)."""
    now = now or clock.now()
    if link.used_at is not None:
        return USED
    if link.revoked_at is not None:
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


def _log(link: DownloadLink | None, outcome: str, visitor: Visitor, **detail: Any) -> None:
    """The attempt's Fetch row (a known link) and audit entry."""
    now = clock.now()
    if link is not None:
        Fetch.objects.create(link=link, at=now, outcome=outcome, address=visitor.address[:64],
                             user_agent=visitor.user_agent[:300])
    action = {DELIVERED: "provision.link_fetched", OPENED: "provision.link_opened"}.get(
        outcome, "provision.link_refused")
    audit.record(action, actor=PUBLIC, obj=link, detail={
        "outcome": outcome, "address": visitor.address[:64],
        "user_agent": visitor.user_agent[:300],
        **({"number": link.handover.request.number} if link is not None else {}), **detail})


def _find(token: str) -> DownloadLink | None:
    if not token or len(token) > 200:
        return None
    return DownloadLink.objects.select_related("handover__request__organisation").filter(
        token_hash=token_hash(token)).first()


def look(token: str, visitor: Visitor) -> Attempt:
    """The recipient opens the link's page: logged; VALID links show what they hold."""
    with transaction.atomic():
        link = _find(token)
        state = UNKNOWN if link is None else state_of(link)
        outcome = OPENED if state == VALID else state
        _log(link, outcome, visitor)
    return Attempt(outcome, link if outcome == OPENED else None)


def fetch(token: str, visitor: Visitor, *, name: str, confirmed: bool) -> Attempt:
    """The recipient confirms the undertakings and takes the package, once.

    Delivered: an open, already unlinked temporary file holding the package (the stored
    object is crypto-shredded in the same transaction), the link marked used, the hand-over's
    undertaking recorded as confirmed online by `name`."""
    now = clock.now()
    with transaction.atomic():
        link = _find(token)
        state = UNKNOWN if link is None else state_of(link, now)
        if state != VALID:
            _log(link, state, visitor)
            return Attempt(state)
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
            state = state_of(link, now)
            _log(link, state, visitor)
            return Attempt(state)
        link.used_at = now
        handle = _package_copy(link)
        handover = link.handover
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


def revoke(user: Any, link: DownloadLink) -> DownloadLink:
    """Stop a link before it is used: it refuses every later attempt; its package is shredded."""
    require(user, "provision.hand_over", link.handover.request)
    now = clock.now()
    with transaction.atomic():
        locked = DownloadLink.objects.select_for_update().get(pk=link.pk)
        state = state_of(locked, now)
        if state == USED:
            raise LinkError("受領済みのリンクは取り消せません。")
        if state == REVOKED:
            raise LinkError("このリンクは取り消し済みです。")
        locked.revoked_at, locked.revoked_by = now, user
        locked.save(update_fields=["revoked_at", "revoked_by"])
        common.log_event(locked.handover.request, "link_revoked", actor=user,
                         audit_action="provision.link_revoked", link=locked.pk,
                         recipient=locked.recipient_name, was=state)
        _shred(locked, now, why="revoked", by=f"user:{user.get_username()}")
    return locked


def expire_links(now: dt.datetime | None = None) -> int:
    """Shred the packages of links that expired unused (the hourly job); how many."""
    now = now or clock.now()
    done = 0
    due = DownloadLink.objects.filter(used_at__isnull=True, package_erased_at__isnull=True,
                                      package__isnull=False)
    with erasure_batch():
        for link in due.filter(expires_at__lte=now):
            with transaction.atomic():
                locked = DownloadLink.objects.select_for_update().get(pk=link.pk)
                if locked.package_erased_at is not None or locked.used_at is not None:
                    continue
                _shred(locked, now, why="expired")
                common.log_event(locked.handover.request, "link_expired", actor_text="system",
                                 audit_action="provision.link_expired", link=locked.pk,
                                 recipient=locked.recipient_name)
                done += 1
    return done


def links_of(handover: HandOver) -> list[DownloadLink]:
    return list(handover.links.prefetch_related("fetches").order_by("created_at"))


def delivered(handover: HandOver) -> bool:
    """The recipient has the data: on a medium, or a link of it was fetched."""
    return handover.method != Method.LINK or handover.links.filter(
        used_at__isnull=False).exists()


def still_pending(handover: HandOver, now: dt.datetime | None = None) -> bool:
    """A link hand-over whose link can still be fetched."""
    now = now or clock.now()
    return handover.links.filter(used_at__isnull=True, revoked_at__isnull=True,
                                 expires_at__gt=now).exists()
