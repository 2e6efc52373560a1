"""Quarantined uploads: how long they are kept, and what a person may decide about them.

A quarantined file never became an original, yet it is a real file from a vehicle (often
real footage) and stays decryptable while it is kept. So it is kept only for the policy
profile's `footage.quarantine_days` (default 30) and then crypto-shredded by the daily job,
with a DeletionRecord, like any original.

The date: the Japanese calendar date on which the file was quarantined
(`Upload.quarantined_at`), plus that many days. A file quarantined on 令和7年6月3日 with 30
days is erased by the first run of the daily job on 令和7年7月3日. The department is alerted
when a file is quarantined and again a week before its date.

Before that date the department's manager or the privacy officer may
- release it into the footage, when the only fault is that hogo could not place it (the name
  fits no naming profile and the file has no creation time): the person gives the start time
  and camera, and it becomes an original like any other (ring buffer included);
- or erase it now, with a reason.
A file that is not playable video (empty, text, image, truncated, corrupt, …) or that is
longer than one recording can be (6 hours) can only be erased: it cannot become an original.

An erased upload's object is crypto-shredded unless something kept still uses the same content
(an original of any recorder, a copy, another quarantined upload): then only this
upload's reference is dropped, and the DeletionRecord says so.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from hogo import clock
from hogo.accounts.models import Organisation
from hogo.accounts.permissions import require
from hogo.accounts.policy import effective_profile
from hogo.audit import services as audit
from hogo.footage import ingest
from hogo.footage.models import DeletionRecord, EncryptedObject, Segment, Upload, UploadState
from hogo.footage.notices import tell_department
from hogo.footage.objects import CRYPTO_SHRED, erasure_batch, shred_unless_needed
from hogo.footage.retention import sweep_recorder
from hogo.footage.search import MAX_SEGMENT
from hogo.rules.profile import PolicyProfile
from hogo.video.probe import ProbeError, ProbeResult

log = logging.getLogger("hogo.footage")
RETENTION_RULE = "quarantine_retention"  # the daily job, when the kept days are over
ERASED_RULE = "quarantine_erased"  # a person, before that
# Codes a person may release: the file is sound video, only its place in time is unknown.
RELEASABLE = frozenset({"unknown_name"})
PERMISSION = "footage.resolve_quarantine"
REMIND_DAYS = 7


class QuarantineRefused(ValueError):
    """The decision cannot be carried out; the message is a Japanese sentence for the UI."""


@dataclass(frozen=True)
class QuarantineStatus:
    """What the quarantine list shows for one quarantined upload."""

    quarantined_on: dt.date
    expires_on: dt.date
    days_left: int  # 0: erased today; negative: the job has not run yet
    releasable: bool
    release_refusal: str  # why it cannot be released ("" when it can)


def quarantined_on(upload: Upload) -> dt.date:
    return clock.jst_date(upload.quarantined_at or upload.updated_at)


def _profile_of(upload: Upload) -> PolicyProfile:
    return effective_profile(upload.recorder.vehicle.department.organisation)


def quarantine_expires_on(upload: Upload, profile: PolicyProfile | None = None) -> dt.date:
    """The Japanese date on which the daily job erases this quarantined upload (by the
    profile of the organisation the file came to)."""
    days = (profile or _profile_of(upload)).value("footage.quarantine_days")
    return quarantined_on(upload) + dt.timedelta(days=days)


def status_of(upload: Upload, profile: PolicyProfile | None = None,
              today: dt.date | None = None) -> QuarantineStatus | None:
    """What the list shows for a quarantined upload; None once it is resolved."""
    if upload.state != UploadState.QUARANTINED:
        return None
    expires_on = quarantine_expires_on(upload, profile)
    refusal = release_refusal(upload)
    return QuarantineStatus(quarantined_on(upload), expires_on,
                            (expires_on - (today or clock.today_jst())).days,
                            refusal is None, refusal or "")


def release_refusal(upload: Upload) -> str | None:
    """Why this upload cannot be released into the footage, or None when it can."""
    if upload.state != UploadState.QUARANTINED:
        return _("この隔離ファイルは既に対応済みです。")
    if upload.quarantine_code == "too_long":
        return _("6時間を超えるファイルは1つの録画ファイルとして扱えないため、元データとして"
                 "登録できません。消去のみ行えます。")
    if upload.quarantine_code not in RELEASABLE:
        return _("映像として再生できないファイルは元データとして登録できません。"
                 "消去のみ行えます。")
    if upload.stored is None or not upload.stored.wrapped_key:
        return _("ファイルの内容が既に消去されているため、登録できません。")
    return None


def _locked(upload: Upload) -> Upload:
    locked = Upload.objects.select_for_update().get(pk=upload.pk)
    # Related rows read fresh (not locked): the recorder and its vehicle do not change here.
    return Upload.objects.select_related("recorder__vehicle", "stored").get(pk=locked.pk)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise QuarantineRefused(_("理由を入力してください。"))
    return reason


# -- erasing -----------------------------------------------------------------------------

def erase_quarantined(upload: Upload, *, by: Any, reason: str) -> DeletionRecord:
    """Crypto-shred a quarantined upload now (`by` a person) or at its date (`by` None).

    Leaves a DeletionRecord and an audit entry; the upload becomes ERASED with who, when
    and why. Raises QuarantineRefused when it is not (or no longer) quarantined, and
    PermissionError when `by` may not decide this.
    """
    if by is not None:
        require(by, PERMISSION, upload)
    reason = _reason(reason)
    rule = ERASED_RULE if by is not None else RETENTION_RULE
    actor, _user_id = audit.actor_of(by)
    with transaction.atomic():
        upload = _locked(upload)
        if upload.state != UploadState.QUARANTINED:
            raise QuarantineRefused(_("この隔離ファイルは既に対応済みです。"))
        now = clock.now()
        stored = (EncryptedObject.objects.select_for_update().get(pk=upload.stored_id)
                  if upload.stored_id else None)
        facts: dict[str, Any] = {
            "what": f"隔離ファイル {upload.relative_path}", "rule": rule, "by": actor,
            "now": now, "recorder": upload.recorder,
            "detail": {"upload": str(upload.pk), "name": upload.relative_path,
                       "code": upload.quarantine_code, "why": reason}}
        if stored is not None and stored.wrapped_key:
            record = shred_unless_needed(stored, besides=upload, **facts)
        else:
            record = DeletionRecord.objects.create(
                object_id=stored.object_id if stored else "",
                sha256=stored.object_id if stored else upload.declared_sha256,
                size=stored.size if stored else upload.length, erased_at=now, erased_by=actor,
                method="reference removed; the object was already crypto-shredded",
                **{k: v for k, v in facts.items() if k not in ("by", "now")})
        upload.stored, upload.wrapped_key, upload.spool_id = None, "", ""
        upload.state, upload.updated_at = UploadState.ERASED, now
        upload.resolved_at, upload.resolved_by, upload.resolution_note = now, actor, reason
        upload.save(update_fields=["stored", "wrapped_key", "spool_id", "state", "updated_at",
                                   "resolved_at", "resolved_by", "resolution_note"])
        audit.record("footage.quarantine_erased", user=by, obj=upload, purpose=reason,
                     detail={"rule": rule, "code": upload.quarantine_code,
                             "name": upload.relative_path, "sha256": record.sha256,
                             "shredded": record.method == CRYPTO_SHRED,
                             "deletion_record": record.pk})
    return record


def erase_expired_quarantine(today: dt.date | None = None) -> list[DeletionRecord]:
    """The daily job: erase every quarantined upload whose kept days are over, and remind
    the department a week ahead of those that will be."""
    today = today or clock.today_jst()
    erased = []
    with erasure_batch():
        for organisation in Organisation.objects.all():
            days = effective_profile(organisation).value("footage.quarantine_days")
            kept = Upload.objects.filter(
                state=UploadState.QUARANTINED,
                recorder__vehicle__department__organisation=organisation)
            for pk in list(kept.filter(quarantined_at__lt=_start_of(today, days)).values_list(
                    "pk", flat=True)):
                try:
                    erased.append(erase_quarantined(
                        Upload(pk=pk), by=None,
                        reason=_("保存期間（%(days)d日）の満了による消去") % {"days": days}))
                except QuarantineRefused:  # resolved by a person meanwhile
                    log.info("quarantined upload %s was resolved meanwhile", pk)
            _remind(kept.filter(quarantined_at__lt=_start_of(today + dt.timedelta(
                days=REMIND_DAYS), days)).select_related("recorder__vehicle__department"),
                days)
    if erased:
        log.info("quarantine retention erased %d file(s)", len(erased))
    return erased


def _start_of(day: dt.date, days: int) -> dt.datetime:
    """Quarantined before this instant ⇔ its date (quarantined on + days) is `day` or
    earlier: the start of the Japanese day after `day - days`."""
    return dt.datetime.combine(day - dt.timedelta(days=days - 1), dt.time(), clock.JST)


def _remind(soon: Any, days: int) -> None:
    for upload in soon:
        erase_on = quarantine_expires_on(upload)
        tell_department(upload, "footage.quarantine_expiring", "quarantine-expiring",
                        f"隔離中のファイル「{upload.relative_path}」は {erase_on:%Y-%m-%d} に"
                        f"消去されます（保存期間 {days}日）。必要なら元データとして登録して"
                        "ください。")


@task()
def erase_expired_quarantine_task() -> int:
    return len(erase_expired_quarantine())


# -- releasing ---------------------------------------------------------------------------

def _placement(upload: Upload, facts: ProbeResult, start: dt.datetime | None,
               channel: str | None, *, actor: str, reason: str) -> tuple[dt.datetime, str, list]:
    """The person's start time and camera, checked, with the flags the original carries."""
    if start is None or not channel:
        raise QuarantineRefused(_("録画開始日時とカメラを指定してください。"))
    if start.tzinfo is None:
        raise ValueError("the start time must be an aware datetime")
    if channel not in upload.recorder.channels:
        raise QuarantineRefused(_("このドライブレコーダーにないカメラです。"))
    if start > clock.now():
        raise QuarantineRefused(_("録画開始日時に未来の日時は指定できません。"))
    if facts.duration > MAX_SEGMENT.total_seconds():
        raise QuarantineRefused(_("6時間を超えるファイルは元データとして登録できません。"))
    flags = [{"code": "placed_by_person", "label": "担当者が配置",
              "detail": f"released from quarantine by {actor}: {reason}"}]
    if facts.creation_time and abs(facts.creation_time - start) > ingest.CLOCK_TOLERANCE:
        flags.append({"code": "clock_mismatch", "label": "時刻のずれ",
                      "detail": f"the person gave {start.isoformat()}, metadata says "
                                f"{facts.creation_time.isoformat()}"})
    return start, channel, flags


