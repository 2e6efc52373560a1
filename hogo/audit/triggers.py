"""Database triggers that make the audit table append-only on SQLite and PostgreSQL.

An UPDATE, DELETE (or TRUNCATE on PostgreSQL) of an audit entry is rejected by the database
itself, whatever code or shell issues it. Someone who drops the triggers can still change rows,
and `hogo audit verify` then finds the change through the hash chain, and reports the missing
trigger itself (`missing`). Every `migrate` installs them again (apps.py), so a lost trigger is
restored by the next upgrade or a plain `hogo migrate`.
"""

from __future__ import annotations

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditentry"
MESSAGE = "audit entries are append-only"

SQLITE_NAMES = ("audit_entry_no_update", "audit_entry_no_delete")
SQLITE_REMOVE = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_NAMES]
# Dropped first: a trigger of the same name that no longer rejects anything is replaced too.
SQLITE_INSTALL = [
    *SQLITE_REMOVE,
    f"CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
POSTGRES_NAMES = ("audit_entry_no_change", "audit_entry_no_truncate")
POSTGRES_INSTALL = [
    "CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$ "
    f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql",
    f"DROP TRIGGER IF EXISTS audit_entry_no_change ON {TABLE}",
    f"CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()",
    f"DROP TRIGGER IF EXISTS audit_entry_no_truncate ON {TABLE}",
    f"CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON {TABLE} "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()",
]
POSTGRES_REMOVE = [
    f"DROP TRIGGER IF EXISTS audit_entry_no_change ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_entry_no_truncate ON {TABLE}",
]


def _statements(connection: BaseDatabaseWrapper, install: bool) -> list[str]:
    if connection.vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_REMOVE
    if connection.vendor == "postgresql":
        return POSTGRES_INSTALL if install else POSTGRES_REMOVE
    raise RuntimeError(f"no append-only triggers for database vendor {connection.vendor!r}")


def install(connection: BaseDatabaseWrapper) -> None:
    """(Re-)create the triggers; safe to run any number of times."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for statement in _statements(connection, install=True):
            cursor.execute(statement)


def missing(connection: BaseDatabaseWrapper) -> list[str]:
    """One English line per append-only trigger that is absent, disabled or rejects nothing."""
    if connection.vendor == "sqlite":
        found = _sqlite_triggers(connection)
        names = SQLITE_NAMES
    elif connection.vendor == "postgresql":
        found = _postgres_triggers(connection)
        names = POSTGRES_NAMES
    else:
        return [f"no append-only triggers for database vendor {connection.vendor!r}"]
    problems = []
    for name in names:
        if name not in found:
            problems.append(f"append-only trigger {name} on {TABLE} is missing")
        elif found[name]:
            problems.append(f"append-only trigger {name} on {TABLE} {found[name]}")
    return problems


def _sqlite_triggers(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """Trigger name -> "" when it rejects changes, else what is wrong with it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                       "AND tbl_name = %s", [TABLE])
        rows = cursor.fetchall()
    return {name: "" if "RAISE(ABORT" in (sql or "").upper().replace(" ", "")
            else "no longer rejects changes" for name, sql in rows}


def _postgres_triggers(connection: BaseDatabaseWrapper) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgname, t.tgenabled, p.prosrc FROM pg_trigger t "
            "JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE t.tgrelid = to_regclass(%s) AND NOT t.tgisinternal", [TABLE])
        rows = cursor.fetchall()
    found = {}
    for name, enabled, source in rows:
        if enabled not in ("O", "A"):  # D: disabled; R: fires only on a replica
            found[name] = "is disabled"
        elif "RAISE EXCEPTION" not in (source or "").upper():
            found[name] = "no longer rejects changes (its function was replaced)"
        else:
            found[name] = ""
    return found


def remove(connection: BaseDatabaseWrapper) -> None:
    """Only for test teardown, which must empty the tables between transactional tests."""
    with connection.cursor() as cursor:
        for statement in _statements(connection, install=False):
            cursor.execute(statement)
