"""POST /api/provision/assess with a real machine token: the public cases, the organisation's
profile as the default, clear refusals (never a 500); and the bridge from a provision request
to the rules (`hogo.provision.assessment`), whose stored JSON is the API's."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any, get_args

import pytest

from hogo import clock
from hogo.accounts import permissions
from hogo.provision import api, assessment
from hogo.provision.models import Basis, ProvisionRequest, RecipientKind
from hogo.rules.provision import BASES, RECIPIENT_KINDS

URL = "/api/provision/assess"
_numbers = itertools.count(1)


@pytest.fixture
def ask(client, token):
    """POST the facts with the demo city's machine token; return the response."""

    def post(**body: Any):
        return client.post(URL, body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")

    return post


PUBLIC_CASES = [
    # (case, body, allowed, record_required, keep_until)
    ("Police request under CCP 197(2) to a private operator: allowed without consent; no "
     "provision record required",
     dict(organisation_type="private_business", recipient_kind="police", basis="ccp_197_2",
          provided_on=["2026-06-01"]), True, False, None),
    ("Provision to an insurer with the person's consent: record required, kept 3 years",
     dict(organisation_type="private_business", recipient_kind="insurer", basis="consent",
          consent_on="2026-05-01", provided_on=["2026-06-01"]), True, True, "2029-06-01"),
    ("repeated provision: kept 3 years after the last",
     dict(organisation_type="private_business", recipient_kind="insurer", basis="consent",
          consent_on="2026-05-01", record_form="repeated",
          provided_on=["2026-06-01", "2026-09-10"]), True, True, "2029-09-09"),
    ("contract as the record: 1 year after the last",
     dict(organisation_type="private_business", recipient_kind="business", basis="consent",
          consent_on="2026-05-01", record_form="contract",
          provided_on=["2026-06-01", "2026-09-10"]), True, True, "2027-09-09"),
    ("an insurer without consent: refused, a 200",
     dict(organisation_type="private_business", recipient_kind="insurer", basis="other"),
     False, False, None),
]


@pytest.mark.parametrize(("case", "body", "allowed", "record", "keep_until"), PUBLIC_CASES,
                         ids=[row[0] for row in PUBLIC_CASES])
def test_public_cases(ask, case, body, allowed, record, keep_until):
    response = ask(**body)
    assert response.status_code == 200, response.content
    result = response.json()
    assert (result["allowed"], result["record_required"]) == (allowed, record)
    assert result["keep_until"] == keep_until
    assert result["allowed_because_ja"] and result["allowed_because_en"]


def test_the_kinds_and_bases_are_the_rules_everywhere():
    assert get_args(api.RecipientKind) == RECIPIENT_KINDS
    assert tuple(RecipientKind.values) == RECIPIENT_KINDS
    assert "academic_institution" in RECIPIENT_KINDS
    assert get_args(api.BasisCode) == BASES
    assert tuple(Basis.values) == BASES


def test_research_needs_an_academic_recipient_at_a_business(ask):
    business = ask(organisation_type="private_business", recipient_kind="business",
                   basis="research").json()
    assert (business["allowed"], business["allowed_because"]) == (
        False, "research_needs_institution")
    assert business["allowed_article"] == "act:27:1:7" and business["allowed_because_en"]
    academic = ask(organisation_type="private_business", recipient_kind="academic_institution",
                   basis="research")
    assert academic.status_code == 200, academic.content
    assert (academic.json()["allowed"], academic.json()["allowed_because"]) == (
        True, "exception_7")


def test_the_answer_names_and_words_the_articles(ask):
    result = ask(organisation_type="private_business", recipient_kind="insurer",
                 basis="consent", consent_on="令和8年5月1日", provided_on=["20260601"]).json()
    assert result["allowed_article"] == "act:27:1"
    assert result["allowed_article_text_en"] == "APPI Art. 27(1)"
    assert result["record_article_text_ja"] == "個人情報の保護に関する法律第29条第1項"
    assert result["record_items_article_text_en"] == "APPI Enforcement Rules Art. 20(1)(ii)"
    assert result["record_items_ja"][0] == "本人の同意を得ている旨"
    assert result["provided_on"] == ["2026-06-01"]


def test_the_default_organisation_type_is_the_tokens_profile(ask, demo):
    city = ask(recipient_kind="insurer", basis="consent", consent_on="2026-05-01").json()
    assert (city["organisation_type"], city["allowed_article"]) == ("public_body", "act:69:2:1")
    assert not city["record_required"] and city["record_because"] == "public_body"
    demo.profile_key = "bus_taxi_operator"
    demo.policy_overrides = {}
    demo.save(update_fields=["profile_key", "policy_overrides"])
    operator = ask(recipient_kind="insurer", basis="consent", consent_on="2026-05-01").json()
    assert operator["organisation_type"] == "private_business" and operator["record_required"]


def test_a_receipt(ask):
    result = ask(organisation_type="private_business", direction="receive",
                 recipient_kind="individual", basis="other", provided_on=["2026-06-01"]).json()
    assert result["record_required"] and result["record_items_article"] == "rules:24:1:3"
    assert "provider_representative" not in result["record_items"]
    assert "provider_personal_data" in result["notes"]


@pytest.mark.parametrize(("body", "detail"), [
    (dict(recipient_kind="business", basis="other", opt_out_on="2026-04-01"),
     "business operators only"),
    (dict(organisation_type="private_business", recipient_kind="insurer", basis="consent"),
     "consent_on"),
    (dict(organisation_type="private_business", recipient_kind="insurer", basis="consent",
          consent_on="2026-05-01", provided_on=["2026-06-01", "2026-07-01"]),
     "record_form repeated"),
    (dict(organisation_type="private_business", recipient_kind="business", basis="other",
          opt_out_on="2026-04-01", record_form="contract"), "recorded each time"),
], ids=["opt-out at a public body", "consent without day", "two days, single",
        "opt-out contract"])
def test_contradictory_facts_are_a_422_saying_why(ask, body, detail):
    response = ask(**body)
    assert response.status_code == 422
    assert detail in response.json()["detail"]


@pytest.mark.parametrize(("body", "field"), [
    (dict(recipient_kind="bank", basis="consent"), "recipient_kind"),
    (dict(recipient_kind="insurer", basis="whim"), "basis"),
    (dict(basis="consent"), "recipient_kind"),
    (dict(recipient_kind="insurer", basis="consent", consent_on="2026-02-30"), "consent_on"),
    (dict(recipient_kind="insurer", basis="other", provided_on=["soon"]), "provided_on"),
    (dict(recipient_kind="insurer", basis="other", sensitve=True), "sensitve"),
    (dict(recipient_kind="insurer", basis="other", record_form="ledger"), "record_form"),
], ids=["unknown recipient", "unknown basis", "recipient missing", "impossible date",
        "not a date", "unknown field", "unknown record form"])
def test_bad_input_is_a_422_naming_the_field(ask, body, field):
    response = ask(**body)
    assert response.status_code == 422
    assert any(field in error["loc"] for error in response.json()["detail"])


def test_without_a_token_401(client, demo):
    response = client.post(URL, {"recipient_kind": "police", "basis": "ccp_197_2"},
                           content_type="application/json")
    assert response.status_code == 401


def test_a_token_the_permission_refuses_gets_json_403(ask, monkeypatch):
    monkeypatch.setitem(permissions.TOKEN_RULES, "provision.assess", lambda token, obj: False)
    response = ask(recipient_kind="police", basis="ccp_197_2")
    assert response.status_code == 403
    assert "may not assess" in response.json()["detail"]


def test_endpoint_is_documented(client, demo):
    operation = client.get("/api/openapi.json").json()["paths"][URL]["post"]
    assert operation["tags"] == ["provision"]


# --- a provision request to the rules (hogo.provision.assessment) -----------------------------


def request_of(organisation, **fields: Any) -> ProvisionRequest:
    return ProvisionRequest.objects.create(**{
        "organisation": organisation, "number": f"2026-T{next(_numbers):03d}",
        "received_via": "letter", "received_at": clock.now(), **fields})


def test_a_request_is_assessed_with_its_organisations_type(demo):
    police = request_of(demo, recipient_kind="police", basis="ccp_197_2")
    facts = assessment.facts_of(police, (dt.date(2026, 6, 2), dt.date(2026, 6, 1)))
    assert facts.organisation_type == "public_body"
    assert facts.provided_on == (dt.date(2026, 6, 1), dt.date(2026, 6, 2))
    decision = assessment.assess_request(police)
    assert decision.allowed and decision.allowed_article.code() == "act:69:1"


def test_a_request_lacking_its_basis_cannot_be_assessed_yet(demo):
    bare = request_of(demo, recipient_kind="insurer")
    with pytest.raises(ValueError, match="basis"):
        assessment.assess_request(bare)
    assert assessment.store_assessment(bare) is None
    bare.refresh_from_db()
    assert bare.assessment == {}
    no_day = request_of(demo, recipient_kind="insurer", basis="consent")
    with pytest.raises(ValueError, match="consent_on"):
        assessment.assess_request(no_day)


def test_the_stored_assessment_is_the_apis_json(demo, ask):
    demo.profile_key = "bus_taxi_operator"
    demo.policy_overrides = {}
    demo.save(update_fields=["profile_key", "policy_overrides"])
    insurer = request_of(demo, recipient_kind="insurer", basis="consent",
                         consent_on=dt.date(2026, 5, 1), record_form="repeated")
    decision = assessment.store_assessment(insurer)
    assert decision is not None and decision.record_required
    insurer.refresh_from_db()
    api = ask(recipient_kind="insurer", basis="consent", consent_on="2026-05-01",
              record_form="repeated").json()
    assert insurer.assessment == api
    assert insurer.assessment["keep_until"] is None  # no day of provision yet
