"""`hogo demo`: load the demo organisation (once) and print its log-ins."""

from django.core.management.base import BaseCommand

from hogo.web.demo import ORGANISATION, load_demo, login_table


class Command(BaseCommand):
    help = "Create the demo city 「デモ市」 with one user per role (idempotent)."

    def handle(self, *args, **options) -> None:
        _org, created = load_demo()
        state = "created" if created else "already present"
        self.stdout.write(f"demo organisation {ORGANISATION}: {state}\n{login_table()}")
