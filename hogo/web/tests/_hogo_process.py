"""Run the real `hogo` command in a child process with a private, clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HOGO = Path(sys.executable).with_name("hogo")


def hogo(*args: str, umask: int = 0o022, **env: str) -> subprocess.CompletedProcess:
    """`hogo ARGS` as an administrator's shell would start it (umask 022 unless told)."""
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith("HOGO_")
                   and k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    environment.update(env)
    return subprocess.run([str(HOGO), *args], env=environment, capture_output=True, text=True,
                          timeout=300, preexec_fn=lambda: os.umask(umask))
