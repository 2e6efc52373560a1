"""POST /api/incidents/assess: public cases (R-803, R-804) through the API, the demo city's
policy as the default, late filings, ranges, and clear refusals (never a 500)."""

from __future__ import annotations

from typing import Any

import pytest

from hogo.accounts import permissions

URL = "/api/incidents/assess"


@pytest.fixture
def ask(client, token):
    """POST the facts with the demo city's machine token; return the response."""

    def post(**body: Any):
        return client.post(URL, body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")

    return post


REPORTABILITY = [
    # (case, body, reportable, criteria numbers)
    ("private, 900 people", dict(organisation_type="private_business", people=900), False, []),
    ("private, 1,001 people", dict(organisation_type="private_business", people=1001), True,
     [4]),
    ("public body, 101 people", dict(organisation_type="public_body", people=101), True, [4]),
    ("public body, 100 people", dict(organisation_type="public_body", people=100), False, []),
    ("one person's sensitive data", dict(organisation_type="private_business", people=1,
                                         sensitive=True), True, [1]),
    ("strongly encrypted laptop stolen", dict(organisation_type="private_business",
                                              people=5000, unauthorised=True, encrypted=True),
     False, [3, 4]),
]


@pytest.mark.parametrize(("case", "body", "reportable", "numbers"), REPORTABILITY,
                         ids=[row[0] for row in REPORTABILITY])
def test_reportability_public_cases(ask, case, body, reportable, numbers):
    response = ask(knew_on="2025-06-02", **body)
    assert response.status_code == 200, response.content
    result = response.json()
    assert result["reportable"] is reportable
    assert [c["number"] for c in result["criteria"]] == numbers
    assert result["summary_ja"].startswith("報告対象：" if reportable else "報告対象外")


def test_criterion_is_said_in_words_and_encryption_exempts(ask):
    private = ask(knew_on="2025-06-02", organisation_type="private_business", people=1001)
    assert private.json()["criteria"] == [{
        "number": 4, "code": "people", "label_ja": "本人の数が1,000人を超える（おそれを含む）",
        "label_en": "more than 1,000 people are involved (or may be)"}]
    assert private.json()["exempt_ja"] is None
    laptop = ask(knew_on="2025-06-02", organisation_type="private_business", people=5000,
                 unauthorised=True, encrypted=True).json()
    assert "暗号化" in laptop["exempt_ja"] and "encrypted" in laptop["exempt_en"]
    assert "encrypted" in laptop["summary_en"]


DEADLINES = [
    # (case, knew, unauthorised, final days, final day N, final due, moved because)
    ("Culture Day", "2025-10-05", False, 30, "2025-11-03", "2025-11-04", "祝日"),
    ("year end", "2025-12-01", False, 30, "2025-12-30", "2026-01-05", "年末年始"),
    ("theft, 60 days", "2025-01-10", True, 60, "2025-03-10", "2025-03-10", None),
]


@pytest.mark.parametrize(("case", "knew", "unauthorised", "days", "day", "due", "moved"),
                         DEADLINES, ids=[row[0] for row in DEADLINES])
def test_final_report_deadline_public_cases(ask, case, knew, unauthorised, days, day, due,
                                            moved):
    result = ask(knew_on=knew, people=1, sensitive=True, unauthorised=unauthorised).json()
    assert result["knew_on"] == knew
    assert (result["final_days"], result["final_day"], result["final_due"]) == (days, day, due)
    assert result["moved_because"] == moved


def test_moved_deadline_is_explained_in_english_and_japanese(ask):
    result = ask(knew_on="2025-10-05", sensitive=True).json()
    assert result["moved_because_en"] == "national holiday"
    assert any("祝日のため" in note for note in result["notes_ja"])
    assert result["preliminary_target"] == "2025-10-07"  # day 3, counting the day of knowing


def test_late_and_on_time_filings(ask):
    result = ask(knew_on="2025-10-05", sensitive=True, filed_preliminary="2025-10-06",
                 filed_final="2025-11-20").json()
    assert result["filings"] == [
        {"kind": "preliminary", "filed_on": "2025-10-06", "due": "2025-10-07", "late": False,
         "days_late": 0},
        {"kind": "final", "filed_on": "2025-11-20", "due": "2025-11-04", "late": True,
         "days_late": 16},
    ]
    assert ask(knew_on="2025-10-05", sensitive=True).json()["filings"] == []


def test_awareness_range_counts_from_its_first_day(ask):
    result = ask(knew_on="2025-03-01", knew_on_latest="2025-03-31", people=220).json()
    assert (result["knew_on"], result["knew_on_latest"]) == ("2025-03-01", "2025-03-31")
    assert result["final_due"] == "2025-03-31"
    assert result["latest_final_due"] == "2025-04-30"
    assert any("2025-03-01から2025-03-31" in note for note in result["notes_ja"])


def test_defaults_come_from_the_organisations_policy_profile(ask, demo):
    # The demo city is a public body: 101 people are reportable without naming the type.
    city = ask(knew_on="2025-06-02", people=101).json()
    assert (city["organisation_type"], city["threshold"], city["reportable"]) == (
        "public_body", 100, True)
    demo.policy_overrides = {"incidents.reporting_threshold": 50,
                             "incidents.preliminary_report_days": 5}
    demo.save()
    overridden = ask(knew_on="2025-06-02", people=51).json()
    assert overridden["reportable"] and overridden["threshold"] == 50
    assert overridden["preliminary_target"] == "2025-06-06"  # day 5
    # Another organisation type gets the law's threshold, not the city's own.
    private = ask(knew_on="2025-06-02", people=51, organisation_type="private_business")
    assert private.json()["threshold"] == 1000 and not private.json()["reportable"]


def test_without_a_token_401(client, demo):
    response = client.post(URL, {"knew_on": "2025-06-02"}, content_type="application/json")
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_a_token_the_permission_refuses_gets_json_403(ask, monkeypatch):
    monkeypatch.setitem(permissions.TOKEN_RULES, "incidents.assess", lambda token, obj: False)
    response = ask(knew_on="2025-06-02")
    assert response.status_code == 403
    assert "may not assess" in response.json()["detail"]


def test_knew_on_latest_before_knew_on_is_a_422_saying_why(ask):
    response = ask(knew_on="2025-03-31", knew_on_latest="2025-03-01")
    assert response.status_code == 422
    assert response.json() == {"detail": "knew_on_latest must not be before knew_on"}


@pytest.mark.parametrize(("body", "field"), [
    (dict(knew_on="2025-06-02", organisation_type="ngo"), "organisation_type"),
    (dict(knew_on="2025-13-40"), "knew_on"),
    (dict(people=3), "knew_on"),
    (dict(knew_on="2025-06-02", people=-1), "people"),
    (dict(knew_on="2025-06-02", sensitve=True), "sensitve"),  # a typo is not "false"
], ids=["unknown type", "bad date", "knew_on missing", "negative people", "unknown field"])
def test_bad_input_is_a_422_naming_the_field(ask, body, field):
    response = ask(**body)
    assert response.status_code == 422
    assert any(field in error["loc"] for error in response.json()["detail"])


def test_a_day_of_knowing_in_the_future_is_a_422_not_a_500(ask):
    # Formerly 9999-12-20 reached the deadline arithmetic (a 422 "too late in the calendar");
    # a day of knowing after today is now refused before any deadline is counted.
    response = ask(knew_on="9999-12-20", sensitive=True)
    assert response.status_code == 422
    assert "future" in response.json()["detail"]


def test_endpoint_is_documented(client, demo):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"][URL]["post"]
    assert operation["tags"] == ["incidents"]


def test_the_old_names_knew_from_and_knew_to_still_work_for_one_release(ask):
    old = ask(knew_from="2025-03-01", knew_to="2025-03-31", people=220).json()
    new = ask(knew_on="2025-03-01", knew_on_latest="2025-03-31", people=220).json()
    assert {k: v for k, v in old.items() if k != "deprecations"} == {
        k: v for k, v in new.items() if k != "deprecations"}
    assert new["deprecations"] == []
    assert [d.split()[0] for d in old["deprecations"]] == ["knew_from", "knew_to"]
    assert old["knew_to"] == old["knew_on_latest"] == "2025-03-31"  # deprecated output name
    assert ask(knew_from="2025-03-01", knew_on="2025-03-01").status_code == 422
