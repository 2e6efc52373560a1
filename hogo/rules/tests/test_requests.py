"""The deadlines and fees of a person's request, table-tested against dates worked out by hand:
a public body's 30 days from the day after receipt with correction waits not counted (Act Art.
83(1)), the one extension (83(2)), the very large request (84), the 90 days after disclosure
(90(3), 98(3)), a business's target and its may-sue day (39(1)), and the fees (38, 89)."""

from __future__ import annotations

import datetime as dt

import pytest

from hogo.rules import requests as rules
from hogo.rules.requests import RequestRuleError

D = dt.date
PUBLIC, BUSINESS = "public_body", "private_business"
CITY_FEES = {"purpose_notification": 0, "disclosure": 300, "per": "request", "copy_sheet": 10,
             "copy_disc": 100, "correction": 0, "suspension": 0}
SCHOOL_FEES = {"purpose_notification": 1000, "disclosure": 1000, "per": "item",
               "copy_sheet": 0, "copy_disc": 0, "correction": 0, "suspension": 0}

DUE_CASES = [
    # (case, organisation type, received, days, waits, closed day moves, due)
    ("public: day 1 is the day after receipt, day 30 is 1 May", PUBLIC, D(2026, 4, 1), 30, (),
     False, D(2026, 5, 1)),
    ("public: a 5-day wait (3-7 April inclusive) moves it 5 days", PUBLIC, D(2026, 4, 1), 30,
     ((D(2026, 4, 3), D(2026, 4, 7)),), False, D(2026, 5, 6)),
    ("public: two waits of 2 and 3 days", PUBLIC, D(2026, 4, 1), 30,
     ((D(2026, 4, 3), D(2026, 4, 4)), (D(2026, 4, 10), D(2026, 4, 12))), False, D(2026, 5, 6)),
    ("public: overlapping waits count each day once (3-9 April: 7 days)", PUBLIC,
     D(2026, 4, 1), 30, ((D(2026, 4, 3), D(2026, 4, 5)), (D(2026, 4, 5), D(2026, 4, 9))),
     False, D(2026, 5, 8)),
    ("public: a wait from the day of receipt skips only the days after it", PUBLIC,
     D(2026, 4, 1), 30, ((D(2026, 4, 1), D(2026, 4, 2)),), False, D(2026, 5, 2)),
    ("public: a wait after the 30th day changes nothing", PUBLIC, D(2026, 4, 1), 30,
     ((D(2026, 5, 2), D(2026, 5, 9)),), False, D(2026, 5, 1)),
    ("public: the end day stays in the year-end break by default", PUBLIC, D(2025, 12, 1), 30,
     (), False, D(2025, 12, 31)),
    ("public: with closed_day_moves_due the year-end break and Sunday 4 Jan are passed",
     PUBLIC, D(2025, 12, 1), 30, (), True, D(2026, 1, 5)),
    ("public: leap year, 29 February counted", PUBLIC, D(2024, 2, 1), 30, (), False,
     D(2024, 3, 2)),
    ("public: leap year end on Saturday moves to Monday when set", PUBLIC, D(2024, 2, 1), 30,
     (), True, D(2024, 3, 4)),
    ("public: common year, no 29 February", PUBLIC, D(2025, 2, 1), 30, (), False,
     D(2025, 3, 3)),
    ("public: Golden Week end day (Children's Day) kept by default", PUBLIC, D(2026, 4, 5), 30,
     (), False, D(2026, 5, 5)),
    ("public: Golden Week, moved past the substitute holiday of 6 May when set", PUBLIC,
     D(2026, 4, 5), 30, (), True, D(2026, 5, 7)),
    ("public: an ordinance's shorter period (15 days)", PUBLIC, D(2026, 4, 1), 15, (), False,
     D(2026, 4, 16)),
    ("business: the 14-day target, waits not counted against it", BUSINESS, D(2026, 4, 1), 14,
     ((D(2026, 4, 3), D(2026, 4, 7)),), False, D(2026, 4, 15)),
    ("business: a Saturday target moves to Monday when set", BUSINESS, D(2026, 4, 4), 14, (),
     True, D(2026, 4, 20)),
    ("business: across the year end", BUSINESS, D(2026, 12, 25), 14, (), False,
     D(2027, 1, 8)),
]


@pytest.mark.parametrize(("case", "kind", "received", "days", "waits", "moves", "due"),
                         DUE_CASES, ids=[row[0] for row in DUE_CASES])
def test_decision_due(case, kind, received, days, waits, moves, due):
    assert rules.decision_due(organisation_type=kind, received_on=received, answer_days=days,
                              waits=waits, closed_day_moves_due=moves) == due


