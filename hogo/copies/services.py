"""The copy workflow: request (pinning the originals), approve or refuse, cut, keep, extend,
hold, and erase at expiry with a deletion record. Every step is in the audit chain."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation

from hogo import clock
from hogo.accounts.permissions import allows, require
from hogo.accounts.policy import effective_profile
from hogo.alerts.services import raise_alert
from hogo.audit import services as audit
from hogo.copies.models import Copy, CopyHold, CopyRequest, RequestState, RetentionExtension
from hogo.copies.packages import discard_packages
from hogo.footage import objects, retention
from hogo.footage.models import DeletionRecord, EncryptedObject, HoldKind, Segment
from hogo.footage.objects import DecryptingReader, get_store, store_stream
from hogo.footage.search import Criteria, find_segments
from hogo.footage.viewing import purpose_choices
from hogo.registry.models import Channel, Vehicle
from hogo.rules.copies import copy_expires_on, copy_request_refusals

REMIND_DAYS = 30


class CopyRefused(ValueError):
    """The request cannot go ahead; `reasons` are Japanese sentences for the requester."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__(" / ".join(reasons))


def request_purposes(user: Any) -> list[tuple[str, str]]:
    """The purposes the request form offers: every permitted use, then the unlisted ones the
    profile declares (choosing one is refused with the reason, not hidden)."""
    unlisted = effective_profile(user.organisation).unlisted_uses
    language = translation.get_language()
    return purpose_choices(user) + [(use.code, use.label(language)) for use in unlisted]


def labels(user: Any) -> dict[str, str]:
    """Japanese names for purpose and camera codes."""
    return {**dict(purpose_choices(user)), **dict(Channel.choices)}


def certificates() -> QuerySet[DeletionRecord]:
    """Deletion records of erased copies, each printable as a certificate (消去証明書)."""
    return DeletionRecord.objects.filter(rule="copy_retention")


def _segments(vehicle: Vehicle, start: dt.datetime, end: dt.datetime, channels: list[str]):
    found = find_segments(Criteria(department_ids=(vehicle.department_id,),
                                   vehicle_id=vehicle.pk, start=start, end=end))
    return [s for s in found if s.channel in channels]


def request_copy(user: Any, *, vehicle: Vehicle, start: dt.datetime, end: dt.datetime,
                 channels: list[str], audio: bool, purpose: str, justification: str,
                 long_range_reason: str = "") -> CopyRequest:
    """File a request; refused with reasons, pinned originals, self-approved for a manager."""
    require(user, "copies.request", vehicle)
    profile = effective_profile(user.organisation)
    available = sorted({c for r in vehicle.recorders.all() for c in r.channels})
    refusals = copy_request_refusals(
        purpose=purpose, permitted=[u.code for u in profile.permitted_uses],
        minutes=(end - start).total_seconds() / 60,
        max_minutes=profile.value("copies.max_range_minutes"),
        long_range_reason=long_range_reason, channels=channels, available_channels=available)
    segments = _segments(vehicle, start, end, channels) if not refusals else []
    if not refusals and not segments:
        refusals.append("指定された範囲に元データがありません（既に消去されたか、まだ受信していません）。")
    if refusals:
        audit.record("copy.refused", user=user, obj=vehicle, purpose=purpose,
                     detail={"reasons": refusals, "start": start.isoformat(),
                             "end": end.isoformat()})
        raise CopyRefused(refusals)
    with transaction.atomic():
        request = CopyRequest.objects.create(
            vehicle=vehicle, start_at=start, end_at=end, channels=channels, audio=audio,
            purpose=purpose, justification=justification, long_range_reason=long_range_reason,
            requested_by=user, requested_at=clock.now())
        request.hold = retention.place_hold(HoldKind.COPY_REQUEST, f"複製申請 #{request.pk}",
                                            segments, by=user)
        request.save(update_fields=["hold"])
        audit.record("copy.requested", user=user, obj=request, purpose=justification,
                     detail={"purpose": purpose, "channels": channels, "audio": audio})
    if allows(user, "copies.decide", request):  # a manager's own request: self-approved
        approve(user, request, self_approved=True)
    return request


def _decide(manager: Any, request: CopyRequest, state: str, **fields: Any) -> None:
    """Record the manager's decision on a pending request (in the caller's transaction)."""
    require(manager, "copies.decide", request)
    if not request.can_be_decided:
        raise ValueError("this request has already been decided")
    request.state, request.decided_by, request.decided_at = state, manager, clock.now()
    for name, value in fields.items():
        setattr(request, name, value)
    request.save()


