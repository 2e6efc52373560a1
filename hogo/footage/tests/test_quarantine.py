"""Quarantine retention (R-306): quarantined files are erased after the profile's
days with a deletion record, or earlier by a person; a file hogo could not place can be
released into the footage at the time and camera a person gives."""

import datetime as dt
import json

import pytest

from hogo import clock
from hogo.accounts.policy import set_override
from hogo.audit.models import AuditEntry
from hogo.clock import JST
from hogo.footage import quarantine
from hogo.footage.ingest import ingest_file
from hogo.footage.models import DeletionRecord, EncryptedObject, Segment, Upload, UploadState
from hogo.footage.objects import get_store
from hogo.registry.models import Recorder
from hogo.rules.profile import ProfileError, parse_profile
from hogo.rules.tests.test_profile import city_data

QUARANTINED_AT = dt.datetime(2025, 6, 4, 0, 30, tzinfo=JST)  # still 3 June in UTC


@pytest.fixture(autouse=True)
def _japanese():
    """Refusals are Japanese sentences; a request of an earlier test may have left English."""
    from django.utils import translation

    with translation.override("ja"):
        yield


def timeless_clip(path):
    """Sound video with no creation time: placed by nothing but its name."""
    import av
    import numpy as np

    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for n in range(10):
            picture = np.full((64, 64, 3), n * 20, np.uint8)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")))
        container.mux(stream.encode())
    return path


def quarantined_text(recorder, tmp_path, name="20250603_150000_F.mp4", text="運行日誌\n",
                     at=QUARANTINED_AT) -> Upload:
    path = tmp_path / f"{recorder.serial}-{name.replace('/', '_')}"
    path.write_bytes(text.encode() * 300)
    with clock.frozen(at):
        upload = ingest_file(recorder, path, name, by="test")
    assert upload.state == UploadState.QUARANTINED and upload.quarantine_code == "not_video"
    return upload


def quarantined_timeless(recorder, tmp_path, at=QUARANTINED_AT, clip=None) -> Upload:
    clip = clip or timeless_clip(tmp_path / "timeless.mp4")
    with clock.frozen(at):
        upload = ingest_file(recorder, clip, "MOVIE0002.MP4", by="test")
    assert upload.state == UploadState.QUARANTINED and upload.quarantine_code == "unknown_name"
    return upload


def profile(demo):
    from hogo.accounts.policy import effective_profile

    return effective_profile(demo)


def decryptable(stored: EncryptedObject) -> bool:
    try:
        get_store().read_all(stored.object_id, stored.wrapped_key)
        return True
    except Exception:
        return False


# -- the rule --------------------------------------------------------------------------

def test_kept_for_the_profile_days_from_the_japanese_date(demo, recorder, tmp_path, user):
    upload = quarantined_text(recorder, tmp_path)
    # 00:30 JST on 4 June is 3 June in UTC: the Japanese date counts.
    assert quarantine.quarantined_on(upload) == dt.date(2025, 6, 4)
    assert quarantine.quarantine_expires_on(upload, profile(demo)) == dt.date(2025, 7, 4)
    set_override(demo, "footage.quarantine_days", 7, by=user("privacy"), reason="短縮")
    assert quarantine.quarantine_expires_on(upload, profile(demo)) == dt.date(2025, 6, 11)
    status = quarantine.status_of(upload, profile(demo), today=dt.date(2025, 6, 8))
    assert status.days_left == 3 and not status.releasable


def test_every_shipped_profile_keeps_quarantine_30_days():
    from pathlib import Path

    from hogo.rules.profile import load_profiles

    profiles = load_profiles(Path(quarantine.__file__).parents[1] / "rules" / "profiles")
    assert {p.value("footage.quarantine_days") for p in profiles.values()} == {30}


@pytest.mark.parametrize("value", [0, 366, "30", True])
def test_a_bad_quarantine_days_names_the_field(value):
    data = city_data()
    data["footage"]["quarantine_days"] = value
    with pytest.raises(ProfileError) as caught:
        parse_profile(data, "city.toml")
    assert caught.value.field == "footage.quarantine_days"


# -- the daily job ---------------------------------------------------------------------

