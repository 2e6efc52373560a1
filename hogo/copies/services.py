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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hogo import clock
from hogo.accounts.permissions import allows, require
from hogo.accounts.policy import effective_profile
from hogo.alerts.services import raise_alert
from hogo.alerts.text import AlertText
from hogo.audit import services as audit
from hogo.copies import handoffs, signals
from hogo.copies.models import Copy, CopyHold, CopyRequest, RequestState, RetentionExtension
from hogo.copies.packages import discard_packages
from hogo.footage import objects, retention
from hogo.footage.models import DeletionRecord, EncryptedObject, HoldKind, Segment
from hogo.footage.objects import DecryptingReader, get_store, store_stream
from hogo.footage.search import Criteria, find_segments
from hogo.footage.viewing import purpose_choices
from hogo.registry import services as registry
from hogo.registry.models import Channel, Vehicle
from hogo.rules.copies import (
    PERSONAL_REQUEST_PURPOSE,
    PROVISION_PURPOSE,
    copy_expires_on,
    copy_request_refusals,
    is_due_for_erasure,
)

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


def retention_period_words(organisation: Any) -> str:
    """The profile's copy retention in words: 「1年」 for 12 months, else 「18か月」."""
    months = effective_profile(organisation).value("copies.retention_months")
    if months % 12 == 0:
        return _("%(years)d年") % {"years": months // 12}
    return _("%(months)dか月") % {"months": months}


def labels(user: Any) -> dict[str, str]:
    """Names for purpose and camera codes (a code is never shown where a word exists)."""
    unlisted = effective_profile(user.organisation).unlisted_uses
    language = translation.get_language()
    return {PROVISION_PURPOSE: _("第三者提供"), PERSONAL_REQUEST_PURPOSE: _("本人からの開示請求"),
            **{use.code: use.label(language) for use in unlisted},
            **dict(purpose_choices(user)), **{k: str(v) for k, v in Channel.choices}}


def channels_by_vehicle(vehicles: Any) -> dict[int, list[tuple[str, str]]]:
    """The cameras each vehicle's recorders really have (what a request may ask for)."""
    return {vehicle.pk: registry.channels_of(vehicle)
            for vehicle in vehicles.prefetch_related("recorders")}


def min_reason_chars(user: Any) -> int:
    """The profile's minimum length of a purpose reason (a sentence, not 「確認」)."""
    return int(effective_profile(user.organisation).value("purposes.min_reason_chars"))


def certificates() -> QuerySet[DeletionRecord]:
    """Deletion records of erased copies, each printable as a certificate (消去証明書)."""
    return DeletionRecord.objects.filter(rule="copy_retention")


def _segments(vehicle: Vehicle, start: dt.datetime, end: dt.datetime, channels: list[str]):
    found = find_segments(Criteria(department_ids=(vehicle.department_id,),
                                   vehicle_id=vehicle.pk, start=start, end=end))
    return [s for s in found if s.channel in channels]


def request_copy(user: Any, *, vehicle: Vehicle, start: dt.datetime, end: dt.datetime,
                 channels: list[str], audio: bool, purpose: str, justification: str,
                 long_range_reason: str = "", provision_reference: str = "",
                 personal_request_reference: str = "") -> CopyRequest:
    """File a request; refused with reasons, pinned originals, self-approved for a manager.

    With `provision_reference` (a decided third-party provision request's number) the purpose
    is PROVISION_PURPOSE, which no profile lists: the provision decision is its ground. With
    `personal_request_reference` (a person's own request's number, R-607) the purpose is
    PERSONAL_REQUEST_PURPOSE: the person's request for their own footage is its ground."""
    require(user, "copies.request", vehicle)
    profile = effective_profile(user.organisation)
    permitted = [u.code for u in profile.permitted_uses]
    grounds = {PROVISION_PURPOSE: provision_reference,
               PERSONAL_REQUEST_PURPOSE: personal_request_reference}
    for ground, reference in grounds.items():
        if reference:
            if purpose != ground:
                raise ValueError(f"a copy for this request has the purpose {ground}")
            permitted.append(ground)
    available = [code for code, _label in registry.channels_of(vehicle)]
    refusals = copy_request_refusals(
        purpose=purpose, permitted=permitted,
        minutes=(end - start).total_seconds() / 60,
        max_minutes=profile.value("copies.max_range_minutes"),
        long_range_reason=long_range_reason, channels=channels, available_channels=available,
        justification=justification, min_reason_chars=min_reason_chars(user))
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
                     detail={"purpose": purpose, "channels": channels, "audio": audio,
                             **({"provision": provision_reference}
                                if provision_reference else {}),
                             **({"personal_request": personal_request_reference}
                                if personal_request_reference else {})})
        self_approved = allows(user, "copies.decide", request)
        if not self_approved:
            handoffs.requested(request)
    if self_approved:  # a manager's own request: approved at once, nobody to tell
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
        handoffs.decided(request)
    return make_copies(request, actor=manager)


