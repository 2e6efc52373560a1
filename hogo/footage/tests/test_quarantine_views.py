"""The quarantine list (受信記録) per role: the erase date and countdown, release and erase with
a reason, a confirmation step before erasing, Japanese errors that keep what was typed."""

import datetime as dt

import pytest

from hogo import clock
from hogo.clock import JST
from hogo.footage.models import DeletionRecord, Segment, UploadState
from hogo.footage.tests.test_quarantine import quarantined_text, quarantined_timeless
from hogo.rules.wareki import format_wareki

TODAY = dt.datetime(2025, 6, 20, 10, 0, tzinfo=JST)  # 16 days after quarantine (4 June)


@pytest.fixture
def text_upload(recorder, tmp_path):
    return quarantined_text(recorder, tmp_path)


def page(client, upload):
    with clock.frozen(TODAY):
        return client.get(f"/footage/uploads/{upload.pk}/")


def erase(client, upload, reason="誤って送信されたファイル", confirmed=False):
    data = {"reason": reason, **({"confirmed": "True"} if confirmed else {})}
    with clock.frozen(TODAY):
        return client.post(f"/footage/uploads/{upload.pk}/erase/", data)


def test_list_shows_the_reason_the_erase_date_and_the_countdown(client_for, text_upload):
    with clock.frozen(TODAY):
        body = client_for("manager").get("/footage/uploads/").content.decode()
    assert text_upload.quarantine_reason in body
    assert format_wareki(dt.date(2025, 7, 4)) in body  # 令和7年7月4日
    assert "残り14日" in body
    assert f"/footage/uploads/{text_upload.pk}/" in body


@pytest.mark.parametrize(("username", "status"), [
    ("manager", 200), ("privacy", 200), ("operator", 200),
    ("seiso-manager", 403), ("staff", 403), ("auditor", 403), ("sysadmin", 403)])
def test_who_sees_a_quarantined_file(client_for, text_upload, username, status):
    assert page(client_for(username), text_upload).status_code == status


def test_the_privacy_officer_lists_every_department(client_for, text_upload):
    body = client_for("privacy").get("/footage/uploads/").content.decode()
    assert text_upload.relative_path in body


def test_a_file_that_cannot_be_released_says_why_and_offers_erasing(client_for, text_upload):
    body = page(client_for("manager"), text_upload).content.decode()
    assert "data-testid=\"not-releasable\"" in body and "消去のみ" in body
    assert "data-testid=\"release-form\"" not in body and "data-testid=\"erase-form\"" in body
    assert "<script>" not in body and "onclick" not in body


def test_an_operator_sees_but_does_not_decide(client_for, text_upload):
    client = client_for("operator")
    body = page(client, text_upload).content.decode()
    assert "erase-form" not in body and "管理責任者または個人情報保護管理者" in body
    assert erase(client, text_upload, confirmed=True).status_code == 403
    text_upload.refresh_from_db()
    assert text_upload.state == UploadState.QUARANTINED


@pytest.mark.parametrize("username", ["manager", "privacy"])
def test_erasing_asks_for_confirmation_first(client_for, text_upload, username,
                                             django_capture_on_commit_callbacks):
    client = client_for(username)
    asked = erase(client, text_upload)
    assert asked.status_code == 200 and "消去の確認" in asked.content.decode()
    assert "誤って送信されたファイル" in asked.content.decode()
    text_upload.refresh_from_db()
    assert text_upload.state == UploadState.QUARANTINED  # nothing yet
    with django_capture_on_commit_callbacks(execute=True):
        done = erase(client, text_upload, confirmed=True)
    assert done.status_code == 302
    text_upload.refresh_from_db()
    assert text_upload.state == UploadState.ERASED
    assert text_upload.resolved_by == f"user:{username}"
    record = DeletionRecord.objects.get(detail__upload=str(text_upload.pk))
    assert record.rule == "quarantine_erased"
    body = page(client, text_upload).content.decode()
    assert "隔離後に消去" in body and "誤って送信されたファイル" in body
    assert f"user:{username}" in body


@pytest.mark.parametrize("username", ["seiso-manager", "staff"])
def test_others_may_not_erase(client_for, text_upload, username):
    assert erase(client_for(username), text_upload, confirmed=True).status_code == 403
    text_upload.refresh_from_db()
    assert text_upload.state == UploadState.QUARANTINED
    assert not DeletionRecord.objects.filter(detail__upload=str(text_upload.pk)).exists()


def test_erasing_without_a_reason_is_refused_in_japanese(client_for, text_upload):
    response = erase(client_for("manager"), text_upload, reason="", confirmed=True)
    assert response.status_code == 400 and "このフィールドは必須です" in response.content.decode()
    text_upload.refresh_from_db()
    assert text_upload.state == UploadState.QUARANTINED


def release(client, upload, **data):
    with clock.frozen(TODAY):
        return client.post(f"/footage/uploads/{upload.pk}/release/", data)


def test_manager_releases_a_file_with_the_time_and_camera_given(client_for, recorder,
                                                                 tmp_path):
    upload = quarantined_timeless(recorder, tmp_path)
    client = client_for("manager")
    assert "data-testid=\"release-form\"" in page(client, upload).content.decode()
    response = release(client, upload, start="2025-06-03T15:00:05", channel="front",
                       reason="運転日報の時刻と一致")
    assert response.status_code == 302
    segment = Segment.objects.get(recorder=recorder, sha256=upload.declared_sha256)
    assert segment.start_at == dt.datetime(2025, 6, 3, 15, 0, 5, tzinfo=JST)
    body = page(client, upload).content.decode()
    assert "元データとして登録" in body and "運転日報の時刻と一致" in body


def test_bad_release_input_is_explained_and_keeps_what_was_typed(client_for, recorder,
                                                                  tmp_path):
    upload = quarantined_timeless(recorder, tmp_path)
    client = client_for("manager")
    missing = release(client, upload, start="", channel="front", reason="日報と照合した")
    assert missing.status_code == 400
    assert "このフィールドは必須です" in missing.content.decode()
    assert "日報と照合した" in missing.content.decode()
    future = release(client, upload, start="2099-01-01T00:00:00", channel="front",
                     reason="日報と照合した")
    body = future.content.decode()
    assert future.status_code == 400 and "未来の日時は指定できません" in body
    assert "2099-01-01T00:00:00" in body and "日報と照合した" in body
    upload.refresh_from_db()
    assert upload.state == UploadState.QUARANTINED


@pytest.mark.parametrize("username", ["seiso-manager", "operator", "staff"])
def test_others_may_not_release(client_for, recorder, tmp_path, username):
    upload = quarantined_timeless(recorder, tmp_path)
    response = release(client_for(username), upload, start="2025-06-03T15:00:00",
                       channel="front", reason="x")
    assert response.status_code == 403
    assert not Segment.objects.filter(sha256=upload.declared_sha256).exists()


def test_the_list_in_english(client_for, text_upload):
    client = client_for("manager")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    with clock.frozen(TODAY):
        body = client.get("/footage/uploads/").content.decode()
    assert "2025-07-04" in body and "14 days left" in body and "Release or erase" in body
