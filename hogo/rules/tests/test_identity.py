"""Which documents show who a requester is (R-603): a table of cases, without Django."""

import datetime as dt

import pytest

from hogo.rules import identity as rules

ARRIVED = dt.date(2026, 6, 10)


@pytest.mark.parametrize(("requester", "documents", "by_post", "made_on", "expected"), [
    ("self", ["driving_licence"], False, None, []),
    ("self", ["my_number_card"], False, None, []),
    ("self", ["passport"], False, None, []),
    ("self", ["residence_card"], False, None, []),
    ("self", ["health_insurance"], False, None, ["second_document"]),
    ("self", ["health_insurance", "pension_book"], False, None, []),
    ("self", ["health_insurance", "residence_certificate"], False, None, []),
    ("self", [], False, None, ["no_document"]),
    ("self", ["power_of_attorney"], False, None, ["no_document"]),
    ("self", ["driving_licence"], True, None, ["residence_certificate"]),
    ("self", ["driving_licence", "residence_certificate"], True, None,
     ["residence_certificate_day"]),
    ("self", ["driving_licence", "residence_certificate"], True, dt.date(2026, 5, 11), []),
    ("self", ["driving_licence", "residence_certificate"], True, dt.date(2026, 5, 10),
     ["residence_certificate_old"]),
    ("self", ["driving_licence", "residence_certificate"], True, dt.date(2026, 6, 11),
     ["residence_certificate_after"]),
    ("legal_representative", ["driving_licence"], False, None, ["qualification"]),
    ("legal_representative", ["driving_licence", "family_register"], False, None, []),
    ("legal_representative", ["passport", "guardianship"], False, None, []),
    ("attorney", ["driving_licence"], False, None, ["power_of_attorney", "principal_document"]),
    ("attorney", ["driving_licence", "power_of_attorney"], False, None,
     ["principal_document"]),
    ("attorney", ["driving_licence", "power_of_attorney", "principal_document"], False, None,
     []),
    ("self", ["library_card"], False, None, ["unknown_document", "no_document"]),
])
def test_documents_that_show_the_requester(requester, documents, by_post, made_on, expected):
    assert rules.problems(requester_type=requester, documents=documents, by_post=by_post,
                          residence_certificate_on=made_on, received_on=ARRIVED) == expected


@pytest.mark.parametrize(("note", "written"), [
    ("個人番号 1234 5678 9012 を確認", True),
    ("123456789012", True),
    ("1234-5678-9012", True),
    ("免許証番号 第123456789012号", True),
    ("電話 03-1234-5678", False),
    ("1234567890123", False),  # 13 digits: not a personal number
    ("マイナンバーカードの表面で確認（番号は記録しない）", False),
])
def test_a_personal_number_is_never_written_down(note, written):
    assert rules.writes_personal_number(note) is written
    found = rules.problems(requester_type="self", documents=["my_number_card"], by_post=False,
                           residence_certificate_on=None, received_on=ARRIVED, note=note)
    assert (found == ["personal_number_written"]) is written
