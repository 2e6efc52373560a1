"""The manager decides an accepted provision request: approving opens (and makes) the copy
through the copy workflow while the request's own hold stays; a partial provision trims the
scope within what was asked; a refusal needs reasons and lets the originals go; what the
rules do not allow cannot be approved; the profile may add the privacy officer as second
approver; only the department's manager decides; alerts and the work queue reach the right
people, never the actor."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest

from hogo import clock
from hogo.accounts.permissions import Refused
from hogo.alerts.models import Alert
from hogo.alerts.waiting import waiting_for
from hogo.audit.models import AuditEntry
from hogo.clock import JST
from hogo.copies.models import Copy, CopyRequest
from hogo.copies.models import RequestState as CopyState
from hogo.footage.ingest import ingest_file
from hogo.footage.models import Hold
from hogo.provision import common, decision
from hogo.provision.decision import DecisionRefused
from hogo.provision.models import Outcome, ProvisionRequest, RequestState
from hogo.registry.models import Recorder
from hogo.rules.copies import PROVISION_PURPOSE

T0 = dt.datetime(2025, 6, 3, 14, 0, 0, tzinfo=JST)
START, END = T0 + dt.timedelta(seconds=62), T0 + dt.timedelta(seconds=124)
_numbers = itertools.count(1)

POLICE = dict(recipient_kind="police", requester_name="デモ県警察 中央警察署長",
              requester_address="デモ市中央1-1", is_organisation=True,
              representative="署長 警察 一", person_in_charge="交通課 巡査部長 山田",
              basis="ccp_197_2", basis_detail="刑事訴訟法第197条第2項",
              letter_reference="中央交第123号", letter_date=dt.date(2025, 6, 4),
              purpose="6月3日14時頃の交差点での接触事故の捜査")
INSURER_WITHOUT_CONSENT = dict(recipient_kind="insurer", requester_name="あおば損害保険株式会社",
                               requester_address="東京都千代田区丸の内一丁目1番1号",
                               is_organisation=True, representative="代表取締役 青葉 太郎",
                               person_in_charge="損害調査課 森", basis="other",
                               basis_detail="保険金支払の調査", letter_reference="",
                               purpose="6月3日の接触事故の損害調査")


@pytest.fixture
def originals(recorder, continuous_clips):
    return [ingest_file(recorder, clip, clip.name, by="test").segment
            for clip in continuous_clips]


def received(demo, user, **changes) -> ProvisionRequest:
    """An accepted request (state RECEIVED, all Art. 9 items), built as intake leaves it:
    routed to the vehicle's department, due in 14 days, its originals pinned."""
    vehicle = Recorder.objects.get(serial="DEMO-0001").vehicle
    now = clock.now()
    fields = dict(organisation=demo, department=vehicle.department,
                  number=f"2025-P{next(_numbers):03d}", received_via="letter",
                  state=RequestState.RECEIVED, vehicle=vehicle, start_at=START, end_at=END,
                  channels=["front"], audio=False, received_at=now - dt.timedelta(days=1),
                  entered_by=user("staff"), accepted_by=user("operator"), accepted_at=now,
                  due_on=clock.today_jst() + dt.timedelta(days=14), **POLICE)
    request = ProvisionRequest.objects.create(**{**fields, **changes})
    common.pin_originals(request, by=user("operator"))
    request.refresh_from_db()
    return request


def as_business(organisation) -> None:
    organisation.profile_key = "bus_taxi_operator"
    organisation.policy_overrides = {}
    organisation.save(update_fields=["profile_key", "policy_overrides"])


def with_second_approver(organisation) -> None:
    organisation.policy_overrides = {**(organisation.policy_overrides or {}),
                                     "provision.second_approver": "privacy_officer"}
    organisation.save(update_fields=["policy_overrides"])


def alerts(kind: str) -> set[str]:
    return set(Alert.objects.filter(kind=kind).values_list("recipient__username", flat=True))


# --- approving --------------------------------------------------------------------------------


