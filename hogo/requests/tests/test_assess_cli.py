"""`hogo requests assess`: the requirements' public cases and our own, each citing its article,
as JSON or a short English summary, in-process (call_command) and as the installed command
against an empty data directory; what the law forbids and bad dates exit 2 in English."""

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

PUBLIC = ("--organisation-type", "public_body")
BUSINESS = ("--organisation-type", "private_business")
SCHOOL = ("--profile", "driving_school")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("requests", "assess", *args, stdout=out)
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


CASES = [
    # (case, args, expected JSON values, expected citations)
    ("public case: received 1 April (business) → may sue 16 April",
     (*BUSINESS, "--kind", "disclosure", "--received-on", "2026-04-01"),
     {"due_on": "2026-04-15", "may_sue_on": "2026-04-16", "extended_due_on": None,
      "fee_yen": 0},
     {"due_on": "法第33条第2項", "may_sue_on": "法第39条第1項", "fee_yen": "法第38条第1項"}),
    ("city disclosure: day 30 from the day after receipt",
     (*PUBLIC, "--kind", "disclosure", "--received-on", "2026-04-01"),
     {"due_on": "2026-05-01", "may_sue_on": None, "fee_yen": 300, "profile": "city"},
     {"due_on": "法第83条第1項", "fee_yen": "法第89条"}),
    ("city: a correction wait of 5 days moves the decision day",
     (*PUBLIC, "--kind", "disclosure", "--received-on", "2026-04-01", "--correction-wait",
      "2026-04-03:2026-04-07"),
     {"due_on": "2026-05-06", "waited_days": 5}, {"due_on": "法第83条第1項"}),
    ("city: two waits, one in Japanese era dates",
     (*PUBLIC, "--kind", "disclosure", "--received-on", "2026-04-01", "--correction-wait",
      "2026-04-03:2026-04-04", "--correction-wait", "令和8年4月10日:令和8年4月12日"),
     {"due_on": "2026-05-06", "waited_days": 5}, {}),
    ("city: extended with a reason",
     (*PUBLIC, "--kind", "disclosure", "--received-on", "2026-04-01", "--extended",
      "--extension-reason", "対象の映像が多く検索に時間を要するため"),
     {"due_on": "2026-05-01", "extended_due_on": "2026-05-31"},
     {"extended_due_on": "法第83条第2項"}),
    ("city: extended after a wait",
     (*PUBLIC, "--kind", "disclosure", "--received-on", "2026-04-01", "--correction-wait",
      "2026-04-03:2026-04-07", "--extended", "--extension-reason", "大量"),
     {"extended_due_on": "2026-06-05"}, {}),
    ("city: a very large request, a substantial part in 60 days",
     (*PUBLIC, "--kind", "disclosure", "--received-on", "2026-04-01", "--large"),
     {"large_due_on": "2026-05-31", "due_on": "2026-05-01"}, {"large_due_on": "法第84条"}),
    ("city: the year-end end day stays (closed_day_moves_due = false)",
     (*PUBLIC, "--kind", "disclosure", "--received-on", "2025-12-01"),
     {"due_on": "2025-12-31", "closed_day_moves_due": False}, {}),
    ("city: leap year",
     (*PUBLIC, "--kind", "disclosure", "--received-on", "2024-02-01"),
     {"due_on": "2024-03-02"}, {}),
    ("city: copies per sheet and disc on top of 300 yen",
     (*PUBLIC, "--kind", "disclosure", "--received-on", "2026-04-01", "--copy-sheets", "5",
      "--copy-discs", "1"),
     {"fee_yen": 450}, {}),
    ("city: a correction request, free, within 90 days of the disclosure",
     (*PUBLIC, "--kind", "correction", "--received-on", "2026-04-01", "--disclosed-on",
      "2026-03-01"),
     {"due_on": "2026-05-01", "fee_yen": 0, "fee_items": 0,
      "after_disclosure_last_day": "2026-06-01"},
     {"due_on": "法第94条第1項", "after_disclosure_last_day": "法第90条第3項"}),
    ("city: a stop request decided under Art. 102",
     (*PUBLIC, "--kind", "suspension", "--received-on", "2026-04-01", "--disclosed-on",
      "2026-03-01"),
     {"due_on": "2026-05-01"},
     {"due_on": "法第102条第1項", "after_disclosure_last_day": "法第98条第3項"}),
    ("city: stop of provision extended under Art. 102(2)",
     (*PUBLIC, "--kind", "provision_stop", "--received-on", "2026-04-01", "--extended",
      "--extension-reason", "提供先への確認"),
     {"extended_due_on": "2026-05-31"}, {"extended_due_on": "法第102条第2項"}),
    ("transport bureau profile, same statutory days",
     ("--profile", "transport_bureau", "--kind", "disclosure", "--received-on", "2026-04-05"),
     {"due_on": "2026-05-05", "profile": "transport_bureau"}, {}),
    ("driving school: 1,000 yen per item, and the may-sue day",
     (*SCHOOL, "--kind", "disclosure", "--received-on", "2026-04-01", "--fee-items", "3"),
     {"fee_yen": 3000, "may_sue_on": "2026-04-16", "due_on": "2026-04-15"},
     {"may_sue_on": "法第39条第1項"}),
    ("driving school: purpose notification 1,000 yen, no may-sue day",
     (*SCHOOL, "--kind", "purpose_notification", "--received-on", "2026-04-01"),
     {"fee_yen": 1000, "may_sue_on": None}, {"due_on": "法第32条第2項"}),
    ("business: correction, free, may sue after two weeks",
     (*BUSINESS, "--kind", "correction", "--received-on", "2026-04-01"),
     {"fee_yen": 0, "may_sue_on": "2026-04-16"}, {"due_on": "法第34条第2項"}),
    ("business: stop of third-party provision",
     (*BUSINESS, "--kind", "provision_stop", "--received-on", "2026-12-25"),
     {"due_on": "2027-01-08", "may_sue_on": "2027-01-09"}, {"due_on": "法第35条第4項"}),
    ("business: stop of use in a leap year",
     (*BUSINESS, "--kind", "suspension", "--received-on", "2024-02-20"),
     {"due_on": "2024-03-05", "may_sue_on": "2024-03-06"}, {"due_on": "法第35条第2項"}),
    ("business: a correction wait does not move a business's target",
     (*BUSINESS, "--kind", "disclosure", "--received-on", "2026-04-01", "--correction-wait",
      "2026-04-03:2026-04-07"),
     {"due_on": "2026-04-15", "waited_days": 0}, {}),
]


