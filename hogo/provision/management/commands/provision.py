"""`hogo provision assess`: may it be provided, must it be recorded, until when — at the
console.

The same what-if as `POST /api/provision/assess` (both answer with
`hogo.provision.assessment.as_json`), for a privacy officer at a terminal or a script
(`--json`). A refused provision is an answer (exit 0, `allowed: false`); options that cannot
be assessed exit 2 with an English message.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hogo.accounts.policy import effective_profile
from hogo.accounts.services import SeveralOrganisations, installation_organisation
from hogo.incidents.dates import parse_date
from hogo.provision import wording
from hogo.provision.assessment import as_json
from hogo.rules.provision import (
    BASES,
    DIRECTIONS,
    ORGANISATION_TYPES,
    RECIPIENT_KINDS,
    RECORD_FORMS,
    Decision,
    Facts,
    assess,
)

BAD_OPTIONS = 2  # the exit status of argparse's own errors


def date_argument(text: str) -> dt.date:
    """argparse type: a calendar date in the API's formats (`hogo.incidents.dates`)."""
    try:
        return parse_date(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def installation_organisation_type() -> str | None:
    """The organisation type of this installation's organisation's policy profile, or None
    before `hogo setup` (or before the database exists: a what-if needs no database)."""
    try:
        organisation = installation_organisation()
    except SeveralOrganisations as several:
        raise CommandError(f"{several}, so pass --organisation-type",
                           returncode=BAD_OPTIONS) from None
    return effective_profile(organisation).organisation_type if organisation else None


class Command(BaseCommand):
    help = "Third-party provision: `assess` says whether it may be provided and recorded."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        assess_parser = sub.add_parser(
            "assess", help="allowed? record? kept until? — from facts alone (nothing stored)",
            description="The organisation type defaults to the organisation's policy profile. "
                        "With --direction receive, --recipient-kind names who provides the "
                        "data to us.")
        assess_parser.add_argument("--organisation-type", choices=ORGANISATION_TYPES,
                                   help="default: the organisation's policy profile")
        assess_parser.add_argument("--recipient-kind", choices=RECIPIENT_KINDS, required=True)
        assess_parser.add_argument("--basis", choices=BASES, required=True)
        assess_parser.add_argument("--consent-on", type=date_argument, metavar="DATE",
                                   help="the day the person consented (with --basis consent)")
        assess_parser.add_argument("--opt-out-on", type=date_argument, metavar="DATE",
                                   help="the day the opt-out was filed (businesses only)")
        assess_parser.add_argument("--sensitive", action="store_true",
                                   help="sensitive personal data (要配慮個人情報)")
        assess_parser.add_argument("--provided-on", type=date_argument, metavar="DATE",
                                   action="append", default=[],
                                   help="a day provided (or received); repeat for several")
        assess_parser.add_argument("--record-form", choices=RECORD_FORMS, default="single",
                                   help="single (default), repeated, or contract")
        assess_parser.add_argument("--recorded-on", type=date_argument, metavar="DATE",
                                   help="the day a one-provision record was made (default: "
                                        "the day provided)")
        assess_parser.add_argument("--direction", choices=DIRECTIONS, default="provide")
        assess_parser.add_argument("--json", action="store_true",
                                   help="print the same JSON as POST /api/provision/assess")

    def handle(self, *args: Any, verb: str, **options: Any) -> None:
        if verb == "assess":
            self.assess(**options)

    def assess(self, **options: Any) -> None:
        organisation_type = options["organisation_type"] or installation_organisation_type()
        if organisation_type is None:
            raise CommandError("there is no organisation in the database to take the "
                               "organisation type from; pass --organisation-type "
                               "public_body or private_business", returncode=BAD_OPTIONS)
        facts = Facts(organisation_type=organisation_type,
                      recipient_kind=options["recipient_kind"], basis=options["basis"],
                      consent_on=options["consent_on"], opt_out_on=options["opt_out_on"],
                      sensitive=options["sensitive"],
                      provided_on=tuple(sorted(options["provided_on"])),
                      record_form=options["record_form"], direction=options["direction"],
                      recorded_on=options["recorded_on"])
        try:
            decision = assess(facts)
        except ValueError as error:
            raise CommandError(str(error), returncode=BAD_OPTIONS) from error
        if options["json"]:
            self.stdout.write(json.dumps(as_json(decision, facts), ensure_ascii=False,
                                         indent=2))
        else:
            self.stdout.write("\n".join(summary_lines(decision, facts)))


def summary_lines(decision: Decision, facts: Facts) -> list[str]:
    """A short English account for the console; the JSON has the Japanese wording too."""
    verb = "Receipt" if facts.direction == "receive" else "Provision"
    verdict = "allowed" if decision.allowed else "not allowed"
    lines = [f"{verb} {verdict}: {wording.en('reason', decision.allowed_because)} "
             f"({wording.article_text_en(decision.allowed_article)})",
             f"Organisation type: {facts.organisation_type.replace('_', ' ')}"]
    record = "Record required" if decision.record_required else "No record required"
    lines.append(f"{record}: {wording.en('record_reason', decision.record_because)} "
                 f"({wording.article_text_en(decision.record_article)})")
    if decision.record_required:
        items = "; ".join(wording.en("item", code) for code in decision.record_items)
        lines.append(f"Record items ({wording.article_text_en(decision.items_article)}): "
                     f"{items}")
        if decision.keep_until is not None:
            lines.append(f"Keep until: {decision.keep_until.isoformat()} "
                         f"({wording.article_text_en(decision.keep_article)}; erased from the "
                         "next day)")
        else:
            lines.append("Keep until: not known before the day of provision (give "
                         "--provided-on)")
    lines += [f"Check: {wording.en('note', code)}" for code in decision.notes]
    return lines
