"""Audit anchors (R-903): a deleted daily anchor, or an unmounted anchor place, must not pass."""

import json
import logging

import pytest
from django.core.management import call_command
from django.db import connection

from hogo.alerts.models import Alert
from hogo.audit import services, triggers
from hogo.audit.models import AuditEntry
from hogo.oversight.tasks import verify_chain_task


@pytest.fixture
def outside(settings, tmp_path):
    place = tmp_path / "anchors"
    place.mkdir()
    settings.HOGO_AUDIT_ANCHOR_DIR = str(place)
    return place


def verify(capsys) -> tuple[int, str]:
    try:
        call_command("audit", "verify")
    except SystemExit as stopped:
        return stopped.code, capsys.readouterr().err
    return 0, capsys.readouterr().out


def test_no_anchor_before_the_first_daily_run_is_fine(demo, outside, capsys):
    assert not AuditEntry.objects.filter(action="audit.verified").exists()
    code, out = verify(capsys)
    assert code == 0 and "audit chain OK" in out


def test_entries_cut_and_the_anchor_deleted_are_broken(demo, outside, capsys):
    assert verify_chain_task.call()["ok"]  # day 1
    services.record("test.action", actor="system", object_id=1)
    assert verify_chain_task.call()["ok"]  # day 2
    anchor = outside / "audit-anchor.json"
    head = json.loads(anchor.read_text())["head_seq"]
    triggers.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq >= %s", [head])
    triggers.install(connection)
    anchor.unlink()

    code, err = verify(capsys)
    assert code == 1
    assert f"audit chain BROKEN: daily anchor {anchor} is missing" in err
    result = verify_chain_task.call()  # nor does the next daily run anchor the short chain
    assert not result["ok"] and "is missing" in result["problems"][0]
    assert not anchor.exists()


def test_an_absent_anchor_place_is_refused_not_created(demo, settings, tmp_path, caplog,
                                                       mailoutbox):
    unmounted = tmp_path / "mnt" / "anchors"
    settings.HOGO_AUDIT_ANCHOR_DIR = str(unmounted)
    with caplog.at_level(logging.ERROR, logger="hogo.audit"):
        result = verify_chain_task.call()
    assert not result["ok"]
    assert result["problems"] == [f"daily anchor not written: {unmounted} does not exist or "
                                  f"is not a directory (is HOGO_AUDIT_ANCHOR_DIR mounted?); "
                                  f"hogo does not create it"]
    assert not unmounted.exists() and not unmounted.parent.exists()
    assert "audit chain BROKEN (daily verification): daily anchor not written" in caplog.text
    assert not AuditEntry.objects.filter(action="audit.verified").exists()
    assert Alert.objects.filter(kind="audit.chain_broken").exists() and mailoutbox


def test_the_anchor_is_replaced_whole(demo, outside):
    assert verify_chain_task.call()["ok"]
    anchor = outside / "audit-anchor.json"
    first = anchor.stat().st_ino
    services.record("test.action", actor="system", object_id=1)
    assert verify_chain_task.call()["ok"]
    assert anchor.stat().st_ino != first  # a new file renamed over, never rewritten in place
    assert json.loads(anchor.read_text())["head_seq"] > 0
    assert [p.name for p in outside.iterdir()] == ["audit-anchor.json"]
