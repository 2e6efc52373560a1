"""The legal edges of reportability: ordinance-sensitive data (Rules Art. 43 item 5), an
unknown people count (pending, not "not reportable"), the Act's threshold as a ceiling, the
articles per organisation type, and dates that cannot be true."""

import datetime as dt

import pytest

from hogo.rules.incidents import (
    FINAL,
    PRELIMINARY,
    PRIVATE_BUSINESS,
    PUBLIC_BODY,
    CriterionCode,
    Facts,
    assess,
    check_dates,
    legal_basis,
)

KNEW = dt.date(2025, 6, 2)


def test_ordinance_sensitive_data_makes_a_local_governments_incident_reportable():
    result = assess(Facts(PUBLIC_BODY, KNEW, people=2, ordinance_sensitive=True))
    assert result.reportable
    assert [(c.number, c.code) for c in result.criteria] == [
        (5, CriterionCode.ORDINANCE_SENSITIVE)]
    assert not assess(Facts(PUBLIC_BODY, KNEW, people=2)).reportable


def test_ordinance_sensitive_data_is_lifted_by_strong_encryption_like_the_rest():
    result = assess(Facts(PUBLIC_BODY, KNEW, people=2, ordinance_sensitive=True,
                          encrypted=True))
    assert result.exempt and not result.reportable


def test_a_business_has_no_ordinance_sensitive_data():
    with pytest.raises(ValueError, match="local governments only"):
        Facts(PRIVATE_BUSINESS, KNEW, people=2, ordinance_sensitive=True)


@pytest.mark.parametrize("organisation_type", [PUBLIC_BODY, PRIVATE_BUSINESS])
def test_an_unknown_people_count_is_pending_not_not_reportable(organisation_type):
    result = assess(Facts(organisation_type, KNEW))
    assert result.pending and not result.reportable
    assert result.deadlines_apply  # the clock runs from the day of knowing meanwhile
    assert result.due(FINAL) == dt.date(2025, 7, 1)
    assert result.due(PRELIMINARY) == dt.date(2025, 6, 4)


@pytest.mark.parametrize("facts", [
    dict(people=3), dict(people=None, sensitive=True), dict(people=None, encrypted=True)],
    ids=["known small count", "another criterion applies", "strongly encrypted"])
def test_not_pending_once_the_count_is_known_or_does_not_matter(facts):
    result = assess(Facts(PUBLIC_BODY, KNEW, **facts))
    assert not result.pending


def test_a_small_known_count_has_no_deadlines():
    result = assess(Facts(PUBLIC_BODY, KNEW, people=3))
    assert not result.reportable and not result.pending and not result.deadlines_apply


@pytest.mark.parametrize(("organisation_type", "law"), [(PUBLIC_BODY, 100),
                                                        (PRIVATE_BUSINESS, 1000)])
def test_a_threshold_may_be_stricter_never_laxer_than_the_act(organisation_type, law):
    assert assess(Facts(organisation_type, KNEW, people=law // 2 + 1,
                        threshold=law // 2)).reportable
    with pytest.raises(ValueError, match="never laxer"):
        Facts(organisation_type, KNEW, people=law + 1, threshold=law * 5)


def test_the_articles_per_organisation_type():
    public, business = legal_basis(PUBLIC_BODY), legal_basis(PRIVATE_BUSINESS)
    assert (public.act, public.situations, public.report, public.notice) == (68, 43, 44, 45)
    assert (business.act, business.situations, business.report, business.notice) == (
        26, 7, 8, 10)
    with pytest.raises(ValueError):
        legal_basis("ngo")


def test_a_filing_before_the_day_of_knowing_is_an_error_not_on_time():
    result = assess(Facts(PUBLIC_BODY, KNEW, people=220))
    assert not result.filing(PRELIMINARY, KNEW).late  # the day itself is fine
    with pytest.raises(ValueError, match="before the day of knowing"):
        result.filing(PRELIMINARY, KNEW - dt.timedelta(days=1))


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(knew_on=dt.date(2025, 6, 11)), "future"),
    (dict(knew_on=KNEW, knew_on_latest=dt.date(2025, 6, 11)), "future"),
    (dict(knew_on=KNEW, filed=(dt.date(2025, 6, 1),)), "before the day of knowing"),
    (dict(knew_on=KNEW, filed=(None, dt.date(2025, 6, 11))), "future"),
], ids=["knew tomorrow", "range ends tomorrow", "filed the day before", "filed tomorrow"])
def test_dates_that_cannot_be_true(kwargs, message):
    with pytest.raises(ValueError, match=message):
        check_dates(dt.date(2025, 6, 10), **kwargs)


def test_dates_that_can_be_true():
    check_dates(dt.date(2025, 6, 10), knew_on=KNEW, knew_on_latest=dt.date(2025, 6, 10),
                filed=(KNEW, dt.date(2025, 6, 10), None))
