"""Auditors read and export the chain; other roles are refused; reading is itself recorded."""

import csv
import io

import pytest

from hogo.audit.models import AuditEntry


def test_auditor_filters_by_action(client_for):
    response = client_for("auditor").get("/audit/", {"action": "operator."})
    assert response.status_code == 200
    body = response.content.decode()
    assert "operator.designated" in body and "account.created" not in body


def test_csv_export_holds_the_chain_and_is_recorded(client_for):
    response = client_for("auditor").get("/audit/export.csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeffseq,at_jst,actor")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) > 5 and rows[1][0] == "1"
    assert AuditEntry.objects.filter(action="audit.exported", actor="user:auditor").exists()


@pytest.mark.parametrize("username", ["staff", "operator", "manager", "sysadmin"])
def test_other_roles_are_refused(client_for, username):
    response = client_for(username).get("/audit/")
    assert response.status_code == 403
    assert "アクセスできません" in response.content.decode()
    assert AuditEntry.objects.filter(action="access.denied", actor=f"user:{username}").exists()


def test_entries_carry_the_request_id(client_for):
    response = client_for("auditor").get("/audit/")
    entry = AuditEntry.objects.filter(action="audit.viewed").latest("seq")
    assert entry.request_id == response["X-Request-ID"]


def test_csv_cells_cannot_become_formulas(client_for, demo, user):
    from hogo.audit import services

    services.record("test.note", user=user("privacy"), purpose='=HYPERLINK("http://x")')
    text = b"".join(client_for("auditor").get("/audit/export.csv").streaming_content).decode()
    assert "'=HYPERLINK" in text and ',=HYPERLINK' not in text
