"""From a finished upload to a catalogued original — or to quarantine, with a reason.

The bytes are already encrypted and content-addressed by the time this runs; ingest reads
them back through a decrypting reader (no plaintext on disk), probes them with PyAV, places
them in time and camera from the recorder's file-name profile, attaches a GPS sidecar, flags
overlaps and clock mismatches for a person to look at, and then lets the ring buffer run.
A file that is not sound footage never enters the catalogue.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from pathlib import Path, PurePosixPath

from django.db import transaction

from hogo import clock
from hogo.accounts.policy import effective_profile
from hogo.audit import services as audit
from hogo.footage.client import sha256_of
from hogo.footage.models import Segment, Upload, UploadState
from hogo.footage.notices import tell_department
from hogo.footage.objects import (
    DecryptingReader,
    forget_orphan,
    get_store,
    keep_object,
    shred_object,
)
from hogo.footage.retention import sweep_recorder
from hogo.footage.search import MAX_SEGMENT
from hogo.footage.tracks import seal_track
from hogo.storage import StoredObject
from hogo.video.naming import SIDECAR_SUFFIXES, parse_name, same_clip, sidecar_names
from hogo.video.nmea import parse_nmea
from hogo.video.probe import ProbeError, ProbeResult, probe

log = logging.getLogger("hogo.footage")
CLOCK_TOLERANCE = dt.timedelta(minutes=2)
ANY_AGE = dt.datetime.max.replace(tzinfo=dt.UTC)  # an orphan met at ingest goes at once


def ingest(upload: Upload, stored: StoredObject) -> Upload:
    """Catalogue a finished upload (video or GPS sidecar) or quarantine it."""
    with transaction.atomic():
        upload.stored = keep_object(stored)
        if PurePosixPath(upload.relative_path).suffix.lower() in SIDECAR_SUFFIXES:
            return _ingest_sidecar(upload)
        twin = Segment.objects.filter(recorder=upload.recorder, sha256=stored.object_id).first()
        if twin is not None and twin.erased_at is not None:
            # The ring buffer already erased this original: a late re-send does not revive it.
            shred_object(upload.stored, what=f"再送された消去済み元データ {upload.relative_path}",
                         rule="already_erased", by=upload.uploaded_by, now=clock.now(),
                         recorder=upload.recorder, detail={"erased_segment": twin.pk})
            upload.quarantine_reason = ("この元データは既に消去済みのため、"
                                        "受信したデータも破棄しました。")
            return finish(upload, UploadState.DUPLICATE, segment=twin)
        if twin is not None:
            return finish(upload, UploadState.DUPLICATE, segment=twin)
        try:
            facts = probe_stored(upload)
        except ProbeError as error:
            return _quarantine(upload, error.code, error.reason_ja, error.reason)
        if facts.duration > MAX_SEGMENT.total_seconds():
            return _quarantine(
                upload, "too_long", "6時間を超える録画ファイルはドライブレコーダーの記録として"
                "扱えません。", f"{facts.duration:.0f} s is longer than {MAX_SEGMENT}")
        placed = _place(upload, facts)
        if placed is None:
            return _quarantine(
                upload, "unknown_name",
                "ファイル名からも、ファイル内の作成日時からも録画日時を読み取れません"
                "（ドライブレコーダーのファイル名形式の設定を確認してください）。",
                f"neither the name (profile {upload.recorder.naming_profile!r}) nor the "
                "file's metadata gives the recording time")
        segment = catalogue(upload, facts, *placed)
        finish(upload, UploadState.INGESTED, segment=segment)
    sweep_recorder(upload.recorder)
    return upload


def probe_stored(upload: Upload) -> ProbeResult:
    """Probe an upload's stored object through a decrypting reader (no plaintext on disk)."""
    return probe(io.BufferedReader(DecryptingReader(
        get_store(), upload.stored.object_id, upload.stored.wrapped_key,
        upload.stored.size), buffer_size=1 << 20))


def _place(upload: Upload, facts: ProbeResult) -> tuple[dt.datetime, str, list] | None:
    """Start time and camera: from the file name, else from the file's own creation time
    (on the recorder's first camera, flagged so a person checks it), else nothing."""
    named = parse_name(upload.recorder.naming_profile, upload.relative_path)
    if named is None:
        if facts.creation_time is None:
            return None
        return facts.creation_time, (upload.recorder.channels or ["front"])[0], [
            {"code": "placed_by_metadata", "label": "作成日時から配置",
             "detail": "the file name does not follow the recorder's naming profile; "
                       "placed by the creation time inside the file"}]
    flags = []
    if facts.creation_time and abs(facts.creation_time - named.start) > CLOCK_TOLERANCE:
        flags.append({"code": "clock_mismatch", "label": "時刻のずれ",
                      "detail": f"file name says {named.start.isoformat()}, metadata says "
                                f"{facts.creation_time.isoformat()}"})
    return named.start, named.channel, flags


