"""`hogo demo`: load the demo organisation (once) and print its log-ins."""

from django.core.management.base import BaseCommand

from hogo.web.demo import ORGANISATION, load_demo, login_table


class Command(BaseCommand):
    help = "Create the demo city 「デモ市」 with one user per role (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-footage", action="store_true",
                            help="skip generating the demo footage (faster, for scripts)")

    def handle(self, *args, no_footage: bool, **options) -> None:
        _org, created = load_demo(footage=not no_footage, requests=not no_footage)
        state = "created" if created else "already present"
        self.stdout.write(f"demo organisation {ORGANISATION}: {state}\n{login_table()}")
