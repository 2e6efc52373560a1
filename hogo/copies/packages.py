"""Exporting a copy onto a registered medium (R-303, R-405, R-502).

A copy leaves the system only as an AES-256 encrypted ZIP with its manifest, chain of custody
and the recipient's undertaking (citing the organisation's own rule, from its profile), and
only onto a medium that the exporting person has checked out. The password is generated,
shown once and never stored in the database (only a fingerprint); until the package is
downloaded it waits in the exporter's own session, so reloading the password page shows the
same package instead of making a second one. The medium's contents record the copy once, so
the system knows what the medium holds and how many people it concerns.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import MutableMapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext

from hogo import clock
from hogo.accounts.models import User
from hogo.accounts.permissions import allows, require
from hogo.accounts.policy import citation
from hogo.audit import services as audit
from hogo.copies.custody import custody_events
from hogo.copies.models import Copy
from hogo.export import (
    Item,
    PackageResult,
    build_package,
    generate_password,
    obligations_text,
)
from hogo.export import password_fingerprint as fingerprint
from hogo.footage.objects import get_store
from hogo.media.models import Content, Medium, MediumState
from hogo.media.services import MediaError, checked_out_by, open_checkout, record_content
from hogo.rules.copies import PERSONAL_REQUEST_PURPOSE, PROVISION_PURPOSE, REQUEST_PURPOSES

PENDING = "hogo_exports"  # session key: the exporter's packages not downloaded yet


@dataclass(frozen=True)
class Export:
    token: str
    path: Path
    password: str
    fingerprint: str
    sha256: str
    copy: int = 0
    medium: int = 0
    filename: str = ""


def export_dir() -> Path:
    directory = Path(settings.DATA_DIR) / "exports"
    directory.mkdir(mode=0o700, exist_ok=True)
    return directory


def kind_of(copy: Copy) -> str:
    """「加工済み複製データ」 or 「複製データ」, always Japanese: for file names, manifests and
    the medium's contents (what travels with the data). On screens use `kind_label`."""
    return "加工済み複製データ" if copy.is_processed else "複製データ"


def kind_label(copy: Copy) -> str:
    """What kind of copy it is, in the reader's language (for screens and forms)."""
    return gettext("加工済み複製データ") if copy.is_processed else gettext("複製データ")


def request_purpose(copy: Copy) -> str:
    """The purpose of a copy made for a request (a third-party provision, a person's own
    request; a processed copy has its parent's), or "" for a copy of a permitted use."""
    purpose = copy.request.purpose  # a processed copy keeps its parent's copy request
    if copy.parent_id is not None:
        purpose = copy.parent.request.purpose
    return purpose if purpose in REQUEST_PURPOSES else ""


def is_for_provision(copy: Copy) -> bool:
    """A copy made for a third-party provision (or a processed copy of one): it leaves only
    through the provision hand-over (`hogo.provision.handover`), which records the recipient,
    the undertakings, the provision record and the chased erasure."""
    return request_purpose(copy) == PROVISION_PURPOSE


def is_for_request(copy: Copy) -> bool:
    """A copy made for a request (provision or a person's own): it leaves only through that
    request, never exported from the copy's own page."""
    return bool(request_purpose(copy))


def download_name(copy: Copy) -> str:
    """「複製データ_#12_2026-06-01.zip」: what it is, which one, the day it was made (JST)."""
    return f"{kind_of(copy)}_#{copy.pk}_{clock.jst_date(copy.made_at):%Y-%m-%d}.zip"


def exporters(copy: Copy) -> list[User]:
    """Who may export this copy: active people whom the permission layer lets request copies
    of its department (they still need a medium checked out)."""
    people = User.objects.filter(is_active=True, organisation=copy.request.vehicle.department
                                 .organisation_id).select_related("department").order_by("pk")
    return [p for p in people if allows(p, "copies.request", copy)
            and allows(p, "media.use", copy)]


def usable_media(user: Any, copy: Copy) -> list[Medium]:
    """The media this person could export the copy onto now: checked out by them, still on
    loan (not marked missing), encrypted and of the copy's department."""
    if not (allows(user, "copies.request", copy) and copy.is_kept):
        return []
    return [m for m in checked_out_by(user).distinct()
            if m.state == MediumState.OUT and m.encrypted and allows(user, "media.use", m)]


