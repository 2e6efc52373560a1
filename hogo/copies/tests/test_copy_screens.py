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
        audio=False, purpose="accident_investigation", justification="接触事故 照会番号 7-123")
    assert client_for("operator").post(f"/copies/requests/{request.pk}/decide/",
                                       {"decision": "approve"}).status_code == 403
    assert client_for("staff").get("/copies/").status_code == 403


def test_the_form_offers_the_profiles_unlisted_use(client_for, footage):
    """training_material comes from the policy profile (copies.unlisted_uses), so choosing it
    is refused with the reason instead of being hidden."""
    page = client_for("operator").get("/copies/new/").content.decode()
    assert 'value="training_material"' in page and "研修・教材として使用" in page


def test_the_form_offers_only_the_cameras_the_vehicle_has(client_for, footage):
    from hogo.registry.models import Recorder, Vehicle

    second = Vehicle.objects.get(registration="デモ 300 さ 10-02")
    Recorder.objects.filter(vehicle=second).update(channels=["front", "cabin"])
    operator = client_for("operator")
    first = operator.get(f"/copies/new/?vehicle={footage.vehicle_id}").content.decode()
    assert 'value="front"' in first and 'value="cabin"' not in first and "車内" not in first
    both = operator.get(f"/copies/new/?vehicle={second.pk}").content.decode()
    assert 'value="cabin"' in both and "車内" in both and 'value="rear"' not in both
    asked = operator.post("/copies/new/", form(footage, channels=["front", "cabin"]))
    body = asked.content.decode()
    assert "この車両のドライブレコーダーにないカメラが選ばれています。" in body
    assert "cabin は" not in body and not CopyRequest.objects.exists()


def test_a_short_reason_is_refused_and_the_typed_input_kept(client_for, footage):
    response = client_for("operator").post("/copies/new/", form(
        footage, justification="確認", long_range_reason="前後の経路"))
    body = response.content.decode()
    assert "必要な理由は10文字以上で具体的に書いてください" in body and "いまは2文字" in body
    assert ">\n確認</textarea>" in body and ">\n前後の経路</textarea>" in body
    assert not CopyRequest.objects.exists()


def test_copy_pages_show_words_and_the_demo_citys_own_rule(client_for, footage, user):
    from hogo.copies import services
    from hogo.copies.models import Copy

    request = services.request_copy(
        user("manager"), vehicle=footage.vehicle,
        start=dt.datetime.fromisoformat("2025-06-03T14:00:30+09:00"),
        end=dt.datetime.fromisoformat("2025-06-03T14:01:30+09:00"), channels=["front"],
        audio=False, purpose="accident_investigation", justification="接触事故 照会番号 7-123")
    copy = Copy.objects.get(request=request)
    services.place_copy_hold(copy, "事件 2025-1", by=user("manager"))
    manager = client_for("manager")
    page = manager.get(f"/copies/requests/{request.pk}/").content.decode()
    rule = "デモ市公用車ドライブレコーダーの設置及び管理運用に関する規則第7条第4項"
    assert "保存期間の満了日" in page and rule in page and "芦屋" not in page
    assert "copy.hold_placed" not in page and ">front<" not in page and "前方" in page
    assert "accident_investigation" not in page
    register = manager.get("/copies/").content.decode()
    assert "芦屋" not in register and "保存期間の満了日" in register
    for hold in copy.holds.all():
        services.release_copy_hold(hold, by=user("privacy"))
    [record] = services.erase_expired(copy.erase_from)
    certificate = manager.get(f"/copies/certificates/{record.pk}/").content.decode()
    assert rule in certificate and "芦屋" not in certificate
    assert "保存期間の満了日" in certificate and "から消去" in certificate
    assert "accident_investigation" not in certificate and "front" not in certificate
