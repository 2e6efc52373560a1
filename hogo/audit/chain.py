"""The pure part of the audit chain: canonical JSON, hashing and verification.

Framework-free so the hashing rules are unit-tested on their own and can be re-implemented by
an outside checker from this file alone: SHA-256 over UTF-8 canonical JSON (sorted keys, no
spaces) of the entry's fields, the previous entry's hash included.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
HASHED_FIELDS = ("seq", "at", "actor", "actor_user_id", "action", "object_type", "object_id",
                 "purpose", "detail", "request_id", "prev_hash")


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_time(instant: dt.datetime) -> str:
    """UTC with microseconds: the same text whichever database gave the value back."""
    if instant.tzinfo is None:
        raise ValueError("audit times must be aware")
    return instant.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(fields: dict[str, Any]) -> str:
    payload = {name: fields[name] for name in HASHED_FIELDS}
    payload["at"] = canonical_time(payload["at"])
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    """The first entry where the chain does not hold, and why."""

    seq: int
    row_id: int
    reason: str

    def __str__(self) -> str:
        return f"audit entry seq={self.seq} (row id {self.row_id}): {self.reason}"


@dataclass(frozen=True)
class ChainReport:
    count: int
    head_hash: str
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def verify(entries: Iterable[dict[str, Any]]) -> ChainReport:
    """Walk entries in seq order; report the first changed, missing or reordered one."""
    expected_seq, prev_hash, count = 1, GENESIS, 0
    for entry in entries:
        seq, row_id = entry["seq"], entry["id"]
        if seq != expected_seq:
            reason = (f"sequence jumps from {expected_seq - 1} to {seq}: "
                      f"entries {expected_seq}..{seq - 1} were removed"
                      if seq > expected_seq else f"sequence number {seq} repeats or goes back")
            return ChainReport(count, prev_hash, ChainBreak(seq, row_id, reason))
        if entry["prev_hash"] != prev_hash:
            return ChainReport(count, prev_hash, ChainBreak(
                seq, row_id, "previous-hash link does not match the entry before it "
                             "(an entry was removed, inserted or reordered)"))
        if entry_hash(entry) != entry["hash"]:
            return ChainReport(count, prev_hash, ChainBreak(
                seq, row_id, "content does not match its hash (the row was changed)"))
        prev_hash, expected_seq, count = entry["hash"], seq + 1, count + 1
    return ChainReport(count, prev_hash, None)
