"""What the decision must not get wrong (the review of the decision area): approval is
assessed for a provision today, so a consent dated later is refused now and not at the
hand-over; a copy that cannot be made is said as such to whoever hands over, and on the
panel; the second approval still opens the copy when the first manager has gone; a copy the
workflow refuses stays in the audit chain after the rollback; the decision pins footage that
arrived after acceptance; the keep-until wording is the assessment's; the letter's
undertakings are the hand-over's; the second approver's answer comes from the service."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import RequestFactory
from django.urls import reverse

from hogo import clock
from hogo.accounts import services as accounts
from hogo.accounts.models import Role
from hogo.alerts.models import Alert
from hogo.audit.models import AuditEntry
from hogo.audit.services import verify_chain
from hogo.copies.models import RequestState as CopyState
from hogo.footage.ingest import ingest_file
from hogo.footage.models import Hold
from hogo.provision import decision
from hogo.provision.decision import DecisionRefused
from hogo.provision.handover import UNDERTAKINGS
from hogo.provision.models import Outcome, ProvisionRequest, RequestState
from hogo.provision.tests.test_decision import (
    END,
    INSURER_WITHOUT_CONSENT,
    START,
    as_business,
    received,
    with_second_approver,
)
from hogo.rules.provision import keep_record_until
from hogo.rules.wareki import format_wareki
from hogo.video import extract


@pytest.fixture
def originals(recorder, continuous_clips):
    return [ingest_file(recorder, clip, clip.name, by="test").segment
            for clip in continuous_clips]


def _insurer(**changes) -> dict:
    return {**INSURER_WITHOUT_CONSENT, "basis": "consent", "consent_on": START.date(),
            **changes}


def _panel(user, request) -> str:
    http = RequestFactory().get(request.get_absolute_url())
    http.user = user
    return decision.panel(http, ProvisionRequest.objects.get(pk=request.pk))


# --- 1. assessed for a provision today ----------------------------------------------------------


@pytest.mark.parametrize(("changes", "words"), [
    ({"consent_on": "later"}, "本人の同意を得た日"),
    ({"basis": "other", "consent_on": None, "opt_out_on": "later"}, "オプトアウトの届出日"),
    ({"basis": "other", "consent_on": None, "opt_out_on": "earlier", "record_form": "repeated"},
     "提供の都度記録します"),
])
def test_facts_a_provision_today_cannot_carry_refuse_the_approval_in_japanese(
        demo, user, originals, client_for, changes, words):
    as_business(demo)
    today = clock.today_jst()
    days = {"later": today + dt.timedelta(days=5), "earlier": today - dt.timedelta(days=30)}
    request = received(demo, user, **_insurer(**{
        k: days.get(v, v) if isinstance(v, str) else v for k, v in changes.items()}))
    with pytest.raises(DecisionRefused) as refused:
        decision.decide(user("manager"), request, outcome=Outcome.APPROVE)
    assert words in refused.value.reasons[0], refused.value.reasons
    request.refresh_from_db()
    assert request.state == RequestState.RECEIVED and not request.outcome
    assert not request.copy_requests.exists()
    page = client_for("manager").get(f"/provision/{request.pk}/decide/").content.decode()
    assert 'data-testid="not-allowed"' in page and words in page
    decision.decide(user("manager"), request, outcome=Outcome.REFUSE,
                    reason="提供の前に本人の同意が得られていないため")
    assert ProvisionRequest.objects.get(pk=request.pk).state == RequestState.REFUSED


def test_a_consent_given_today_may_be_approved(demo, user, originals):
    as_business(demo)
    request = received(demo, user, **_insurer(consent_on=clock.today_jst()))
    decision.decide(user("manager"), request, outcome=Outcome.APPROVE)
    assert ProvisionRequest.objects.get(pk=request.pk).state == RequestState.APPROVED


# --- 2. a copy that could not be made --------------------------------------------------------


def test_a_failed_copy_is_told_as_failed_and_shown_on_the_panel(
        demo, user, originals, monkeypatch):
    def broken(*args, **kwargs):
        raise extract.ExtractError("unreadable", "cannot read", "元データを読み込めませんでした。")

    monkeypatch.setattr(extract, "extract", broken)
    request = received(demo, user)
    decision.decide(user("manager"), request, outcome=Outcome.APPROVE)
    request.refresh_from_db()
    copy_request = request.copy_requests.get()
    assert request.state == RequestState.APPROVED and copy_request.state == CopyState.FAILED
    [alert] = Alert.objects.filter(kind=decision.APPROVED_KIND)
    assert alert.recipient == user("operator")  # the same people as for a made copy
    assert "作成できませんでした" in alert.text and "作り直してください" in alert.text
    assert "引渡しを準備" not in alert.text
    assert alert.link == reverse("copies:detail", args=[copy_request.pk])
    panel = _panel(user("manager"), request)
    assert 'data-testid="copy-failed"' in panel and 'data-testid="copy-failed-note"' in panel
    assert "作り直してください" in panel
    event = request.events.get(action="approved")
    assert event.detail["copy_state"] == CopyState.FAILED


def test_a_made_copy_is_told_to_prepare_the_hand_over(demo, user, originals):
    request = received(demo, user)
    decision.decide(user("manager"), request, outcome=Outcome.APPROVE)
    [alert] = Alert.objects.filter(kind=decision.APPROVED_KIND)
    assert "引渡しを準備" in alert.text and "作成できませんでした" not in alert.text
    assert 'data-testid="copy-failed"' not in _panel(user("manager"), request)


# --- 3. the second approval when the first manager has gone ----------------------------------


def _another_manager(demo, department):
    return accounts.create_user(demo, "manager-2", "a-long-password-2", role=Role.MANAGER,
                                department=department, display_name="管財 二郎")


@pytest.mark.parametrize("gone", ["inactive", "moved"])
def test_the_second_approval_falls_back_to_the_departments_manager(
        demo, user, originals, gone):
    with_second_approver(demo)
    request = received(demo, user)
    decision.decide(user("manager"), request, outcome=Outcome.APPROVE)
    first = user("manager")
    if gone == "inactive":
        first.is_active = False
    else:
        first.department = user("seiso-manager").department
    first.save()
    other = _another_manager(demo, request.department)
    decision.second_approve(user("privacy"), request, approve=True)
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED
    copy_request = request.copy_requests.get()
    assert copy_request.requested_by == other and copy_request.state == CopyState.MADE
    assert request.events.get(action="approved").detail["copy_requested_by"] == other.pk


def test_the_second_approval_is_refused_when_nobody_may_request_the_copy(
        demo, user, originals):
    with_second_approver(demo)
    request = received(demo, user)
    decision.decide(user("manager"), request, outcome=Outcome.APPROVE)
    first = user("manager")
    first.is_active = False
    first.save()
    with pytest.raises(DecisionRefused) as refused:
        decision.second_approve(user("privacy"), request, approve=True)
    assert "複製を申請できる所属長もいない" in refused.value.reasons[0]
    request.refresh_from_db()
    assert request.state == RequestState.SECOND_APPROVAL and not request.copy_requests.exists()


# --- 4. a refused copy stays in the audit chain ----------------------------------------------


def test_a_copy_refused_for_a_provision_is_in_the_audit_chain_after_the_rollback(
        demo, user, originals):
    request = received(demo, user, start_at=START - dt.timedelta(days=1),
                       end_at=END - dt.timedelta(days=1))  # no originals then
    with pytest.raises(DecisionRefused):
        decision.decide(user("manager"), request, outcome=Outcome.APPROVE)
    entry = AuditEntry.objects.filter(action="copy.refused").latest("pk")
    detail = json.loads(entry.detail)
    assert detail["provision"] == request.number
    assert any("元データがありません" in r for r in detail["reasons"])
    assert entry.actor_user_id == user("manager").pk
    assert not AuditEntry.objects.filter(action="provision.decided").exists()  # rolled back
    assert verify_chain().ok


# --- 5. footage uploaded after acceptance is pinned -----------------------------------------


@pytest.fixture
def late_original(recorder, continuous_clips):
    """The first two minutes arrive before the request is accepted, the third after."""
    for clip in continuous_clips[:2]:
        ingest_file(recorder, clip, clip.name, by="test")
    return lambda: ingest_file(recorder, continuous_clips[2], continuous_clips[2].name,
                               by="test").segment


def test_the_decision_pins_originals_uploaded_after_acceptance(demo, user, late_original):
    request = received(demo, user)
    assert Hold.objects.get(pk=request.hold_id).segments.count() == 1
    late = late_original()
    decision.decide(user("manager"), request, outcome=Outcome.APPROVE)
    request.refresh_from_db()
    hold = Hold.objects.get(pk=request.hold_id)
    assert hold.released_at is None and late in hold.segments.all()
    assert late.holds.filter(released_at__isnull=True, kind="provision_request").exists()


def test_the_second_approval_pins_originals_uploaded_meanwhile(demo, user, late_original):
    with_second_approver(demo)
    request = received(demo, user)
    decision.decide(user("manager"), request, outcome=Outcome.APPROVE)
    late = late_original()
    decision.second_approve(user("privacy"), request, approve=True)
    request.refresh_from_db()
    assert late in Hold.objects.get(pk=request.hold_id, released_at__isnull=True).segments.all()


# --- 6. the keep-until wording ----------------------------------------------------------------


def test_the_keep_until_day_of_a_single_record_is_the_assessments(demo, user, originals,
                                                                  client_for):
    as_business(demo)
    request = received(demo, user, **_insurer())
    page = client_for("manager").get(f"/provision/{request.pk}/decide/").content.decode()
    until, _article = keep_record_until("single", (clock.today_jst(),))
    assert "提供の日から起算" not in page
    assert f'data-testid="keep-until">{format_wareki(until)}<' in page
    assert "本日提供した場合" in page and "施行規則第21条第3号" in page


# --- 7. the undertakings of the letter are the hand-over's ------------------------------------


def test_the_decision_letter_prints_the_hand_overs_undertakings(demo, user, originals,
                                                                client_for):
    request = received(demo, user)
    decision.decide(user("manager"), request, outcome=Outcome.APPROVE)
    letter = client_for("manager").get(
        f"/provision/{request.pk}/letters/decision/").content.decode()
    for item in UNDERTAKINGS:
        assert f"<li>{item}</li>" in letter


# --- 8. the second approver's answer comes from the service -----------------------------------


def test_the_second_refusal_stays_worded_whatever_the_state_moves_to(demo, user, originals):
    with_second_approver(demo)
    request = received(demo, user)
    decision.decide(user("manager"), request, outcome=Outcome.APPROVE)
    decision.second_approve(user("privacy"), request, approve=False,
                            reason="照会の目的に対して映像が必要とは認められないため")
    ProvisionRequest.objects.filter(pk=request.pk).update(state=RequestState.CLOSED)
    request.refresh_from_db()
    assert decision.view_of(user("manager"), request)["second_outcome"] == "承認しない"
    panel = _panel(user("manager"), request)
    assert "承認しない</td>" in panel and "：承認する" not in panel


def test_a_second_approval_is_worded_as_approved(demo, user, originals):
    with_second_approver(demo)
    request = received(demo, user)
    decision.decide(user("manager"), request, outcome=Outcome.APPROVE)
    assert decision.view_of(user("manager"), request)["second_outcome"] is None
    decision.second_approve(user("privacy"), request, approve=True)
    request.refresh_from_db()
    assert decision.view_of(user("manager"), request)["second_outcome"] == "承認する"
    assert "：承認する</td>" in _panel(user("manager"), request)
