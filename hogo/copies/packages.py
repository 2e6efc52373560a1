"""Exporting a copy onto a registered medium (R-303, R-405, R-502; Ashiya rule Art. 10).

A copy leaves the system only as an AES-256 encrypted ZIP with its manifest, chain of custody
and the recipient's obligations, and only onto a medium that the exporting person has
checked out. The password is generated, shown once and never stored (only a fingerprint);
the medium's contents record the copy, so the system knows what the medium holds.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction

from hogo import clock
from hogo.accounts.permissions import require
from hogo.audit import services as audit
from hogo.copies.models import Copy
from hogo.export import CustodyEvent, Item, build_package, generate_password
from hogo.export import password_fingerprint as fingerprint
from hogo.footage.objects import get_store
from hogo.media.models import Medium
from hogo.media.services import MediaError, open_checkout, record_content


@dataclass(frozen=True)
class Export:
    token: str
    path: Path
    password: str
    fingerprint: str
    sha256: str


def export_dir() -> Path:
    directory = Path(settings.DATA_DIR) / "exports"
    directory.mkdir(mode=0o700, exist_ok=True)
    return directory


def export_to_medium(user: Any, copy: Copy, medium: Medium) -> Export:
    """Package a copy for a medium the user has checked out; returns the one-time password."""
    require(user, "copies.request", copy)
    require(user, "media.use", medium)
    if not copy.is_kept:
        raise MediaError("この複製データは消去済みです。")
    checkout = open_checkout(medium)  # a medium marked missing keeps its loan open: not OUT
    if not medium.can_be_checked_in or checkout is None or checkout.taken_by_id != user.pk:
        raise MediaError("書き出せるのは、あなたが持出し中の記録媒体だけです。"
                         "先に持出しを記録してください。")
    if not medium.encrypted:
        raise MediaError("暗号化に対応していない記録媒体には書き出せません。")
    password, token = generate_password(), secrets.token_urlsafe(16)
    path = package_path(copy, token)
    store = get_store()
    data = store.open_range(copy.stored.object_id, copy.stored.wrapped_key)
    name = f"copy_{copy.pk:05d}_{copy.channel}.mp4"
    custody = [CustodyEvent(e.at, e.actor, e.action)
               for e in audit.entries_about(copy, copy.request)]
    result = build_package(str(path), [Item(name, data, copy.sha256)], manifest=copy.manifest,
                           custody=custody, password=password)
    with transaction.atomic():
        kind = "加工済み複製データ" if copy.parent_id else "複製データ"
        record_content(user, medium, copy=copy, people=copy.people_count,
                       description=f"{kind} #{copy.pk}（暗号化ZIP {fingerprint(password)}）")
        audit.record("copy.exported", user=user, obj=copy, purpose=checkout.purpose,
                     detail={"medium": medium.label, "package_sha256": result.sha256,
                             "password": fingerprint(password)})
    return Export(token, path, password, fingerprint(password), result.sha256)


def package_path(copy: Copy, token: str) -> Path:
    """Where a copy's package waits for its one download; the name says whose it is, so
    erasing the copy can remove a package nobody fetched yet."""
    return export_dir() / f"copy-{copy.pk:05d}-{token}.zip"


def discard_packages(copy: Copy) -> list[str]:
    """Delete packages of this copy still waiting on the server (the copy is being erased)."""
    removed = []
    for package in export_dir().glob(f"copy-{copy.pk:05d}-*.zip"):
        package.unlink(missing_ok=True)
        removed.append(package.name)
    return removed


def take_package(user: Any, path: str | None) -> BinaryIO | None:
    """Hand the package over once: an open file, already unlinked so nothing stays on the
    server (the handle still reads it); the handover is audited. None if it is gone."""
    if path is None or not Path(path).exists():
        return None
    handle = Path(path).open("rb")  # noqa: SIM115 - the caller's response closes it
    Path(path).unlink()
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
        package.unlink(missing_ok=True)
        audit.record("copy.export_expired", detail={"package": package.name,
                                                    "made_at": made.isoformat()})
        removed.append(package.name)
    return removed