def approve(manager: Any, request: CopyRequest, *, self_approved: bool = False) -> CopyRequest:
    with transaction.atomic():
        _decide(manager, request, RequestState.APPROVED, self_approved=self_approved)
        audit.record("copy.approved", user=manager, obj=request,
                     detail={"self_approved": self_approved})
    return make_copies(request)


def refuse(manager: Any, request: CopyRequest, reason: str) -> None:
    with transaction.atomic():
        _decide(manager, request, RequestState.REFUSED, decision_note=reason)
        if request.hold:
            retention.release_hold(request.hold, by=manager)
        audit.record("copy.request_refused", user=manager, obj=request, purpose=reason)


def continuous_runs(segments: list[Segment], max_gap: dt.timedelta) -> list[list[Segment]]:
    """Split time-ordered segments where recording stopped (the vehicle was parked)."""
    runs: list[list[Segment]] = []
    for segment in segments:
        if runs and segment.start_at - runs[-1][-1].end_at <= max_gap:
            runs[-1].append(segment)
        else:
            runs.append([segment])
    return runs


def make_copies(request: CopyRequest) -> CopyRequest:
    """Cut each camera's part without re-encoding into new encrypted copies (one per
    continuous stretch of recording), then unpin the originals."""
    from hogo.video.extract import MAX_GAP, ExtractError, Source, extract

    store = get_store()
    profile = effective_profile(request.requested_by.organisation)
    made: list[Copy] = []
    pieces = [(channel, run) for channel in request.channels for run in continuous_runs(
        _segments(request.vehicle, request.start_at, request.end_at, [channel]), MAX_GAP)]
    try:
        for channel, segments in pieces:
            sink = io.BytesIO()
            with contextlib.ExitStack() as readers:
                sources = [Source(readers.enter_context(DecryptingReader(
                    store, s.stored.object_id, s.stored.wrapped_key, s.size, readahead=2)),
                    s.start_at, name=s.original_name, sha256=s.sha256) for s in segments]
                result = extract(sources, max(request.start_at, segments[0].start_at),
                                 min(request.end_at, segments[-1].end_at), sink,
                                 keep_audio=request.audio, hash_output=False)
            with transaction.atomic():
                stored = store_stream(sink)
                result = dataclasses.replace(result, sha256=stored.object_id)
                made_at = clock.now()
                made.append(Copy.objects.create(
                    request=request, channel=channel, stored=stored, sha256=result.sha256,
                    size=result.size, actual_start=result.actual_start,
                    actual_end=result.actual_end, manifest=_manifest(request, result, segments),
                    made_at=made_at, expires_on=copy_expires_on(
                        clock.jst_date(made_at), profile.value("copies.retention_months"))))
    except ExtractError as error:
        with transaction.atomic():
            request.state, request.decision_note = RequestState.FAILED, error.message_ja
            request.save(update_fields=["state", "decision_note"])
            audit.record("copy.failed", obj=request, detail={"error": str(error)})
        return request
    with transaction.atomic():
        request.state = RequestState.MADE
        request.save(update_fields=["state"])
        if request.hold:
            retention.release_hold(request.hold, by=None)
        for copy in made:
            audit.record("copy.made", obj=copy, purpose=request.justification,
                         detail={"sha256": copy.sha256, "request": request.pk,
                                 "expires_on": copy.expires_on.isoformat()})
    return request


def _manifest(request: CopyRequest, result: Any, segments: list[Segment]) -> dict:
    return {
        "request": request.pk, "purpose": request.purpose,
        "requested_range": [request.start_at.isoformat(), request.end_at.isoformat()],
        "actual_range": [result.actual_start.isoformat(), result.actual_end.isoformat()],
        "sources": [{"segment": s.pk, "name": s.original_name, "sha256": s.sha256}
                    for s in segments],
        "output": {"sha256": result.sha256, "size": result.size,
                   "frames": result.frame_count, "codec": result.video_codec},
        "tool": result.tool,
    }