EXTENSION_CASES = [
    # (case, waits, days, moves, due)
    ("the full 30 days after 1 May", (), None, False, D(2026, 5, 31)),
    ("a Sunday end moved when set", (), None, True, D(2026, 6, 1)),
    ("after a 5-day wait", ((D(2026, 4, 3), D(2026, 4, 7)),), None, False, D(2026, 6, 5)),
    ("a shorter extension of 10 days", (), 10, False, D(2026, 5, 11)),
]


@pytest.mark.parametrize(("case", "waits", "days", "moves", "due"), EXTENSION_CASES,
                         ids=[row[0] for row in EXTENSION_CASES])
def test_extended_due(case, waits, days, moves, due):
    assert rules.extended_due(organisation_type=PUBLIC, received_on=D(2026, 4, 1),
                              answer_days=30, extension_days=30, reason="記録の検索に時間を要する",
                              days=days, waits=waits, closed_day_moves_due=moves) == due


@pytest.mark.parametrize(("kind", "reason", "limit", "days", "code"), [
    (PUBLIC, "", 30, None, "extension_without_reason"),
    (PUBLIC, "   ", 30, None, "extension_without_reason"),
    (BUSINESS, "理由", 0, None, "extension_not_available"),
    (BUSINESS, "理由", 30, None, "extension_not_available"),
    (PUBLIC, "理由", 30, 31, "extension_not_available"),
    (PUBLIC, "理由", 30, 0, "extension_not_available"),
    (PUBLIC, "理由", 0, None, "extension_not_available"),
])
def test_extensions_the_law_refuses(kind, reason, limit, days, code):
    with pytest.raises(RequestRuleError) as refused:
        rules.extended_due(organisation_type=kind, received_on=D(2026, 4, 1), answer_days=30,
                           extension_days=limit, reason=reason, days=days)
    assert refused.value.code == code
    assert "Art. 83(2)" in str(refused.value)


def test_large_request_60_days_from_the_day_after_receipt():
    assert rules.large_request_due(organisation_type=PUBLIC, received_on=D(2026, 4, 1),
                                   large_request_days=60) == D(2026, 5, 31)
    assert rules.large_request_due(organisation_type=PUBLIC, received_on=D(2026, 4, 1),
                                   large_request_days=60, closed_day_moves_due=True) \
        == D(2026, 6, 1)


@pytest.mark.parametrize(("kind", "request_kind", "days"), [
    (BUSINESS, rules.DISCLOSURE, 60), (PUBLIC, rules.CORRECTION, 60),
    (PUBLIC, rules.DISCLOSURE, 0)])
def test_large_request_rule_only_for_public_disclosure(kind, request_kind, days):
    with pytest.raises(RequestRuleError) as refused:
        rules.large_request_due(organisation_type=kind, kind=request_kind,
                                received_on=D(2026, 4, 1), large_request_days=days)
    assert refused.value.code == "large_request_not_available"


@pytest.mark.parametrize(("kind", "request_kind", "received", "may_sue"), [
    # The requirements' public case: received 1 April (business) → may sue from 16 April.
    (BUSINESS, rules.DISCLOSURE, D(2026, 4, 1), D(2026, 4, 16)),
    (BUSINESS, rules.CORRECTION, D(2025, 4, 1), D(2025, 4, 16)),
    (BUSINESS, rules.PROVISION_STOP, D(2026, 12, 25), D(2027, 1, 9)),  # closed days: no matter
    (BUSINESS, rules.SUSPENSION, D(2024, 2, 20), D(2024, 3, 6)),  # leap year
    (BUSINESS, None, D(2026, 4, 1), D(2026, 4, 16)),
    (BUSINESS, rules.PURPOSE_NOTIFICATION, D(2026, 4, 1), None),  # not an Art. 39 request
    (PUBLIC, rules.DISCLOSURE, D(2026, 4, 1), None),
])
def test_may_sue_on(kind, request_kind, received, may_sue):
    assert rules.may_sue_on(kind, received, kind=request_kind) == may_sue


@pytest.mark.parametrize(("disclosed", "received", "late"), [
    (D(2026, 1, 10), D(2026, 4, 10), False),  # day 90 is Friday 10 April
    (D(2026, 1, 10), D(2026, 4, 13), True),
    (D(2026, 1, 11), D(2026, 4, 13), False),  # day 90 a Saturday: the person's act moves
    (D(2026, 1, 11), D(2026, 4, 14), True),
])
def test_correction_request_after_disclosure(disclosed, received, late):
    assert rules.late_after_disclosure(organisation_type=PUBLIC, kind=rules.CORRECTION,
                                       disclosed_on=disclosed, received_on=received,
                                       after_disclosure_days=90) is late


