"""R-803/R-804 from the requirements' public test cases, plus year-end and Golden Week cases."""

import datetime as dt

import pytest

from hogo.rules.incidents import FINAL, PRELIMINARY, PRIVATE_BUSINESS, PUBLIC_BODY, Facts, assess
from hogo.rules.office_calendar import ClosedReason

HOLIDAY, YEAR_END, SATURDAY = (ClosedReason.HOLIDAY, ClosedReason.YEAR_END,
                               ClosedReason.SATURDAY)

D = dt.date
KNEW = D(2025, 6, 2)  # a Monday; day 30 = 2025-07-01 (Tuesday), nothing moves

REPORTABILITY = [
    # (case, facts, reportable, criteria numbers)
    ("private, 900 people, not sensitive, lost", dict(organisation_type=PRIVATE_BUSINESS,
                                                      people=900), False, []),
    ("private, 1,000 people exactly", dict(organisation_type=PRIVATE_BUSINESS, people=1000),
     False, []),
    ("private, 1,001 people", dict(organisation_type=PRIVATE_BUSINESS, people=1001), True, [4]),
    ("public body, 101 people", dict(organisation_type=PUBLIC_BODY, people=101), True, [4]),
    ("public body, 100 people", dict(organisation_type=PUBLIC_BODY, people=100), False, []),
    ("public body, people unknown", dict(organisation_type=PUBLIC_BODY), False, []),
    ("one person's health data, private", dict(organisation_type=PRIVATE_BUSINESS, people=1,
                                               sensitive=True), True, [1]),
    ("one person's health data, public", dict(organisation_type=PUBLIC_BODY, people=1,
                                              sensitive=True), True, [1]),
    ("strongly encrypted laptop stolen", dict(organisation_type=PRIVATE_BUSINESS, people=5000,
                                              unauthorised=True, encrypted=True), False,
     [3, 4]),
    ("card numbers, financial damage", dict(organisation_type=PRIVATE_BUSINESS, people=3,
                                            financial=True), True, [2]),
    ("USB stick stolen, 220 people, bus bureau", dict(organisation_type=PUBLIC_BODY, people=220,
                                                      unauthorised=True), True, [3, 4]),
    ("lost USB stick, 220 pedestrians, bus bureau", dict(organisation_type=PUBLIC_BODY,
                                                         people=220), True, [4]),
    ("threshold overridden to 50", dict(organisation_type=PUBLIC_BODY, people=51, threshold=50),
     True, [4]),
]


@pytest.mark.parametrize(("case", "facts", "reportable", "numbers"), REPORTABILITY,
                         ids=[row[0] for row in REPORTABILITY])
def test_reportability(case, facts, reportable, numbers):
    result = assess(Facts(knew_on=KNEW, **facts))
    assert result.reportable is reportable
    assert [c.number for c in result.criteria] == numbers
    assert result.exempt is (facts.get("encrypted", False) and bool(numbers))


def test_encryption_exemption_is_said_in_words():
    result = assess(Facts(PRIVATE_BUSINESS, KNEW, people=5000, unauthorised=True,
                          encrypted=True))
    assert result.exempt and not result.reportable


