"""Carrying a decision out and closing: a stop request with merit is carried out only through
the services (a copy erased through the storage door with its DeletionRecord, the pinned
originals released), its measures written for the notice; a refusal closes once notified; a
closed request has its ID images erased and its originals released; the panel shows each
step."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.test import RequestFactory

from hogo import clock
from hogo.alerts.models import Alert
from hogo.copies.models import Copy, CopyHold, CopyRequest
from hogo.footage import retention
from hogo.footage.models import DeletionRecord, EncryptedObject, HoldKind
from hogo.registry.models import Vehicle
from hogo.requests import carrying, deciding, decision
from hogo.requests.models import RequestState
from hogo.requests.tests.test_decision import make_request

START = dt.datetime(2026, 5, 1, 9, 0, tzinfo=clock.JST)


def vehicle_of(organisation) -> Vehicle:
    return Vehicle.objects.filter(department__organisation=organisation,
                                  department__code="kanzai").order_by("pk").first()


def make_copy(vehicle, by, start=START) -> Copy:
    """A kept copy of the vehicle's front camera (models only: nothing is read from it)."""
    end = start + dt.timedelta(minutes=3)
    request = CopyRequest.objects.create(
        vehicle=vehicle, start_at=start, end_at=end, channels=["front"], audio=False,
        purpose="accident_investigation", justification="事故の原因究明のための複製",
        requested_by=by, requested_at=clock.now(), state="made")
    digest = hashlib.sha256(f"{vehicle.pk}-{start.isoformat()}".encode()).hexdigest()
    stored = EncryptedObject.objects.create(object_id=digest, size=4096, wrapped_key="k",
                                            created_at=clock.now())
    return Copy.objects.create(request=request, channel="front", stored=stored, sha256=digest,
                               size=4096, actual_start=start, actual_end=end,
                               made_at=clock.now(), expires_on=dt.date(2027, 5, 1))


def panel_html(request, viewer) -> str:
    http = RequestFactory().get(f"/requests/{request.pk}/")
    http.user = viewer
    return decision.panel(http, request)


@pytest.fixture
def stop_request(demo, user):
    vehicle = vehicle_of(demo)
    request = make_request(demo, user("staff"), kind="suspension", vehicle=vehicle,
                           start_at=START - dt.timedelta(minutes=10),
                           end_at=START + dt.timedelta(minutes=10),
                           content="私が写っている映像を消去してください。")
    request.hold = retention.place_hold(HoldKind.SUBJECT_REQUEST, request.number, [],
                                        by=user("staff"))
    request.save(update_fields=["hold"])
    return request


def test_a_stop_request_with_merit_erases_the_copy_through_the_storage_door(
        demo, user, stop_request):
    manager, operator = user("manager"), user("operator")
    copy = make_copy(stop_request.vehicle, manager)
    other = make_copy(stop_request.vehicle, manager, start=START + dt.timedelta(days=3))
    deciding.decide(manager, stop_request, outcome="carry_out")
    codes = [m.code for m in carrying.available_measures(stop_request)]
    assert f"erase_copy:{copy.pk}" in codes and "release_originals" in codes
    assert f"erase_copy:{other.pk}" not in codes  # outside what the person named
    with pytest.raises(carrying.CarryOutRefused, match="措置の内容"):
        carrying.carry_out(operator, stop_request, actions=[f"erase_copy:{copy.pk}"])
    with pytest.raises(carrying.CarryOutRefused, match="決定をした者"):
        carrying.carry_out(operator, stop_request, measures="複製データを消去した。",
                           actions=[f"erase_copy:{copy.pk}"])
    done = carrying.carry_out(manager, stop_request, measures="請求者が写る複製データを消去した。",
                              actions=[f"erase_copy:{copy.pk}", "release_originals"])
    copy.refresh_from_db()
    assert copy.erased_at is not None
    record = DeletionRecord.objects.get(rule="subject_request")
    assert record.object_id == copy.stored.object_id
    assert "消去しました" in done.measures_taken and "消去停止を解除" in done.measures_taken
    assert done.hold.released_at is not None and done.carried_out_at is not None
    other.refresh_from_db()
    assert other.erased_at is None
    assert Alert.objects.filter(kind=carrying.CARRIED_OUT_KIND, recipient=user("privacy"))


