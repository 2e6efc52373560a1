"""A person's own footage (R-607): the segments staff save pin the originals, the copy has the
request as its purpose and only the saved part, its hand-offs alert the footage handlers and
wait in their queue, an unprocessed copy is never registered as the file to disclose, and
only the privacy officer releases one unmasked, with a reason on record.

Requests are made with the models, as intake leaves them (`test_decision.make_request`); the
footage is the demo city's generated clips (09:00 of the latest day they fit in)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from hogo.alerts.models import Alert
from hogo.alerts.waiting import waiting_for
from hogo.audit.models import AuditEntry
from hogo.copies import services as copies
from hogo.copies.models import RequestState as CopyState
from hogo.footage.models import HoldKind
from hogo.media.services import MediaError
from hogo.registry.models import Vehicle
from hogo.requests import carrying, footage
from hogo.requests.models import Outcome
from hogo.requests.tests.test_decision import make_request
from hogo.rules.copies import PERSONAL_REQUEST_PURPOSE
from hogo.web.demo import footage_start


def footage_request(demo, by, **changes):
    """A disclosure of footage as intake leaves it: when and where the person says they were
    (the demo's first clip), what they wore; in progress, identity confirmed."""
    start = footage_start() + dt.timedelta(seconds=10)
    return make_request(demo, by, disclosure_of=["footage"],
                        occurred_from=start, occurred_to=start + dt.timedelta(seconds=20),
                        place="デモ市役所前の交差点", vehicle_text="市の白い公用車",
                        appearance="青い上着、自転車", **changes)


def car(demo) -> Vehicle:
    return Vehicle.objects.get(registration="デモ 300 さ 10-01")


def saved(demo, user, by="operator", **changes):
    request = footage_request(demo, user("staff"), **changes)
    return footage.save_segments(user(by), request, vehicle=car(demo),
                                 start=request.occurred_from, end=request.occurred_to,
                                 channels=["front"])


def kinds(person) -> list[str]:
    return [item.kind for item in waiting_for(person)]


def test_saving_the_segments_pins_the_originals(demo, user):
    request = footage_request(demo, user("staff"))
    assert "requests.footage_find" in kinds(user("operator"))
    saved_request = footage.save_segments(
        user("operator"), request, vehicle=car(demo), start=request.occurred_from,
        end=request.occurred_to, channels=["front"])
    hold = saved_request.hold
    assert hold.kind == HoldKind.SUBJECT_REQUEST and hold.released_at is None
    pinned = set(hold.segments.values_list("pk", flat=True))
    found = {s.pk for s in footage.saved_segments(saved_request)}
    assert pinned == found and len(found) == 1  # the first one-minute clip
    entry = AuditEntry.objects.filter(action="requests.footage_found").latest("seq")
    assert json.loads(entry.detail)["number"] == request.number
    assert saved_request.events.filter(action="footage_found").exists()
    assert "requests.footage_find" not in kinds(user("operator"))
    assert "requests.footage_copy" in kinds(user("operator"))


@pytest.mark.parametrize(("change", "reason"), [
    ({"start_delta": 30, "end_delta": 10}, "終了日時は開始日時より後"),
    ({"start_delta": -86400 * 3, "end_delta": -86400 * 3 + 60}, "元データがありません"),
    ({"channels": []}, "カメラを1つ以上"),
    ({"channels": ["cabin"]}, "ないカメラ"),
    ({"vehicle": "デモ 800 す 20-11"}, "所属の車両"),
])
def test_a_range_that_cannot_be_saved_says_why(demo, user, change, reason):
    request = footage_request(demo, user("staff"))
    start = request.occurred_from + dt.timedelta(seconds=change.get("start_delta", 0))
    end = request.occurred_from + dt.timedelta(seconds=change.get("end_delta", 20))
    vehicle = Vehicle.objects.get(registration=change.get("vehicle", "デモ 300 さ 10-01"))
    with pytest.raises(footage.FootageRefused) as refused:
        footage.save_segments(user("operator"), request, vehicle=vehicle, start=start, end=end,
                              channels=change.get("channels", ["front"]))
    assert reason in " ".join(refused.value.reasons)
    request.refresh_from_db()
    assert request.vehicle_id is None and request.hold_id is None


def test_only_the_departments_footage_handlers_prepare_it(demo, user):
    request = footage_request(demo, user("staff"))
    for person in ("staff", "auditor", "privacy", "seiso-manager"):
        with pytest.raises(PermissionError):
            footage.save_segments(user(person), request, vehicle=car(demo),
                                  start=request.occurred_from, end=request.occurred_to,
                                  channels=["front"])


def test_the_copy_has_the_request_as_purpose_and_only_the_saved_part(demo, user):
    request = saved(demo, user)
    copy_request = footage.make_copy(user("manager"), request)  # a manager's: made at once
    assert copy_request.purpose == PERSONAL_REQUEST_PURPOSE
    assert copy_request.state == CopyState.MADE and copy_request.self_approved
    assert (copy_request.start_at, copy_request.end_at) == (request.start_at, request.end_at)
    assert copy_request.channels == ["front"] and not copy_request.audio
    assert request.number in copy_request.justification
    assert list(request.copy_requests.all()) == [copy_request]
    entry = AuditEntry.objects.filter(action="copy.requested").latest("seq")
    assert json.loads(entry.detail)["personal_request"] == request.number
    [copy] = copy_request.copies.all()
    assert (copy.actual_end - copy.actual_start).total_seconds() <= 21
    assert request.events.filter(action="footage_copy_requested").exists()
    # The footage handlers are told (never the manager who made it), and it waits for masking.
    assert [a.recipient.username for a in Alert.objects.filter(
        kind=footage.COPY_MADE_KIND)] == ["operator"]
    assert "requests.footage_mask" in kinds(user("operator"))
    with pytest.raises(footage.FootageRefused, match="既に申請"):  # the same footage twice
        footage.make_copy(user("manager"), request)
    # It is disclosed through the request, never exported from the copy's page.
    with pytest.raises(MediaError, match="請求の画面"):
        from hogo.copies.packages import export_to_medium
        from hogo.media.models import Medium

        export_to_medium(user("manager"), copy, Medium.objects.get(label="KANZAI-USB-01"))
    assert "copy.export" not in kinds(user("manager"))
    with pytest.raises(footage.FootageRefused, match="開示する映像"):
        footage.register_disclosed(user("operator"), request, copy.pk)


def test_an_operators_copy_waits_for_the_manager_and_then_tells_the_handlers(demo, user):
    request = saved(demo, user)
    copy_request = footage.make_copy(user("operator"), request)
    assert copy_request.state == CopyState.PENDING
    assert not Alert.objects.filter(kind=footage.COPY_MADE_KIND).exists()
    with pytest.raises(footage.FootageRefused, match="既に申請"):
        footage.make_copy(user("operator"), request)
    copies.approve(user("manager"), copy_request)  # on the copy request's own page
    assert sorted(a.recipient.username for a in Alert.objects.filter(
        kind=footage.COPY_MADE_KIND)) == ["manager", "operator"]


def test_the_copy_needs_the_saved_range_and_a_request_to_disclose(demo, user):
    request = footage_request(demo, user("staff"))
    with pytest.raises(footage.FootageRefused, match="範囲"):
        footage.make_copy(user("manager"), request)
    request = saved(demo, user)
    request.outcome = Outcome.REFUSE
    request.save(update_fields=["outcome"])
    with pytest.raises(footage.FootageRefused, match="開示しない"):
        footage.make_copy(user("manager"), request)
    with pytest.raises(footage.FootageRefused, match="映像の開示を求めていません"):
        footage.make_copy(user("manager"), make_request(demo, user("staff")))


def test_a_copy_of_another_request_or_no_copy_is_refused(demo, user):
    first, second = saved(demo, user), saved(demo, user)
    copy = footage.make_copy(user("manager"), first).copies.get()
    for number in (copy.pk, 999_999):
        with pytest.raises(footage.FootageRefused, match="この請求のために作成した"):
            footage.register_disclosed(user("operator"), second, number)
        with pytest.raises(footage.FootageRefused, match="この請求のために作成した"):
            footage.release_unmasked(user("privacy"), second, number,
                                     reason="他の人物が映っていないことを確認したため")


def test_only_the_privacy_officer_releases_an_unmasked_copy_with_a_reason(demo, user):
    request = saved(demo, user)
    copy = footage.make_copy(user("manager"), request).copies.get()
    for person in ("manager", "operator", "staff", "auditor"):
        with pytest.raises(PermissionError):
            footage.release_unmasked(user(person), request, copy.pk,
                                     reason="他の人物が映っていないことを確認したため")
    with pytest.raises(footage.FootageRefused, match="理由"):
        footage.release_unmasked(user("privacy"), request, copy.pk, reason="  確認  ")
    request.refresh_from_db()
    assert request.disclosed_copy_id is None and request.unmasked_release_at is None
    reason = "映像に請求者以外の人物・車両が映っていないことを確認したため"
    released = footage.release_unmasked(user("privacy"), request, copy.pk, reason=reason)
    assert released.disclosed_copy == copy and released.unmasked_release_by == user("privacy")
    assert released.unmasked_release_at is not None
    assert released.unmasked_release_reason == reason
    entry = AuditEntry.objects.filter(action="requests.footage_unmasked_released").latest("seq")
    assert entry.purpose == reason and json.loads(entry.detail)["copy"] == copy.pk
    assert released.events.filter(action="footage_unmasked_released").exists()
    assert sorted(a.recipient.username for a in Alert.objects.filter(
        kind=footage.UNMASKED_KIND)) == ["manager", "operator"]


def test_a_footage_disclosure_waits_for_the_file_to_disclose(demo, user):
    request = saved(demo, user)
    for outcome in (Outcome.DISCLOSE, Outcome.PARTIAL):  # the others masked: a partial one
        request.outcome = outcome
        assert any("開示する映像" in p for p in carrying.disclosure_problems(request, "view"))
    copy = footage.make_copy(user("manager"), request).copies.get()
    footage.release_unmasked(user("privacy"), request, copy.pk,
                             reason="映像に請求者以外の人物・車両が映っていないことを確認したため")
    request.refresh_from_db()
    request.outcome = Outcome.DISCLOSE
    assert not any("開示する映像" in p for p in carrying.disclosure_problems(request, "view"))


def test_masking_is_asked_once_per_copy_with_the_requests_reason(demo, user):
    request = saved(demo, user)
    copy = footage.make_copy(user("manager"), request).copies.get()
    item = footage.ask_masking(user("operator"), request, copy.pk)
    assert item.reason == footage.MASKING_REASON == "本人開示のため請求者以外を加工"
    assert item.faces and item.plates and item.marks_requester
    assert [a.recipient.username for a in Alert.objects.filter(
        kind="processing.requested")] == ["privacy"]
    with pytest.raises(footage.FootageRefused, match="既に申請"):
        footage.ask_masking(user("operator"), request, copy.pk)
    assert request.events.filter(action="footage_masking_requested").exists()
    assert "requests.footage_mask" not in kinds(user("operator"))