def test_approving_the_whole_scope_opens_and_makes_the_copy_and_keeps_the_hold(
        demo, user, originals):
    request = received(demo, user)
    hold = Hold.objects.get(pk=request.hold_id)
    assert hold.released_at is None and hold.segments.count() == 2
    decision.decide(user("manager"), request, outcome=Outcome.APPROVE, reason="")
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED and request.outcome == Outcome.APPROVE
    assert (request.approved_start_at, request.approved_end_at) == (START, END)
    assert request.approved_channels == ["front"] and not request.approved_audio
    assert request.decided_by == user("manager") and request.closed_at is None
    copy_request = request.copy_requests.get()
    assert copy_request.purpose == PROVISION_PURPOSE and copy_request.self_approved
    assert copy_request.state == CopyState.MADE
    assert (copy_request.start_at, copy_request.end_at) == (START, END)
    assert request.number in copy_request.justification
    assert Copy.objects.filter(request=copy_request).exists()
    hold.refresh_from_db()
    assert hold.released_at is None  # pinned until the provision request closes
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"provision.decided", "provision.approved", "copy.requested", "copy.made"} <= actions
    copy_audit = AuditEntry.objects.filter(action="copy.requested").latest("pk")
    assert json.loads(copy_audit.detail)["provision"] == request.number
    assert list(request.events.values_list("action", flat=True)) == ["decided", "approved"]


def test_a_copy_the_workflow_refuses_rolls_the_decision_back(demo, user, originals):
    day_before = dict(start_at=START - dt.timedelta(days=1), end_at=END - dt.timedelta(days=1))
    request = received(demo, user, **day_before)  # no originals in that range
    with pytest.raises(DecisionRefused) as refused:
        decision.decide(user("manager"), request, outcome=Outcome.APPROVE)
    assert any("元データがありません" in r for r in refused.value.reasons)
    request.refresh_from_db()
    assert request.state == RequestState.RECEIVED and not request.outcome
    assert not request.copy_requests.exists()
    assert not CopyRequest.objects.filter(justification__contains=request.number).exists()
    assert not AuditEntry.objects.filter(action="provision.decided").exists()


def test_a_long_range_is_copied_with_the_decisions_reason(demo, user, originals):
    demo.policy_overrides = {**demo.policy_overrides, "copies.max_range_minutes": 1}
    demo.save(update_fields=["policy_overrides"])
    request = received(demo, user, start_at=T0, end_at=T0 + dt.timedelta(minutes=3))
    decision.decide(user("manager"), request, outcome=Outcome.APPROVE)
    copy_request = request.copy_requests.get()
    assert copy_request.long_range_reason == decision.LONG_RANGE_REASON


# --- providing in part ------------------------------------------------------------------------


def test_a_partial_provision_copies_only_the_trimmed_range(demo, user, originals):
    request = received(demo, user)
    start, end = START + dt.timedelta(seconds=10), END - dt.timedelta(seconds=20)
    decision.decide(user("manager"), request, outcome=Outcome.PARTIAL,
                    reason="事故の前後30秒で足りるため", start=start, end=end,
                    channels=["front"], audio=False)
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED and request.outcome == Outcome.PARTIAL
    assert (request.approved_start_at, request.approved_end_at) == (start, end)
    copy_request = request.copy_requests.get()
    assert (copy_request.start_at, copy_request.end_at) == (start, end)
    assert copy_request.state == CopyState.MADE


def test_fewer_cameras_or_no_sound_is_a_partial_provision(demo, user, originals, recorder):
    recorder.channels = ["front", "rear"]
    recorder.has_microphone = True
    recorder.save(update_fields=["channels", "has_microphone"])
    request = received(demo, user, channels=["front", "rear"], audio=True)
    decision.decide(user("manager"), request, outcome=Outcome.PARTIAL,
                    reason="後方カメラと音声は捜査に不要なため", channels=["front"], audio=False)
    request.refresh_from_db()
    assert (request.approved_start_at, request.approved_end_at) == (START, END)
    assert request.approved_channels == ["front"] and not request.approved_audio
    copy_request = request.copy_requests.get()
    assert copy_request.channels == ["front"] and not copy_request.audio


@pytest.mark.parametrize(("scope", "words"), [
    ({"start": START - dt.timedelta(seconds=1)}, "請求のあった範囲"),
    ({"end": END + dt.timedelta(minutes=5)}, "請求のあった範囲"),
    ({"channels": ["front", "rear"]}, "請求のあった範囲"),
    ({"audio": True}, "請求のあった範囲"),
    ({}, "同じ範囲なら「提供する」"),
    ({"start": END, "end": START}, "開始日時より後"),
    ({"channels": []}, "カメラを1つ以上"),
])
def test_a_partial_scope_outside_the_request_or_unchanged_is_refused(
        demo, user, originals, scope, words):
    request = received(demo, user)
    with pytest.raises(DecisionRefused) as refused:
        decision.decide(user("manager"), request, outcome=Outcome.PARTIAL,
                        reason="必要な範囲に限るため", **scope)
    assert any(words in r for r in refused.value.reasons), refused.value.reasons
    request.refresh_from_db()
    assert request.state == RequestState.RECEIVED and not request.copy_requests.exists()
    assert request.approved_start_at is None


