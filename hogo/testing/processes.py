"""`hogo` commands as child processes of a test, on its database and store, to kill -9.

Each child runs hogo.testing.child (the real `hogo` entry point with the test database's name
and the test's store put into its settings). Its output goes to a log file the test can poll;
every wait is bounded and says what it waited for, with the end of the log, when it gives up.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hogo.testing.child import DATABASE_NAME, STORAGE

POLL = 0.02


class Child:
    def __init__(self, args: list[str], log: Path, env: dict[str, str]) -> None:
        self.args, self.log = args, log
        with open(log, "wb") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "hogo.testing.child", *args], env=env,
                stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.output().splitlines()[-lines:])

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_for(self, check: Callable[[], Any], what: str, timeout: float = 60,
                 interval: float = POLL) -> Any:
        """Poll `check` until it returns something true; fail if the child exits first.
        A short `interval` kills closer to the moment `check` became true."""
        deadline = time.monotonic() + timeout
        while True:
            if found := check():
                return found
            if not self.alive():
                raise AssertionError(f"hogo {' '.join(self.args)} exited "
                                     f"({self.process.returncode}) before {what}:\n{self.tail()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} within {timeout} s:\n{self.tail()}")
            time.sleep(interval)

    def wait_for_line(self, pattern: str, timeout: float = 60) -> re.Match[str]:
        return self.wait_for(lambda: re.search(pattern, self.output(), re.MULTILINE),
                             f"line matching {pattern!r}", timeout)

    def kill(self) -> None:
        """kill -9: no handler runs, no transaction commits, nothing is flushed."""
        if self.alive():
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def finish(self, timeout: float = 120) -> int:
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"hogo {' '.join(self.args)} did not finish within "
                                 f"{timeout} s:\n{self.tail()}") from None


class Hogo:
    """Starts children on the given database name and store settings; kills what is left."""

    def __init__(self, database_name: str, storage: dict[str, Any], logs: Path) -> None:
        self.env = {**os.environ, DATABASE_NAME: database_name,
                    STORAGE: json.dumps(storage), "PYTHONUNBUFFERED": "1"}
        self.logs = logs
        self.children: list[Child] = []

    def start(self, *args: str, env: dict[str, str] | None = None,
              name: str | None = None) -> Child:
        """`hogo ARGS` as a child; `env` adds to (or replaces) its environment, `name` names
        its log file (default child-N)."""
        log = self.logs / f"{name or f'child-{len(self.children)}'}.log"
        child = Child(list(args), log, {**self.env, **(env or {})})
        self.children.append(child)
        return child

    def run(self, *args: str, timeout: float = 120,
            env: dict[str, str] | None = None) -> tuple[int, str]:
        child = self.start(*args, env=env)
        return child.finish(timeout), child.output()

    def kill_all(self) -> None:
        for child in self.children:
            with contextlib.suppress(Exception):
                child.kill()
