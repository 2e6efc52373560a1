"""Models and migrations agree: a model change without its migration fails here."""

from django.core.management import call_command


def test_no_missing_migrations(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