def package_manifest(copy: Copy) -> dict[str, Any]:
    """The copy's manifest, saying what kind of copy it is and how it was made."""
    manifest = dict(copy.manifest)
    if copy.is_processed:
        manifest["encoding"] = {"ja": "再エンコード（マスキング済み）", "en": "re-encoded (masked)"}
        manifest["tool"] = (f"re-encoded (masked) by hogo from copy #{copy.parent_id}; "
                            f"that copy was cut with: {manifest.get('tool', '')}")
    else:
        manifest["encoding"] = {"ja": "再エンコードなし（元データからの切り出し）",
                                "en": "stream copy (not re-encoded)"}
    manifest.update({"copy": copy.pk, "kind": kind_of(copy),
                     "expires_on": copy.expires_on.isoformat()})
    return manifest


def pending_export(pending: MutableMapping[str, Any] | None, copy: Copy,
                   medium: Medium) -> Export | None:
    """The package of this copy for this medium still waiting for its download, if any.

    The session keeps where the package is, never its password: that waits beside the
    package in a 0600 file and goes with it (download, erasure or expiry)."""
    key = f"{copy.pk}:{medium.pk}"
    entry = (pending or {}).get(PENDING, {}).get(key)
    if not entry:
        return None
    path = Path(entry["path"])
    secret = password_file(path)
    if not path.exists() or not secret.exists():
        _forget(pending, key)
        return None
    return Export(**{**entry, "path": path, "password": secret.read_text(encoding="utf-8")})


def password_file(package: Path) -> Path:
    return package.with_suffix(".password")


def _keep_password(package: Path, password: str) -> None:
    """Owner-only file beside the package, so reloading the page shows the same password
    without the password reaching the session (the database)."""
    descriptor = os.open(password_file(package), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(password)


def _remove(package: Path) -> None:
    package.unlink(missing_ok=True)
    password_file(package).unlink(missing_ok=True)


def _forget(pending: MutableMapping[str, Any] | None, key: str) -> None:
    if pending is not None and key in pending.get(PENDING, {}):
        waiting = dict(pending[PENDING])
        waiting.pop(key)
        pending[PENDING] = waiting


def _remember(pending: MutableMapping[str, Any], made: Export) -> None:
    waiting = dict(pending.get(PENDING, {}))
    entry = {**asdict(made), "path": str(made.path)}
    entry.pop("password")
    waiting[f"{made.copy}:{made.medium}"] = entry
    pending[PENDING] = waiting  # assigned again, so a session knows it changed


@dataclass(frozen=True)
class BuiltPackage:
    """A package just written: its one-time password (never stored; only its fingerprint
    may be) and what was written (size, SHA-256, members)."""

    password: str
    result: PackageResult

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.password)


def write_copy_package(copy: Copy, sink: str | os.PathLike[str] | BinaryIO) -> BuiltPackage:
    """Write the encrypted package of a kept copy (the clip decrypted on the fly, its
    manifest, chain of custody and the recipient's undertaking citing the own rule) to
    `sink` — a path that does not exist yet, or a writable binary file — under a new
    generated password. Checks nothing: callers check who may and onto what."""
    password = generate_password()
    data = get_store().open_range(copy.stored.object_id, copy.stored.wrapped_key)
    name = f"copy_{copy.pk:05d}_{copy.channel}.mp4"
    organisation = copy.request.vehicle.department.organisation
    result = build_package(
        sink if not isinstance(sink, os.PathLike) else str(sink),
        [Item(name, data, copy.sha256)], manifest=package_manifest(copy),
        custody=custody_events(copy),
        obligations_text=obligations_text(citation(organisation, "recipient_undertaking")),
        password=password)
    return BuiltPackage(password, result)


