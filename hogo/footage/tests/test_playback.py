"""Playback: only the department's manager and operators, only after choosing a purpose;
one audit entry per viewing with that purpose; range requests decrypt on the fly."""

import pytest

from hogo.audit.models import AuditEntry
from hogo.footage.ingest import ingest_file


@pytest.fixture
def segment(recorder, clips):
    return ingest_file(recorder, clips[0], clips[0].name, by="test").segment


def choose_purpose(client, segment):
    return client.post(f"/footage/segments/{segment.pk}/", {
        "purpose": "accident_investigation", "reason": "6月3日 14時 交差点での接触事故"})


def test_operator_streams_after_choosing_a_purpose(client_for, segment, clips):
    client = client_for("operator")
    assert client.get(f"/footage/segments/{segment.pk}/stream").status_code == 403
    page = client.get(f"/footage/segments/{segment.pk}/").content.decode()
    assert "利用目的の記録" in page and "<video" not in page
    assert choose_purpose(client, segment).status_code == 302
    assert "<video" in client.get(f"/footage/segments/{segment.pk}/").content.decode()
    entry = AuditEntry.objects.filter(action="footage.viewed", actor="user:operator").latest("seq")
    assert "交差点での接触事故" in entry.purpose and entry.object_id == str(segment.pk)

    original = clips[0].read_bytes()
    whole = client.get(f"/footage/segments/{segment.pk}/stream")
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == original
    part = client.get(f"/footage/segments/{segment.pk}/stream", HTTP_RANGE="bytes=100-4195")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-4195/{len(original)}"
    assert b"".join(part.streaming_content) == original[100:4196]
    viewings = AuditEntry.objects.filter(action="footage.viewed", object_id=str(segment.pk))
    assert viewings.count() == 1  # range requests are part of the one viewing


def test_a_purpose_outside_the_profile_is_refused(client_for, segment):
    client = client_for("manager")
    response = client.post(f"/footage/segments/{segment.pk}/", {"purpose": "curiosity",
                                                                 "reason": "x"})
    assert response.status_code == 200 and "<video" not in response.content.decode()
    assert not AuditEntry.objects.filter(action="footage.viewed", actor="user:manager").exists()


def test_a_reason_shorter_than_the_profile_asks_is_refused_keeping_the_input(client_for,
                                                                            segment, demo):
    client = client_for("operator")
    response = client.post(f"/footage/segments/{segment.pk}/", {
        "purpose": "accident_investigation", "reason": "事故確認"})
    page = response.content.decode()
    assert response.status_code == 200 and "<video" not in page
    assert "10文字以上で入力してください（現在4文字）" in page
    assert "事故確認</textarea>" in page and "10文字以上" in page
    assert not AuditEntry.objects.filter(action="footage.viewed").exists()
    from hogo.accounts.policy import set_override

    set_override(demo, "purposes.min_reason_chars", 4, by=None, reason="テスト")
    assert choose_purpose(client, segment).status_code == 302
    response = client.post(f"/footage/segments/{segment.pk}/", {
        "purpose": "accident_investigation", "reason": "事故確認"})
    assert response.status_code == 302  # the organisation's own minimum


def test_the_page_cites_the_organisations_own_rule(client_for, segment, demo):
    from hogo.accounts.policy import citation, set_override

    page = client_for("operator").get(f"/footage/segments/{segment.pk}/").content.decode()
    assert citation(demo, "viewing") in page and "芦屋" not in page
    set_override(demo, "own_rules.citations.viewing", "", by=None, reason="規則に定めなし")
    page = client_for("operator").get(f"/footage/segments/{segment.pk}/").content.decode()
    assert 'data-testid="viewing-citation"' not in page  # nothing cited when rules say nothing


@pytest.mark.parametrize("username", ["staff", "auditor", "privacy", "sysadmin",
                                      "seiso-manager"])
def test_everyone_else_is_refused(client_for, segment, username):
    client = client_for(username)
    assert client.get(f"/footage/segments/{segment.pk}/").status_code == 403
    assert choose_purpose(client, segment).status_code == 403
    assert client.get(f"/footage/segments/{segment.pk}/stream").status_code == 403
    assert not AuditEntry.objects.filter(action="footage.viewed",
                                         actor=f"user:{username}").exists()
    assert AuditEntry.objects.filter(action="access.denied", actor=f"user:{username}").exists()
