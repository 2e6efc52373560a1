"""`hogo audit verify` checks the whole chain; `hogo audit anchor` prints its head.

verify exits 0 when everything holds, 1 naming each problem otherwise: the first malformed,
changed, removed or reordered entry, a missing append-only trigger, an empty chain beside
audited data, or a head that no longer matches an anchor (`--anchor FILE` or the JSON itself,
and the daily job's anchor file). A failure alerts the privacy officers and system
administrators. `anchor` prints the head, and can write it to a file or mail it to someone who
keeps it away from this machine.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from hogo import clock
from hogo.alerts.services import mail_people
from hogo.audit import services, verification
from hogo.oversight import reporting


def _read_anchor(value: str) -> dict[str, Any]:
    text = Path(value).read_text() if Path(value).is_file() else value
    try:
        data = json.loads(text)
        int(data["head_seq"]), str(data["head_hash"])
    except (ValueError, KeyError, TypeError) as error:
        raise CommandError(
            f"--anchor is not an anchor printed by 'hogo audit anchor': {error}") from error
    return data


class Command(BaseCommand):
    help = "Verify the audit chain, or print its head (anchor) for safekeeping."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        verify = sub.add_parser("verify", help="re-hash every entry, check the triggers and "
                                               "anchors; exit 1 naming each problem")
        verify.add_argument("--anchor", help="an anchor (JSON or a file holding it)")
        anchor = sub.add_parser("anchor", help="print count and head hash as JSON")
        anchor.add_argument("--out", metavar="FILE", help="also write the anchor to FILE")
        anchor.add_argument("--mail", metavar="ADDRESS", action="append", default=[],
                            help="also mail the anchor to ADDRESS (repeatable)")

    def handle(self, *args, verb: str, **options) -> None:
        if verb == "anchor":
            self._anchor(options["out"], options["mail"])
            return
        anchor = options.get("anchor")
        result = verification.verify_all(_read_anchor(anchor) if anchor else None)
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(f"audit chain BROKEN: {problem}")
            self.stderr.write(f"entries verified before the break: {result.count}")
            try:
                raised = reporting.report_failure(result, source="hogo audit verify")
            except Exception as error:  # the report above stands; say why nobody was told
                self.stderr.write(f"could not record or alert this failure: {error}")
            else:
                self.stderr.write(f"alerted {len(raised)} privacy officer(s) and system "
                                  f"administrator(s) not yet alerted to this")
            sys.exit(1)
        for problem in services.anchor_problems():
            self.stderr.write(f"warning: {problem}")
        self.stdout.write(f"audit chain OK: {result.count} entries, head {result.head_hash}")

    def _anchor(self, out: str | None, addresses: list[str]) -> None:
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError as error:
                raise CommandError(f"--mail {address!r} is not an e-mail address") from error
        text = json.dumps(services.anchor(), indent=2)
        if out:
            try:
                Path(out).write_text(text + "\n")
            except OSError as error:
                raise CommandError(f"--out {out}: {error.strerror}") from error
        if addresses:
            try:
                sent = mail_people(
                    [], f"[hogo] audit chain anchor {clock.today_jst().isoformat()}",
                    f"Keep this away from the hogo server. To check the chain later: "
                    f"hogo audit verify --anchor FILE\n\n{text}\n", extra=addresses, quiet=False)
            except Exception as error:
                raise CommandError(f"--mail: could not send the anchor: {error}") from error
            self.stderr.write(f"anchor mailed to {', '.join(sent)}")
        self.stdout.write(text)