def test_a_copy_under_a_legal_hold_is_not_erased(demo, user, stop_request):
    manager = user("manager")
    copy = make_copy(stop_request.vehicle, manager)
    CopyHold.objects.create(copy=copy, reference="令和8年(ワ)第1号", placed_by=user("privacy"),
                            placed_at=clock.now())
    deciding.decide(manager, stop_request, outcome="partial", reason="訴訟のため保全中の複製は除く")
    with pytest.raises(carrying.CarryOutRefused, match="証拠保全中"):
        carrying.carry_out(manager, stop_request, measures="消去した。",
                           actions=[f"erase_copy:{copy.pk}"])
    copy.refresh_from_db()
    assert copy.erased_at is None
    codes = [m.code for m in carrying.available_measures(stop_request)]
    assert any(code.startswith("release_copy_hold:") for code in codes)


def test_a_refusal_closes_once_notified_and_the_images_are_erased(demo, user):
    from hogo.requests import identity  # intake's

    privacy = user("privacy")
    request = make_request(demo, user("staff"))
    deciding.decide(user("manager"), request, outcome="not_exist",
                    reason="請求の日時の映像は保存期間の経過により消去済みです。")
    assert "通知" in carrying.why_not_closable(request)
    with pytest.raises(carrying.CarryOutRefused):
        carrying.close(privacy, request)
    carrying.record_notified(user("operator"), request)
    closed = carrying.close(privacy, request, note="通知済み")
    assert closed.state == RequestState.CLOSED and closed.closed_by == privacy
    assert not closed.identity_images.filter(erased_at__isnull=True).exists()
    assert closed.events.filter(action="closed").exists()
    assert identity is not None


def test_the_panel_shows_fee_deadline_and_next_steps(demo, user):
    manager, operator = user("manager"), user("operator")
    request = make_request(demo, user("staff"))
    html = panel_html(request, manager)
    assert 'data-testid="decision-form"' in html and "請求1件につき300円" in html
    assert 'data-testid="extend-link"' in html and "法第83条第1項" in html
    assert 'data-testid="decision-form"' not in panel_html(request, operator)
    deciding.decide(manager, request, outcome="disclose")
    html = panel_html(request, operator)
    assert 'data-testid="decision-letter"' in html and 'data-testid="method-letter"' in html
    assert 'data-testid="payment-form"' in html and 'data-testid="notified-form"' in html
    assert "手数料（300円）の納付が記録されていません" in html


def test_a_provision_stop_closes_a_provision_not_yet_handed_over(demo, user):
    from hogo.provision.models import ProvisionRecord, ProvisionRequest

    manager = user("manager")
    vehicle = vehicle_of(demo)
    provision = ProvisionRequest.objects.create(
        organisation=demo, department=vehicle.department, number="2026-P901",
        received_via="letter", state="approved", vehicle=vehicle, recipient_kind="insurer",
        requester_name="あおば損害保険株式会社", basis="consent", received_at=clock.now(),
        entered_by=manager, outcome="approve", record_form="repeated")
    ProvisionRecord.objects.create(
        organisation=demo, department=vehicle.department, request=provision, form="repeated",
        persons="山田 太郎（事故の相手方）", data_items="映像",
        recipient_name="あおば損害保険株式会社",
        provided_on=["2026-04-10"], created_at=clock.now())
    request = make_request(demo, user("staff"), kind="provision_stop")
    deciding.decide(manager, request, outcome="carry_out")
    code = f"stop_provision:{provision.pk}"
    assert code in [m.code for m in carrying.available_measures(request)]
    done = carrying.carry_out(manager, request, measures="保険会社への提供を中止した。",
                              actions=[code])
    provision.refresh_from_db()
    assert provision.state == "closed" and request.number in provision.close_note
    assert "2026-P901" in done.measures_taken


def test_the_carry_out_screen_says_the_fee_is_unpaid(demo, user, client_for):
    request = make_request(demo, user("staff"))
    deciding.decide(user("manager"), request, outcome="disclose")
    client = client_for("operator")
    page = client.get(f"/requests/{request.pk}/carry-out/")
    assert page.status_code == 200 and "写しの交付（紙）" in page.content.decode()
    response = client.post(f"/requests/{request.pk}/carry-out/", {"method": "paper"})
    assert response.status_code == 400
    assert "納付が記録されていません" in response.content.decode()
    request.refresh_from_db()
    assert request.carried_out_at is None
