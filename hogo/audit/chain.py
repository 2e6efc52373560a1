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


TEXT_FIELDS = ("actor", "action", "object_type", "object_id", "purpose", "detail",
               "request_id", "prev_hash", "hash")


def malformed(entry: dict[str, Any]) -> str | None:
    """Why a row is not one `record()` could have written (so cannot be hashed), or None.

    Such a row was written around the application: a text in the time column, a NULL, a
    detail that is not JSON. Naming it beats a traceback half-way through the chain.
    """
    seq = entry.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool):
        return f"sequence number {seq!r} is not a whole number"
    at = entry.get("at")
    if not isinstance(at, dt.datetime) or at.tzinfo is None:
        return f"timestamp {at!r} is not a valid time"
    for name in TEXT_FIELDS:
        value = entry.get(name)
        if value is None:
            return f"{name} is empty (NULL)"
        if not isinstance(value, str):
            return f"{name} is not text: {value!r}"
    user_id = entry.get("actor_user_id")
    if user_id is not None and (not isinstance(user_id, int) or isinstance(user_id, bool)):
        return f"actor_user_id {user_id!r} is not a whole number"
    if entry["detail"]:
        try:
            json.loads(entry["detail"])
        except ValueError:
            return f"detail is not valid JSON: {entry['detail'][:60]!r}"
    return None


@dataclass(frozen=True)
class ChainBreak:
    """The first entry where the chain does not hold, and why."""

    seq: int | str | None  # as stored: a malformed row may hold anything
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
    """Walk entries in seq order; report the first malformed, changed, missing or reordered
    one."""
    expected_seq, prev_hash, count = 1, GENESIS, 0
    for entry in entries:
        seq, row_id = entry["seq"], entry["id"]
        if problem := malformed(entry):
            return ChainReport(count, prev_hash, ChainBreak(seq, row_id, problem))
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
