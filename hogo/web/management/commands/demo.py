"""`hogo demo`: load the demo organisation (once) and print its log-ins."""

from django.core.management.base import BaseCommand

from hogo.web.demo import CITY, SCHOOL, load_demo, load_demo_school, login_table


class Command(BaseCommand):
    help = ("Create the demo city 「デモ市」 (or, with --driving-school, the demo driving school "
            "「デモ自動車学校」) with one user per role (idempotent).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-footage", action="store_true",
                            help="skip generating the demo footage (faster, for scripts)")
        parser.add_argument("--driving-school", action="store_true",
                            help="the demo driving school instead of the city (use its own "
                                 "HOGO_DATA_DIR: one installation serves one organisation)")

    def handle(self, *args, no_footage: bool, driving_school: bool, **options) -> None:
        load, spec = (load_demo_school, SCHOOL) if driving_school else (load_demo, CITY)
        _org, created = load(footage=not no_footage, requests=not no_footage)
        state = "created" if created else "already present"
        self.stdout.write(f"demo organisation {spec.name}: {state}\n{login_table(spec)}")
