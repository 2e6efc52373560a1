"""`hogo requests assess`: when a person's request must be answered, from when they may sue,
and what it costs — at the console.

The same what-if as `POST /api/requests/assess` (both answer with
`hogo.requests.assessment.as_json`), for a privacy officer at a terminal or a script
(`--json`). The profile's [requests] values are this installation's when it has an
organisation of the type asked for, else the bundled profile of the type (or `--profile`).
What the law forbids (an extension without a reason or at a business, a fee on a correction
or stop request, a correction request after its 90 days) and bad dates exit 2 with the reason
in English.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hogo.accounts.services import SeveralOrganisations, installation_organisation
from hogo.provision.management.commands.provision import BAD_OPTIONS, date_argument
from hogo.requests import assessment
from hogo.rules.requests import KINDS, ORGANISATION_TYPES, Assessment, Facts, RequestRuleError


def wait_argument(text: str) -> tuple:
    """argparse type: a correction wait FROM:TO."""
    try:
        return assessment.parse_wait(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def count_argument(text: str) -> int:
    """argparse type: a whole number, 0 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} cannot be negative")
    return value


class Command(BaseCommand):
    help = "A person's own requests: `assess` says when the answer is due and what it costs."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        assess = sub.add_parser(
            "assess", help="deadlines, the may-sue day and the fee from facts alone "
                           "(nothing stored)",
            description="Days and fees come from this installation's policy profile, or the "
                        "bundled one of the organisation type (public_body: city; "
                        "private_business: bus_taxi_operator), or --profile.")
        assess.add_argument("--organisation-type", choices=ORGANISATION_TYPES,
                            help="default: this installation's organisation")
        assess.add_argument("--profile", metavar="KEY",
                            help="a bundled profile (city, transport_bureau, "
                                 "bus_taxi_operator, driving_school)")
        assess.add_argument("--kind", choices=KINDS, required=True)
        assess.add_argument("--received-on", type=date_argument, metavar="DATE", required=True,
                            help="the day the request reached the organisation")
        assess.add_argument("--correction-wait", type=wait_argument, metavar="FROM:TO",
                            action="append", default=[],
                            help="days the request waited for the requester's correction "
                                 "(補正), both inclusive; repeat for several")
        assess.add_argument("--extended", action="store_true",
                            help="the decision period is extended (a public body, Act Art. "
                                 "83(2)); needs --extension-reason")
        assess.add_argument("--extension-reason", default="", metavar="TEXT")
        assess.add_argument("--large", action="store_true",
                            help="a very large disclosure request (Act Art. 84)")
        assess.add_argument("--disclosed-on", type=date_argument, metavar="DATE",
                            help="for a correction or stop request: the day the disclosure "
                                 "was received (Act Arts. 90(3), 98(3))")
        assess.add_argument("--fee-items", type=count_argument, metavar="N",
                            help="items the fee counts (default: 1; 0 for a correction or "
                                 "stop request, which is free)")
        assess.add_argument("--copy-sheets", type=count_argument, default=0, metavar="N")
        assess.add_argument("--copy-discs", type=count_argument, default=0, metavar="N")
        assess.add_argument("--json", action="store_true",
                            help="print the same JSON as POST /api/requests/assess")

    def handle(self, *args: Any, verb: str, **options: Any) -> None:
        if verb == "assess":
            self.assess(**options)

    def assess(self, **options: Any) -> None:
        try:
            organisation = installation_organisation()
        except SeveralOrganisations as several:
            if not (options["organisation_type"] or options["profile"]):
                raise CommandError(f"{several}, so pass --organisation-type or --profile",
                                   returncode=BAD_OPTIONS) from None
            organisation = None
        try:
            profile = assessment.profile_for(organisation,
                                             organisation_type=options["organisation_type"],
                                             profile_key=options["profile"])
            given = assessment.facts(
                profile, kind=options["kind"], received_on=options["received_on"],
                waits=options["correction_wait"], extended=options["extended"],
                extension_reason=options["extension_reason"], large=options["large"],
                disclosed_on=options["disclosed_on"], fee_items=options["fee_items"],
                sheets=options["copy_sheets"], discs=options["copy_discs"])
            result = assessment.answer(given)
        except (RequestRuleError, ValueError) as error:
            raise CommandError(str(error), returncode=BAD_OPTIONS) from error
        if options["json"]:
            self.stdout.write(json.dumps(assessment.as_json(result, given, profile=profile.key),
                                         ensure_ascii=False, indent=2))
        else:
            self.stdout.write("\n".join(summary_lines(result, given, profile.key)))


def summary_lines(result: Assessment, given: Facts, profile: str) -> list[str]:
    """A short English account for the console; the JSON has the Japanese citations too."""
    cited = assessment.as_json(result, given, profile=profile)["citations_en"]
    regime = given.organisation_type.replace("_", " ")
    lines = [f"{given.kind.replace('_', ' ').capitalize()} request received "
             f"{given.received_on.isoformat()} ({regime}, profile {profile})"]
    due = "Decide by" if given.organisation_type == "public_body" else "Answer (target) by"
    waited = f"; {result.waited_days} days waiting for correction not counted" \
        if result.waited_days else ""
    lines.append(f"{due}: {result.due_on.isoformat()} ({cited['due_on']}{waited})")
    if result.extended_due_on:
        lines.append(f"Extended to: {result.extended_due_on.isoformat()} "
                     f"({cited['extended_due_on']})")
    if result.large_due_on:
        lines.append(f"A substantial part by: {result.large_due_on.isoformat()} "
                     f"({cited['large_due_on']}; the rest by a date notified by "
                     f"{result.due_on.isoformat()})")
    if result.may_sue_on:
        lines.append(f"May sue from: {result.may_sue_on.isoformat()} ({cited['may_sue_on']})")
    if result.after_disclosure_last_day:
        lines.append(f"Last day to make this request: "
                     f"{result.after_disclosure_last_day.isoformat()} "
                     f"({cited['after_disclosure_last_day']})")
    lines.append(f"Fee: {result.fee_yen} yen ({cited['fee_yen']})")
    return lines