def test_the_90_days_bind_only_a_public_bodys_correction_and_stop_requests():
    late = dict(disclosed_on=D(2025, 1, 1), received_on=D(2026, 4, 1), after_disclosure_days=90)
    assert rules.late_after_disclosure(organisation_type=PUBLIC, kind=rules.SUSPENSION, **late)
    assert not rules.late_after_disclosure(organisation_type=PUBLIC, kind=rules.DISCLOSURE,
                                           **late)
    assert not rules.late_after_disclosure(organisation_type=BUSINESS, kind=rules.CORRECTION,
                                           **late)
    assert not rules.late_after_disclosure(organisation_type=PUBLIC, kind=rules.CORRECTION,
                                           disclosed_on=None, received_on=D(2026, 4, 1),
                                           after_disclosure_days=90)


@pytest.mark.parametrize(("waits", "code"), [
    (((D(2026, 4, 7), D(2026, 4, 3)),), "wait_backwards"),
    (((D(2026, 3, 30), D(2026, 4, 3)),), "wait_before_receipt"),
])
def test_impossible_waits(waits, code):
    with pytest.raises(RequestRuleError) as refused:
        rules.decision_due(organisation_type=PUBLIC, received_on=D(2026, 4, 1),
                           answer_days=30, waits=waits)
    assert refused.value.code == code


FEE_CASES = [
    # (case, kind, fees, items, sheets, discs, yen)
    ("city: 300 yen per request, whatever the items", rules.DISCLOSURE, CITY_FEES, 3, 0, 0,
     300),
    ("city: copies extra per sheet", rules.DISCLOSURE, CITY_FEES, 1, 5, 0, 350),
    ("city: copies extra per disc", rules.DISCLOSURE, CITY_FEES, 1, 2, 1, 420),
    ("city: purpose notification free by its ordinance", rules.PURPOSE_NOTIFICATION,
     CITY_FEES, 1, 0, 0, 0),
    ("school: 1,000 yen per item", rules.DISCLOSURE, SCHOOL_FEES, 3, 0, 0, 3000),
    ("school: purpose notification 1,000 yen", rules.PURPOSE_NOTIFICATION, SCHOOL_FEES, 1,
     0, 0, 1000),
    ("no item, no fee", rules.DISCLOSURE, CITY_FEES, 0, 0, 0, 0),
    ("a correction with nothing charged is free", rules.CORRECTION, CITY_FEES, 0, 0, 0, 0),
    ("a provision stop with nothing charged is free", rules.PROVISION_STOP, SCHOOL_FEES, 0, 0,
     0, 0),
]


@pytest.mark.parametrize(("case", "kind", "fees", "items", "sheets", "discs", "yen"),
                         FEE_CASES, ids=[row[0] for row in FEE_CASES])
def test_fee_yen(case, kind, fees, items, sheets, discs, yen):
    assert rules.fee_yen(kind, fees=fees, items=items, sheets=sheets, discs=discs) == yen


@pytest.mark.parametrize(("kind", "fees", "items", "sheets", "discs", "code"), [
    # The requirements' public case: a fee asked for a correction request is refused.
    (rules.CORRECTION, CITY_FEES, 1, 0, 0, "fee_on_free_kind"),
    (rules.SUSPENSION, SCHOOL_FEES, 0, 1, 0, "fee_on_free_kind"),
    (rules.PROVISION_STOP, CITY_FEES, 0, 0, 1, "fee_on_free_kind"),
    (rules.CORRECTION, {**CITY_FEES, "correction": 500}, 0, 0, 0, "fee_on_free_kind"),
    (rules.DISCLOSURE, CITY_FEES, -1, 0, 0, "negative_count"),
    (rules.DISCLOSURE, {**CITY_FEES, "per": "page"}, 1, 0, 0, "unknown_fee_unit"),
    ("complaint", CITY_FEES, 1, 0, 0, "unknown_kind"),
])
def test_fees_the_law_refuses(kind, fees, items, sheets, discs, code):
    with pytest.raises(RequestRuleError) as refused:
        rules.fee_yen(kind, fees=fees, items=items, sheets=sheets, discs=discs)
    assert refused.value.code == code


def _facts(**changes) -> rules.Facts:
    base = dict(organisation_type=PUBLIC, kind=rules.DISCLOSURE, received_on=D(2026, 4, 1),
                answer_days=30, extension_days=30, large_request_days=60,
                after_disclosure_days=90, fees=CITY_FEES)
    return rules.Facts(**{**base, **changes})


