"""Everything `hogo audit verify` and the daily job check.

The hash chain proves rows were not changed, removed or reordered; it cannot show that the
whole chain was replaced by an empty one, that the append-only triggers are gone, or that
entries were cut from its end. So verification also counts the rows of tables whose every
change is audited, asks the database for the triggers, and compares the head with an anchor
kept elsewhere; once the daily job has written an anchor, a missing one is a failure too.
Who hears of a failure (an alert and a mail to each privacy officer and system
administrator) is hogo/oversight/reporting.py: the chain sits below the people it would tell.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection

from hogo.audit import services, triggers
from hogo.audit.models import AuditEntry

log = logging.getLogger("hogo.audit")

# Tables none of whose rows can come about without an audit entry (each is created through a
# service that records it): rows here with an empty chain mean the chain was emptied.
ALWAYS_AUDITED = ("accounts.User", "footage.Segment", "footage.DeletionRecord", "copies.Copy",
                  "incidents.Incident")
VERIFIED = "audit.verified"  # what the daily job records once it has written the anchor


@dataclass(frozen=True)
class Verification:
    count: int
    head_hash: str
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_all(anchor: dict[str, Any] | None = None) -> Verification:
    """The chain, its triggers, its emptiness, the given anchor and the daily one."""
    report = services.verify_chain()
    problems = [str(report.first_break)] if report.first_break else []
    if report.ok and report.count == 0:
        problems += _rows_without_entries()
    problems += [f"{line}: rows can be changed or deleted; `hogo migrate` re-creates it"
                 for line in triggers.missing(connection)]
    daily, problem = read_daily_anchor()
    problems += [problem] if problem else []
    for label, saved in (("anchor", anchor), ("daily anchor", daily)):
        if saved is not None and (problem := services.check_anchor(saved)):
            problems.append(f"{label}: {problem}")
    return Verification(report.count, report.head_hash, tuple(problems))


def _rows_without_entries() -> list[str]:
    """Called only for an empty chain: audited rows without a single entry."""
    held = {label: apps.get_model(label).objects.count() for label in ALWAYS_AUDITED}
    listed = ", ".join(f"{count} in {label}" for label, count in held.items() if count)
    if not listed:
        return []
    return [f"the audit chain is empty while audited tables hold rows ({listed}): "
            f"the chain was emptied or replaced"]


def anchor_path() -> Path:
    return services.anchor_dir() / services.ANCHOR_FILE


def read_daily_anchor() -> tuple[dict[str, Any] | None, str | None]:
    """The anchor the daily job last wrote, and what is wrong with it (each may be None).

    None and no problem only before the first daily verification: once the chain holds an
    `audit.verified` entry an anchor was written, so a missing one means it was deleted
    (perhaps with entries cut from the chain's end) or its place is not mounted.
    Before HOGO_AUDIT_ANCHOR_DIR was set the job wrote into HOGO_DATA_DIR: that one counts
    until the first anchor in the new place.
    """
    legacy = Path(settings.DATA_DIR) / services.ANCHOR_FILE
    path = next((p for p in (anchor_path(), legacy) if p.exists()), None)
    if path is None:
        verified = AuditEntry.objects.filter(action=VERIFIED).order_by("-seq").values_list(
            "seq", flat=True).first()
        if verified is None:
            return None, None
        return None, (f"daily anchor {anchor_path()} is missing, yet the daily verification "
                      f"has run (last recorded at seq={verified}): it was deleted, perhaps "
                      f"with entries cut from the chain's end, or HOGO_AUDIT_ANCHOR_DIR is "
                      f"not mounted")
    try:
        saved = json.loads(path.read_text())
        int(saved["head_seq"]), str(saved["head_hash"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        return None, f"daily anchor {path} is unreadable: {error}"
    return saved, None


def write_daily_anchor() -> str | None:
    """Keep today's head where HOGO_AUDIT_ANCHOR_DIR says; None, or why it was not kept.

    Never creates the directory: an unmounted share would silently become a local folder
    beside the database. The file is replaced atomically, so a crash leaves the old anchor.
    """
    for problem in services.anchor_problems():
        log.warning("audit anchor: %s", problem)
    path = anchor_path()
    if not path.parent.is_dir():
        return (f"daily anchor not written: {path.parent} does not exist or is not a "
                f"directory (is HOGO_AUDIT_ANCHOR_DIR mounted?); hogo does not create it")
    try:
        _replace_atomically(path, json.dumps(services.anchor()))
    except OSError as error:
        return f"daily anchor not written to {path}: {error}"
    return None


def _replace_atomically(path: Path, text: str) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