def test_old_quarantined_file_is_shredded_so_even_a_backup_no_longer_decrypts(
        demo, recorder, tmp_path, django_capture_on_commit_callbacks):
    """The regression: on HEAD a quarantined file was kept, decryptable, for ever."""
    upload = quarantined_text(recorder, tmp_path)
    stored = upload.stored
    backend = get_store().backend
    backup = backend.path(stored.object_id).read_bytes()  # what a backup of the disk holds
    today = dt.date(2025, 7, 10)  # 36 days later
    assert decryptable(stored)
    with clock.frozen(dt.datetime(2025, 7, 10, 3, 0, tzinfo=JST)), \
            django_capture_on_commit_callbacks(execute=True):
        erased = quarantine.erase_expired_quarantine(today)
    assert [r.rule for r in erased] == [quarantine.RETENTION_RULE]
    # (an orphan of the same content, left by an earlier test, may have its own record)
    record = DeletionRecord.objects.get(object_id=stored.object_id,
                                        rule=quarantine.RETENTION_RULE)
    assert record.method.startswith("crypto-shred") and record.recorder == recorder
    stored.refresh_from_db()
    upload.refresh_from_db()
    assert stored.wrapped_key == "" and stored.shredded_at is not None
    assert not Upload.objects.filter(declared_sha256=stored.object_id).exclude(
        wrapped_key="").exists()
    assert not get_store().exists(stored.object_id)
    assert upload.state == UploadState.ERASED and upload.stored is None
    assert upload.resolved_by == "system" and upload.resolved_at is not None
    assert AuditEntry.objects.filter(action="footage.quarantine_erased",
                                     object_id=str(upload.pk)).exists()
    # Put the backed-up blob back and try every key the database still holds.
    keys = [*EncryptedObject.objects.exclude(wrapped_key="").values_list(
        "wrapped_key", flat=True), *Upload.objects.exclude(wrapped_key="").values_list(
        "wrapped_key", flat=True)]
    path = backend.path(stored.object_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(backup)
    try:
        for key in keys:
            with pytest.raises(Exception):  # noqa: B017 — any failure to decrypt will do
                get_store().read_all(stored.object_id, key)
    finally:
        path.unlink()


def test_the_job_erases_only_what_is_past_its_date(demo, recorder, tmp_path):
    first = quarantined_text(recorder, tmp_path, name="a.mp4", text="一")
    later = quarantined_text(recorder, tmp_path, name="b.mp4", text="二",
                             at=QUARANTINED_AT + dt.timedelta(days=1))
    assert quarantine.erase_expired_quarantine(dt.date(2025, 7, 3)) == []  # day 29
    erased = quarantine.erase_expired_quarantine(dt.date(2025, 7, 4))  # day 30 of the first
    assert [r.detail["upload"] for r in erased] == [str(first.pk)]
    first.refresh_from_db()
    later.refresh_from_db()
    assert first.state == UploadState.ERASED and later.state == UploadState.QUARANTINED
    assert decryptable(later.stored)
    assert quarantine.erase_expired_quarantine(dt.date(2025, 7, 4)) == []  # nothing twice


def test_the_job_is_scheduled_daily():
    from hogo.jobs import find

    job = find("footage.quarantine")
    assert job.task is quarantine.erase_expired_quarantine_task
    assert job.every == dt.timedelta(days=1)


# -- shared content --------------------------------------------------------------------

def test_content_another_recorder_keeps_as_an_original_is_not_shredded(demo, recorder,
                                                                        tmp_path, user):
    clip = timeless_clip(tmp_path / "20250603_150000_F.mp4")
    kept = ingest_file(recorder, clip, clip.name, by="test").segment  # placed by its name
    other = Recorder.objects.get(serial="DEMO-0002")
    upload = quarantined_timeless(other, tmp_path, clip=clip)
    assert upload.stored_id == kept.stored_id
    record = quarantine.erase_quarantined(upload, by=user("manager"), reason="不要なファイル")
    assert record.rule == quarantine.ERASED_RULE and "key kept" in record.method
    kept.stored.refresh_from_db()
    assert decryptable(kept.stored) and get_store().exists(kept.sha256)
    upload.refresh_from_db()
    assert upload.state == UploadState.ERASED and upload.stored is None


def test_content_quarantined_twice_is_shredded_with_the_last(demo, recorder, tmp_path,
                                                             django_capture_on_commit_callbacks):
    first = quarantined_text(recorder, tmp_path, name="a.mp4")
    second = quarantined_text(Recorder.objects.get(serial="DEMO-0002"), tmp_path,
                              name="b.mp4", at=QUARANTINED_AT + dt.timedelta(days=5))
    assert first.stored_id == second.stored_id
    with django_capture_on_commit_callbacks(execute=True):
        quarantine.erase_expired_quarantine(dt.date(2025, 7, 4))
    stored = EncryptedObject.objects.get(pk=second.stored_id)
    assert decryptable(stored)  # the second is still within its days
    with django_capture_on_commit_callbacks(execute=True):
        erased = quarantine.erase_expired_quarantine(dt.date(2025, 7, 9))
    assert [r.method.startswith("crypto-shred") for r in erased] == [True]
    stored.refresh_from_db()
    assert stored.wrapped_key == "" and not get_store().exists(stored.object_id)


# -- releasing -------------------------------------------------------------------------

def test_release_places_the_file_at_the_given_time_and_camera(demo, recorder, tmp_path, user):
    upload = quarantined_timeless(recorder, tmp_path)
    start = dt.datetime(2025, 6, 3, 15, 0, 5, tzinfo=JST)
    segment = quarantine.release_quarantined(upload, by=user("manager"), reason="車両日誌で確認",
                                             start=start, channel="front")
    assert segment.start_at == start and segment.channel == "front"
    assert segment.recorder == recorder and segment.original_name == "MOVIE0002.MP4"
    assert [f["code"] for f in segment.flags] == ["placed_by_person"]
    upload.refresh_from_db()
    assert upload.state == UploadState.INGESTED and upload.segment == segment
    assert upload.resolved_by == "user:manager" and upload.resolution_note == "車両日誌で確認"
    released = AuditEntry.objects.get(action="footage.quarantine_released")
    assert released.purpose == "車両日誌で確認"
    assert json.loads(released.detail)["segment"] == segment.pk
    assert quarantine.erase_expired_quarantine(dt.date(2026, 1, 1)) == []  # no longer quarantined


def test_a_released_file_is_an_original_the_ring_buffer_applies_to(demo, recorder, tmp_path,
                                                                    user):
    upload = quarantined_timeless(recorder, tmp_path)
    Recorder.objects.filter(pk=recorder.pk).update(capacity_bytes=1)
    segment = quarantine.release_quarantined(
        upload, by=user("privacy"), reason="確認済み",
        start=dt.datetime(2025, 6, 3, 15, 0, tzinfo=JST), channel="front")
    segment.refresh_from_db()
    assert segment.erased_at is not None  # over capacity: erased like any original
    assert DeletionRecord.objects.filter(segment_id=segment.pk, rule="ring_buffer").exists()


@pytest.mark.parametrize("make", ["text", "truncated"])
def test_a_file_that_is_not_playable_video_cannot_be_released(demo, recorder, tmp_path, user,
                                                               clips, make):
    if make == "text":
        upload = quarantined_text(recorder, tmp_path)
    else:
        cut = tmp_path / "20250603_160000_F.mp4"
        data = clips[3].read_bytes()
        cut.write_bytes(data[: len(data) // 2])
        upload = ingest_file(recorder, cut, cut.name, by="test")
        assert upload.quarantine_code == "truncated"
    assert "消去のみ" in quarantine.release_refusal(upload)
    with pytest.raises(quarantine.QuarantineRefused, match="消去のみ"):
        quarantine.release_quarantined(upload, by=user("manager"), reason="x",
                                       start=dt.datetime(2025, 6, 3, 16, tzinfo=JST),
                                       channel="front")
    upload.refresh_from_db()
    assert upload.state == UploadState.QUARANTINED
    assert not Segment.objects.filter(sha256=upload.declared_sha256).exists()


def test_too_long_is_not_releasable():
    assert "6時間" in quarantine.release_refusal(
        Upload(state=UploadState.QUARANTINED, quarantine_code="too_long"))


@pytest.mark.parametrize(("start", "channel", "reason", "message"), [
    (None, "front", "確認済み", "録画開始日時とカメラ"),
    (dt.datetime(2025, 6, 3, 15, tzinfo=JST), "rear", "確認済み", "ないカメラ"),
    (dt.datetime(2099, 1, 1, tzinfo=JST), "front", "確認済み", "未来"),
    (dt.datetime(2025, 6, 3, 15, tzinfo=JST), "front", "  ", "理由"),
])
def test_release_needs_a_sound_time_camera_and_reason(demo, recorder, tmp_path, user, start,
                                                      channel, reason, message):
    upload = quarantined_timeless(recorder, tmp_path)
    with pytest.raises(quarantine.QuarantineRefused, match=message):
        quarantine.release_quarantined(upload, by=user("manager"), reason=reason,
                                       start=start, channel=channel)
    upload.refresh_from_db()
    assert upload.state == UploadState.QUARANTINED and upload.resolved_at is None


def test_only_the_departments_manager_and_the_privacy_officer_decide(demo, recorder, tmp_path,
                                                                      user):
    upload = quarantined_text(recorder, tmp_path)
    for name in ("seiso-manager", "operator", "staff", "auditor", "sysadmin"):
        with pytest.raises(PermissionError):
            quarantine.erase_quarantined(upload, by=user(name), reason="x")
    quarantine.erase_quarantined(upload, by=user("privacy"), reason="誤送信")
    with pytest.raises(quarantine.QuarantineRefused):  # decided once
        quarantine.erase_quarantined(upload, by=user("manager"), reason="again")


def test_a_file_quarantined_through_tus_keeps_no_key_anywhere_after_the_job(
        client, token, demo, django_capture_on_commit_callbacks):
    from hogo.footage.tests.test_upload_api import send

    with clock.frozen(QUARANTINED_AT):
        result = send(client, token, "点検記録\n".encode() * 400, "20250603_170000_F.mp4")
    assert result["state"] == "quarantined"
    upload = Upload.objects.get(pk=result["id"])
    object_id = upload.stored.object_id
    with django_capture_on_commit_callbacks(execute=True):
        quarantine.erase_expired_quarantine(dt.date(2025, 7, 4))
    assert EncryptedObject.objects.get(object_id=object_id).wrapped_key == ""
    assert list(Upload.objects.filter(declared_sha256=object_id).values_list(
        "wrapped_key", "state")) == [("", UploadState.ERASED)]
    assert not get_store().exists(object_id)
    assert DeletionRecord.objects.filter(object_id=object_id,
                                         rule=quarantine.RETENTION_RULE).exists()


# -- telling people --------------------------------------------------------------------------

def test_the_department_is_told_at_quarantine_and_a_week_before_erasure(demo, recorder,
                                                                        tmp_path):
    from hogo.alerts.models import Alert

    upload = quarantined_text(recorder, tmp_path)
    told = Alert.objects.filter(key=f"quarantined:{upload.pk}")
    assert told.count() == 1 and told.get().department == recorder.vehicle.department
    assert upload.relative_path in told.get().message and "30日後" in told.get().message
    assert told.get().link.endswith(f"/footage/uploads/{upload.pk}/")
    reminders = Alert.objects.filter(key=f"quarantine-expiring:{upload.pk}")
    quarantine.erase_expired_quarantine(today=dt.date(2025, 6, 26))  # 8 days before 4 July
    assert not reminders.exists()
    quarantine.erase_expired_quarantine(today=dt.date(2025, 6, 27))
    quarantine.erase_expired_quarantine(today=dt.date(2025, 6, 28))
    assert reminders.count() == 1 and "令和7年7月4日" in reminders.get().message  # 和暦 in alerts


def test_the_date_counts_from_the_quarantine_not_from_a_later_save(demo, recorder, tmp_path):
    upload = quarantined_text(recorder, tmp_path)
    upload.updated_at = QUARANTINED_AT + dt.timedelta(days=20)  # a later write of the row
    upload.save(update_fields=["updated_at"])
    upload.refresh_from_db()
    assert quarantine.quarantine_expires_on(upload) == dt.date(2025, 7, 4)
    [record] = quarantine.erase_expired_quarantine(today=dt.date(2025, 7, 4))
    upload.refresh_from_db()
    assert upload.resolution_note == "保存期間（30日）の満了による消去"
    assert record.rule == quarantine.RETENTION_RULE
