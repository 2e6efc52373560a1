"""POST /api/requests/assess with a real machine token: the public cases, the token's
organisation's profile as the default, what the law forbids as a 422 naming the rule, bad
input as a 422 naming the field, a refused permission as a JSON 403, the same JSON as the
console's."""

from __future__ import annotations

import io
import json
from typing import Any, get_args

import pytest
from django.core.management import call_command
from django.urls import resolve

from hogo.accounts import permissions
from hogo.requests import api
from hogo.requests.models import Kind
from hogo.rules.requests import KINDS

URL = "/api/requests/assess"


@pytest.fixture
def ask(client, token):
    """POST the facts with the demo city's machine token; return the response."""
    assert resolve(URL).url_name  # mounted by hogo/api.py

    def post(**body: Any):
        return client.post(URL, body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")

    return post


PUBLIC_CASES = [
    ("Disclosure request received 1 April (private business): may sue from 16 April",
     dict(organisation_type="private_business", kind="disclosure", received_on="2026-04-01"),
     {"may_sue_on": "2026-04-16", "due_on": "2026-04-15"}),
    ("a city's decision day moved by a correction wait",
     dict(kind="disclosure", received_on="2026-04-01",
          correction_waits=["2026-04-03:2026-04-07"]),
     {"due_on": "2026-05-06", "waited_days": 5, "may_sue_on": None}),
    ("an extension with its reason",
     dict(kind="disclosure", received_on="2026-04-01", extended=True,
          extension_reason="大量の映像の検索"),
     {"extended_due_on": "2026-05-31"}),
    ("a driving school: 1,000 yen per item",
     dict(profile="driving_school", kind="disclosure", received_on="2026-04-01", fee_items=2),
     {"fee_yen": 2000, "may_sue_on": "2026-04-16"}),
]


@pytest.mark.parametrize(("case", "body", "values"), PUBLIC_CASES,
                         ids=[row[0] for row in PUBLIC_CASES])
def test_public_cases(ask, case, body, values):
    response = ask(**body)
    assert response.status_code == 200, response.content
    result = response.json()
    for key, value in values.items():
        assert result[key] == value, key
    assert result["citations"]["due_on"].startswith("法第")


def test_the_default_is_the_tokens_organisation(ask):
    result = ask(kind="disclosure", received_on="2026-04-01").json()
    assert (result["organisation_type"], result["profile"], result["fee_yen"]) == (
        "public_body", "city", 300)
    assert result["articles"] == {"due_on": "act:83:1", "fee_yen": "act:89"}
    assert result["citations_en"]["due_on"] == "APPI Art. 83(1)"


def test_the_answer_is_the_consoles(ask):
    body = dict(kind="disclosure", received_on="2026-04-01",
                correction_waits=["2026-04-03:2026-04-07"], extended=True,
                extension_reason="大量", large=True, copy_sheets=3)
    out = io.StringIO()
    call_command("requests", "assess", "--json", "--kind", "disclosure", "--received-on",
                 "2026-04-01", "--correction-wait", "2026-04-03:2026-04-07", "--extended",
                 "--extension-reason", "大量", "--large", "--copy-sheets", "3", stdout=out)
    assert ask(**body).json() == json.loads(out.getvalue())


@pytest.mark.parametrize(("body", "code", "detail"), [
    # The requirements' public case: a fee asked for a correction request is refused.
    (dict(kind="correction", received_on="2026-04-01", fee_items=1), "fee_on_free_kind",
     "no fee may be charged for a correction or stop request"),
    (dict(kind="disclosure", received_on="2026-04-01", extended=True),
     "extension_without_reason", "an extension needs a written reason"),
    (dict(kind="disclosure", received_on="2026-04-01", extended=True, extension_reason=" "),
     "extension_without_reason", "an extension needs a written reason"),
    (dict(organisation_type="private_business", kind="disclosure", received_on="2026-04-01",
          extended=True, extension_reason="x"), "extension_not_available",
     "only a public body may extend"),
    (dict(kind="suspension", received_on="2026-04-01", disclosed_on="2025-12-01"),
     "after_disclosure_period", "within 90 days of the disclosure"),
])
def test_what_the_law_forbids_is_a_422_naming_the_rule(ask, body, code, detail):
    response = ask(**body)
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert detail in response.json()["detail"]


@pytest.mark.parametrize(("body", "field"), [
    (dict(kind="disclosure", received_on="2026-02-30"), "received_on"),
    (dict(kind="disclosure", received_on=1775000000), "received_on"),
    (dict(kind="complaint", received_on="2026-04-01"), "kind"),
    (dict(kind="disclosure", received_on="2026-04-01", correction_waits=["2026-04-03"]),
     "correction_waits"),
    (dict(kind="disclosure", received_on="2026-04-01", fee_items=-1), "fee_items"),
    (dict(kind="disclosure", received_on="2026-04-01", extention_reason="typo"),
     "extention_reason"),
])
def test_bad_input_is_a_422_naming_the_field(ask, body, field):
    response = ask(**body)
    assert response.status_code == 422
    assert field in json.dumps(response.json())


def test_an_unknown_profile_is_a_422(ask):
    response = ask(profile="school", kind="disclosure", received_on="2026-04-01")
    assert response.status_code == 422
    assert "profile must be one of" in response.json()["detail"]


def test_without_a_token_401(ask, client):
    response = client.post(URL, {"kind": "disclosure", "received_on": "2026-04-01"},
                           content_type="application/json")
    assert response.status_code == 401


def test_a_token_the_permission_refuses_gets_json_403(ask, monkeypatch):
    monkeypatch.setitem(permissions.TOKEN_RULES, "requests.assess", lambda token, obj: False)
    response = ask(kind="disclosure", received_on="2026-04-01")
    assert response.status_code == 403
    assert response.json()["detail"] == "this token may not assess requests"


def test_the_kinds_are_the_rules_everywhere():
    assert get_args(api.KindCode) == KINDS
    assert tuple(Kind.values) == KINDS