def refuse(manager: Any, request: CopyRequest, reason: str) -> None:
    with transaction.atomic():
        _decide(manager, request, RequestState.REFUSED, decision_note=reason)
        if request.hold:
            retention.release_hold(request.hold, by=manager)
        audit.record("copy.request_refused", user=manager, obj=request, purpose=reason)
        handoffs.decided(request)


def retry(user: Any, request: CopyRequest) -> CopyRequest:
    """Make a failed copy again on the same approval (the originals are still pinned).

    Pieces made by an earlier attempt are kept, not made twice."""
    if not handoffs.may_retry(user, request):
        raise PermissionError("copies.retry")
    with transaction.atomic():
        request = CopyRequest.objects.select_for_update().get(pk=request.pk)
        if not request.can_be_retried:
            raise ValueError("only a failed copy can be made again")
        request.state, request.decision_note = RequestState.APPROVED, ""
        request.save(update_fields=["state", "decision_note"])
        audit.record("copy.retried", user=user, obj=request)
    return make_copies(request, actor=user)


def continuous_runs(segments: list[Segment], max_gap: dt.timedelta) -> list[list[Segment]]:
    """Split time-ordered segments where recording stopped (the vehicle was parked)."""
    runs: list[list[Segment]] = []
    for segment in segments:
        if runs and segment.start_at - runs[-1][-1].end_at <= max_gap:
            runs[-1].append(segment)
        else:
            runs.append([segment])
    return runs


def _pieces(request: CopyRequest) -> list[tuple[str, list[Segment]]]:
    """Each camera's originals in the range, split where recording stopped (the vehicle was
    parked): one copy per continuous stretch."""
    from hogo.video.extract import MAX_GAP

    return [(channel, run) for channel in request.channels for run in continuous_runs(
        _segments(request.vehicle, request.start_at, request.end_at, [channel]), MAX_GAP)]


def _made_already(request: CopyRequest) -> set[tuple[str, tuple[int, ...]]]:
    """The pieces an earlier attempt made (by camera and the originals they came from)."""
    return {(c.channel, tuple(s["segment"] for s in c.manifest.get("sources", [])))
            for c in request.copies.filter(parent__isnull=True)}


def make_copies(request: CopyRequest, *, actor: Any = None) -> CopyRequest:
    """Cut each camera's part without re-encoding into new encrypted copies (one per
    continuous stretch of recording, and one per run of alike-encoded originals within it:
    a stream copy cannot join differently encoded files), then unpin the originals."""
    from hogo.video.extract import ExtractError, Source, encoding_runs, extract

    store = get_store()
    months = effective_profile(request.requested_by.organisation).value(
        "copies.retention_months")
    done = _made_already(request)
    try:
        for channel, run in _pieces(request):
            with contextlib.ExitStack() as readers:
                sources = [Source(readers.enter_context(DecryptingReader(
                    store, s.stored.object_id, s.stored.wrapped_key, s.size, readahead=2)),
                    s.start_at, name=s.original_name, sha256=s.sha256) for s in run]
                for indices in encoding_runs(sources, keep_audio=request.audio):
                    segments = [run[i] for i in indices]
                    if (channel, tuple(s.pk for s in segments)) in done:
                        continue
                    _make_one(request, channel, segments, [sources[i] for i in indices],
                              extract, months)
    except (ExtractError, OSError) as error:
        message = getattr(error, "message_ja", None) or "元データを読み込めませんでした。"
        with transaction.atomic():
            request.state, request.decision_note = RequestState.FAILED, message
            request.save(update_fields=["state", "decision_note"])
            audit.record("copy.failed", obj=request, detail={"error": str(error)})
            attempts = audit.entries_about(request).filter(action="copy.failed").count()
            handoffs.failed(request, attempts, actor=actor)
        return request
    with transaction.atomic():
        request.state = RequestState.MADE
        request.save(update_fields=["state"])
        if request.hold:
            retention.release_hold(request.hold, by=None)
        made = list(request.copies.filter(parent__isnull=True))
        handoffs.made(request, made, actor=actor)
        signals.copies_made.send(CopyRequest, request=request, copies=made)
    return request