@pytest.mark.parametrize(("case", "args", "values", "citations"), CASES,
                         ids=[row[0] for row in CASES])
def test_cases(demo, case, args, values, citations):
    result = run_json(*args)
    for key, value in values.items():
        assert result[key] == value, key
    for key, text in citations.items():
        assert result["citations"][key] == text, key
    # Every answer cites its article, in all three forms.
    assert {"due_on", "fee_yen"} <= set(result["articles"])
    assert set(result["articles"]) == set(result["citations"]) == set(result["citations_en"])


def test_defaults_are_this_installations_profile(demo):
    """The test database holds the demo city: no type needed, its 30 days and 300 yen."""
    result = run_json("--kind", "disclosure", "--received-on", "2026-04-01")
    assert (result["organisation_type"], result["profile"]) == ("public_body", "city")
    assert (result["due_on"], result["fee_yen"]) == ("2026-05-01", 300)


def test_the_city_s_own_overrides_are_used(demo):
    demo.policy_overrides = {"requests.fees.disclosure": 200}
    demo.save()
    assert run_json("--kind", "disclosure", "--received-on", "2026-04-01")["fee_yen"] == 200


@pytest.mark.parametrize(("args", "message"), [
    # The requirements' public case: a fee asked for a correction request is refused.
    ((*PUBLIC, "--kind", "correction", "--received-on", "2026-04-01", "--fee-items", "1"),
     "no fee may be charged for a correction or stop request"),
    ((*PUBLIC, "--kind", "suspension", "--received-on", "2026-04-01", "--copy-sheets", "2"),
     "no fee may be charged"),
    ((*PUBLIC, "--kind", "disclosure", "--received-on", "2026-04-01", "--extended"),
     "an extension needs a written reason"),
    ((*BUSINESS, "--kind", "disclosure", "--received-on", "2026-04-01", "--extended",
      "--extension-reason", "忙しい"), "only a public body may extend"),
    ((*PUBLIC, "--kind", "correction", "--received-on", "2026-04-01", "--disclosed-on",
      "2025-12-01"), "within 90 days of the disclosure"),
    ((*PUBLIC, "--kind", "purpose_notification", "--received-on", "2026-04-01"),
     "a public body has no request for the purpose of use"),
    ((*BUSINESS, "--kind", "disclosure", "--received-on", "2026-04-01", "--large"),
     "Act Art. 84"),
    ((*PUBLIC, "--kind", "disclosure", "--received-on", "2026-04-01", "--correction-wait",
      "2026-04-07:2026-04-03"), "must end on or after"),
    ((*PUBLIC, "--kind", "disclosure", "--received-on", "2026-04-01", "--correction-wait",
      "2026-03-30:2026-04-03"), "cannot begin before the request was received"),
    ((*PUBLIC, "--profile", "driving_school", "--kind", "disclosure", "--received-on",
      "2026-04-01"), "is for a private_business, not a public_body"),
    (("--profile", "school", "--kind", "disclosure", "--received-on", "2026-04-01"),
     "profile must be one of"),
])
def test_what_the_law_forbids_exits_2_with_the_reason(demo, args, message):
    with pytest.raises(CommandError) as refused:
        run(*args)
    assert refused.value.returncode == 2
    assert message in str(refused.value)


