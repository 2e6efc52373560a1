#!/usr/bin/env python3
"""Install the Debian packages the test suite drives for real: PostgreSQL, Chromium, IPA fonts,
7-Zip, nginx.

Only what is missing is installed, and only as root (CI and fresh machines run as root). A
developer without root gets a clear list of what to install instead of silently skipped tests.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys

FONTS = "/usr/share/fonts/**/"
PACKAGES = {
    "postgresql": lambda: bool(glob.glob("/usr/lib/postgresql/*/bin/initdb")),
    "chromium": lambda: shutil.which("chromium") is not None,
    "fonts-ipafont-gothic": lambda: bool(glob.glob(FONTS + "ipag*.ttf", recursive=True)),
    "fonts-ipafont-mincho": lambda: bool(glob.glob(FONTS + "ipam*.ttf", recursive=True)),
    # 7-Zip: the tests open exported packages with the tool a recipient would use.
    "7zip": lambda: shutil.which("7z") is not None or shutil.which("7zz") is not None,
    # The reverse proxy of the scale-out rehearsal (tests/scaleout), run from deploy/'s config.
    "nginx": lambda: os.path.exists("/usr/sbin/nginx"),
}


def main() -> int:
    missing = [name for name, present in PACKAGES.items() if not present()]
    if not missing:
        return 0
    if os.geteuid() != 0:
        print(f"[hogo] missing system packages: {' '.join(missing)}\n"
              f"[hogo] install them as root: apt-get install -y {' '.join(missing)}",
              file=sys.stderr)
        return 1
    print(f"[hogo] installing system packages: {' '.join(missing)}", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