def _make_one(request: CopyRequest, channel: str, segments: list[Segment], sources: list[Any],
              extract: Any, months: int) -> Copy:
    """One copy of alike-encoded, continuous originals, clipped to the requested range."""
    sink = io.BytesIO()
    result = extract(sources, max(request.start_at, segments[0].start_at),
                     min(request.end_at, segments[-1].end_at), sink,
                     keep_audio=request.audio, hash_output=False)
    with transaction.atomic():
        stored = store_stream(sink)
        result = dataclasses.replace(result, sha256=stored.object_id)
        made_at = clock.now()
        copy = Copy.objects.create(
            request=request, channel=channel, stored=stored, sha256=result.sha256,
            size=result.size, actual_start=result.actual_start, actual_end=result.actual_end,
            manifest=_manifest(request, result, segments), made_at=made_at,
            expires_on=copy_expires_on(clock.jst_date(made_at), months))
        audit.record("copy.made", obj=copy, purpose=request.justification,
                     detail={"sha256": copy.sha256, "request": request.pk,
                             "expires_on": copy.expires_on.isoformat()})
    return copy


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
    """Keep a copy longer for one of the three listed reasons (the organisation's rule on
    copy retention): `until` is the new 保存期間の満了日, the last day it is kept."""
    require(by, "copies.extend", copy)
    if not copy.is_kept:
        raise ValueError("the copy is already erased")
    if until <= copy.expires_on:
        raise ValueError("延長後の保存期間の満了日は、現在の満了日より後の日にしてください。")
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
    due = Copy.objects.filter(erased_at__isnull=True, expires_on__lt=today)  # the day after
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
        if (copy.erased_at is not None or not is_due_for_erasure(copy.expires_on, today)
                or copy.holds.filter(released_at__isnull=True).exists()):
            return None
        now = clock.now()
        copy.erased_at = now
        copy.save(update_fields=["erased_at"])
        # Identical copies (the same range asked twice) share one object: lock it, and keep
        # its key while another copy still needs it.
        stored = EncryptedObject.objects.select_for_update().get(pk=copy.stored_id)
        camera = handoffs.camera(copy.channel)
        what = (f"複製データ #{copy.pk}（{copy.request.vehicle} {camera}、"
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
    soon = Copy.objects.filter(erased_at__isnull=True, expires_on__gte=today,
                               expires_on__lte=today + dt.timedelta(days=REMIND_DAYS))
    for copy in soon.select_related("request__vehicle__department"):
        raise_alert("copies.expiring", department=copy.request.vehicle.department,
                    key=f"copy-expiring:{copy.pk}:{copy.expires_on}",
                    link=handoffs.link_to(copy.request),
                    message=AlertText(
                        gettext_noop("加工済み複製データ #%(number)s（%(vehicle)s %(camera)s）の"
                                     "保存期間の満了日は %(ends)s です。翌日に消去されます。"
                                     "延長が必要な場合は理由とともに記録してください。")
                        if copy.is_processed else
                        gettext_noop("複製データ #%(number)s（%(vehicle)s %(camera)s）の"
                                     "保存期間の満了日は %(ends)s です。翌日に消去されます。"
                                     "延長が必要な場合は理由とともに記録してください。"),
                        number=str(copy.pk), vehicle=str(copy.request.vehicle),
                        camera=handoffs.camera(copy.channel), ends=copy.expires_on))
    return soon.count()
