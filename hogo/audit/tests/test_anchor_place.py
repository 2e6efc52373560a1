"""The daily anchor (R-903) goes outside HOGO_DATA_DIR, and can be mailed or
written out for someone to keep."""

import json
import logging
import tempfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from hogo.audit import services, triggers
from hogo.oversight.tasks import verify_chain_task


@pytest.fixture
def outside(settings, tmp_path):
    place = tmp_path / "anchors"
    place.mkdir()
    settings.HOGO_AUDIT_ANCHOR_DIR = str(place)
    return place


def test_daily_anchor_goes_to_the_configured_place(demo, outside, settings):
    assert verify_chain_task.call()["ok"]
    saved = json.loads((outside / "audit-anchor.json").read_text())
    assert saved["head_seq"] > 0 and len(saved["head_hash"]) == 64
    assert not (settings.DATA_DIR / "audit-anchor.json").exists()
    assert services.anchor_problems() == []


def test_anchor_inside_the_data_dir_is_warned_about(demo, settings, caplog):
    # A folder of this run's own: the PostgreSQL run shares HOGO_DATA_DIR with SQLite's.
    inside = Path(tempfile.mkdtemp(dir=settings.DATA_DIR, prefix="anchors-"))
    settings.HOGO_AUDIT_ANCHOR_DIR = str(inside)
    problems = services.anchor_problems()
    assert len(problems) == 1 and "is inside HOGO_DATA_DIR" in problems[0]
    with caplog.at_level(logging.WARNING, logger="hogo.audit"):
        assert verify_chain_task.call()["ok"]
    assert "is inside HOGO_DATA_DIR" in caplog.text


def test_unset_or_missing_anchor_dir_is_a_problem(settings, tmp_path):
    settings.HOGO_AUDIT_ANCHOR_DIR = None
    assert "HOGO_AUDIT_ANCHOR_DIR is not set" in services.anchor_problems()[0]
    settings.HOGO_AUDIT_ANCHOR_DIR = str(tmp_path / "nowhere")
    assert "does not exist" in services.anchor_problems()[0]


def test_daily_anchor_catches_entries_cut_from_the_end(demo, outside, capsys):
    assert verify_chain_task.call()["ok"]
    head = json.loads((outside / "audit-anchor.json").read_text())["head_seq"]
    triggers.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq >= %s", [head])
    triggers.install(connection)
    with pytest.raises(SystemExit):
        call_command("audit", "verify")
    assert f"daily anchor: anchored entry seq={head} is missing" in capsys.readouterr().err


def test_anchor_is_written_to_a_file_and_mailed(demo, tmp_path, capsys, mailoutbox):
    out = tmp_path / "kept" / "anchor.json"
    out.parent.mkdir()
    call_command("audit", "anchor", "--out", str(out), "--mail", "keeper@example.jp",
                 "--mail", "auditor@example.jp")
    printed = json.loads(capsys.readouterr().out)
    assert json.loads(out.read_text()) == printed
    assert printed["head_seq"] == services.anchor()["head_seq"]
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["auditor@example.jp",
                                                         "keeper@example.jp"]
    assert printed["head_hash"] in mailoutbox[0].body


def test_bad_mail_address_or_file_is_a_clear_error(demo, tmp_path, mailoutbox):
    with pytest.raises(CommandError, match="is not an e-mail address"):
        call_command("audit", "anchor", "--mail", "not-an-address")
    with pytest.raises(CommandError, match="--out"):
        call_command("audit", "anchor", "--out", str(tmp_path / "no" / "such" / "dir.json"))
    assert mailoutbox == []
