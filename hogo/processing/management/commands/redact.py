"""`hogo redact IN OUT`: mask the faces (and plates) of a video file, at the console.

The same pipeline as processed copies (hogo.redact), on a plain file and without a database:
for staff checking a clip, and for benchmarks. The output is written beside OUT under a
temporary name and moved into place only when complete, so a failure leaves no partial OUT.
`--jobs N` (N > 1) or `--piece-seconds S` masks the clip in pieces cut at keyframes, N worker
processes at a time (hogo.redact.chunks), tracks stitched across the cuts; without them the
clip is masked in one go, as before.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from hogo.redact import Analysis, RedactError, Result, Settings, analyse, render
from hogo.redact.chunks import redact_chunked
from hogo.redact.faces import ModelMissing
from hogo.redact.masking import KINDS
from hogo.redact.pipeline import AUDIO


class Command(BaseCommand):
    help = ("Mask faces (and licence plates, with a plate detector installed) in video file IN, "
            "write the masked MP4 to OUT, and print the number of people seen (延べ人数).")
    requires_system_checks: list[str] = []  # a plain file: no database, no checks needed

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = Settings()
        parser.add_argument("input", metavar="IN", type=Path, help="the video file to mask")
        parser.add_argument("output", metavar="OUT", type=Path, help="the masked MP4 to write")
        parser.add_argument("--mask", choices=KINDS, default=defaults.mask,
                            help=f"how faces are hidden (default {defaults.mask})")
        parser.add_argument("--no-plates", action="store_true",
                            help="do not look for licence plates")
        audio = parser.add_mutually_exclusive_group()
        audio.add_argument("--keep-audio", action="store_const", const="copy", dest="audio",
                           help="keep the sound track (copied as it is where MP4 allows)")
        audio.add_argument("--audio", choices=AUDIO, dest="audio",
                           help="drop the sound (default), copy it, or re-encode it as AAC")
        parser.add_argument("--every", type=int, default=defaults.detect_every, metavar="K",
                            help=f"run the face detector on every K-th frame and track in "
                                 f"between (default {defaults.detect_every})")
        parser.add_argument("--width", type=int, default=defaults.detect_width, metavar="PX",
                            help=f"frame width for detection (default {defaults.detect_width})")
        parser.add_argument("--threshold", type=float, default=defaults.threshold,
                            help=f"face score to mask (default {defaults.threshold})")
        parser.add_argument("--margin", type=float, default=defaults.margin,
                            help=f"mask growth on each side, share of the face's size "
                                 f"(default {defaults.margin})")
        parser.add_argument("--preset", default=defaults.preset,
                            help=f"x264 speed preset (default {defaults.preset})")
        parser.add_argument("--crf", type=int, default=defaults.crf,
                            help=f"x264 quality, lower is better (default {defaults.crf})")
        parser.add_argument("--jobs", type=int, default=1, metavar="N",
                            help="mask in pieces with N worker processes (default 1: in one "
                                 "go, in this process)")
        parser.add_argument("--piece-seconds", type=float, default=None, metavar="S",
                            help="length of a piece, cut at the keyframe nearest to it "
                                 "(default 60; giving it masks in pieces even with --jobs 1)")
        parser.add_argument("--analysis", type=Path, metavar="FILE",
                            help="also write the tracks found, as JSON, to FILE")
        parser.add_argument("--force", action="store_true", help="overwrite OUT if it exists")

    def handle(self, *args: Any, **options: Any) -> None:
        source, target = options["input"], options["output"]
        if not source.is_file():
            raise CommandError(f"{source}: no such file")
        if target.exists() and not options["force"]:
            raise CommandError(f"{target} exists already; pass --force to overwrite it")
        if target.exists() and target.resolve() == source.resolve():
            raise CommandError("OUT must not be the same file as IN")
        if not target.parent.is_dir():
            raise CommandError(f"{target.parent}: no such folder for OUT")
        try:
            settings = Settings(mask=options["mask"], plates=not options["no_plates"],
                                audio=options["audio"] or "drop",
                                detect_every=options["every"], detect_width=options["width"],
                                threshold=options["threshold"], margin=options["margin"],
                                preset=options["preset"], crf=options["crf"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        jobs, seconds = options["jobs"], options["piece_seconds"]
        if jobs < 1:
            raise CommandError("--jobs must be at least 1")
        if seconds is not None and seconds <= 0:
            raise CommandError("--piece-seconds must be positive")
        chunked = jobs > 1 or seconds is not None
        handle, partial = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial",
                                           dir=target.parent)
        os.close(handle)
        # tqdm needs the raw stream: Django's wrapper would end every redraw with a newline.
        bar = tqdm(total=None, unit="frame", desc="analyse, then mask",
                   file=getattr(self.stderr, "_out", sys.stderr),
                   disable=options["verbosity"] == 0)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        kept: list[Analysis] = []
        try:
            if chunked:
                result = redact_chunked(source, Path(partial), settings, jobs=jobs,
                                        seconds=seconds or 60.0, progress=progress,
                                        on_analysis=kept.append)
            else:
                kept.append(analyse(source, settings,
                                    lambda done, total: progress(done, 2 * total)))
                frames = kept[0].frame_count
                result = render(source, Path(partial), kept[0], settings,
                                lambda done, total: progress(frames + done, frames + total))
                result = dataclasses.replace(result, seconds=kept[0].seconds + result.seconds)
        except BaseException as error:
            Path(partial).unlink(missing_ok=True)
            if isinstance(error, RedactError | ModelMissing):
                raise CommandError(f"{source}: {error}") from error
            raise
        finally:
            bar.close()
        os.replace(partial, target)
        if options["analysis"] is not None:
            options["analysis"].write_text(kept[0].to_json(), encoding="utf-8")
        self._report(target, result)

    def _report(self, target: Path, result: Result) -> None:
        out = self.stdout
        out.write(f"people (延べ人数): {result.people_count}    plates: {result.plate_count}")
        out.write(f"  {result.confidence}")
        out.write(f"wrote {target}: {result.frame_count} frames at {result.frame_rate} fps, "
                  f"{result.duration:.3f} s, {result.width}×{result.height} "
                  f"{result.video_codec}, audio {result.audio}")
        out.write(f"masked {result.masked_frames} frames; {result.seconds:.1f} s "
                  f"({result.frames_per_second:.1f} frames/s)")