def export_to_medium(user: Any, copy: Copy, medium: Medium, *,
                     pending: MutableMapping[str, Any] | None = None,
                     for_provision: bool = False, for_personal_request: bool = False) -> Export:
    """Package a copy for a medium the user has checked out; returns the one-time password.

    With `pending` (the exporter's session), asking again before the download gives the same
    package; the medium records the copy once however often it is exported onto it. A copy
    made for a third-party provision is refused unless the provision hand-over asks
    (`for_provision`): only that records who received it and what they undertook. A copy made
    for a person's own request leaves only when that request asks (`for_personal_request`)."""
    require(user, "copies.request", copy)
    require(user, "media.use", medium)
    purpose = request_purpose(copy)
    if purpose == PROVISION_PURPOSE and not for_provision:
        raise MediaError(gettext("第三者提供のための複製データは、提供申請の画面から"
                                 "引き渡してください。"))
    if purpose == PERSONAL_REQUEST_PURPOSE and not for_personal_request:
        raise MediaError(gettext("本人からの開示請求のための複製データは、請求の画面から"
                                 "開示してください。"))
    if not copy.is_kept:
        raise MediaError("この複製データは消去済みです。")
    checkout = open_checkout(medium)  # a medium marked missing keeps its loan open: not OUT
    if not medium.can_be_checked_in or checkout is None or checkout.taken_by_id != user.pk:
        raise MediaError("書き出せるのは、あなたが持出し中の記録媒体だけです。"
                         "先に持出しを記録してください。")
    if not medium.encrypted:
        raise MediaError("暗号化に対応していない記録媒体には書き出せません。")
    waiting = pending_export(pending, copy, medium)
    if waiting is not None:
        return waiting
    token = secrets.token_urlsafe(16)
    path = package_path(copy, token)
    built = write_copy_package(copy, path)
    password, result = built.password, built.result
    _keep_password(path, password)
    with transaction.atomic():
        # Locked: two exports at once (a double click) record the copy on the medium once.
        Medium.objects.select_for_update().get(pk=medium.pk)
        held = Content.objects.filter(medium=medium, copy=copy, removed_at__isnull=True)
        already = held.exists()
        if not already:
            record_content(user, medium, copy=copy, people=copy.people_count,
                           description=f"{kind_of(copy)} #{copy.pk}（暗号化ZIP "
                                       f"{fingerprint(password)}）")
        audit.record("copy.exported", user=user, obj=copy, purpose=checkout.purpose,
                     detail={"medium": medium.label, "package_sha256": result.sha256,
                             "password": fingerprint(password), "again": already})
    made = Export(token, path, password, fingerprint(password), result.sha256, copy.pk,
                  medium.pk, download_name(copy))
    if pending is not None:
        _remember(pending, made)
    return made


def take_pending(user: Any, pending: MutableMapping[str, Any],
                 token: str) -> tuple[BinaryIO, str] | None:
    """The exporter's waiting package with this token, handed over once, and its name."""
    waiting = dict(pending.get(PENDING, {}))
    key = next((k for k, v in waiting.items() if v.get("token") == token), None)
    if key is None:
        return None
    entry = waiting.pop(key)
    pending[PENDING] = waiting
    handle = take_package(user, entry["path"])
    return (handle, entry.get("filename") or Path(entry["path"]).name) if handle else None


def package_path(copy: Copy, token: str) -> Path:
    """Where a copy's package waits for its one download; the name says whose it is, so
    erasing the copy can remove a package nobody fetched yet."""
    return export_dir() / f"copy-{copy.pk:05d}-{token}.zip"


def discard_packages(copy: Copy) -> list[str]:
    """Delete packages of this copy still waiting on the server (the copy is being erased)."""
    removed = []
    for package in export_dir().glob(f"copy-{copy.pk:05d}-*.zip"):
        _remove(package)
        removed.append(package.name)
    return removed


def take_package(user: Any, path: str | None) -> BinaryIO | None:
    """Hand the package over once: an open file, already unlinked so nothing stays on the
    server (the handle still reads it); the handover is audited. None if it is gone."""
    if path is None or not Path(path).exists():
        return None
    handle = Path(path).open("rb")  # noqa: SIM115 - the caller's response closes it
    _remove(Path(path))
    audit.record("copy.export_downloaded", user=user, detail={"package": Path(path).name})
    return handle


EXPORT_LIFETIME = dt.timedelta(hours=2)


def expire_exports(now: dt.datetime | None = None) -> list[str]:
    """Delete packages nobody downloaded in time (the link lives only in the exporter's
    session, which ends after 30 idle minutes): nothing lingers on the server. Each removal is
    audited; the package was encrypted with a password that was never stored."""
    now = now or clock.now()
    removed = []
    for package in sorted(export_dir().glob("*.zip")):
        made = dt.datetime.fromtimestamp(package.stat().st_mtime, tz=dt.UTC)
        if now - made < EXPORT_LIFETIME:
            continue
        _remove(package)
        audit.record("copy.export_expired", detail={"package": package.name,
                                                    "made_at": made.isoformat()})
        removed.append(package.name)
    return removed
