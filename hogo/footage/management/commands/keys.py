"""`hogo keys status|rotate [--retire]|backup`: the master keys that protect stored footage.

`backup --to DIR` copies the key files to a new folder in DIR (another disk, a mounted share)
and records it; `backup --done WHERE` records a copy a person made themselves. `hogo check`
reports a missing backup, and a key made after the last one.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hogo.footage import keys
from hogo.footage.storage import get_store
from hogo.web.installation import back_up_keys, confirm_key_backup


class Command(BaseCommand):
    help = "Show master keys, or rotate: re-wrap every data key under a new master key."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("status", help="master keys and how many data keys each protects")
        rotate = sub.add_parser("rotate",
                                help="new master key; re-wrap data keys (no re-encryption)")
        rotate.add_argument("--retire", action="store_true",
                            help="then delete master key files nothing refers to any more")
        backup = sub.add_parser("backup", help="copy the master keys elsewhere and record it")
        where = backup.add_mutually_exclusive_group(required=True)
        where.add_argument("--to", type=Path, metavar="DIR",
                           help="copy the key files into a new folder here")
        where.add_argument("--done", metavar="WHERE",
                           help="record a copy you made yourself, and where it is kept")

    def handle(self, *args, verb: str, **options) -> None:
        if verb == "backup":
            try:
                record = (back_up_keys(options["to"]) if options["to"] is not None
                          else confirm_key_backup(options["done"]))
            except (ValueError, OSError) as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"master keys {', '.join(record['key_ids']) or '(none)'} "
                              f"backed up: {record['to']} ({record['at']})")
            return
        if verb == "rotate":
            result = keys.rotate(retire=options["retire"])
            self.stdout.write(f"new master key {result['new_key']}; "
                              f"{result['rewrapped']} data key(s) re-wrapped; "
                              f"retired: {', '.join(result['retired']) or 'none'}")
            return
        keyring, usage = get_store().keyring, keys.key_usage()
        for key_id in keyring.ids():
            current = " (current)" if key_id == keyring.current_id else ""
            self.stdout.write(f"{key_id}{current}: {usage.get(key_id, 0)} data key(s)")
