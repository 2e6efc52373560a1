"""`hogo provision assess`: the public cases and our own, as JSON or a short English summary,
run in-process (call_command) and as the installed command; a refused provision exits 0,
bad options exit 2 with an English message."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from hogo.provision.management.commands import provision as command


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("provision", "assess", *args, stdout=out)
    return out.getvalue()


def run_json(*args: str) -> dict[str, Any]:
    return json.loads(run("--json", *args))


def hogo(data_dir, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed `hogo` command, against an empty data directory (no database)."""
    environment = dict(os.environ, HOGO_DATA_DIR=str(data_dir))
    environment.pop("DATABASE_URL", None)
    exe = shutil.which("hogo", path=os.path.dirname(sys.executable))
    return subprocess.run([exe, *args], env=environment, capture_output=True, text=True,
                          timeout=300)


BUSINESS = ("--organisation-type", "private_business")


def test_police_inquiry_at_a_private_operator_is_allowed_without_record(demo):
    result = run_json(*BUSINESS, "--recipient-kind", "police", "--basis", "ccp_197_2",
                      "--provided-on", "2026-06-01")
    assert (result["allowed"], result["allowed_because"], result["allowed_article"]) == (
        True, "law_based", "act:27:1:1")
    assert result["allowed_article_text_ja"] == "個人情報の保護に関する法律第27条第1項第1号"
    assert (result["record_required"], result["record_because"]) == (False, "law_based")
    assert result["record_article"] == "act:29:1:proviso"
    assert result["keep_until"] is None and result["record_items"] == []
    assert result["provided_on"] == ["2026-06-01"]


def test_insurer_with_consent_is_recorded_and_kept_three_years(demo):
    result = run_json(*BUSINESS, "--recipient-kind", "insurer", "--basis", "consent",
                      "--consent-on", "2026-05-01", "--provided-on", "令和8年6月1日")
    assert result["allowed"] and result["record_required"]
    assert result["record_items"] == ["consent", "recipient_name", "recipient_address",
                                      "recipient_representative", "persons", "data_items"]
    assert result["record_items_ja"][0] == "本人の同意を得ている旨"
    assert result["keep_until"] == "2029-06-01"
    assert (result["keep_article"], result["keep_article_text_en"]) == (
        "rules:21:3", "APPI Enforcement Rules Art. 21(iii)")
    assert result["keep_article_text_ja"] == "個人情報の保護に関する法律施行規則第21条第3号"


def test_repeated_record_is_kept_three_years_after_the_last_provision(demo):
    result = run_json(*BUSINESS, "--recipient-kind", "insurer", "--basis", "consent",
                      "--consent-on", "2026-05-01", "--record-form", "repeated",
                      "--provided-on", "2026-09-10", "--provided-on", "2026-06-01")
    assert result["provided_on"] == ["2026-06-01", "2026-09-10"]
    assert (result["keep_until"], result["keep_article"]) == ("2029-09-09", "rules:21:2")


def test_contract_as_record_is_kept_one_year_after_the_last_provision(demo):
    result = run_json(*BUSINESS, "--recipient-kind", "business", "--basis", "consent",
                      "--consent-on", "2026-05-01", "--record-form", "contract",
                      "--provided-on", "2026-06-01", "--provided-on", "2026/09/10")
    assert (result["keep_until"], result["keep_article"]) == ("2027-09-09", "rules:21:1")


def test_a_refusal_is_an_answer(demo):
    result = run_json(*BUSINESS, "--recipient-kind", "business", "--basis", "other",
                      "--opt-out-on", "2026-04-01", "--sensitive")
    assert result["allowed"] is False
    assert result["allowed_because"] == "sensitive_no_opt_out"
    assert result["allowed_article_text_en"] == "APPI Art. 27(2), proviso"


def test_research_is_allowed_to_an_academic_institution_only(demo):
    academic = run_json(*BUSINESS, "--recipient-kind", "academic_institution", "--basis",
                        "research")
    assert (academic["allowed"], academic["allowed_article"]) == (True, "act:27:1:7")
    assert academic["record_because"] == "exception"
    refused = run_json(*BUSINESS, "--recipient-kind", "business", "--basis", "research")
    assert (refused["allowed"], refused["allowed_because"]) == (
        False, "research_needs_institution")
    assert refused["allowed_because_ja"].endswith("提供できません。")


def test_an_opt_out_receipt_is_not_recorded_by_contract(demo):
    with pytest.raises(CommandError, match="recorded each time") as raised:
        run(*BUSINESS, "--direction", "receive", "--recipient-kind", "business", "--basis",
            "other", "--opt-out-on", "2026-04-01", "--record-form", "contract")
    assert raised.value.returncode == 2


def test_the_demo_city_is_a_public_body_by_its_profile(demo):
    result = run_json("--recipient-kind", "police", "--basis", "ccp_197_2")
    assert result["organisation_type"] == "public_body"
    assert (result["allowed_article"], result["record_because"]) == ("act:69:1", "public_body")
    assert result["allowed_because"] == "law_based_public"
    assert "同意" not in result["allowed_because_ja"]
    assert "recipient_measures" in result["notes"] and result["notes_en"]


