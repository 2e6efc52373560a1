"""The pure chain rules: a changed, removed or reordered entry is found and named."""

import datetime as dt

from hogo.audit import chain


def make_chain(n: int) -> list[dict]:
    entries, prev = [], chain.GENESIS
    for seq in range(1, n + 1):
        fields = {"id": seq + 100, "seq": seq, "at": dt.datetime(2025, 6, 3, 9, seq, tzinfo=dt.UTC),
                  "actor": "user:alice", "actor_user_id": 1, "action": "footage.viewed",
                  "object_type": "footage.segment", "object_id": str(seq), "purpose": "事故調査",
                  "detail": "", "request_id": "r", "prev_hash": prev}
        fields["hash"] = prev = chain.entry_hash(fields)
        entries.append(fields)
    return entries


def test_intact_chain_verifies():
    report = chain.verify(make_chain(5))
    assert report.ok and report.count == 5


def test_changed_entry_is_named():
    entries = make_chain(5)
    entries[2]["purpose"] = "私的な閲覧"
    report = chain.verify(entries)
    assert not report.ok
    assert report.first_break.seq == 3 and report.first_break.row_id == 103
    assert "changed" in report.first_break.reason


def test_removed_entry_is_named():
    entries = make_chain(5)
    del entries[1]
    report = chain.verify(entries)
    assert report.first_break.seq == 3
    assert "removed" in report.first_break.reason


def test_reordered_entries_are_caught():
    entries = make_chain(5)
    entries[1]["seq"], entries[2]["seq"] = 3, 2
    entries.sort(key=lambda e: e["seq"])
    report = chain.verify(entries)
    assert not report.ok and report.first_break.seq == 2


def test_hash_is_canonical_and_time_zone_independent():
    entry = make_chain(1)[0]
    jst = dict(entry, at=entry["at"].astimezone(dt.timezone(dt.timedelta(hours=9))))
    assert chain.entry_hash(jst) == entry["hash"]
