"""The `hogo` console command: Django management plus hogo's own commands.

`hogo audit verify`, `hogo serve`, `hogo demo`, `hogo token create` are management commands
of the domain apps, so one entry point serves operators and developers alike.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hogo.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["hogo", *sys.argv[1:]])


if __name__ == "__main__":
    main()
