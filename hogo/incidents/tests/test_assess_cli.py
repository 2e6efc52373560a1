"""`hogo incidents assess`: the same answers as the API, as JSON or a short English summary,
and clear errors for bad input."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from hogo.incidents.management.commands import incidents as command


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("incidents", "assess", *args, stdout=out)
    return out.getvalue()


def run_json(*args: str) -> dict[str, Any]:
    return json.loads(run("--json", *args))


def test_json_uses_the_demo_citys_profile_and_moves_off_culture_day(demo):
    result = run_json("--knew-on", "2025-10-05", "--people", "101")
    assert (result["organisation_type"], result["threshold"]) == ("public_body", 100)
    assert result["reportable"] and [c["number"] for c in result["criteria"]] == [4]
    assert (result["final_day"], result["final_due"]) == ("2025-11-03", "2025-11-04")
    assert result["moved_because"] == "祝日"


def test_json_private_business_and_theft_deadline(demo):
    private = run_json("--knew-on", "2025-01-10", "--organisation-type", "private_business",
                       "--people", "1001", "--unauthorised")
    assert [c["number"] for c in private["criteria"]] == [3, 4]
    assert private["threshold"] == 1000
    assert (private["final_days"], private["final_due"]) == (60, "2025-03-10")
    assert not run_json("--knew-on", "2025-01-10", "--organisation-type", "private_business",
                        "--people", "900")["reportable"]


def test_json_late_filing_and_range(demo):
    result = run_json("--knew-on", "2025-10-05", "--knew-on-latest", "2025-10-10",
                      "--sensitive", "--filed-final", "2025-11-20")
    assert result["knew_on_latest"] == "2025-10-10"
    assert result["latest_final_due"] == "2025-11-10"  # day 30 = 8 Nov, a Saturday
    assert result["filings"] == [{"kind": "final", "filed_on": "2025-11-20",
                                  "due": "2025-11-04", "late": True, "days_late": 16}]


def test_human_summary(demo):
    text = run("--knew-on", "2025-10-05", "--sensitive", "--filed-preliminary", "2025-10-06",
               "--filed-final", "2025-11-20")
    assert text.startswith("Reportable: (1) sensitive personal data")
    assert "Preliminary report target: 2025-10-07 (day 3" in text
    assert "Final report due: 2025-11-04 (day 30 is 2025-11-03, a national holiday" in text
    assert "Preliminary report filed 2025-10-06: on time" in text
    assert "Final report filed 2025-11-20: late by 16 days (due 2025-11-04)" in text
    assert "{" not in text


def test_human_summary_when_encryption_exempts(demo):
    text = run("--knew-on", "2025-06-02", "--organisation-type", "private_business",
               "--people", "5000", "--unauthorised", "--encrypted")
    assert text.startswith("Not reportable: the data was strongly encrypted")
    assert "No report to the PPC is required" in text


@pytest.mark.parametrize(("args", "message"), [
    (("--knew-on", "2025-02-30"), "'2025-02-30' is not a date; use YYYY-MM-DD"),
    (("--knew-on", "yesterday"), "'yesterday' is not a date"),
    (("--knew-on", "2025-06-02", "--filed-final", "soon"), "'soon' is not a date"),
    (("--people", "3"), "one of the arguments --knew-on --knew-from is required"),
    (("--knew-from", "2025-03-31", "--knew-to", "2025-03-01"),
     "knew_on_latest must not be before knew_on"),
    (("--knew-on", "2025-03-01", "--knew-to", "2025-03-31"), "--knew-to goes with --knew-from"),
    (("--knew-on", "2025-06-02", "--people", "-1"), "people must not be negative"),
    (("--knew-on", "2025-06-02", "--organisation-type", "ngo"), "invalid choice: 'ngo'"),
], ids=["impossible date", "not a date", "bad filing date", "no day of knowing",
        "range backwards", "knew-to with knew-on", "negative people", "unknown type"])
def test_bad_input_is_a_command_error_saying_why(demo, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        run("--json", *args)


def test_without_an_organisation_the_type_must_be_given(db, monkeypatch):
    monkeypatch.setattr(command, "organisation_defaults", lambda: None)
    with pytest.raises(CommandError, match="pass --organisation-type"):
        run("--knew-on", "2025-06-02", "--people", "101")
    result = run_json("--knew-on", "2025-06-02", "--people", "101",
                      "--organisation-type", "public_body")
    assert result["reportable"] and result["threshold"] == 100


def test_json_is_the_same_as_the_apis(demo, client, token):
    args = ("--knew-on", "2025-03-01", "--knew-on-latest", "2025-03-31", "--people", "220",
            "--unauthorised", "--filed-preliminary", "2025-03-05", "--filed-final", "2025-05-20")
    body = {"knew_on": "2025-03-01", "knew_on_latest": "2025-03-31", "people": 220,
            "unauthorised": True, "filed_preliminary": "2025-03-05", "filed_final": "2025-05-20"}
    response = client.post("/api/incidents/assess", body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert run_json(*args) == response.json()


def test_the_old_options_knew_from_and_knew_to_still_work_for_one_release(demo):
    err = io.StringIO()
    out = io.StringIO()
    call_command("incidents", "assess", "--json", "--knew-from", "2025-10-05", "--knew-to",
                 "2025-10-10", "--sensitive", stdout=out, stderr=err)
    old = json.loads(out.getvalue())
    new = run_json("--knew-on", "2025-10-05", "--knew-on-latest", "2025-10-10", "--sensitive")
    assert old | {"deprecations": []} == new
    assert "--knew-from is deprecated" in err.getvalue() and "use --knew-on" in err.getvalue()
    assert "--knew-to is deprecated" in err.getvalue()
    with pytest.raises(CommandError, match="--knew-on-latest goes with --knew-on"):
        run("--knew-from", "2025-10-05", "--knew-on-latest", "2025-10-10")
