"""The package opens with the real 7-Zip and the shown password, and not without it."""

import subprocess

import pytest

from hogo.export.documents import DOCUMENT_NAMES

from .conftest import FRONT, MARKER, REAR, run_7z, sha256


def extracted(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*") if p.is_file()}


def test_7zip_extracts_every_member_with_the_password(built, tmp_path):
    done = run_7z("x", f"-p{built.password}", f"-o{tmp_path}", str(built.path))
    assert done.returncode == 0, done.stdout + done.stderr
    files = extracted(tmp_path)
    assert sorted(files) == sorted(m.name for m in built.result.members)
    assert {FRONT, REAR, *DOCUMENT_NAMES} == set(files)  # the Japanese name round-trips
    for member in built.result.members:
        assert sha256(files[member.name]) == member.sha256
        assert len(files[member.name]) == member.size
    assert files[FRONT] == built.contents[FRONT]


def test_the_checksum_file_verifies_with_sha256sum(built, tmp_path):
    assert run_7z("x", f"-p{built.password}", f"-o{tmp_path}", str(built.path)).returncode == 0
    check = subprocess.run(["sha256sum", "-c", "manifest.sha256"], cwd=tmp_path,
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": OK") == len(built.result.members) - 1


def test_7zip_lists_aes_256_and_the_japanese_name(built):
    listing = run_7z("l", "-slt", f"-p{built.password}", str(built.path)).stdout
    assert f"Path = {FRONT}" in listing
    methods = [line for line in listing.splitlines() if line.startswith("Method = ")]
    assert len(methods) == len(built.result.members)
    assert all(line.startswith("Method = AES-256") for line in methods)


@pytest.mark.parametrize("option", ["-pwrong-pass-word-here", "-p", "-pX"],
                         ids=["wrong", "empty", "X"])
def test_7zip_refuses_a_wrong_or_missing_password(built, tmp_path, option):
    done = run_7z("x", option, f"-o{tmp_path}", str(built.path))
    assert done.returncode != 0
    assert "Wrong password" in done.stdout + done.stderr
    # 7-Zip leaves empty placeholder files behind; none may hold any of the data.
    hashes = {m.sha256 for m in built.result.members}
    for name, data in extracted(tmp_path).items():
        assert sha256(data) not in hashes, name
        assert MARKER not in data, name