def code(article) -> str:
    return article.code()


def test_assess_a_public_disclosure_cites_each_answer():
    result = rules.assess(_facts(waits=((D(2026, 4, 3), D(2026, 4, 7)),), extended=True,
                                 extension_reason="大量", large=True))
    assert (result.due_on, result.extended_due_on, result.large_due_on, result.may_sue_on,
            result.fee_yen, result.waited_days) == (D(2026, 5, 6), D(2026, 6, 5),
                                                    D(2026, 5, 31), None, 300, 5)
    assert {key: code(a) for key, a in result.articles.items()} == {
        "due_on": "act:83:1", "extended_due_on": "act:83:2", "large_due_on": "act:84",
        "fee_yen": "act:89"}


@pytest.mark.parametrize(("kind", "due", "extension", "after"), [
    (rules.CORRECTION, "act:94:1", "act:94:2", "act:90:3"),
    (rules.SUSPENSION, "act:102:1", "act:102:2", "act:98:3"),
    (rules.PROVISION_STOP, "act:102:1", "act:102:2", "act:98:3"),
])
def test_assess_a_public_correction_or_stop(kind, due, extension, after):
    result = rules.assess(_facts(kind=kind, fee_items=0, disclosed_on=D(2026, 3, 1),
                                 extended=True, extension_reason="調査"))
    assert result.fee_yen == 0 and result.due_on == D(2026, 5, 1)
    # Day 90 is Saturday 30 May; the person's last day moves to Monday 1 June.
    assert result.after_disclosure_last_day == D(2026, 6, 1)
    cited = {key: code(a) for key, a in result.articles.items()}
    assert (cited["due_on"], cited["extended_due_on"], cited["after_disclosure_last_day"]) == (
        due, extension, after)


@pytest.mark.parametrize(("kind", "due"), [
    (rules.PURPOSE_NOTIFICATION, "act:32:2"), (rules.DISCLOSURE, "act:33:2"),
    (rules.CORRECTION, "act:34:2"), (rules.SUSPENSION, "act:35:2"),
    (rules.PROVISION_STOP, "act:35:4")])
def test_assess_a_business(kind, due):
    result = rules.assess(_facts(organisation_type=BUSINESS, kind=kind, answer_days=14,
                                 extension_days=0, large_request_days=0,
                                 after_disclosure_days=0, fees=SCHOOL_FEES,
                                 fee_items=0 if kind in rules.FREE_KINDS else 2))
    assert result.due_on == D(2026, 4, 15) and result.extended_due_on is None
    assert result.fee_yen == (0 if kind in rules.FREE_KINDS else 2000)
    assert code(result.articles["due_on"]) == due
    if kind == rules.PURPOSE_NOTIFICATION:
        assert result.may_sue_on is None and "may_sue_on" not in result.articles
    else:
        assert result.may_sue_on == D(2026, 4, 16)
        assert code(result.articles["may_sue_on"]) == "act:39:1"


@pytest.mark.parametrize(("changes", "error"), [
    (dict(extended=True), "extension_without_reason"),
    (dict(organisation_type=BUSINESS, extended=True, extension_reason="x"),
     "extension_not_available"),
    (dict(kind=rules.CORRECTION, fee_items=1), "fee_on_free_kind"),
    (dict(kind=rules.PURPOSE_NOTIFICATION), "kind_not_available"),
    (dict(kind=rules.CORRECTION, fee_items=0, disclosed_on=D(2025, 12, 1)),
     "after_disclosure_period"),
    (dict(kind=rules.CORRECTION, fee_items=0, disclosed_on=D(2026, 4, 2)),
     "disclosed_after_receipt"),
    (dict(organisation_type="city"), "unknown_organisation_type"),
    (dict(kind="complaint"), "unknown_kind"),
    (dict(organisation_type=BUSINESS, large=True), "large_request_not_available"),
])
def test_assess_refuses_what_the_law_forbids(changes, error):
    with pytest.raises(RequestRuleError) as refused:
        rules.assess(_facts(**changes))
    assert refused.value.code == error
    assert str(refused.value) == rules.ERRORS[error]


def test_every_kind_has_its_articles_in_both_regimes():
    for kind in rules.KINDS:
        assert "due" in rules.articles_for(BUSINESS, kind)
        if kind in rules.PUBLIC_KINDS:
            assert {"due", "extension"} <= set(rules.articles_for(PUBLIC, kind))
    assert set(rules.GROUNDS) == set(rules.ORGANISATION_TYPES)
