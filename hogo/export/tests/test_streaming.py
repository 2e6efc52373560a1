"""Large members are streamed: memory stays far below the member's size."""

import hashlib
import tracemalloc

import pyzipper

from hogo.export import build_package, generate_password

from .conftest import CUSTODY

MIB = 1024 * 1024
PIECES = 64  # 64 MiB in 1 MiB pieces


def pieces():
    for i in range(PIECES):
        yield bytes([i]) * MIB


def test_a_64_mib_member_is_streamed(tmp_path):
    expected = hashlib.sha256()
    for piece in pieces():
        expected.update(piece)
    password = generate_password()
    tracemalloc.start()
    try:
        result = build_package(tmp_path / "big.zip", [("big.mp4", pieces(), expected.hexdigest())],
                               manifest={}, custody=CUSTODY, password=password)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.member("big.mp4").size == PIECES * MIB
    assert peak < 8 * MIB, f"peak {peak / MIB:.1f} MiB"
    with pyzipper.AESZipFile(tmp_path / "big.zip") as zf:
        zf.setpassword(password.encode())
        with zf.open("big.mp4") as member:
            digest = hashlib.sha256()
            while chunk := member.read(4 * MIB):
                digest.update(chunk)
    assert digest.hexdigest() == expected.hexdigest()
