"""The audit table rejects UPDATE and DELETE in the database; verify catches what slips by."""

import json

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from hogo.audit import services, triggers
from hogo.audit.models import AuditEntry


@pytest.fixture
def entries(db):
    return [services.record("test.action", actor="system", object_id=i, purpose=f"p{i}")
            for i in range(1, 6)]


def verify_exit(capsys, *extra: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as stopped:
        call_command("audit", "verify", *extra)
    return stopped.value.code, capsys.readouterr().err


def test_update_is_rejected_by_the_database(entries):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=entries[1].seq).update(purpose="changed")


def test_delete_is_rejected_by_the_database(entries):
    with (pytest.raises(DatabaseError, match="append-only"), transaction.atomic(),
          connection.cursor() as cursor):
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = %s", [entries[1].seq])


def test_intact_chain_verifies(entries, capsys):
    call_command("audit", "verify")
    assert f"audit chain OK: {entries[-1].seq} entries" in capsys.readouterr().out


def test_edited_row_is_named_after_dropping_the_trigger(entries, capsys):
    triggers.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET purpose = 'x' WHERE seq = %s",
                       [entries[2].seq])
    code, err = verify_exit(capsys)
    assert code == 1
    assert f"seq={entries[2].seq} (row id {entries[2].pk})" in err and "changed" in err


def test_deleted_row_is_caught(entries, capsys):
    triggers.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = %s", [entries[1].seq])
    code, err = verify_exit(capsys)
    assert code == 1 and f"seq={entries[2].seq}" in err and "removed" in err


def test_anchor_catches_entries_cut_from_the_end(entries, capsys):
    anchor = services.anchor()
    triggers.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = %s", [entries[-1].seq])
    triggers.install(connection)
    call_command("audit", "verify")  # the chain alone still holds
    code, err = verify_exit(capsys, "--anchor", json.dumps(anchor))
    assert code == 1 and f"seq={entries[-1].seq} is missing" in err


def test_entries_link_to_the_previous_hash(entries):
    first = AuditEntry.objects.get(seq=1)
    assert first.prev_hash == "0" * 64
    assert entries[0].prev_hash == AuditEntry.objects.get(seq=entries[0].seq - 1).hash
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False))
