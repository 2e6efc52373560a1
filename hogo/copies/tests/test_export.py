"""A copy leaves only as an encrypted ZIP onto a medium the person has checked out; 7-Zip
opens it with the password shown once, and not without it."""

import hashlib
import shutil
import subprocess

import pytest

from hogo import clock
from hogo.copies.models import Copy
from hogo.copies.tests.test_copy_workflow import ask
from hogo.footage.ingest import ingest_file
from hogo.media.models import Medium
from hogo.media.services import check_out


def seven_zip() -> str:
    found = shutil.which("7z") or shutil.which("7zz")
    if not found:
        pytest.fail("7-Zip is missing: install the Debian package 7zip "
                    "(python3 scripts/system_deps.py as root)")
    return found


@pytest.fixture
def copy(recorder, continuous_clips, user):
    for clip in continuous_clips:
        ingest_file(recorder, clip, clip.name, by="test")
    return Copy.objects.get(request=ask(user("manager"), recorder))


def test_export_to_a_checked_out_medium_opens_with_7zip(client_for, copy, user, tmp_path):
    usb = Medium.objects.get(label="KANZAI-USB-01")
    check_out(user("operator"), usb, purpose="保険会社への提出", due_on=clock.today_jst())
    client = client_for("operator")
    page = client.post(f"/copies/copies/{copy.pk}/export/", {"medium": usb.pk})
    body = page.content.decode()
    assert page.status_code == 200
    password = page.context["export"].password
    assert password in body
    download = client.get(f"/copies/exports/{page.context['export'].token}/")
    package = tmp_path / "package.zip"
    package.write_bytes(b"".join(download.streaming_content))
    assert client.get(f"/copies/exports/{page.context['export'].token}/").status_code == 404

    wrong = subprocess.run([seven_zip(), "x", "-y", "-pwrong-password", f"-o{tmp_path / 'w'}",
                            str(package)], capture_output=True, text=True)
    assert wrong.returncode != 0
    right = subprocess.run([seven_zip(), "x", "-y", f"-p{password}", f"-o{tmp_path / 'r'}",
                            str(package)], capture_output=True, text=True)
    assert right.returncode == 0, right.stdout + right.stderr
    clip = next((tmp_path / "r").rglob("copy_*.mp4"))
    assert hashlib.sha256(clip.read_bytes()).hexdigest() == copy.sha256
    assert any((tmp_path / "r").rglob("遵守事項.txt"))
    assert usb.contents.filter(copy=copy).exists()  # the system knows what the medium holds
    assert password not in str(usb.contents.get(copy=copy).description)


def test_export_needs_the_medium_in_hand(client_for, copy):
    usb = Medium.objects.get(label="KANZAI-USB-02")  # still in its cabinet
    response = client_for("operator").post(f"/copies/copies/{copy.pk}/export/",
                                           {"medium": usb.pk}, follow=True)
    assert "持出し中の記録媒体だけです" in response.content.decode()
    assert not usb.contents.exists()


def test_packages_nobody_downloaded_are_removed_after_two_hours(demo):
    import datetime as dt
    import os

    from hogo import clock
    from hogo.audit.models import AuditEntry
    from hogo.copies.packages import expire_exports, export_dir

    old, fresh = export_dir() / "old-token.zip", export_dir() / "fresh-token.zip"
    for package in (old, fresh):
        package.write_bytes(b"PK encrypted")
    three_hours_ago = (clock.now() - dt.timedelta(hours=3)).timestamp()
    os.utime(old, (three_hours_ago, three_hours_ago))
    assert expire_exports() == ["old-token.zip"]
    assert not old.exists() and fresh.exists()
    assert AuditEntry.objects.filter(action="copy.export_expired").count() == 1
    fresh.unlink()
