"""The words for an assessment: the Japanese (and English) that hogo.rules.incidents used to
carry, now given by the incidents app from the rule's codes (assertions moved from the rules'
tests)."""

import datetime as dt

import pytest

from hogo.incidents import wording
from hogo.rules.incidents import PRIVATE_BUSINESS, PUBLIC_BODY, Facts, assess

D = dt.date
KNEW = D(2025, 6, 2)

REPORTABILITY = [
    ("private, 900 people", dict(organisation_type=PRIVATE_BUSINESS, people=900), False, []),
    ("private, 1,001 people", dict(organisation_type=PRIVATE_BUSINESS, people=1001), True, [4]),
    ("public body, 101 people", dict(organisation_type=PUBLIC_BODY, people=101), True, [4]),
    ("one person's health data", dict(organisation_type=PUBLIC_BODY, people=1, sensitive=True),
     True, [1]),
    ("strongly encrypted laptop stolen", dict(organisation_type=PRIVATE_BUSINESS, people=5000,
                                              unauthorised=True, encrypted=True), False, [3, 4]),
    ("USB stick stolen, 220 people", dict(organisation_type=PUBLIC_BODY, people=220,
                                          unauthorised=True), True, [3, 4]),
]


@pytest.mark.parametrize(("case", "facts", "reportable", "numbers"), REPORTABILITY,
                         ids=[row[0] for row in REPORTABILITY])
def test_summary_names_the_items(case, facts, reportable, numbers):
    result = assess(Facts(knew_on=KNEW, **facts))
    if reportable:
        assert all(f"第{n}号" in wording.summary_ja(result) for n in numbers)
    else:
        assert wording.summary_ja(result).startswith("報告対象外")


def test_encryption_exemption_is_said_in_words():
    result = assess(Facts(PRIVATE_BUSINESS, KNEW, people=5000, unauthorised=True,
                          encrypted=True))
    assert "暗号化" in wording.summary_ja(result) and "encrypted" in wording.summary_en(result)


def test_not_reportable_cites_the_article_of_the_organisation_type():
    assert "規則第43条" in wording.summary_ja(assess(Facts(PUBLIC_BODY, KNEW, people=3)))
    assert "規則第7条" in wording.summary_ja(assess(Facts(PRIVATE_BUSINESS, KNEW, people=3)))


@pytest.mark.parametrize(("knew", "moved"), [
    (D(2025, 10, 5), "祝日"), (D(2025, 12, 1), "年末年始"), (D(2025, 5, 16), "土曜日"),
    (KNEW, None)])
def test_the_move_is_said_in_japanese(knew, moved):
    result = assess(Facts(PUBLIC_BODY, knew, people=1, sensitive=True))
    assert wording.moved_because_ja(result) == moved
    assert any(f"{moved}のため" in note for note in wording.notes_ja(result)) is bool(moved)


def test_awareness_range_is_explained_in_the_notes():
    result = assess(Facts(PUBLIC_BODY, D(2025, 3, 1), D(2025, 3, 31), people=220))
    assert any("2025-03-01から2025-03-31" in note for note in wording.notes_ja(result))
