"""Compile the .po catalogues to .mo with polib, so no GNU gettext install is needed."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile every locale/*/LC_MESSAGES/*.po of hogo to .mo (pure Python)."

    def handle(self, *args, **options) -> None:
        roots = [Path(p) for p in settings.LOCALE_PATHS]
        count = 0
        for root in roots:
            for po_path in root.glob("*/LC_MESSAGES/*.po"):
                catalogue = polib.pofile(str(po_path))
                catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
                count += 1
        self.stdout.write(f"compiled {count} catalogue(s)")