DEADLINES = [
    # (case, knew, unauthorised, final day N, final due, moved because)
    ("Culture Day (public case)", D(2025, 10, 5), False, D(2025, 11, 3), D(2025, 11, 4), HOLIDAY),
    ("year end (public case)", D(2025, 12, 1), False, D(2025, 12, 30), D(2026, 1, 5), YEAR_END),
    ("theft, 60 days (public case)", D(2025, 1, 10), True, D(2025, 3, 10), D(2025, 3, 10), None),
    ("plain weekday", KNEW, False, D(2025, 7, 1), D(2025, 7, 1), None),
    ("day 30 a Monday", D(2025, 5, 18), False, D(2025, 6, 16), D(2025, 6, 16), None),
    ("day 30 on Saturday 2025-06-14", D(2025, 5, 16), False, D(2025, 6, 14), D(2025, 6, 16),
     SATURDAY),
    ("day 30 on 29 Dec 2026 (a Tuesday)", D(2026, 11, 30), False, D(2026, 12, 29),
     D(2027, 1, 4), YEAR_END),
    ("day 30 on 3 Jan 2027 (a Sunday)", D(2026, 12, 5), False, D(2027, 1, 3), D(2027, 1, 4),
     YEAR_END),
    # Golden Week 2025: 29 Apr (Showa Day, Tue), 3 May (Sat), 4 (Sun), 5 (Mon), 6 (substitute)
    ("Golden Week, day 30 on 3 May 2025", D(2025, 4, 4), False, D(2025, 5, 3), D(2025, 5, 7),
     HOLIDAY),
    ("Golden Week, day 30 on Showa Day", D(2025, 3, 31), False, D(2025, 4, 29), D(2025, 4, 30),
     HOLIDAY),
    ("Golden Week 2026, theft, day 60 on 4 May", D(2026, 3, 6), True, D(2026, 5, 4),
     D(2026, 5, 7), HOLIDAY),
    ("Silver Week 2026 citizens' holiday 22 Sep", D(2026, 8, 24), False, D(2026, 9, 22),
     D(2026, 9, 24), HOLIDAY),
]


@pytest.mark.parametrize(("case", "knew", "unauthorised", "day", "due", "moved"), DEADLINES,
                         ids=[row[0] for row in DEADLINES])
def test_final_report_deadline(case, knew, unauthorised, day, due, moved):
    result = assess(Facts(PUBLIC_BODY, knew, people=1, sensitive=True,
                          unauthorised=unauthorised))
    assert result.final_days == (60 if unauthorised else 30)
    assert result.final_day == day
    assert result.final_due == due
    assert result.moved_because == moved


def test_preliminary_target_counts_the_day_of_knowing_as_day_one_and_is_not_moved():
    result = assess(Facts(PUBLIC_BODY, D(2025, 12, 26), sensitive=True))  # a Friday
    assert result.preliminary_target == D(2025, 12, 28)  # a Sunday: a target, not moved
    five = assess(Facts(PUBLIC_BODY, D(2025, 12, 26), sensitive=True, preliminary_days=5))
    assert five.preliminary_target == D(2025, 12, 30)


def test_awareness_range_counts_from_its_earliest_day_and_shows_the_uncertainty():
    during_march = Facts(PUBLIC_BODY, D(2025, 3, 1), D(2025, 3, 31), people=220)
    result = assess(during_march)
    assert result.knew_on == D(2025, 3, 1)
    assert result.final_due == D(2025, 3, 31)  # day 30 = 30 March (Sunday) -> Monday 31
    assert result.latest_final_due == D(2025, 4, 30)  # 29 April is Showa Day
    assert result.facts.knew_on_latest == D(2025, 3, 31)


def test_filing_late_by_days():
    result = assess(Facts(PUBLIC_BODY, D(2025, 3, 1), people=220))
    on_time = result.filing(FINAL, D(2025, 3, 31))
    late = result.filing(FINAL, D(2025, 4, 18))
    assert (on_time.late, on_time.days_late) == (False, 0)
    assert (late.late, late.days_late) == (True, 18)
    early = result.filing(PRELIMINARY, D(2025, 3, 2))
    assert not early.late and early.due == D(2025, 3, 3)
    assert result.days_left(FINAL, D(2025, 4, 1)) == -1


@pytest.mark.parametrize("bad", [dict(organisation_type="city"),
                                 dict(knew_on_latest=D(2025, 1, 1)), dict(people=-1),
                                 dict(final_days=0)])
def test_bad_facts_are_refused(bad):
    facts = dict(organisation_type=PUBLIC_BODY, knew_on=D(2025, 6, 1)) | bad
    with pytest.raises(ValueError):
        Facts(**facts)