def release_quarantined(upload: Upload, *, by: Any, reason: str,
                        start: dt.datetime | None = None,
                        channel: str | None = None) -> Segment:
    """Make a quarantined upload an original, placed at `start` on camera `channel`.

    Only for RELEASABLE codes (see `release_refusal`); the new original is catalogued as
    ingest would (overlaps flagged, GPS sidecar attached, audited), flagged as placed by a
    person, and the recorder's ring buffer runs afterwards.
    """
    require(by, PERMISSION, upload)
    reason = _reason(reason)
    actor, _user_id = audit.actor_of(by)
    with transaction.atomic():
        upload = _locked(upload)
        refusal = release_refusal(upload)
        if refusal:
            raise QuarantineRefused(refusal)
        twin = Segment.objects.filter(recorder=upload.recorder,
                                      sha256=upload.stored.object_id).first()
        if twin is not None:
            raise QuarantineRefused(
                _("同じ内容の元データがこのドライブレコーダーに既に登録されています"
                  "（消去済みを含む）。隔離ファイルは消去してください。"))
        try:
            facts = ingest.probe_stored(upload)
        except ProbeError as error:  # not expected for a releasable code; never catalogue it
            raise QuarantineRefused(error.reason_ja) from error
        start, channel, flags = _placement(upload, facts, start, channel, actor=actor,
                                           reason=reason)
        segment = ingest.catalogue(upload, facts, start, channel, flags)
        upload.resolved_at, upload.resolved_by = clock.now(), actor
        upload.resolution_note = reason
        ingest.finish(upload, UploadState.INGESTED, segment=segment)
        audit.record("footage.quarantine_released", user=by, obj=upload, purpose=reason,
                     detail={"code": upload.quarantine_code, "name": upload.relative_path,
                             "segment": segment.pk, "start": start.isoformat(),
                             "channel": channel, "sha256": segment.sha256})
    sweep_recorder(upload.recorder)
    return segment
