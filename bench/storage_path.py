"""Benchmark 8(a): the storage path (hash + encrypt + store) against the machine's own limits.

One process, one file of random data, measured side by side in the same run:

    dd conv=fdatasync       what the disk writes
    openssl dgst -sha256    what hashing alone costs
    openssl enc aes-256-ctr what encryption alone costs
    EncryptedStore.put      hash + encrypt + write + fsync into a LocalBackend on the same disk

Prints MB/s (10^6 bytes per second of plaintext) and the ratios; never asserts a timing.
The issue's goal is store/dd >= 0.5.

    .venv/bin/python bench/storage_path.py [--size-mb 1024] [--dir DIR] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hogo.storage import EncryptedStore, Keyring, LocalBackend  # noqa: E402


def make_file(path: Path, size: int) -> None:
    block = 16 * 1024 * 1024
    with open(path, "wb") as handle:
        for offset in range(0, size, block):
            handle.write(os.urandom(min(block, size - offset)))
        handle.flush()
        os.fsync(handle.fileno())


def timed(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def run(command: list[str]) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="file size in MiB")
    parser.add_argument("--dir", type=Path, default=None,
                        help="work directory on the disk to measure (default: system temp)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each; the best is kept")
    args = parser.parse_args()
    if args.dir:
        args.dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="hogo-bench-", dir=args.dir))
    size = args.size_mb * 1024 * 1024
    source = work / "source.bin"
    try:
        print(f"work directory {work}; creating {args.size_mb} MiB of random data …",
              flush=True)
        make_file(source, size)
        key, iv = secrets.token_hex(32), secrets.token_hex(16)
        store = EncryptedStore(LocalBackend(work / "objects"),
                               Keyring.load_or_create(work / "keys"))
        out = work / "dd.out"

        def dd() -> None:
            run(["dd", f"if={source}", f"of={out}", "bs=4M", "conv=fdatasync", "status=none"])

        def sha() -> str:
            return run(["openssl", "dgst", "-sha256", "-r", str(source)]).split()[0]

        def aes() -> None:
            run(["openssl", "enc", "-aes-256-ctr", "-K", key, "-iv", iv, "-in", str(source),
                 "-out", os.devnull])

        def put() -> str:
            with open(source, "rb", buffering=0) as handle:
                return store.put(handle).object_id

        best: dict[str, float] = {}
        digests: dict[str, object] = {}
        for _ in range(args.repeat):
            for label, action in (("dd conv=fdatasync", dd), ("openssl sha256", sha),
                                  ("openssl aes-256-ctr", aes), ("EncryptedStore.put", put)):
                seconds, result = timed(action)
                out.unlink(missing_ok=True)
                if action is put:  # untimed: the next run must store, not deduplicate
                    store.shred(str(result))
                best[label] = min(seconds, best.get(label, seconds))
                digests[label] = result
        rates = {label: size / seconds / 1e6 for label, seconds in best.items()}
        print(f"\n{'path':<22}{'seconds':>9}{'MB/s':>9}")
        for label, seconds in best.items():
            print(f"{label:<22}{seconds:>9.2f}{rates[label]:>9.0f}")
        store_rate = rates["EncryptedStore.put"]
        print(f"\nstore / dd             {store_rate / rates['dd conv=fdatasync']:.2f}"
              "   (goal >= 0.50)")
        print(f"store / openssl sha256 {store_rate / rates['openssl sha256']:.2f}")
        print(f"store / openssl aes    {store_rate / rates['openssl aes-256-ctr']:.2f}")
        same = digests["EncryptedStore.put"] == digests["openssl sha256"]
        print(f"object id equals openssl's SHA-256: {'yes' if same else 'NO'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