def test_the_summary_names_dates_and_articles(demo):
    text = run(*SCHOOL, "--kind", "disclosure", "--received-on", "2026-04-01",
               "--fee-items", "2")
    assert "Answer (target) by: 2026-04-15 (APPI Art. 33(2))" in text
    assert "May sue from: 2026-04-16 (APPI Art. 39(1))" in text
    assert "Fee: 2000 yen (APPI Art. 38(1))" in text
    text = run(*PUBLIC, "--kind", "disclosure", "--received-on", "2026-04-01",
               "--correction-wait", "2026-04-03:2026-04-07", "--extended",
               "--extension-reason", "大量", "--large")
    assert "Decide by: 2026-05-06 (APPI Art. 83(1); 5 days waiting for correction not " \
           "counted)" in text
    assert "Extended to: 2026-06-05 (APPI Art. 83(2))" in text
    assert "A substantial part by: 2026-05-31 (APPI Art. 84;" in text


@pytest.mark.parametrize("args", [
    ("--kind", "disclosure", "--received-on", "2026-13-01"),
    ("--kind", "disclosure", "--received-on", "2026-04-01", "--correction-wait", "2026-04-03"),
    ("--kind", "disclosure", "--received-on", "2026-04-01", "--fee-items", "-1"),
    ("--kind", "complaint", "--received-on", "2026-04-01"),
])
def test_bad_options_exit_2_from_the_installed_command(tmp_path, args):
    completed = hogo(tmp_path, "requests", "assess", *PUBLIC, *args)
    assert completed.returncode == 2, completed.stderr
    assert "error" in completed.stderr.lower()


def test_the_installed_command_needs_no_database(tmp_path):
    completed = hogo(tmp_path, "requests", "assess", *BUSINESS, "--kind", "disclosure",
                     "--received-on", "2026-04-01", "--json")
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert (result["profile"], result["may_sue_on"]) == ("bus_taxi_operator", "2026-04-16")
    refused = hogo(tmp_path, "requests", "assess", *PUBLIC, "--kind", "correction",
                   "--received-on", "2026-04-01", "--fee-items", "1")
    assert refused.returncode == 2
    assert "no fee may be charged for a correction or stop request" in refused.stderr
    untyped = hogo(tmp_path, "requests", "assess", "--kind", "disclosure", "--received-on",
                   "2026-04-01")
    assert untyped.returncode == 2 and "pass the organisation type" in untyped.stderr
