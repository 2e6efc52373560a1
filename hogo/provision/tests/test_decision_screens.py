"""The decision on screen: the form shows the requested scope beside the one to provide, a
refused decision comes back with its Japanese reasons and the input kept, the request page
carries the decision section (legal assessment, decision made, copy links, the form for the
person allowed), and the decision letter prints in 和暦 with the organisation's own rule."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from hogo import clock
from hogo.accounts.policy import citation
from hogo.audit.models import AuditEntry
from hogo.footage.ingest import ingest_file
from hogo.provision import decision
from hogo.provision.models import Outcome, ProvisionRequest, RequestState
from hogo.provision.tests.test_decision import (
    END,
    INSURER_WITHOUT_CONSENT,
    START,
    as_business,
    received,
    with_second_approver,
)
from hogo.rules.wareki import format_wareki

pytestmark = pytest.mark.usefixtures("originals")


@pytest.fixture
def originals(recorder, continuous_clips):
    return [ingest_file(recorder, clip, clip.name, by="test").segment
            for clip in continuous_clips]


def _local(moment) -> str:
    return f"{moment.astimezone(clock.JST):%Y-%m-%dT%H:%M:%S}"


def form_data(**changes) -> dict:
    return {"outcome": "approve", "start": _local(START), "end": _local(END),
            "channels": ["front"], "reason": "", **changes}


def test_the_decision_page_shows_the_requested_scope_and_the_assessment(
        demo, user, client_for):
    request = received(demo, user)
    page = client_for("manager").get(f"/provision/{request.pk}/decide/")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="scope-compare"' in body and "請求のあった範囲" in body
    assert "提供できる" in body and 'data-testid="assessment"' in body
    assert "作成は不要" in body  # a police inquiry at a public body: no provision record
    assert _local(START) in body  # the form starts at the requested scope
    viewed = AuditEntry.objects.filter(action="provision.viewed").latest("pk")
    assert '"decision"' in viewed.detail and viewed.actor_user_id == user("manager").pk


@pytest.mark.parametrize("username", ["seiso-manager", "operator", "auditor"])
def test_others_cannot_open_the_decision_page(demo, user, client_for,
                                              username):
    request = received(demo, user)
    assert client_for(username).get(f"/provision/{request.pk}/decide/").status_code == 403
    assert client_for(username).post(f"/provision/{request.pk}/decide/", form_data(
        outcome="refuse", reason="不要")).status_code == 403
    assert ProvisionRequest.objects.get(pk=request.pk).state == RequestState.RECEIVED


def test_a_scope_outside_the_request_comes_back_with_the_reason_and_the_input(
        demo, user, client_for):
    request = received(demo, user)
    later = END.replace(minute=END.minute + 5)
    page = client_for("manager").post(f"/provision/{request.pk}/decide/", form_data(
        outcome="partial", end=_local(later), reason="交差点の前後に限るため"))
    body = page.content.decode()
    assert page.status_code == 200 and "請求のあった範囲" in body
    assert "の中にしてください" in body
    assert "交差点の前後に限るため" in body and _local(later) in body
    assert ProvisionRequest.objects.get(pk=request.pk).state == RequestState.RECEIVED


def test_a_refusal_without_reasons_is_refused_in_japanese(demo, user, client_for,
                                                         ):
    request = received(demo, user)
    page = client_for("manager").post(f"/provision/{request.pk}/decide/",
                                      form_data(outcome="refuse"))
    assert page.status_code == 200 and "理由を書いてください" in page.content.decode()


def test_approval_on_screen_links_the_copy_and_prints_the_notice(demo, user, client_for,
                                                                ):
    request = received(demo, user)
    client = client_for("manager")
    page = client.post(f"/provision/{request.pk}/decide/", form_data())
    assert page.status_code == 302 and page["Location"] == request.get_absolute_url()
    request.refresh_from_db()
    copy_request = request.copy_requests.get()
    detail = client.get(request.get_absolute_url()).content.decode()
    assert 'data-testid="decision-panel"' in detail
    assert f"/copies/requests/{copy_request.pk}/" in detail
    assert 'data-testid="decision-letter"' in detail
    letter = client.get(f"/provision/{request.pk}/letters/decision/").content.decode()
    assert '<meta charset="utf-8">' in letter and "提供決定通知書" in letter
    assert format_wareki(clock.jst_date(request.decided_at)) in letter
    assert format_wareki(request.letter_date) in letter and request.number in letter
    assert str(demo) in letter and str(request.vehicle) in letter and "前方" in letter
    assert citation(demo, "provision") in letter
    assert citation(demo, "recipient_undertaking") in letter
    assert "芦屋" not in letter
    assert AuditEntry.objects.filter(action="provision.letter_printed").exists()


def test_a_partial_notice_names_what_is_provided_and_why_not_the_rest(
        demo, user, client_for):
    request = received(demo, user)
    start = START.replace(second=START.second + 10)
    decision.decide(user("manager"), request, outcome=Outcome.PARTIAL,
                    reason="事故の瞬間の前後に限るため", start=start)
    letter = client_for("operator").get(
        f"/provision/{request.pk}/letters/decision/").content.decode()
    assert "一部提供決定通知書" in letter and "事故の瞬間の前後に限るため" in letter
    assert f"{start.astimezone(clock.JST):%H:%M:%S}" in letter
    assert "一部を提供しない理由" in letter


def test_a_refusal_notice_gives_the_reasons_and_no_undertakings(demo, user, client_for,
                                                               ):
    request = received(demo, user)
    client = client_for("manager")
    page = client.post(f"/provision/{request.pk}/decide/", form_data(
        outcome="refuse", reason="照会の時刻に車両が運行していないため"))
    assert page.status_code == 302
    letter = client.get(f"/provision/{request.pk}/letters/decision/").content.decode()
    assert "不提供決定通知書" in letter and "照会の時刻に車両が運行していないため" in letter
    assert 'data-testid="undertakings"' not in letter and 'data-testid="provided"' not in letter


def test_no_letter_before_the_decision(demo, user, client_for):
    request = received(demo, user)
    assert client_for("manager").get(
        f"/provision/{request.pk}/letters/decision/").status_code == 404


def test_the_panel_offers_the_form_only_to_the_departments_manager(
        demo, user):
    request = received(demo, user)
    http = RequestFactory().get(request.get_absolute_url())
    http.user = user("manager")
    mine = decision.panel(http, request)
    assert 'data-testid="decision-form"' in mine and "提供できる" in mine
    http.user = user("operator")
    theirs = decision.panel(http, request)
    assert 'data-testid="decision-form"' not in theirs and "decision-waiting" in theirs


def test_the_second_approver_approves_on_screen(demo, user, client_for):
    with_second_approver(demo)
    request = received(demo, user)
    decision.decide(user("manager"), request, outcome=Outcome.APPROVE)
    client = client_for("privacy")
    detail = client.get(request.get_absolute_url()).content.decode()
    assert 'data-testid="second-form"' in detail
    assert client_for("manager").get(f"/provision/{request.pk}/second/").status_code == 403
    client = client_for("privacy")
    page = client.post(f"/provision/{request.pk}/second/", {"approve": "no", "reason": ""})
    assert page.status_code == 200 and "理由を書いてください" in page.content.decode()
    page = client.post(f"/provision/{request.pk}/second/", {"approve": "yes", "reason": ""})
    assert page.status_code == 302
    assert ProvisionRequest.objects.get(pk=request.pk).state == RequestState.APPROVED


def test_the_page_says_a_business_needs_a_provision_record_and_words_the_decision(
        demo, user, client_for):
    as_business(demo)
    request = received(demo, user, **{**INSURER_WITHOUT_CONSENT, "basis": "consent",
                                      "consent_on": START.date()})
    client = client_for("manager")
    before = client.get(request.get_absolute_url()).content.decode()
    assert "作成が必要" in before and "記録する事項" in before
    decision.decide(user("manager"), request, outcome=Outcome.PARTIAL,
                    reason="事故の前後に限るため", start=START.replace(second=START.second + 10))
    after = client.get(request.get_absolute_url()).content.decode()
    assert "決定しました：一部を提供する。" in after and "理由：事故の前後に限るため" in after
    assert "提供が確定し、複製申請 #" in after and "記録：decided" not in after


def test_a_rule_that_does_not_allow_it_is_shown_beside_the_form(demo, user, client_for):
    as_business(demo)
    request = received(demo, user, **INSURER_WITHOUT_CONSENT)
    client = client_for("manager")
    page = client.get(f"/provision/{request.pk}/decide/").content.decode()
    assert 'data-testid="not-allowed"' in page and "提供することができません" in page
    refused = client.post(f"/provision/{request.pk}/decide/", form_data()).content.decode()
    assert "提供することができません" in refused
    assert ProvisionRequest.objects.get(pk=request.pk).state == RequestState.RECEIVED