def test_a_partial_provision_needs_its_reason_and_a_trimmed_approval_is_partial(
        demo, user, originals):
    request = received(demo, user)
    trimmed = {"start": START + dt.timedelta(seconds=10)}
    with pytest.raises(DecisionRefused) as refused:
        decision.decide(user("manager"), request, outcome=Outcome.PARTIAL, reason=" ", **trimmed)
    assert any("提供しない部分の理由" in r for r in refused.value.reasons)
    with pytest.raises(DecisionRefused) as refused:
        decision.decide(user("manager"), request, outcome=Outcome.APPROVE, **trimmed)
    assert any("「一部を提供する」" in r for r in refused.value.reasons)
    assert ProvisionRequest.objects.get(pk=request.pk).state == RequestState.RECEIVED


# --- refusing ---------------------------------------------------------------------------------


def test_refusing_needs_reasons_and_releases_the_hold(demo, user, originals):
    request = received(demo, user)
    with pytest.raises(DecisionRefused) as refused:
        decision.decide(user("manager"), request, outcome=Outcome.REFUSE, reason="  ")
    assert "理由" in refused.value.reasons[0]
    assert Hold.objects.get(pk=request.hold_id).released_at is None
    decision.decide(user("manager"), request, outcome=Outcome.REFUSE,
                    reason="照会の対象の時刻に当該車両は運行していないため")
    request.refresh_from_db()
    assert request.state == RequestState.REFUSED and request.outcome == Outcome.REFUSE
    assert request.closed_at is not None and not request.is_open
    assert Hold.objects.get(pk=request.hold_id).released_at is not None
    assert not request.copy_requests.exists()
    entry = AuditEntry.objects.filter(action="provision.decided").latest("pk")
    assert json.loads(entry.detail)["outcome"] == "refuse"
    with pytest.raises(DecisionRefused):  # decided once
        decision.decide(user("manager"), request, outcome=Outcome.APPROVE)


def test_an_unknown_outcome_is_refused_in_japanese(demo, user, originals):
    with pytest.raises(DecisionRefused) as refused:
        decision.decide(user("manager"), received(demo, user), outcome="maybe")
    assert "決定" in refused.value.reasons[0]


# --- what the rules do not allow --------------------------------------------------------------


def test_a_business_cannot_approve_an_insurer_without_consent_but_may_refuse(
        demo, user, originals):
    as_business(demo)
    request = received(demo, user, **INSURER_WITHOUT_CONSENT)
    assert decision.assessment_of(request).allowed is False
    with pytest.raises(DecisionRefused) as refused:
        decision.decide(user("manager"), request, outcome=Outcome.APPROVE)
    assert "提供することができません" in refused.value.reasons[0]
    assert "第27条" in refused.value.reasons[0]  # the article the rule cites
    request.refresh_from_db()
    assert request.state == RequestState.RECEIVED and not request.copy_requests.exists()
    decision.decide(user("manager"), request, outcome=Outcome.REFUSE,
                    reason="本人の同意がなく、法令上の例外にも当たらないため")
    assert ProvisionRequest.objects.get(pk=request.pk).state == RequestState.REFUSED


def test_the_same_insurer_with_written_consent_may_be_approved(demo, user, originals):
    as_business(demo)
    request = received(demo, user, **{**INSURER_WITHOUT_CONSENT, "basis": "consent",
                                      "consent_on": dt.date(2025, 6, 4)})
    decision.decide(user("manager"), request, outcome=Outcome.APPROVE)
    assert ProvisionRequest.objects.get(pk=request.pk).state == RequestState.APPROVED


# --- the second approver ----------------------------------------------------------------------


def test_the_profile_makes_the_privacy_officer_second_approver(demo, user, originals):
    with_second_approver(demo)
    request = received(demo, user)
    decision.decide(user("manager"), request, outcome=Outcome.APPROVE)
    request.refresh_from_db()
    assert request.state == RequestState.SECOND_APPROVAL
    assert not request.copy_requests.exists()  # nothing leaves before the second approval
    assert alerts(decision.SECOND_APPROVAL_KIND) == {"privacy"}
    assert [i.kind for i in waiting_for(user("privacy"))
            if i.kind.startswith("provision.")] == ["provision.second_approve"]
    with pytest.raises(Refused):
        decision.second_approve(user("manager"), request, approve=True)
    decision.second_approve(user("privacy"), request, approve=True)
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED
    assert request.second_decided_by == user("privacy")
    copy_request = request.copy_requests.get()
    assert copy_request.requested_by == user("manager")  # the manager's own: made at once
    assert copy_request.state == CopyState.MADE
    assert Hold.objects.get(pk=request.hold_id).released_at is None
    assert not [i for i in waiting_for(user("privacy")) if i.kind.startswith("provision.")]
    assert "privacy" not in alerts(decision.APPROVED_KIND)  # the actor is never told
    assert "manager" in alerts(decision.APPROVED_KIND)


