"""Third-party provision rules (hogo.rules.provision): a table of cases, each naming the article
it exercises — both regimes, every recipient kind and basis, consent, opt-out and sensitive
data, the three record forms and their keep-until days, receipts, and facts that cannot be
assessed. Framework-free: no database, no Django."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hogo.rules.provision import (
    BASES,
    NOTES,
    REASONS,
    RECIPIENT_KINDS,
    RECORD_ITEMS,
    RECORD_REASONS,
    Article,
    Facts,
    assess,
    keep_record_until,
    keep_until_from,
    may_erase_record,
)

D = dt.date
BUSINESS, PUBLIC = "private_business", "public_body"
JUNE = (D(2026, 6, 1),)
CONSENT = dict(consent_on=D(2026, 5, 1))


def facts(kind: str, recipient: str, basis: str, **more: Any) -> Facts:
    return Facts(organisation_type=kind, recipient_kind=recipient, basis=basis, **more)


# (case, article it exercises, facts, allowed, allowed_because, record_required,
#  record_because, keep_until)
PROVISION = [
    ("Police request under CCP 197(2) to a private operator: allowed without consent; no "
     "provision record required", "act:27:1:1",
     facts(BUSINESS, "police", "ccp_197_2", provided_on=JUNE), True, "law_based", False,
     "law_based", None),
    ("Provision to an insurer with the person's consent: record required, kept 3 years",
     "act:27:1", facts(BUSINESS, "insurer", "consent", provided_on=JUNE, **CONSENT), True,
     "consent", True, "required", D(2029, 6, 1)),
    ("a warrant (CCP Art. 218) at a business: law-based", "act:27:1:1",
     facts(BUSINESS, "police", "warrant"), True, "law_based", False, "law_based", None),
    ("a bar association's inquiry (弁護士法 Art. 23-2) at a business: law-based, no record "
     "although a bar association is not a government body", "act:27:1:1",
     facts(BUSINESS, "bar_association", "bar_association", provided_on=JUNE), True,
     "law_based", False, "law_based", None),
    ("a court's commission to send documents at a business: law-based", "act:27:1:1",
     facts(BUSINESS, "court", "court"), True, "law_based", False, "law_based", None),
    ("another statute's demand (a tax audit) at a business", "act:27:1:1",
     facts(BUSINESS, "government_body", "statute"), True, "law_based", False, "law_based",
     None),
    ("life, body or property, consent hard to get: no consent, no record", "act:27:1:2",
     facts(BUSINESS, "individual", "life_body_property", provided_on=JUNE), True,
     "exception_2", False, "exception", None),
    ("public health or children's welfare, consent hard to get", "act:27:1:3",
     facts(BUSINESS, "government_body", "public_health"), True, "exception_3", False,
     "exception", None),
    ("cooperation with the police's statutory duty", "act:27:1:4",
     facts(BUSINESS, "police", "public_cooperation"), True, "exception_4", False, "exception",
     None),
    ("cooperation with a business entrusted by a local government", "act:27:1:4",
     facts(BUSINESS, "business", "public_cooperation"), True, "exception_4", False,
     "exception", None),
    ("an insurer claiming cooperation: not a national organ or local government", "act:27:1:4",
     facts(BUSINESS, "insurer", "public_cooperation"), False, "not_a_government_body", False,
     "not_provided", None),
    ("to an academic research institution for its research", "act:27:1:7",
     facts(BUSINESS, "academic_institution", "research", provided_on=JUNE), True,
     "exception_7", False, "exception", None),
    ("'for statistics or research' to a business that is no academic institution: refused",
     "act:27:1:7", facts(BUSINESS, "business", "research", provided_on=JUNE), False,
     "research_needs_institution", False, "not_provided", None),
    ("'for research' to an insurer: refused", "act:27:1:7",
     facts(BUSINESS, "insurer", "research"), False, "research_needs_institution", False,
     "not_provided", None),
    ("'for research' to a business, but an opt-out is filed: allowed by opt-out", "act:27:2",
     facts(BUSINESS, "business", "research", opt_out_on=D(2026, 4, 1), provided_on=JUNE),
     True, "opt_out", True, "required", D(2029, 6, 1)),
    ("'cooperation' asked by an insurer, but an opt-out is filed: allowed by opt-out",
     "act:27:2", facts(BUSINESS, "insurer", "public_cooperation", opt_out_on=D(2026, 4, 1),
                       provided_on=JUNE), True, "opt_out", True, "required", D(2029, 6, 1)),
    ("consent, to an academic research institution: recorded", "act:27:1",
     facts(BUSINESS, "academic_institution", "consent", provided_on=JUNE, **CONSENT), True,
     "consent", True, "required", D(2029, 6, 1)),
    ("an insurer without consent or opt-out: refused", "act:27:1",
     facts(BUSINESS, "insurer", "other", provided_on=JUNE), False, "no_consent", False,
     "not_provided", None),
    ("the person's interest is no exception for a business", "act:27:1",
     facts(BUSINESS, "individual", "person_interest"), False, "no_consent", False,
     "not_provided", None),
    ("opt-out to a business: allowed, recorded with the day", "act:27:2",
     facts(BUSINESS, "business", "other", opt_out_on=D(2026, 4, 1), provided_on=JUNE), True,
     "opt_out", True, "required", D(2029, 6, 1)),
    ("sensitive data by opt-out: never", "act:27:2:proviso",
     facts(BUSINESS, "business", "other", opt_out_on=D(2026, 4, 1), sensitive=True), False,
     "sensitive_no_opt_out", False, "not_provided", None),
    ("sensitive data with consent: allowed, recorded", "act:27:1",
     facts(BUSINESS, "individual", "consent", sensitive=True, provided_on=JUNE, **CONSENT),
     True, "consent", True, "required", D(2029, 6, 1)),
    ("a contractor is not a third party", "act:27:5:1",
     facts(BUSINESS, "contractor", "other"), True, "not_third_party", False, "not_third_party",
     None),
    ("a business successor is not a third party", "act:27:5:2",
     facts(BUSINESS, "successor", "other"), True, "not_third_party", False, "not_third_party",
     None),
    ("a joint user is not a third party", "act:27:5:3",
     facts(BUSINESS, "joint_user", "other"), True, "not_third_party", False, "not_third_party",
     None),
    ("consent, to a court (an Art. 16(2) body): no record", "act:27:1",
     facts(BUSINESS, "court", "consent", provided_on=JUNE, **CONSENT), True, "consent", False,
     "government_recipient", None),
    ("consent, to the other party of an accident: recorded", "act:27:1",
     facts(BUSINESS, "individual", "consent", provided_on=JUNE, **CONSENT), True, "consent",
     True, "required", D(2029, 6, 1)),
    ("a public body answers a CCP 197(2) inquiry: law-based, no Art. 29 record",
     "act:69:1", facts(PUBLIC, "police", "ccp_197_2", provided_on=JUNE), True,
     "law_based_public", False, "public_body", None),
    ("a public body, the person's consent, to an insurer", "act:69:2:1",
     facts(PUBLIC, "insurer", "consent", provided_on=JUNE, **CONSENT), True, "public_item_1",
     False, "public_body", None),
    ("a public body to another administrative body for its statutory duty", "act:69:2:3",
     facts(PUBLIC, "government_body", "public_cooperation"), True, "public_item_3", False,
     "public_body", None),
    ("a public body, 'cooperation' asked by an insurer: refused", "act:69:2:3",
     facts(PUBLIC, "insurer", "public_cooperation"), False, "not_a_public_body", False,
     "public_body", None),
    ("a public body, 'cooperation' with a court (not an administrative body): refused",
     "act:69:2:3", facts(PUBLIC, "court", "public_cooperation"), False, "not_a_public_body",
     False, "public_body", None),
    ("a public body, for statistics or research, whoever receives", "act:69:2:4",
     facts(PUBLIC, "business", "research"), True, "public_item_4", False, "public_body", None),
    ("a public body, research, to an academic research institution", "act:69:2:4",
     facts(PUBLIC, "academic_institution", "research"), True, "public_item_4", False,
     "public_body", None),
    ("a public body, clearly in the person's interest", "act:69:2:4",
     facts(PUBLIC, "individual", "person_interest"), True, "public_item_4", False,
     "public_body", None),
    ("a public body, life or body at stake: a special reason", "act:69:2:4",
     facts(PUBLIC, "individual", "life_body_property"), True, "public_item_4", False,
     "public_body", None),
    ("a public body, an insurer with no basis: refused outside the purpose", "act:69:1",
     facts(PUBLIC, "insurer", "other"), False, "outside_purpose", False, "public_body", None),
    ("a public body hands data to its contractor", "act:66:2:1",
     facts(PUBLIC, "contractor", "other"), True, "outsourcing", False, "public_body", None),
]


@pytest.mark.parametrize(("case", "article", "given", "allowed", "because", "record",
                          "record_because", "keep_until"), PROVISION,
                         ids=[row[0] for row in PROVISION])
def test_provision(case, article, given, allowed, because, record, record_because,
                   keep_until):
    decision = assess(given)
    assert decision.allowed_article.code() == article
    assert (decision.allowed, decision.allowed_because) == (allowed, because)
    assert (decision.record_required, decision.record_because) == (record, record_because)
    assert decision.keep_until == keep_until
    assert bool(decision.record_items) is record
    assert (decision.keep_article is not None) is record


# Rules Art. 21 item by form; the day counting of each: (case, article, form, days,
# recorded_on, keep_until)
KEEPING = [
    ("one record per provision: 3 years from the day it was made, first day not counted",
     "rules:21:3", "single", (D(2026, 6, 1),), None, D(2029, 6, 1)),
    ("a record made later than the provision counts from the day it was made", "rules:21:3",
     "single", (D(2026, 6, 1),), D(2026, 6, 10), D(2029, 6, 10)),
    ("the PPC's Q&A 13-35: made 2018-02-01, kept until 2021-02-01", "rules:21:3", "single",
     (D(2018, 1, 31),), D(2018, 2, 1), D(2021, 2, 1)),
    ("one record for repeated provision: 3 years after the LAST provision", "rules:21:2",
     "repeated", (D(2026, 6, 1), D(2026, 9, 10)), None, D(2029, 9, 9)),
    ("contract as the record: 1 year after the LAST provision", "rules:21:1", "contract",
     (D(2026, 6, 1), D(2026, 9, 10)), None, D(2027, 9, 9)),
    ("leap day, one record: made 2024-02-29, kept until 2027-02-28", "rules:21:3", "single",
     (D(2024, 2, 29),), None, D(2027, 2, 28)),
    ("leap day, contract: last provided 2024-02-29, kept until 2025-02-28", "rules:21:1",
     "contract", (D(2024, 2, 29),), None, D(2025, 2, 28)),
    ("leap day, repeated: last provided 2028-02-29, kept until 2031-02-28", "rules:21:2",
     "repeated", (D(2027, 3, 1), D(2028, 2, 29)), None, D(2031, 2, 28)),
    ("leap year end: last provided 2027-03-01, kept until 2030-02-28", "rules:21:2",
     "repeated", (D(2027, 3, 1),), None, D(2030, 2, 28)),
]


@pytest.mark.parametrize(("case", "article", "form", "days", "recorded_on", "keep_until"),
                         KEEPING, ids=[row[0] for row in KEEPING])
def test_keep_until(case, article, form, days, recorded_on, keep_until):
    decision = assess(facts(BUSINESS, "insurer", "consent", consent_on=D(2017, 1, 1),
                            provided_on=days, record_form=form, recorded_on=recorded_on))
    assert decision.keep_article.code() == article
    assert decision.keep_until == keep_until
    assert keep_record_until(form, days, recorded_on=recorded_on) == (
        keep_until, decision.keep_article)


def test_the_record_is_erased_the_day_after_its_keep_until_day():
    decision = assess(facts(BUSINESS, "insurer", "consent", provided_on=JUNE, **CONSENT))
    assert not may_erase_record(decision.keep_until, D(2029, 6, 1))
    assert may_erase_record(decision.keep_until, D(2029, 6, 2))
    assert not may_erase_record(None, D(2100, 1, 1))  # no day of provision yet


def test_keep_until_from_counts_the_first_day():
    assert keep_until_from(D(2026, 6, 1), 1) == D(2027, 5, 31)
    assert keep_until_from(D(2026, 1, 1), 3) == D(2028, 12, 31)
    assert keep_until_from(D(2024, 2, 29), 1) == D(2025, 2, 28)


def test_no_day_of_provision_yet_means_no_keep_until_day():
    decision = assess(facts(BUSINESS, "insurer", "consent", **CONSENT))
    assert decision.record_required and decision.keep_until is None
    assert decision.keep_article == Article("rules", 21, None, 3)


@pytest.mark.parametrize("kind", ["police", "court", "government_body"])
def test_a_government_recipient_is_exempt_by_art_29_1s_parenthetical(kind):
    # 「第三者（第十六条第二項各号に掲げる者を除く。…）」: Art. 29(1), not Art. 16(2) alone.
    decision = assess(facts(BUSINESS, kind, "consent", provided_on=JUNE, **CONSENT))
    assert (decision.record_required, decision.record_because) == (False,
                                                                   "government_recipient")
    assert decision.record_article.code() == "act:29:1"
    receipt = assess(facts(BUSINESS, kind, "consent", direction="receive", **CONSENT))
    assert (receipt.record_because, receipt.record_article.code()) == (
        "government_recipient", "act:30:1")


def test_research_is_no_exception_for_a_business_unless_the_recipient_is_academic():
    refused = assess(facts(BUSINESS, "business", "research"))
    assert not refused.allowed and refused.allowed_because == "research_needs_institution"
    assert not refused.record_required and refused.record_because == "not_provided"
    allowed = assess(facts(BUSINESS, "academic_institution", "research"))
    assert allowed.allowed and allowed.notes == ("academic_institution",)
    # A public body's Art. 69(2)(iv) knows no such condition.
    assert assess(facts(PUBLIC, "individual", "research")).allowed_because == "public_item_4"


def test_a_public_body_law_based_provision_has_its_own_reason():
    # Art. 69(1) is about provision outside the purpose of use, not about consent.
    assert assess(facts(PUBLIC, "police", "ccp_197_2")).allowed_because == "law_based_public"
    assert assess(facts(BUSINESS, "police", "ccp_197_2")).allowed_because == "law_based"


# Rules Art. 20(1): the record's items, consent case and opt-out case. Item (ii)ロ records
# 「前号ロからニまでに掲げる事項」: the same recipient items as the opt-out case.
def test_a_consent_record_holds_the_consent_and_who_received_it():
    decision = assess(facts(BUSINESS, "insurer", "consent", provided_on=JUNE, **CONSENT))
    assert decision.items_article.code() == "rules:20:1:2"
    assert decision.record_items == ("consent", "recipient_name", "recipient_address",
                                     "recipient_representative", "persons", "data_items")
    assert decision.record_article.code() == "act:29:1"
    person = assess(facts(BUSINESS, "individual", "consent", **CONSENT))
    assert person.record_items == ("consent", "recipient_name", "recipient_address",
                                   "persons", "data_items")


def test_an_opt_out_record_holds_the_day_and_the_recipients_address_and_representative():
    decision = assess(facts(BUSINESS, "business", "other", opt_out_on=D(2026, 4, 1),
                            provided_on=JUNE))
    assert decision.items_article.code() == "rules:20:1:1"
    assert decision.record_items == ("provided_on", "recipient_name", "recipient_address",
                                     "recipient_representative", "persons", "data_items")
    assert "opt_out_filed" in decision.notes and "record_promptly" in decision.notes
    person = assess(facts(BUSINESS, "individual", "other", opt_out_on=D(2026, 4, 1)))
    assert "recipient_representative" not in person.record_items  # 法人にあっては only


# Receipts (Act Art. 30; Rules Arts. 22-25): (case, article, facts, record, record_because,
# items article, items)
RECEIPT = [
    ("footage from another operator with its written consent: a receipt record",
     "act:30:3", facts(BUSINESS, "business", "consent", direction="receive",
                       provided_on=JUNE, **CONSENT), True, "required", "rules:24:1:2",
     ("consent", "provider_name", "provider_address", "provider_representative",
      "how_obtained", "persons", "data_items")),
    ("data received by opt-out: the day and the PPC's publication are recorded", "act:30:3",
     facts(BUSINESS, "business", "other", direction="receive", opt_out_on=D(2026, 4, 1),
           provided_on=JUNE), True, "required", "rules:24:1:1",
     ("received_on", "provider_name", "provider_address", "provider_representative",
      "how_obtained", "persons", "data_items", "ppc_published")),
    ("from a private person (not a business): no consent item, no representative",
     "act:30:3", facts(BUSINESS, "individual", "other", direction="receive",
                       provided_on=JUNE), True, "required", "rules:24:1:3",
     ("provider_name", "provider_address", "how_obtained", "persons", "data_items")),
    ("from the police (an Art. 16(2) body): no confirmation, no record", "act:30:1",
     facts(BUSINESS, "police", "other", direction="receive"), False, "government_recipient",
     None, ()),
    ("from our contractor: not a third party", "act:30:1:proviso",
     facts(BUSINESS, "contractor", "other", direction="receive"), False, "not_third_party",
     None, ()),
    ("under a law: no record", "act:30:1:proviso",
     facts(BUSINESS, "business", "statute", direction="receive"), False, "law_based", None,
     ()),
    ("in an emergency for life or body: no record", "act:30:1:proviso",
     facts(BUSINESS, "individual", "life_body_property", direction="receive"), False,
     "exception", None, ()),
    ("from an academic research institution for research (Art. 27(1)(v)-(vi)): no record",
     "act:30:1:proviso", facts(BUSINESS, "academic_institution", "research",
                               direction="receive"), False, "exception", None, ()),
    ("'for research' from a business (no academic provider): a receipt record", "act:30:3",
     facts(BUSINESS, "business", "research", direction="receive", provided_on=JUNE), True,
     "required", "rules:24:1:2", ("consent", "provider_name", "provider_address",
                                  "provider_representative", "how_obtained", "persons",
                                  "data_items")),
    ("a public body receiving: Art. 30 binds businesses only", "act:30:1",
     facts(PUBLIC, "business", "consent", direction="receive", **CONSENT), False,
     "public_body", None, ()),
]


@pytest.mark.parametrize(("case", "article", "given", "record", "record_because",
                          "items_article", "items"), RECEIPT, ids=[row[0] for row in RECEIPT])
def test_receipt(case, article, given, record, record_because, items_article, items):
    decision = assess(given)
    assert decision.allowed and decision.allowed_because == "receipt"
    assert decision.record_article.code() == article
    assert (decision.record_required, decision.record_because) == (record, record_because)
    assert (decision.items_article.code() if decision.items_article else None) == items_article
    assert decision.record_items == items


def test_a_receipt_record_is_kept_as_rules_art_25_says():
    base = dict(direction="receive", **CONSENT)
    single = assess(facts(BUSINESS, "business", "consent", provided_on=JUNE, **base))
    assert (single.keep_article.code(), single.keep_until) == ("rules:25:3", D(2029, 6, 1))
    contract = assess(facts(BUSINESS, "business", "consent", record_form="contract",
                            provided_on=(D(2026, 6, 1), D(2026, 8, 1)), **base))
    assert (contract.keep_article.code(), contract.keep_until) == ("rules:25:1", D(2027, 7, 31))
    assert "how_obtained_checked" in contract.notes


def test_receipt_from_an_academic_provider_says_what_to_check():
    decision = assess(facts(BUSINESS, "academic_institution", "research", direction="receive"))
    assert decision.notes == ("academic_provider",)


def test_sensitive_data_is_not_received_by_opt_out():
    decision = assess(facts(BUSINESS, "business", "other", direction="receive",
                            opt_out_on=D(2026, 4, 1), sensitive=True))
    assert not decision.allowed and decision.allowed_article.code() == "act:27:2:proviso"
    assert not decision.record_required


def test_what_is_left_to_the_person_deciding_is_said():
    police = assess(facts(PUBLIC, "police", "ccp_197_2"))
    assert police.notes == ("law_based_still_judged", "recipient_measures")
    special = assess(facts(PUBLIC, "individual", "person_interest"))
    assert special.notes == ("no_undue_harm", "special_reason", "recipient_measures")
    assert assess(facts(PUBLIC, "insurer", "other")).notes == ("within_purpose",)
    assert assess(facts(BUSINESS, "joint_user", "other")).notes == ("joint_use_items_known",)
    assert assess(facts(BUSINESS, "business", "public_cooperation")).notes == (
        "consent_would_hinder", "government_contractor")


def test_outsourcing_is_no_third_party_but_a_law_based_provision_is():
    assert not assess(facts(BUSINESS, "contractor", "other")).third_party
    assert not assess(facts(PUBLIC, "contractor", "other")).third_party
    assert assess(facts(BUSINESS, "police", "ccp_197_2")).third_party


@pytest.mark.parametrize("kind", RECIPIENT_KINDS)
@pytest.mark.parametrize("basis", BASES)
@pytest.mark.parametrize("organisation_type", [BUSINESS, PUBLIC])
def test_every_combination_answers_with_known_codes(organisation_type, kind, basis):
    for direction in ("provide", "receive"):
        decision = assess(facts(organisation_type, kind, basis, direction=direction,
                                consent_on=D(2026, 5, 1), provided_on=JUNE))
        assert decision.allowed_because in REASONS
        assert decision.record_because in RECORD_REASONS
        assert set(decision.record_items) <= set(RECORD_ITEMS)
        assert set(decision.notes) <= set(NOTES)
        assert decision.allowed_article.law == "act"


# Facts that cannot be assessed: ValueError saying why (the CLI exits 2, the API answers 422).
BAD = [
    ("an unknown organisation type", facts("ngo", "insurer", "consent", **CONSENT),
     "organisation_type must be one of"),
    ("an unknown recipient", facts(BUSINESS, "bank", "consent", **CONSENT),
     "recipient_kind must be one of"),
    ("an unknown basis", facts(BUSINESS, "insurer", "whim"), "basis must be one of"),
    ("an unknown record form", facts(BUSINESS, "insurer", "other", record_form="ledger"),
     "record_form must be one of"),
    ("an unknown direction", facts(BUSINESS, "insurer", "other", direction="sideways"),
     "direction must be one of"),
    ("consent without its day", facts(BUSINESS, "insurer", "consent"), "consent_on"),
    ("opt-out at a public body (Act Art. 27(2))",
     facts(PUBLIC, "insurer", "other", opt_out_on=D(2026, 4, 1)), "business operators only"),
    ("one record for two provisions", facts(BUSINESS, "insurer", "consent",
                                            provided_on=(D(2026, 6, 1), D(2026, 7, 1)),
                                            **CONSENT), "record_form repeated"),
    ("consent obtained after the provision",
     facts(BUSINESS, "insurer", "consent", consent_on=D(2026, 6, 2), provided_on=JUNE),
     "consent must be obtained before"),
    ("opt-out filed after the provision",
     facts(BUSINESS, "business", "other", opt_out_on=D(2026, 6, 2), provided_on=JUNE),
     "opt-out must be notified and filed before"),
    ("a record made before its provision",
     facts(BUSINESS, "insurer", "consent", provided_on=JUNE, recorded_on=D(2026, 5, 31),
           **CONSENT), "recorded_on is before provided_on"),
    ("opt-out in one record for repeated provision (Rules Art. 19(2))",
     facts(BUSINESS, "business", "other", opt_out_on=D(2026, 4, 1), record_form="repeated"),
     "recorded each time"),
    ("opt-out with a contract as the record (Rules Art. 19(3))",
     facts(BUSINESS, "business", "other", opt_out_on=D(2026, 4, 1), record_form="contract"),
     "recorded each time"),
    ("opt-out receipt in one record for repeated receipt (Rules Art. 23(2))",
     facts(BUSINESS, "business", "other", direction="receive", opt_out_on=D(2026, 4, 1),
           record_form="repeated"), "recorded each time"),
    ("opt-out receipt with a contract as the record (Rules Art. 23(3))",
     facts(BUSINESS, "business", "other", direction="receive", opt_out_on=D(2026, 4, 1),
           record_form="contract", provided_on=JUNE),
     "a contract as the record are for data not"),
]


@pytest.mark.parametrize(("case", "given", "message"), BAD, ids=[row[0] for row in BAD])
def test_facts_that_cannot_be_assessed_say_why(case, given, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        assess(given)