def test_a_receipt_from_another_operator(demo):
    result = run_json(*BUSINESS, "--direction", "receive", "--recipient-kind", "business",
                      "--basis", "other", "--opt-out-on", "2026-04-01",
                      "--provided-on", "2026-06-01")
    assert result["direction"] == "receive" and result["record_required"]
    assert result["record_article"] == "act:30:3"
    assert result["record_items_article"] == "rules:24:1:1"
    assert "ppc_published" in result["record_items"]
    assert (result["keep_until"], result["keep_article"]) == ("2029-06-01", "rules:25:3")


def test_human_summary(demo):
    text = run(*BUSINESS, "--recipient-kind", "insurer", "--basis", "consent",
               "--consent-on", "2026-05-01", "--provided-on", "2026-06-01")
    assert text.startswith("Provision allowed: the person consented")
    assert "(APPI Art. 27(1))" in text
    assert "Record required" in text and "APPI Enforcement Rules Art. 20(1)(ii)" in text
    assert "Keep until: 2029-06-01 (APPI Enforcement Rules Art. 21(iii)" in text
    assert "{" not in text
    refused = run(*BUSINESS, "--recipient-kind", "insurer", "--basis", "other")
    assert refused.startswith("Provision not allowed") and "No record required" in refused


@pytest.mark.parametrize(("args", "message"), [
    (("--recipient-kind", "insurer", "--basis", "consent"), "consent_on"),
    (("--recipient-kind", "insurer", "--basis", "consent", "--consent-on", "2026-06-02",
      "--provided-on", "2026-06-01"), "consent must be obtained before"),
    (("--recipient-kind", "insurer", "--basis", "consent", "--consent-on", "2026-05-01",
      "--provided-on", "2026-06-01", "--provided-on", "2026-07-01"), "record_form repeated"),
    (("--recipient-kind", "business", "--basis", "other", "--opt-out-on", "2026-04-01",
      "--record-form", "repeated"), "recorded each time"),
    (("--recipient-kind", "insurer", "--basis", "consent", "--consent-on", "2026-02-30"),
     "'2026-02-30' is not a date; use YYYY-MM-DD"),
    (("--recipient-kind", "bank", "--basis", "consent"), "invalid choice: 'bank'"),
    (("--basis", "consent",), "the following arguments are required: --recipient-kind"),
], ids=["consent without day", "consent after", "single with two days", "opt-out repeated",
        "impossible date", "unknown recipient", "no recipient"])
def test_bad_options_are_a_command_error_saying_why(demo, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        run("--json", *BUSINESS, *args)


def test_opt_out_at_a_public_body_is_refused_as_bad_facts(demo):
    with pytest.raises(CommandError, match="business operators only") as raised:
        run("--recipient-kind", "business", "--basis", "other", "--opt-out-on", "2026-04-01")
    assert raised.value.returncode == 2


def test_without_an_organisation_the_type_must_be_given(db, monkeypatch):
    monkeypatch.setattr(command, "installation_organisation_type", lambda: None)
    with pytest.raises(CommandError, match="pass --organisation-type") as raised:
        run("--recipient-kind", "police", "--basis", "ccp_197_2")
    assert raised.value.returncode == 2
    assert run_json(*BUSINESS, "--recipient-kind", "police", "--basis",
                    "ccp_197_2")["allowed"]


def test_the_json_is_the_same_as_the_apis(demo, client, token):
    args = (*BUSINESS, "--recipient-kind", "insurer", "--basis", "consent", "--consent-on",
            "2026-05-01", "--record-form", "repeated", "--provided-on", "2026-06-01",
            "--provided-on", "2026-09-10")
    body = {"organisation_type": "private_business", "recipient_kind": "insurer",
            "basis": "consent", "consent_on": "2026-05-01", "record_form": "repeated",
            "provided_on": ["2026-06-01", "2026-09-10"]}
    response = client.post("/api/provision/assess", body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    assert run_json(*args) == response.json()


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")),
                    reason="the installed command runs against the embedded SQLite default")
def test_the_installed_command(tmp_path):
    done = hogo(tmp_path, "provision", "assess", "--json", *BUSINESS, "--recipient-kind",
                "police", "--basis", "ccp_197_2")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["allowed"] and not answer["record_required"]
    refused = hogo(tmp_path, "provision", "assess", "--json", *BUSINESS, "--recipient-kind",
                   "insurer", "--basis", "other")
    assert refused.returncode == 0 and json.loads(refused.stdout)["allowed"] is False
    no_type = hogo(tmp_path, "provision", "assess", "--recipient-kind", "police", "--basis",
                   "ccp_197_2")
    assert no_type.returncode == 2 and "pass --organisation-type" in no_type.stderr
    bad = hogo(tmp_path, "provision", "assess", *BUSINESS, "--recipient-kind", "insurer",
               "--basis", "consent")
    assert bad.returncode == 2 and "consent_on" in bad.stderr
    unknown = hogo(tmp_path, "provision", "assess", *BUSINESS, "--recipient-kind", "bank",
                   "--basis", "consent")
    assert unknown.returncode == 2 and "invalid choice" in unknown.stderr
