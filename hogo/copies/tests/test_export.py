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
    page = client.post(f"/copies/copies/{copy.pk}/export/", {"medium": usb.pk}, follow=True)
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


def unpack(download, tmp_path, password):
    package = tmp_path / "package.zip"
    package.write_bytes(b"".join(download.streaming_content))
    out = tmp_path / "out"
    done = subprocess.run([seven_zip(), "x", "-y", f"-p{password}", f"-o{out}", str(package)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_reloading_the_password_page_makes_no_second_package(client_for, copy, user, tmp_path):
    from hogo.audit.models import AuditEntry
    from hogo.copies.packages import export_dir

    usb = Medium.objects.get(label="KANZAI-USB-01")
    check_out(user("operator"), usb, purpose="保険会社への提出", due_on=clock.today_jst())
    client = client_for("operator")
    url = f"/copies/copies/{copy.pk}/export/"
    first = client.post(url, {"medium": usb.pk}, follow=True)
    again = client.post(url, {"medium": usb.pk}, follow=True)  # the form sent twice
    reload = client.get(f"{url}?medium={usb.pk}")  # the password page reloaded
    passwords = {page.context["export"].password for page in (first, again, reload)}
    assert len(passwords) == 1
    assert len(list(export_dir().glob(f"copy-{copy.pk:05d}-*.zip"))) == 1
    assert usb.contents.filter(copy=copy).count() == 1
    assert AuditEntry.objects.filter(action="copy.exported").count() == 1
    export = reload.context["export"]
    download = client.get(f"/copies/exports/{export.token}/")
    name = f"複製データ_#{copy.pk}_{clock.jst_date(copy.made_at):%Y-%m-%d}.zip"
    assert export.filename == name
    assert "filename*=utf-8''" in download["Content-Disposition"]
    files = unpack(download, tmp_path, export.password)
    # After the download the page no longer offers it; exporting again adds no medium row.
    assert client.get(f"{url}?medium={usb.pk}").status_code == 302
    client.post(url, {"medium": usb.pk})
    assert usb.contents.filter(copy=copy).count() == 1

    custody = files["chain_of_custody.txt"].decode("utf-8-sig")
    assert "管財 一郎（総務部 管財課・管理責任者）" in custody
    assert "複製の承認（承認者）" in custody and "user:" not in custody
    assert "copy.requested" not in custody and "copy.made" not in custody
    undertaking = files["遵守事項.txt"].decode("utf-8-sig")
    assert "（デモ市公用車ドライブレコーダーの設置及び管理運用に関する規則第10条）" in undertaking
    assert "芦屋" not in undertaking + custody
    manifest = files["manifest.json"].decode()
    assert "再エンコードなし" in manifest and "芦屋" not in manifest


def test_the_copy_page_says_who_exports_onto_what(client_for, copy, user):
    from hogo.media.services import mark_missing

    page = client_for("operator").get(f"/copies/requests/{copy.request_id}/").content.decode()
    assert "管財 一郎（管理責任者）" in page and "操作 次郎（操作取扱者）" in page
    assert 'data-testid="export-why"' in page and 'data-testid="export-media"' not in page
    one, two = (Medium.objects.get(label=f"KANZAI-USB-0{n}") for n in (1, 2))
    for medium in (one, two):
        check_out(user("operator"), medium, purpose="提出", due_on=clock.today_jst())
    mark_missing(user("manager"), two, why="棚卸しで見つからない")
    page = client_for("operator").get(f"/copies/requests/{copy.request_id}/").content.decode()
    assert "KANZAI-USB-01" in page and "KANZAI-USB-02" not in page  # missing: not offered
    manager_page = client_for("manager").get(
        f"/copies/requests/{copy.request_id}/").content.decode()
    assert "KANZAI-USB-01" not in manager_page  # checked out by someone else


def test_a_processed_copy_says_re_encoded_in_its_manifest(copy):
    from hogo.copies.packages import package_manifest

    assert package_manifest(copy)["encoding"]["en"] == "stream copy (not re-encoded)"
    copy.parent_id = copy.pk  # as a processed copy points at its parent
    manifest = package_manifest(copy)
    assert manifest["encoding"] == {"ja": "再エンコード（マスキング済み）",
                                    "en": "re-encoded (masked)"}
    assert manifest["tool"].startswith("re-encoded (masked)")


def test_the_session_never_holds_the_password(client_for, copy, user):
    """Reloading shows the same password, read from a 0600 file beside the package; the
    session (saved in the database) keeps only where the package is. Downloading removes both."""
    from django.contrib.sessions.models import Session

    from hogo.copies.packages import password_file

    usb = Medium.objects.get(label="KANZAI-USB-01")
    check_out(user("operator"), usb, purpose="保険会社への提出", due_on=clock.today_jst())
    client = client_for("operator")
    first = client.post(f"/copies/copies/{copy.pk}/export/", {"medium": usb.pk}, follow=True)
    again = client.post(f"/copies/copies/{copy.pk}/export/", {"medium": usb.pk}, follow=True)
    export = first.context["export"]
    assert again.context["export"].password == export.password
    stored = "".join(s.session_data + str(s.get_decoded()) for s in Session.objects.all())
    assert export.password not in stored
    secret = password_file(export.path)
    assert secret.read_text(encoding="utf-8") == export.password
    assert secret.stat().st_mode & 0o777 == 0o600
    client.get(f"/copies/exports/{export.token}/")
    assert not secret.exists() and not export.path.exists()
