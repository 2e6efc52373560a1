"""Run one `hogo` command in a process of its own, on the database and storage a test names.

`python -m hogo.testing.child serve --port 8123` is `hogo serve --port 8123` (the same entry
point, hogo.cli.main), except that
  HOGO_TEST_DATABASE_NAME  replaces the database NAME (the test database pytest-django made:
                           a SQLite file, or a PostgreSQL database on DATABASE_URL's server);
  HOGO_TEST_STORAGE        (JSON) replaces HOGO_STORAGE (the test's own directory or bucket
                           prefix, key directory and chunk size).
Everything else is the real command, so the fault tests can kill -9 hogo as it runs.
"""

from __future__ import annotations

import json
import os
import sys

DATABASE_NAME = "HOGO_TEST_DATABASE_NAME"
STORAGE = "HOGO_TEST_STORAGE"


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hogo.settings")
    from django.conf import settings

    from hogo import cli

    if name := os.environ.get(DATABASE_NAME):  # before any connection is made
        settings.DATABASES["default"]["NAME"] = name
    if storage := os.environ.get(STORAGE):
        settings.HOGO_STORAGE = json.loads(storage)
    sys.argv = ["hogo", *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
