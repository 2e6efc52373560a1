"""`hogo keys status|rotate [--retire]`: the master keys that protect stored footage."""

from django.core.management.base import BaseCommand

from hogo.footage import keys
from hogo.footage.storage import get_store


class Command(BaseCommand):
    help = "Show master keys, or rotate: re-wrap every data key under a new master key."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("status", help="master keys and how many data keys each protects")
        rotate = sub.add_parser("rotate",
                                help="new master key; re-wrap data keys (no re-encryption)")
        rotate.add_argument("--retire", action="store_true",
                            help="then delete master key files nothing refers to any more")

    def handle(self, *args, verb: str, **options) -> None:
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
