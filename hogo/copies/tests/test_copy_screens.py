"""The copy screens: request form with refusals shown, manager's approval, register, rights."""

import datetime as dt

import pytest

from hogo.copies.models import CopyRequest
from hogo.footage.ingest import ingest_file


@pytest.fixture
def footage(recorder, continuous_clips):
    for clip in continuous_clips:
        ingest_file(recorder, clip, clip.name, by="test")
    return recorder


def form(recorder, **changes):
    data = {"vehicle": recorder.vehicle_id, "start": "2025-06-03T14:00:30",
            "end": "2025-06-03T14:02:30", "channels": ["front"],
            "purpose": "accident_investigation", "justification": "接触事故 照会番号 7-123"}
    return {**data, **changes}


def test_operator_requests_and_manager_approves_on_screen(client_for, footage):
    operator = client_for("operator")
    response = operator.post("/copies/new/", form(footage), follow=True)
    assert "承認待ち" in response.content.decode()
    request = CopyRequest.objects.latest("pk")
    manager = client_for("manager")
    page = manager.get(f"/copies/requests/{request.pk}/").content.decode()
    assert 'data-testid="approve"' in page
    response = manager.post(f"/copies/requests/{request.pk}/decide/", {"decision": "approve"},
                            follow=True)
    body = response.content.decode()
    assert "作成済み" in body and 'data-testid="copy-sha256"' in body
    assert "作成済み" in client_for("auditor").get("/copies/").content.decode()


def test_a_refused_request_shows_why(client_for, footage):
    response = client_for("operator").post("/copies/new/", form(
        footage, purpose="training_material"))
    body = response.content.decode()
    assert 'data-testid="refusals"' in body and "利用目的" in body
    assert not CopyRequest.objects.exists()


def test_a_long_range_needs_a_reason(client_for, footage):
    response = client_for("operator").post("/copies/new/", form(
        footage, end="2025-06-03T15:00:30"))
    assert "理由の記載が必要" in response.content.decode()


def test_the_operator_cannot_approve(client_for, footage, user):
    from hogo.copies import services

    request = services.request_copy(
        user("operator"), vehicle=footage.vehicle,
        start=dt.datetime.fromisoformat("2025-06-03T14:00:30+09:00"),
        end=dt.datetime.fromisoformat("2025-06-03T14:01:30+09:00"), channels=["front"],
        audio=False, purpose="accident_investigation", justification="x")
    assert client_for("operator").post(f"/copies/requests/{request.pk}/decide/",
                                       {"decision": "approve"}).status_code == 403
    assert client_for("staff").get("/copies/").status_code == 403


def test_the_form_offers_the_profiles_unlisted_use(client_for, footage):
    """training_material comes from the policy profile (copies.unlisted_uses), so choosing it
    is refused with the reason instead of being hidden."""
    page = client_for("operator").get("/copies/new/").content.decode()
    assert 'value="training_material"' in page and "研修・教材として使用" in page
