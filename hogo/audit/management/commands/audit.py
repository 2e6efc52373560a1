"""`hogo audit verify` checks the whole chain; `hogo audit anchor` prints its head.

verify exits 0 when every entry holds, 1 naming the first bad entry otherwise. Give it an
anchor printed earlier (`--anchor FILE` or the JSON itself) to also catch entries removed from
the end of the chain.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hogo.audit import services


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
        verify = sub.add_parser("verify", help="re-hash every entry; exit 1 at the first bad one")
        verify.add_argument("--anchor", help="an anchor (JSON or a file holding it)")
        sub.add_parser("anchor", help="print count and head hash as JSON")

    def handle(self, *args, verb: str, **options) -> None:
        if verb == "anchor":
            self.stdout.write(json.dumps(services.anchor(), indent=2))
            return
        report = services.verify_chain()
        problems = [str(report.first_break)] if report.first_break else []
        anchor = options.get("anchor")
        if anchor and (problem := services.check_anchor(_read_anchor(anchor))):
            problems.append(problem)
        if problems:
            for problem in problems:
                self.stderr.write(f"audit chain BROKEN: {problem}")
            self.stderr.write(f"entries verified before the break: {report.count}")
            sys.exit(1)
        self.stdout.write(f"audit chain OK: {report.count} entries, head {report.head_hash}")
