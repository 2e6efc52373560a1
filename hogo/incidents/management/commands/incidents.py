"""`hogo incidents assess`: reportability and PPC deadlines from facts, at the console.

The same what-if as `POST /api/incidents/assess` (both go through
`hogo.incidents.assessment`), for a privacy officer at a terminal or a script (`--json`).
Further verbs (listing incidents, reminders) get their own subparser here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hogo.accounts.policy import effective_profile
from hogo.accounts.services import SeveralOrganisations, installation_organisation
from hogo.incidents import wording
from hogo.incidents.assessment import PolicyDefaults, assessment_json, evaluate
from hogo.incidents.dates import parse_date
from hogo.rules.incidents import DEFAULT_THRESHOLDS, Assessment, Filing

KIND_EN = {"preliminary": "preliminary report", "final": "final report"}


def date_argument(text: str) -> dt.date:
    """argparse type: a calendar date in the API's formats (`hogo.incidents.dates`), refused
    with a message saying what is expected."""
    try:
        return parse_date(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def organisation_defaults() -> PolicyDefaults | None:
    """The installation's organisation's policy numbers, or None before `hogo setup` (or
    before the database exists at all: a what-if needs no database)."""
    try:
        organisation = installation_organisation()
    except SeveralOrganisations as several:
        raise CommandError(f"{several}, so it is unclear whose policy to apply") from None
    return PolicyDefaults.from_profile(effective_profile(organisation)) if organisation else None


class Command(BaseCommand):
    help = "Leak and loss incidents: `assess` says whether to report to the PPC and by when."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        assess = sub.add_parser(
            "assess", help="reportability and deadlines from facts alone (nothing is stored)",
            description="Defaults (threshold, day counts, organisation type) come from the "
                        "organisation's policy profile; every flag means 'is or may be'.")
        assess.add_argument("--organisation-type", choices=sorted(DEFAULT_THRESHOLDS),
                            help="default: the organisation's policy profile")
        knew = assess.add_mutually_exclusive_group(required=True)
        knew.add_argument("--knew-on", type=date_argument, metavar="DATE",
                          help="the day anyone in the organisation first knew (day 1); the "
                               "earliest day, if it is known only approximately")
        knew.add_argument("--knew-from", type=date_argument, metavar="DATE",
                          help="deprecated (removed in the next release): use --knew-on")
        assess.add_argument("--knew-on-latest", type=date_argument, metavar="DATE",
                            help="the latest day it may have been, if the day of knowing is "
                                 "known only approximately (with --knew-on)")
        assess.add_argument("--knew-to", type=date_argument, metavar="DATE",
                            help="deprecated (removed in the next release): use "
                                 "--knew-on-latest; goes with --knew-from")
        assess.add_argument("--people", type=int, metavar="N",
                            help="people involved (or possibly)")
        assess.add_argument("--sensitive", action="store_true",
                            help="sensitive personal data (要配慮個人情報)")
        assess.add_argument("--financial", action="store_true",
                            help="misuse may cause financial damage")
        assess.add_argument("--unauthorised", action="store_true",
                            help="possibly an act with an unauthorised purpose (theft, "
                                 "intrusion, insider)")
        assess.add_argument("--encrypted", action="store_true",
                            help="strongly encrypted, the key not lost with it")
        assess.add_argument("--ordinance-sensitive", action="store_true",
                            help="data the local ordinance makes sensitive (条例要配慮個人情報; "
                                 "local governments only)")
        assess.add_argument("--filed-preliminary", type=date_argument, metavar="DATE",
                            help="when the preliminary report was filed: was it late?")
        assess.add_argument("--filed-final", type=date_argument, metavar="DATE",
                            help="when the final report was filed: was it late?")
        assess.add_argument("--json", action="store_true",
                            help="print the same JSON as POST /api/incidents/assess")

    def handle(self, *args: Any, verb: str, **options: Any) -> None:
        if verb == "assess":
            self.assess(**options)

    def assess(self, **options: Any) -> None:
        if options["knew_to"] is not None and options["knew_on"] is not None:
            raise CommandError("--knew-to goes with --knew-from (a range), not with --knew-on")
        if options["knew_on_latest"] is not None and options["knew_from"] is not None:
            raise CommandError("--knew-on-latest goes with --knew-on, not with --knew-from")
        deprecated = [f"--{old.replace('_', '-')} is deprecated and will be removed in the "
                      f"next release; use --{new}"
                      for old, new in (("knew_from", "knew-on"), ("knew_to", "knew-on-latest"))
                      if options[old] is not None]
        for message in deprecated:
            self.stderr.write(message)
        defaults = organisation_defaults()
        if defaults is None and options["organisation_type"] is None:
            raise CommandError("there is no organisation in the database to take the "
                               "organisation type from; pass --organisation-type "
                               "public_body or private_business")
        query = dict(
            knew_on=options["knew_on"] or options["knew_from"],
            knew_on_latest=options["knew_on_latest"] or options["knew_to"],
            organisation_type=options["organisation_type"], people=options["people"],
            sensitive=options["sensitive"], financial=options["financial"],
            unauthorised=options["unauthorised"], encrypted=options["encrypted"],
            ordinance_sensitive=options["ordinance_sensitive"],
            filed_preliminary=options["filed_preliminary"], filed_final=options["filed_final"])
        try:
            assessment, filings = evaluate(defaults, **query)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            answer = assessment_json(assessment, filings) | {"deprecations": deprecated}
            self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2))
        else:
            self.stdout.write("\n".join(summary_lines(assessment, filings)))


def summary_lines(assessment: Assessment, filings: tuple[Filing, ...]) -> list[str]:
    """A short English account for the console; the JSON has the Japanese wording too."""
    facts = assessment.facts
    kind = facts.organisation_type.replace("_", " ")
    knew = f"Knew on: {assessment.knew_on.isoformat()} (day 1)"
    if assessment.latest_final_due is not None and facts.knew_on_latest is not None:
        knew += f", or as late as {facts.knew_on_latest.isoformat()}"
    final = f"day {assessment.final_days}"
    if assessment.moved_because:
        reason = wording.CLOSED_EN[assessment.moved_because]
        final += (f" is {assessment.final_day.isoformat()}, a {reason}: "
                  "moved to the next office day")
    summary = wording.summary_en(assessment)
    lines = [summary[0].upper() + summary[1:],
             f"Organisation type: {kind} (reportable above {facts.people_threshold:,} people)",
             knew,
             f"Preliminary report target: {assessment.preliminary_target.isoformat()} "
             f"(day {facts.preliminary_days}; a target, not moved)",
             f"Final report due: {assessment.final_due.isoformat()} ({final})"]
    if assessment.latest_final_due is not None:
        lines.append("  counted from the range's last day it would be "
                     f"{assessment.latest_final_due.isoformat()}")
    for filing in filings:
        verdict = "on time"
        if filing.late:
            verdict = f"late by {filing.days_late} day{'' if filing.days_late == 1 else 's'}"
        lines.append(f"{KIND_EN[filing.kind].capitalize()} filed {filing.filed_on.isoformat()}: "
                     f"{verdict} (due {filing.due.isoformat()})")
    if assessment.pending:
        lines.append("The decision waits on the people count; meanwhile the deadlines above "
                     "run from the day of knowing.")
    elif not assessment.reportable:
        lines.append("No report to the PPC is required; the dates apply to a voluntary one.")
    return lines
