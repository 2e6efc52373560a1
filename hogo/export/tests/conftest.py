"""A package built once per module: two clips (one with a Japanese name) and the documents."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from hogo.export import CustodyEvent, PackageResult, build_package, generate_password
from hogo.export.documents import JST

CREATED = dt.datetime(2025, 6, 3, 15, 0, tzinfo=JST)
MARKER = b"HOGO-PLAINTEXT-MARKER-7f3a"
FRONT = "clips/前方カメラ_01.mp4"
REAR = "clips/rear_01.mp4"
MANIFEST = {
    "copy_id": "C-2025-0042",
    "purpose": "事故の原因究明及び保険請求等の事務処理",
    "requested_range": {"start": dt.datetime(2025, 6, 3, 14, 10, tzinfo=JST),
                        "end": dt.datetime(2025, 6, 3, 14, 12, tzinfo=JST)},
    "actual_range": {"start": "2025-06-03T14:09:58+09:00", "end": "2025-06-03T14:12:01+09:00"},
    "sources": [{"original": "20250603_140000_F.mp4", "sha256": "ab" * 32}],
}
CUSTODY = [
    CustodyEvent(dt.datetime(2025, 6, 3, 5, 0, tzinfo=dt.UTC), "山田 太郎（操作取扱者）",
                 "複製データを作成（事故の原因究明）"),
    (dt.datetime(2025, 6, 3, 5, 30, tzinfo=dt.UTC), "佐藤 花子（管理責任者）",
     "提供を承認（芦屋警察署）"),
]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Built:
    path: Path
    password: str
    result: PackageResult
    contents: dict[str, bytes]  # the clips' plaintext by member name


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    front = MARKER + os.urandom(300_000) + MARKER
    rear = b"".join(MARKER + bytes([i]) * 1000 for i in range(200))
    password = generate_password()
    path = tmp_path_factory.mktemp("package") / "export.zip"
    result = build_package(
        path,
        [(FRONT, io.BytesIO(front), sha256(front)),
         (REAR, (rear[i:i + 65536] for i in range(0, len(rear), 65536)), sha256(rear))],
        manifest=MANIFEST, custody=CUSTODY, password=password, created=CREATED,
    )
    return Built(path, password, result, {FRONT: front, REAR: rear})


def seven_zip_command() -> str:
    """The 7-Zip command line. Missing 7-Zip fails the calling test (not an error, not a skip):
    CI always installs it."""
    found = shutil.which("7z") or shutil.which("7zz")
    if found is None:
        pytest.fail("7-Zip is not installed: install the Debian package `7zip` "
                    "(sudo apt-get install 7zip), which provides `7z`/`7zz`")
    return found


def run_7z(*args: str) -> subprocess.CompletedProcess[str]:
    """Run 7-Zip without a terminal: -y answers every question, stdin is closed."""
    return subprocess.run(
        [seven_zip_command(), *args, "-y"], stdin=subprocess.DEVNULL, capture_output=True,
        text=True, timeout=60, env={**os.environ, "LC_ALL": "C.UTF-8"}, check=False,
    )
