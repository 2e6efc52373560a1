"""The `hogo` console command: Django management plus hogo's own commands.

`hogo audit verify`, `hogo serve`, `hogo demo`, `hogo token create` are management commands
of the domain apps, so one entry point serves operators and developers alike.

`hogo db_worker` is hogo's worker (hogo.jobs: django-tasks-db's, with a heartbeat).

`hogo check` is hogo's installation check (`installation_check`: what a production
installation still lacks); Django's own system check stays available as `hogo check --django`.
"""

import os
import sys

# Commands that start an installation: they first repair file modes made looser before.
TIGHTENING_COMMANDS = {"serve", "migrate"}


def command_line(argv: list[str]) -> list[str]:
    """Django's argv for `hogo ARGS`: `check` is the installation check unless --django."""
    args = list(argv)
    if args[:1] == ["db_worker"]:  # django-tasks-db's own would win the name: ours has beats
        args[0] = "worker"
    if args[:1] == ["check"]:
        if "--django" in args:
            args.remove("--django")
        else:
            args[0] = "installation_check"
    return ["hogo", *args]


def main() -> None:
    # Nothing is written before Django loads hogo.settings, which sets the private umask.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hogo.settings")
    argv = command_line(sys.argv[1:])
    if argv[1:2] and argv[1] in TIGHTENING_COMMANDS:
        import django

        django.setup()
        from hogo.web.filemodes import tighten

        tighten()
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
