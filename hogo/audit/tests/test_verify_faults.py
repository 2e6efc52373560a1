"""What `verify` must catch (R-903): triggers, an emptied chain, malformed rows —
and that a failure reaches the privacy officers and system administrators."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from hogo.accounts.models import Role, User
from hogo.alerts.models import Alert
from hogo.audit import chain, services, triggers
from hogo.audit.models import AuditEntry
from hogo.oversight.tasks import verify_chain_task

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite",
                               reason="only SQLite stores any text in a time column")
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql",
                                 reason="PostgreSQL can disable a trigger in place")


@pytest.fixture(autouse=True)
def _anchor_apart(settings, tmp_path):
    (tmp_path / "anchors").mkdir()
    settings.HOGO_AUDIT_ANCHOR_DIR = str(tmp_path / "anchors")


@pytest.fixture
def entries(demo):
    return [services.record("test.action", actor="system", object_id=i) for i in range(3)]


def verify(capsys, *extra: str) -> tuple[int, str]:
    try:
        call_command("audit", "verify", *extra)
    except SystemExit as stopped:
        return stopped.code, capsys.readouterr().err
    return 0, capsys.readouterr().out


def raw(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def test_missing_triggers_are_broken(entries, capsys):
    triggers.remove(connection)
    code, err = verify(capsys)
    assert code == 1
    for name in (triggers.SQLITE_NAMES if connection.vendor == "sqlite"
                 else triggers.POSTGRES_NAMES):
        assert f"append-only trigger {name} on audit_auditentry is missing" in err
    assert "hogo migrate" in err


def test_one_missing_trigger_is_named(entries, capsys):
    name = "audit_entry_no_delete" if connection.vendor == "sqlite" else "audit_entry_no_truncate"
    raw(f"DROP TRIGGER {name}" + ("" if connection.vendor == "sqlite"
                                  else " ON audit_auditentry"))
    code, err = verify(capsys)
    assert code == 1 and f"trigger {name} on audit_auditentry is missing" in err
    assert err.count("append-only trigger") == 1


@on_postgres
def test_disabled_trigger_is_broken(entries, capsys):
    raw("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_no_change")
    code, err = verify(capsys)
    assert code == 1 and "audit_entry_no_change on audit_auditentry is disabled" in err


def test_migrate_puts_the_triggers_back(entries, capsys):
    triggers.remove(connection)
    call_command("migrate", verbosity=0)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=entries[0].seq).update(purpose="changed")
    code, out = verify(capsys)
    assert code == 0 and "audit chain OK" in out


def test_empty_chain_beside_audited_data_is_broken(entries, capsys):
    triggers.remove(connection)
    raw("DELETE FROM audit_auditentry")
    triggers.install(connection)
    code, err = verify(capsys)
    users = User.objects.count()
    assert code == 1
    assert f"the audit chain is empty while audited tables hold rows ({users} in " \
           f"accounts.User" in err


@on_sqlite
def test_garbage_timestamp_is_a_broken_report_not_a_traceback(entries, capsys):
    triggers.remove(connection)
    raw("UPDATE audit_auditentry SET at = 'not a time' WHERE seq = %s", [entries[1].seq])
    code, err = verify(capsys)
    assert code == 1
    assert (f"audit entry seq={entries[1].seq} (row id {entries[1].pk}): "
            f"timestamp 'not a time' is not a valid time") in err


@on_sqlite
def test_impossible_date_is_named_too(entries, capsys):
    triggers.remove(connection)
    raw("UPDATE audit_auditentry SET at = '2025-13-45 99:00:00' WHERE seq = %s",
        [entries[0].seq])
    code, err = verify(capsys)
    assert code == 1 and f"seq={entries[0].seq}" in err and "not a valid time" in err


def test_non_json_detail_is_broken_even_with_a_matching_hash(entries, capsys):
    """A row rewritten around the application, its hash recomputed to match."""
    victim = entries[-1]  # the head: nothing after it links to its hash
    fields = {name: getattr(victim, name) for name in chain.HASHED_FIELDS}
    fields["detail"] = "{not json"
    triggers.remove(connection)
    raw("UPDATE audit_auditentry SET detail = %s, hash = %s WHERE id = %s",
        [fields["detail"], chain.entry_hash(fields), victim.pk])
    code, err = verify(capsys)
    assert code == 1
    assert f"seq={victim.seq} (row id {victim.pk}): detail is not valid JSON" in err


def test_null_fields_are_named():
    at = dt.datetime(2025, 6, 3, tzinfo=dt.UTC)
    entry = {"id": 7, "seq": 1, "at": at, "actor": None, "actor_user_id": None,
             "action": "x", "object_type": "", "object_id": "", "purpose": "", "detail": "",
             "request_id": "", "prev_hash": chain.GENESIS}
    entry["hash"] = chain.entry_hash(entry)
    report = chain.verify([entry])
    assert not report.ok and str(report.first_break) == (
        "audit entry seq=1 (row id 7): actor is empty (NULL)")
    assert not chain.verify([{**entry, "actor": "system", "at": None}]).ok


def _alerted() -> dict[str, int]:
    alerts = Alert.objects.filter(kind="audit.chain_broken", acknowledged_at__isnull=True)
    return {a.recipient.username: a.recipient.pk for a in alerts}


def test_failure_alerts_and_mails_each_privacy_officer_and_sysadmin_once(
        entries, capsys, mailoutbox):
    watchers = set(User.objects.filter(role__in=[Role.PRIVACY_OFFICER, Role.SYSADMIN],
                                       is_active=True).values_list("username", flat=True))
    assert watchers >= {"privacy", "sysadmin"}
    triggers.remove(connection)
    verify(capsys)
    assert set(_alerted()) == watchers
    assert len(mailoutbox) == 1
    assert set(mailoutbox[0].to) == {f"{name}@demo.city.example.jp" for name in watchers}
    assert "audit_auditentry is missing" in mailoutbox[0].body

    verify(capsys)  # the same failure again: nobody is alerted or mailed twice
    verify_chain_task.call()
    assert Alert.objects.filter(kind="audit.chain_broken").count() == len(watchers)
    assert len(mailoutbox) == 1

    raw("UPDATE audit_auditentry SET purpose = 'x' WHERE seq = %s", [entries[0].seq])
    assert not verify_chain_task.call()["ok"]  # a new, different failure
    assert Alert.objects.filter(kind="audit.chain_broken").count() == 2 * len(watchers)
    assert len(mailoutbox) == 2 and "content does not match" in mailoutbox[1].body


def test_daily_job_alerts_on_a_break(entries, mailoutbox):
    triggers.remove(connection)
    raw("DELETE FROM audit_auditentry WHERE seq = %s", [entries[1].seq])
    result = verify_chain_task.call()
    assert not result["ok"] and "removed" in result["problems"][0]
    assert {"privacy", "sysadmin"} <= set(_alerted())
    assert len(mailoutbox) == 1