def test_the_second_approver_refuses_with_reasons_and_the_manager_is_told(
        demo, user, originals):
    with_second_approver(demo)
    request = received(demo, user)
    decision.decide(user("manager"), request, outcome=Outcome.PARTIAL,
                    reason="前方カメラの一部で足りるため", start=START + dt.timedelta(seconds=5))
    with pytest.raises(DecisionRefused):
        decision.second_approve(user("privacy"), request, approve=False, reason="")
    assert ProvisionRequest.objects.get(pk=request.pk).state == RequestState.SECOND_APPROVAL
    decision.second_approve(user("privacy"), request, approve=False,
                            reason="照会の目的に対して映像が必要とは認められないため")
    request.refresh_from_db()
    assert request.state == RequestState.REFUSED and request.outcome == Outcome.REFUSE
    assert request.decision_reason.startswith("照会の目的")
    assert request.closed_at is not None and request.approved_start_at is None
    assert Hold.objects.get(pk=request.hold_id).released_at is not None
    assert alerts(decision.SECOND_REFUSED_KIND) == {"manager"}
    assert decision.first_decision(request).detail["outcome"] == "partial"
    assert AuditEntry.objects.filter(action="provision.second_refused").exists()


# --- who decides, who is told -----------------------------------------------------------------


@pytest.mark.parametrize("username", ["seiso-manager", "operator", "staff", "privacy",
                                      "auditor"])
def test_only_the_departments_manager_decides(demo, user, originals, username):
    request = received(demo, user)
    with pytest.raises(Refused):
        decision.decide(user(username), request, outcome=Outcome.REFUSE, reason="不要")
    assert ProvisionRequest.objects.get(pk=request.pk).state == RequestState.RECEIVED


def test_the_work_queue_shows_requests_to_decide_to_the_departments_manager(
        demo, user, originals):
    request = received(demo, user, due_on=clock.today_jst() - dt.timedelta(days=1))
    items = [i for i in waiting_for(user("manager")) if i.kind == "provision.decide"]
    assert len(items) == 1 and items[0].due_on == request.due_on and items[0].overdue
    assert items[0].url == request.get_absolute_url() and request.number in items[0].title
    for other in ("seiso-manager", "operator", "staff", "privacy"):
        assert not [i for i in waiting_for(user(other)) if i.kind.startswith("provision.dec")]
    decision.decide(user("manager"), request, outcome=Outcome.REFUSE, reason="対象外のため")
    assert not [i for i in waiting_for(user("manager")) if i.kind == "provision.decide"]


def test_approval_tells_who_hands_over_and_who_entered_never_the_actor(demo, user, originals):
    request = received(demo, user)
    decision.decide(user("manager"), request, outcome=Outcome.APPROVE)
    assert alerts(decision.APPROVED_KIND) == {"operator"}  # hand-over: the dept's operators
    assert alerts(decision.DECIDED_KIND) == {"staff"}  # entered it (the acceptor is told above)
    assert not Alert.objects.filter(recipient=user("manager"),
                                    kind__startswith="provision.").exists()
    link = Alert.objects.get(kind=decision.APPROVED_KIND).link
    assert link == request.get_absolute_url()


def test_a_refusal_tells_who_entered_and_accepted(demo, user, originals):
    request = received(demo, user)
    decision.decide(user("manager"), request, outcome=Outcome.REFUSE, reason="対象外のため")
    assert alerts(decision.DECIDED_KIND) == {"staff", "operator"}
    assert not alerts(decision.APPROVED_KIND)


def test_scope_choices_show_the_requested_range_and_the_vehicles_cameras(demo, user, originals):
    request = received(demo, user)
    choices = decision.scope_choices(request)
    assert choices["requested"] == decision.Scope(START, END, ("front",), False)
    assert choices["approved"] == choices["requested"]
    assert [code for code, _label in choices["cameras"]] == ["front"]
    assert choices["requested"].cameras == "前方"
