"""Everything hogo keeps on disk is private to the account that runs it: 0600 / 0700.

The SQLite database holds GPS tracks and names in plaintext, the key directory the master keys;
neither may be readable by another local account. New files get that from the process umask
(PRIVATE_UMASK, set by hogo.settings before anything is written); `tighten` repairs a
directory made looser before (an older hogo, a copy with `cp -r`, an administrator's chmod)
when hogo starts. `hogo check` looks at the same directories (`private_dirs`).
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings

log = logging.getLogger("hogo.filemodes")

PRIVATE_UMASK = 0o077  # the process umask: new files 0600, directories 0700
OPEN_BITS = 0o077  # any permission for group or others
LOGGED_ONE_BY_ONE = 20  # then only the count: a store may hold 100,000 objects


def private_dirs() -> list[Path]:
    """The directories hogo writes to: the data directory and whatever is configured apart."""
    storage = settings.HOGO_STORAGE
    candidates = [settings.DATA_DIR, storage.get("keys_dir"), storage.get("spool_dir"),
                  getattr(settings, "EMAIL_FILE_PATH", None)]
    if storage.get("backend", "local") == "local":
        candidates.append(storage.get("root"))
    dirs: list[Path] = []
    for candidate in candidates:
        if candidate is None:
            continue
        path = Path(candidate).resolve()
        if path.exists() and not any(path.is_relative_to(d) for d in dirs):
            dirs = [d for d in dirs if not d.is_relative_to(path)] + [path]
    return dirs


def _walk(root: Path) -> Iterator[Path]:
    """The root and everything below it, never following a symbolic link."""
    yield root
    for directory, subdirs, files in os.walk(root):
        for name in (*subdirs, *files):
            yield Path(directory) / name


def loose_paths(roots: Iterable[Path]) -> list[Path]:
    """Files and directories under `roots` that group or others may read, write or enter."""
    found = []
    for root in roots:
        for path in _walk(root):
            mode = path.lstat().st_mode
            if not stat.S_ISLNK(mode) and mode & OPEN_BITS:
                found.append(path)
    return found


def tighten(roots: Iterable[Path] | None = None) -> list[Path]:
    """Take group and other permissions off everything under `roots`; log what changed."""
    changed = []
    for path in loose_paths(private_dirs() if roots is None else roots):
        mode = stat.S_IMODE(path.lstat().st_mode)
        path.chmod(mode & ~OPEN_BITS)
        changed.append(path)
        if len(changed) <= LOGGED_ONE_BY_ONE:
            log.warning("file mode of %s tightened from %04o to %04o", path, mode,
                        mode & ~OPEN_BITS)
    if changed:
        log.warning("%d path(s) under the data directories were readable by other accounts; "
                    "now private", len(changed))
    return changed
