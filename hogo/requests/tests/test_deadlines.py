"""`hogo.requests.deadlines`, the service the intake and the decision ask: a request's dates
from its organisation's profile and its correction waits (an open wait counted up to today),
the fee, and the articles letters cite."""

from __future__ import annotations

import datetime as dt

import pytest

from hogo import clock
from hogo.accounts.models import Organisation
from hogo.requests import deadlines
from hogo.requests.models import CorrectionWait, PersonalRequest
from hogo.rules.requests import RequestRuleError

D = dt.date
APRIL_1 = D(2026, 4, 1)


def _request(organisation, kind="disclosure", received_on=APRIL_1, **fields):
    at = dt.datetime.combine(received_on, dt.time(10), tzinfo=clock.JST)
    return PersonalRequest.objects.create(
        organisation=organisation, number=f"T-{PersonalRequest.objects.count() + 1}",
        kind=kind, received_via="counter", received_at=at, received_on=received_on,
        requester_name="山田 太郎", **fields)


@pytest.fixture
def school(db):
    return Organisation.objects.create(name="デモ自動車学校", profile_key="driving_school")


def _wait(request, asked_on, answered_on, by):
    CorrectionWait.objects.create(request=request, asked_on=asked_on, answered_on=answered_on,
                                  asked_what="本人確認書類", asked_by=by)


def test_a_citys_request_is_due_30_days_from_the_day_after(demo):
    request = _request(demo)
    deadlines.refresh(request)
    assert (request.due_on, request.extended_due_on, request.may_sue_on) == (
        D(2026, 5, 1), None, None)


def test_an_answered_wait_moves_it_and_an_open_one_counts_up_to_today(demo, user):
    request = _request(demo)
    _wait(request, D(2026, 4, 3), D(2026, 4, 7), user("privacy"))
    deadlines.refresh(request)
    assert request.due_on == D(2026, 5, 6)
    _wait(request, D(2026, 4, 10), None, user("privacy"))
    with clock.frozen(dt.datetime(2026, 4, 12, 9, tzinfo=clock.JST)):
        deadlines.refresh(request)  # 10-12 April: 3 more days
    assert request.due_on == D(2026, 5, 9)
    with clock.frozen(dt.datetime(2026, 4, 14, 9, tzinfo=clock.JST)):
        deadlines.refresh(request)  # still open: 10-14 April
    assert request.due_on == D(2026, 5, 11)


def test_an_extended_request_keeps_its_notified_day(demo):
    request = _request(demo, extended_due_on=D(2026, 5, 31), extension_reason="大量")
    deadlines.refresh(request)
    assert request.extended_due_on == D(2026, 5, 31)
    stray = _request(demo, extended_due_on=D(2026, 5, 31))
    deadlines.refresh(stray)
    assert stray.extended_due_on is None


def test_the_closed_day_setting_of_the_profile_is_used(demo):
    request = _request(demo, received_on=D(2025, 12, 1))
    deadlines.refresh(request)
    assert request.due_on == D(2025, 12, 31)
    demo.policy_overrides = {"requests.closed_day_moves_due": True}
    demo.save()
    request.organisation.refresh_from_db()
    deadlines.refresh(request)
    assert request.due_on == D(2026, 1, 5)


def test_a_school_request_has_its_target_and_may_sue_day(school):
    request = _request(school)
    deadlines.refresh(request)
    assert (request.due_on, request.may_sue_on) == (D(2026, 4, 15), D(2026, 4, 16))
    assert deadlines.fee_for(school, "disclosure", items=3) == 3000


def test_extension_and_large_request_days(demo, school):
    request = _request(demo)
    assert deadlines.extension_due(request, "検索に時間を要する") == D(2026, 5, 31)
    assert deadlines.extension_due(request, "検索", days=10) == D(2026, 5, 11)
    assert deadlines.large_due(request) == D(2026, 5, 31)
    with pytest.raises(RequestRuleError) as refused:
        deadlines.extension_due(request, "")
    assert refused.value.code == "extension_without_reason"
    with pytest.raises(RequestRuleError) as refused:
        deadlines.extension_due(_request(school), "理由")
    assert refused.value.code == "extension_not_available"


def test_a_late_correction_request_is_refused(demo):
    on_time = _request(demo, kind="correction", disclosed_on=D(2026, 3, 1))
    deadlines.check_after_disclosure(on_time)
    assert deadlines.after_disclosure_last_day(on_time) == D(2026, 6, 1)
    late = _request(demo, kind="correction", received_on=D(2026, 6, 2),
                    disclosed_on=D(2026, 3, 1))
    with pytest.raises(RequestRuleError) as refused:
        deadlines.check_after_disclosure(late)
    assert refused.value.code == "after_disclosure_period"


def test_fees_from_the_profile(demo):
    assert deadlines.fee_for(demo, "disclosure", items=2, sheets=3, discs=1) == 430
    assert deadlines.fee_for(demo, "correction", items=0) == 0
    with pytest.raises(RequestRuleError) as refused:
        deadlines.fee_for(demo, "correction", items=1)
    assert refused.value.code == "fee_on_free_kind"


def test_articles_as_letters_cite_them(demo, school):
    assert deadlines.articles(demo) == {
        "due": "法第83条第1項", "extension": "法第83条第2項", "large": "法第84条",
        "right": "法第76条第1項", "fee": "法第89条"}
    assert deadlines.articles(demo, "provision_stop")["right"] == "法第98条第1項第2号"
    assert deadlines.articles(school) == {
        "due": "法第33条第2項", "right": "法第33条第1項", "may_sue": "法第39条第1項",
        "fee": "法第38条第1項"}
