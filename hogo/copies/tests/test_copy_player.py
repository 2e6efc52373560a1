"""Watching copies inside hogo (R-205): the department's manager and operators, only after a
permitted use and a reason of the profile's length; one audit entry per viewing; range
requests decrypt on the fly; a processed copy is shown beside its parent to a reviewer."""

import pytest

from hogo.audit.models import AuditEntry
from hogo.copies.models import Copy
from hogo.copies.tests.test_copy_workflow import ask
from hogo.footage.ingest import ingest_file
from hogo.footage.objects import get_store
from hogo.processing import services as processing
from hogo.processing import work

REASON = "6月3日 14時 交差点での接触事故の確認"


@pytest.fixture
def copy(recorder, continuous_clips, user):
    for clip in continuous_clips:
        ingest_file(recorder, clip, clip.name, by="test")
    return Copy.objects.get(request=ask(user("manager"), recorder))


def plaintext(copy) -> bytes:
    return b"".join(get_store().open_range(copy.stored.object_id, copy.stored.wrapped_key))


def choose(client, copy, reason=REASON, purpose="accident_investigation"):
    return client.post(f"/copies/copies/{copy.pk}/watch/", {"purpose": purpose,
                                                           "reason": reason})


def test_operator_watches_a_copy_after_choosing_a_purpose(client_for, copy):
    client = client_for("operator")
    assert client.get(f"/copies/copies/{copy.pk}/stream").status_code == 403
    page = client.get(f"/copies/copies/{copy.pk}/watch/").content.decode()
    assert "利用目的の記録" in page and "<video" not in page
    assert "前方" in page and ">front<" not in page
    assert 'data-testid="viewing-citation"' in page and "芦屋" not in page
    assert choose(client, copy).status_code == 302
    assert "<video" in client.get(f"/copies/copies/{copy.pk}/watch/").content.decode()
    entry = AuditEntry.objects.get(action="copy.viewed", actor="user:operator")
    assert REASON in entry.purpose and entry.object_id == str(copy.pk)

    data = plaintext(copy)
    whole = client.get(f"/copies/copies/{copy.pk}/stream")
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == data
    part = client.get(f"/copies/copies/{copy.pk}/stream", HTTP_RANGE="bytes=100-4195")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 100-4195/{len(data)}"
    assert b"".join(part.streaming_content) == data[100:4196]
    assert AuditEntry.objects.filter(action="copy.viewed").count() == 1  # one viewing


def test_a_short_reason_is_refused_and_kept(client_for, copy):
    client = client_for("manager")
    response = choose(client, copy, reason="確認")
    page = response.content.decode()
    assert response.status_code == 200 and "<video" not in page
    assert "10文字以上で入力してください" in page and "\n確認</textarea>" in page
    assert not AuditEntry.objects.filter(action="copy.viewed").exists()
    assert choose(client, copy, purpose="curiosity").status_code == 200
    assert not AuditEntry.objects.filter(action="copy.viewed").exists()


@pytest.mark.parametrize("username", ["staff", "auditor", "privacy", "sysadmin",
                                      "seiso-manager"])
def test_everyone_else_is_refused(client_for, copy, username):
    client = client_for(username)
    assert client.get(f"/copies/copies/{copy.pk}/watch/").status_code == 403
    assert choose(client, copy).status_code == 403
    assert client.get(f"/copies/copies/{copy.pk}/stream").status_code == 403
    assert not AuditEntry.objects.filter(action="copy.viewed").exists()
    assert AuditEntry.objects.filter(action="access.denied", actor=f"user:{username}").exists()


def test_a_masked_copy_plays_beside_its_parent(client_for, copy, user):
    item = processing.request(user("operator"), copy, reason="第三者の顔を隠して提出する")
    processing.approve(user("privacy"), item)
    work.run_analysis(item.pk)
    item.refresh_from_db()
    processing.make(user("operator"), item)
    work.run_render(item.pk)
    item.refresh_from_db()
    masked = item.result
    client = client_for("operator")
    detail = client.get(f"/copies/requests/{copy.request_id}/").content.decode()
    assert f'data-testid="watch-copy-{masked.pk}"' in detail
    assert f'data-testid="watch-copy-{copy.pk}"' in detail
    page = client.get(f"/copies/copies/{masked.pk}/watch/").content.decode()
    assert f"加工前の複製データ #{copy.pk}" in page
    assert choose(client, masked).status_code == 302
    page = client.get(f"/copies/copies/{masked.pk}/watch/").content.decode()
    assert 'data-testid="side-by-side"' in page
    assert f"/copies/copies/{copy.pk}/stream" in page and f"/copies/copies/{masked.pk}/stream" \
        in page
    viewed = AuditEntry.objects.filter(action="copy.viewed").values_list("object_id", flat=True)
    assert sorted(viewed) == sorted([str(copy.pk), str(masked.pk)])  # both, one purpose
    for shown in (copy, masked):
        streamed = client.get(f"/copies/copies/{shown.pk}/stream")
        assert b"".join(streamed.streaming_content) == plaintext(shown)
