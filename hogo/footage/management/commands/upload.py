"""`hogo upload DIR --recorder SERIAL`: send a folder or SD card's recordings to hogo.

Resumes after an interruption (re-run the same command), skips files the server already has,
and prints why a file was quarantined. Exit status 0 when every file was accepted or already
present, 1 when any was quarantined, failed or could not be sent.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from hogo.footage.client import ResumeState, TusClient, UploadError, recordings, upload_file


class Command(BaseCommand):
    help = "Upload a folder or SD card of dashcam recordings (resumable, verified by SHA-256)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--recorder", required=True, help="the recorder's serial number")
        parser.add_argument("--url", default=os.environ.get("HOGO_URL", "http://127.0.0.1:8000"))
        parser.add_argument("--token", default=os.environ.get("HOGO_TOKEN"),
                            help="machine token (or set HOGO_TOKEN)")
        parser.add_argument("--piece-mb", type=int, default=16,
                            help="bytes per PATCH request, in MiB (a multiple of 4)")
        parser.add_argument("--state", type=Path,
                            default=Path(settings.DATA_DIR) / "upload-state.json",
                            help="where resume state is kept (not on the card)")

    def handle(self, *args, directory: Path, recorder: str, url: str, token: str | None,
               piece_mb: int, state: Path, **options) -> None:
        if not token:
            raise CommandError("a machine token is needed: --token or HOGO_TOKEN "
                               "(issue one with `hogo token create NAME`)")
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory")
        if piece_mb < 4 or piece_mb % 4:
            raise CommandError("--piece-mb must be a multiple of 4")
        files, skipped = recordings(directory)
        for path in skipped:
            self.stdout.write(f"skipped     {path.relative_to(directory)}: not a recording")
        client, resume = TusClient(url, token), ResumeState(state)
        total = sum(p.stat().st_size for p in files)
        problems = 0
        with tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024,
                  disable=not sys.stderr.isatty() and not os.environ.get("HOGO_PROGRESS"),
                  desc="upload") as bar:
            for path in files:
                try:
                    outcome = upload_file(client, resume, directory, path, recorder,
                                          piece_mb << 20, bar.update, bar.write)
                except UploadError as error:
                    problems += 1
                    bar.write(f"FAILED {path}: {error}")
                    continue
                if outcome.state not in ("ingested", "duplicate"):
                    problems += 1
                bar.write(f"{outcome.state:<11} {path.relative_to(directory)}"
                          + (f": {outcome.detail}" if outcome.detail else ""))
        self.stdout.write(f"{len(files)} file(s), {problems} problem(s)")
        if problems:
            sys.exit(1)
