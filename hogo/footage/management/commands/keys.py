"""`hogo keys status|rotate [--retire]|backup`: the master keys that protect stored footage.

`backup --to DIR` copies the key files to a new folder in DIR (another disk, a mounted share),
records it and deletes the earlier folders in DIR that hold only retired or superseded keys;
`backup --done WHERE` records a copy a person made themselves. `hogo check` reports a missing
backup, a key made after the last one, and any recorded backup still holding a retired key.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hogo.footage import keys
from hogo.footage.objects import get_store

BACKUP_REMINDER = ("back the master keys up now: `hogo keys backup --to DIR` (it deletes the "
                   "older backups in DIR), or `--done WHERE` after copying them yourself")


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
                           help="copy the key files into a new folder here; delete the "
                                "earlier ones here that hold only retired or superseded keys")
        where.add_argument("--done", metavar="WHERE",
                           help="record a copy you made yourself, and where it is kept")

    def handle(self, *args, verb: str, **options) -> None:
        if verb == "backup":
            self._backup(options["to"], options["done"])
            return
        if verb == "rotate":
            result = keys.rotate(retire=options["retire"])
            self.stdout.write(f"new master key {result['new_key']}; "
                              f"{result['rewrapped']} data key(s) re-wrapped; "
                              f"retired: {', '.join(result['retired']) or 'none'}")
            self.stdout.write(BACKUP_REMINDER)
            if result["retired"]:
                self.stdout.write(f"then destroy every older copy of the key directory: "
                                  f"it still holds {', '.join(result['retired'])}, which "
                                  "with an old database backup decrypts footage erased "
                                  "before now (`hogo check` lists the copies hogo knows of)")
            return
        keyring, usage = get_store().keyring, keys.key_usage()
        for key_id in keyring.ids():
            current = " (current)" if key_id == keyring.current_id else ""
            self.stdout.write(f"{key_id}{current}: {usage.get(key_id, 0)} data key(s)")

    def _backup(self, to: Path | None, done: str | None) -> None:
        try:
            record = (keys.back_up_keys(to) if to is not None
                      else keys.confirm_key_backup(done or ""))
        except (ValueError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"master keys {', '.join(record['key_ids']) or '(none)'} "
                          f"backed up: {record['to']} ({record['at']})")
        for folder in record.get("removed", []):
            self.stdout.write(f"deleted the earlier backup {folder}: it held only retired "
                              "or superseded master keys")
        for folder in record.get("kept", []):
            self.stdout.write(f"kept the earlier backup {folder}")