def catalogue(upload: Upload, facts: ProbeResult, start: dt.datetime, channel: str,
              flags: list) -> Segment:
    """Make the upload an original at this place in time and camera (ingest's own, or a
    person's for a released quarantined file), flag overlaps, attach its GPS sidecar."""
    end = start + dt.timedelta(seconds=facts.duration)
    received = clock.now()
    if start > received + CLOCK_TOLERANCE:
        # Nothing can have been recorded after it arrived: the recorder's clock runs ahead.
        flags.append({"code": "future_time", "label": "受信より後の録画日時",
                      "detail": f"starts {start.isoformat()}, received "
                                f"{received.isoformat()}: the recorder's clock may be ahead"})
    overlapping = Segment.objects.filter(recorder=upload.recorder, channel=channel,
                                         erased_at__isnull=True, start_at__lt=end,
                                         end_at__gt=start).values_list("pk", flat=True)
    if overlapping:
        flags.append({"code": "overlap", "label": "録画の重なり",
                      "detail": f"overlaps segment(s) {list(overlapping)}"})
    segment = Segment.objects.create(
        recorder=upload.recorder, channel=channel, start_at=start, end_at=end,
        duration=facts.duration, original_name=upload.relative_path,
        sha256=upload.stored.object_id, size=upload.stored.size, stored=upload.stored,
        codec=facts.video_codec, width=facts.width, height=facts.height,
        fps=float(facts.frame_rate), frame_count=facts.frame_count,
        has_audio=facts.has_audio, recorded_creation_time=facts.creation_time, flags=flags,
        uploaded_at=received, uploaded_by=upload.uploaded_by)
    sidecar = Upload.objects.filter(
        recorder=upload.recorder, state=UploadState.INGESTED, segment__isnull=True,
        relative_path__in=sidecar_names(upload.relative_path)).exclude(
        stored__wrapped_key="").select_related("stored").first()
    if sidecar is not None:
        _attach_track(segment, sidecar)
    audit.record("footage.ingested", actor=upload.uploaded_by, obj=segment,
                 detail={"sha256": segment.sha256, "size": segment.size,
                         "name": upload.relative_path, "flags": [f["code"] for f in flags]})
    return segment


def _ingest_sidecar(upload: Upload) -> Upload:
    upload.save(update_fields=["stored"])
    for segment in Segment.objects.filter(recorder=upload.recorder, erased_at__isnull=True,
                                          gps_sealed="").select_related("stored"):
        if same_clip(upload.relative_path, segment.original_name):
            _attach_track(segment, upload)
    return finish(upload, UploadState.INGESTED)


def _attach_track(segment: Segment, sidecar: Upload) -> None:
    text = get_store().read_all(sidecar.stored.object_id, sidecar.stored.wrapped_key)
    seal_track(segment, parse_nmea(text.decode("ascii", "replace")))


def _quarantine(upload: Upload, code: str, reason_ja: str, reason_en: str) -> Upload:
    log.warning("quarantined %s from %s: %s", upload.relative_path, upload.uploaded_by,
                reason_en)
    upload.quarantine_code, upload.quarantine_reason = code, reason_ja
    upload.quarantined_at = clock.now()
    audit.record("footage.quarantined", actor=upload.uploaded_by, obj=upload,
                 detail={"code": code, "reason": reason_en, "name": upload.relative_path})
    finish(upload, UploadState.QUARANTINED)
    days = effective_profile(upload.recorder.vehicle.department.organisation).value(
        "footage.quarantine_days")
    # A person decides what becomes of it (release or erase) before the retention job does.
    tell_department(upload, "footage.quarantined", "quarantined",
                    f"{upload.recorder} から受信したファイル「{upload.relative_path}」を"
                    f"隔離しました（{reason_ja.rstrip('。')}）。{days}日後に消去されます。"
                    "受信記録で内容を確認してください。")
    return upload


def finish(upload: Upload, state: str, segment: Segment | None = None) -> Upload:
    """End an upload. Its row forgets the data key it was staged under: that is the stored
    object's key too, and erasure destroys only the object's copy of it."""
    upload.state, upload.segment, upload.updated_at = state, segment, clock.now()
    if state != UploadState.FAILED:
        upload.offset = upload.length
    upload.wrapped_key = ""
    upload.save()
    return upload


def ingest_file(recorder, path, relative_path: str, *, by: str) -> Upload:
    """Store and catalogue a file already on this machine (demo data, depot imports)."""
    forget_orphan(sha256_of(Path(path)))
    with open(path, "rb") as source:
        stored = get_store().put(source)
    now = clock.now()
    upload = Upload.objects.create(
        recorder=recorder, relative_path=relative_path, length=stored.size, offset=stored.size,
        declared_sha256=stored.object_id, uploaded_by=by, created_at=now, updated_at=now)
    return ingest(upload, stored)


def mark_failed(upload: Upload, code: str, reason_ja: str, reason_en: str = "") -> Upload:
    """The transfer went wrong (not the file): the uploader must send it again."""
    log.warning("upload %s of %s failed: %s %s", upload.pk, upload.relative_path, code,
                reason_en)
    if upload.spool_id:  # whatever was staged is unreadable without the key; remove it too
        get_store().abort_upload(upload.spool_id)
    upload.quarantine_code, upload.quarantine_reason = code, reason_ja
    return finish(upload, UploadState.FAILED)


def already_received(recorder, sha256: str) -> dict:
    """What the depot needs to know before sending a file: stored, quarantined, or new."""
    segment = Segment.objects.filter(recorder=recorder, sha256=sha256).first()
    if segment is not None:
        return {"known": True, "state": "duplicate",
                "detail": f"already stored as segment {segment.pk}"}
    earlier = Upload.objects.filter(recorder=recorder, declared_sha256=sha256, state__in=[
        UploadState.INGESTED, UploadState.QUARANTINED, UploadState.ERASED]).order_by(
        "-created_at").first()
    if earlier is None:
        return {"known": False, "detail": ""}
    if earlier.state == UploadState.ERASED:  # quarantined, then erased: do not send it again
        return {"known": True, "state": "erased",
                "detail": "隔離されたファイルは消去済みです。再送は不要です。"}
    if earlier.state == UploadState.QUARANTINED:
        return {"known": True, "state": "quarantined", "detail": earlier.quarantine_reason}
    return {"known": True, "state": "duplicate", "detail": "already stored"}
