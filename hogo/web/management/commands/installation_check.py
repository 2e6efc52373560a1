"""`hogo check`: one line for each thing a production installation still lacks; exit 1 if any.

Debug, HTTPS, allowed hosts, where the master keys are, file modes of every directory hogo
writes to, a recorded key backup (and none left holding a retired key), the audit anchor's
place and Django's own deployment checks. Notes (SQLite) do not fail.
Django's system check on its own is `hogo check --django`.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from hogo.web.installation import findings


class Command(BaseCommand):
    help = "What this installation still lacks for production (exit 1 if anything)."
    requires_system_checks: list[str] = []  # it runs them itself, deployment checks included

    def handle(self, *args, **options) -> None:
        found = findings()
        missing = [f for f in found if f.missing]
        for finding in found:
            self.stdout.write(f"{'MISSING' if finding.missing else 'note'}: {finding.text}")
        if missing:
            self.stdout.write(f"{len(missing)} thing(s) missing for production")
            sys.exit(1)
        self.stdout.write("OK: nothing missing for production")