def extend(copy: Copy, *, reason: str, asked_by: str, until: dt.date, by: Any) -> None:
    """Keep a copy longer for one of the three listed reasons (Ashiya rule Art. 7(4))."""
    require(by, "copies.extend", copy)
    if not copy.is_kept:
        raise ValueError("the copy is already erased")
    if until <= copy.expires_on:
        raise ValueError("延長後の保存期限は現在の期限より後にしてください。")
    with transaction.atomic():
        RetentionExtension.objects.create(copy=copy, reason=reason, asked_by=asked_by,
                                          until=until, recorded_by=by, recorded_at=clock.now())
        old = copy.expires_on
        copy.expires_on = copy_expires_on(copy.expires_on, 0, extended_until=until)
        copy.save(update_fields=["expires_on"])
        audit.record("copy.extended", user=by, obj=copy, purpose=asked_by,
                     detail={"reason": reason, "from": old.isoformat(),
                             "until": until.isoformat()})


def place_copy_hold(copy: Copy, reference: str, *, by: Any) -> CopyHold:
    require(by, "copies.hold", copy)
    with transaction.atomic():
        Copy.objects.select_for_update().filter(pk=copy.pk).first()  # waits for an erasure
        hold = CopyHold.objects.create(copy=copy, reference=reference, placed_by=by,
                                       placed_at=clock.now())
        audit.record("copy.hold_placed", user=by, obj=copy, purpose=reference)
    return hold


def release_copy_hold(hold: CopyHold, *, by: Any) -> None:
    require(by, "copies.release_hold", hold.copy)
    with transaction.atomic():
        hold.released_by, hold.released_at = by, clock.now()
        hold.save(update_fields=["released_by", "released_at"])
        audit.record("copy.hold_released", user=by, obj=hold.copy, purpose=hold.reference)


def erase_expired(today: dt.date | None = None) -> list[DeletionRecord]:
    """The daily job: crypto-shred every copy past its expiry that no legal hold keeps."""
    today = today or clock.today_jst()
    records = []
    due = Copy.objects.filter(erased_at__isnull=True, expires_on__lte=today)
    with objects.erasure_batch():
        for pk in list(due.values_list("pk", flat=True)):
            record = _erase_copy(pk, today)
            if record is not None:
                records.append(record)
    return records


def _erase_copy(pk: int, today: dt.date) -> DeletionRecord | None:
    """Erase one expired copy, unless a hold or an extension came meanwhile (checked with the
    copy locked, so a hold placed while the job runs is never overtaken)."""
    with transaction.atomic():
        copy = Copy.objects.select_for_update().select_related(
            "request__vehicle").get(pk=pk)
        if (copy.erased_at is not None or copy.expires_on > today
                or copy.holds.filter(released_at__isnull=True).exists()):
            return None
        now = clock.now()
        copy.erased_at = now
        copy.save(update_fields=["erased_at"])
        # Identical copies (the same range asked twice) share one object: lock it, and keep
        # its key while another copy still needs it.
        stored = EncryptedObject.objects.select_for_update().get(pk=copy.stored_id)
        what = (f"複製データ #{copy.pk}（{copy.request.vehicle} {copy.channel}、"
                f"{copy.actual_start:%Y-%m-%d %H:%M:%S}〜）")
        record = objects.shred_unless_needed(
            stored, besides=copy, what=what, rule="copy_retention", by="system", now=now,
            sha256=copy.sha256, size=copy.size, recorded_from=copy.actual_start,
            detail={"copy": copy.pk, "expired_on": copy.expires_on.isoformat(),
                    "extensions": copy.extensions.count()})
        audit.record("copy.erased", obj=copy, detail={
            "deletion_record": record.pk, "rule": "copy_retention",
            "packages_discarded": discard_packages(copy)})
    return record


def remind_expiring(today: dt.date | None = None) -> int:
    """Tell the manager 30 days ahead, so an extension can be recorded in time."""
    today = today or clock.today_jst()
    soon = Copy.objects.filter(erased_at__isnull=True, expires_on__gt=today,
                               expires_on__lte=today + dt.timedelta(days=REMIND_DAYS))
    for copy in soon.select_related("request__vehicle__department"):
        raise_alert("copies.expiring", department=copy.request.vehicle.department,
                    key=f"copy-expiring:{copy.pk}:{copy.expires_on}",
                    message=f"{copy} は {copy.expires_on:%Y-%m-%d} に保存期限を迎え消去されます。"
                            "延長が必要な場合は理由とともに記録してください。")
    return soon.count()
