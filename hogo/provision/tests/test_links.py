"""A one-time download link: the recipient confirms the undertakings, downloads once, and
every later attempt is refused; a link expires and can be revoked; every attempt is in the
audit chain and the link's fetch log; the package is crypto-shredded after the fetch, the
revocation or the expiry."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from hogo import clock
from hogo.alerts.models import Alert
from hogo.audit.models import AuditEntry
from hogo.copies.tests.test_export import seven_zip
from hogo.footage.models import DeletionRecord
from hogo.provision import handover, links
from hogo.provision.models import DownloadLink, Fetch, Method, RequestState
from hogo.provision.tests.test_handover import (  # noqa: F401 - fixtures
    NUMBER,
    approved,
    copy,
)

UA = "Mozilla/5.0 (recipient)"


@pytest.fixture
def made(approved, copy, user):  # noqa: F811 - the fixtures above
    return handover.hand_over_by_link(user("operator"), approved, copy,
                                      recipient_name="デモ警察署 担当 次郎",
                                      recipient_email="tanto@police.example.jp")


def url(token: str) -> str:
    return f"/provision/dl/{token}/"


def fetch(client, token, **form):
    return client.post(url(token), {"confirmed": "on", "name": "担当 次郎", **form},
                       HTTP_USER_AGENT=UA, REMOTE_ADDR="198.51.100.7")


def shredded(link: DownloadLink) -> bool:
    link.refresh_from_db()
    return (link.package_erased_at is not None and link.package.wrapped_key == ""
            and DeletionRecord.objects.filter(object_id=link.package.object_id,
                                              rule=links.RULE).exists())


def test_a_link_is_made_with_a_password_shown_once(approved, made):  # noqa: F811
    made_handover, link, token, password = made
    approved.refresh_from_db()
    assert approved.state == RequestState.HANDED_OVER
    assert made_handover.method == Method.LINK and link.handover == made_handover
    assert link.token_hash == links.token_hash(token) and token not in link.token_hash
    assert link.expires_at - link.created_at == dt.timedelta(days=7)  # the profile's link_days
    assert link.package is not None and link.package.wrapped_key
    assert made_handover.password_fingerprint and made_handover.package_sha256
    entries = "".join(AuditEntry.objects.filter(action__startswith="provision.")
                      .values_list("detail", flat=True))
    assert password not in entries and token not in entries
    assert links.url_of(token).endswith(url(token))


def test_the_link_is_mailed_without_the_password(approved, copy, user, mailoutbox,  # noqa: F811
                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _, _, token, password = handover.hand_over_by_link(
            user("operator"), approved, copy, recipient_name="担当", recipient_email="a@b.jp")
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["a@b.jp"]
    assert token in mailoutbox[0].body and password not in mailoutbox[0].body
    assert "パスワードは別の方法" in mailoutbox[0].body


def test_one_link_per_recipient(approved, copy, user, made):  # noqa: F811
    with pytest.raises(handover.HandOverError, match="受領者ごとに1つ"):
        handover.hand_over_by_link(user("operator"), approved, copy,
                                   recipient_name="デモ警察署 担当 次郎")


def test_fetch_once_after_the_undertaking(client, made, user, tmp_path):
    made_handover, link, token, password = made
    page = client.get(url(token), HTTP_USER_AGENT=UA)
    body = page.content.decode()
    assert page.status_code == 200 and page["Referrer-Policy"] == "same-origin"
    assert "デモ市" in body and NUMBER in body and link.filename in body
    assert "令和" in body  # the expiry in the Japanese era
    assert "デモ市公用車ドライブレコーダーの設置及び管理運用に関する規則第10条" in body
    assert "目的以外の利用及び第三者への無断提供を行わないこと" in body
    assert "芦屋" not in body and password not in body

    # Without the undertaking confirmed: no file, the form again with the name kept.
    refused = client.post(url(token), {"name": "担当 次郎"}, HTTP_USER_AGENT=UA)
    assert refused.status_code == 400 and "Content-Disposition" not in refused
    assert "遵守事項を確認し、チェックを入れてください" in refused.content.decode()
    assert 'value="担当 次郎"' in refused.content.decode()
    link.refresh_from_db()
    assert link.used_at is None and not shredded(link)

    got = fetch(client, token)
    assert got.status_code == 200 and "attachment" in got["Content-Disposition"]
    package = tmp_path / "p.zip"
    package.write_bytes(b"".join(got.streaming_content))
    out = tmp_path / "out"
    done = subprocess.run([seven_zip(), "x", "-y", f"-p{password}", f"-o{out}", str(package)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert any(out.rglob("copy_*.mp4")) and any(out.rglob("遵守事項.txt"))

    made_handover.refresh_from_db()
    assert made_handover.undertaking_confirmed_name == "担当 次郎"
    assert made_handover.undertaking_how == "オンラインで確認"
    assert shredded(link) and link.used_at is not None
    # the person who made the link is told it was fetched
    assert Alert.objects.filter(kind=links.FETCHED, recipient=user("operator")).exists()

    second = fetch(client, token)
    assert second.status_code == 410 and "既にダウンロードされました" in second.content.decode()
    assert "Content-Disposition" not in second and NUMBER not in second.content.decode()
    assert [f.outcome for f in Fetch.objects.filter(link=link).order_by("pk")] == [
        "opened", "unconfirmed", "delivered", "used"]
    delivered = Fetch.objects.get(link=link, outcome="delivered")
    assert delivered.address == "198.51.100.7" and delivered.user_agent == UA
    actions = list(AuditEntry.objects.filter(action__startswith="provision.link_")
                   .order_by("seq").values_list("action", flat=True))
    assert actions[-4:] == ["provision.link_opened", "provision.link_refused",
                            "provision.link_fetched", "provision.link_refused"]
    assert "198.51.100.7" in AuditEntry.objects.get(action="provision.link_fetched").detail


def test_an_unknown_token_says_so_and_is_logged(client, made):
    page = client.get(url("not-a-token"), HTTP_USER_AGENT=UA)
    assert page.status_code == 404 and "このリンクは無効です" in page.content.decode()
    assert NUMBER not in page.content.decode()
    entry = AuditEntry.objects.filter(action="provision.link_refused").last()
    assert '"unknown"' in entry.detail and UA in entry.detail
    assert fetch(client, "not-a-token").status_code == 404


def test_an_expired_link_is_refused_and_its_package_shredded(client, made):
    _, link, token, _ = made
    later = link.expires_at + dt.timedelta(seconds=1)
    with clock.frozen(later):
        page = fetch(client, token)
        assert page.status_code == 410 and "有効期限を過ぎました" in page.content.decode()
        assert "Content-Disposition" not in page
        assert links.expire_links() == 1
        assert links.expire_links() == 0  # once
    assert shredded(link)
    assert Fetch.objects.filter(link=link, outcome="expired").exists()
    assert AuditEntry.objects.filter(action="provision.link_expired").exists()
    assert link.handover.request.events.filter(action="link_expired").exists()


def test_an_unused_link_before_its_expiry_is_kept(made):
    _, link, _, _ = made
    assert links.expire_links() == 0
    link.refresh_from_db()
    assert link.package_erased_at is None


def test_a_revoked_link_is_refused_and_its_package_shredded(client, client_for, made, user):
    _, link, token, _ = made
    with pytest.raises(PermissionError):
        links.revoke(user("staff"), link)
    response = client_for("operator").post(f"/provision/links/{link.pk}/revoke/")
    assert response.status_code == 302
    assert shredded(link) and link.revoked_by == user("operator")
    assert AuditEntry.objects.filter(action="provision.link_revoked").exists()
    client.logout()
    page = fetch(client, token)
    assert page.status_code == 410 and "取り消されました" in page.content.decode()
    assert Fetch.objects.filter(link=link, outcome="revoked").exists()
    with pytest.raises(links.LinkError):
        links.revoke(user("operator"), link)


def test_nothing_to_confirm_before_the_fetch(made, user):
    made_handover, _, _, _ = made
    with pytest.raises(handover.HandOverError, match="まだダウンロードしていません"):
        handover.confirm_erasure(user("manager"), made_handover, how="erased", note="",
                                 confirmed_on=clock.today_jst())
    assert handover.chase_erasures(made_handover.erasure_due_on) == 0  # not delivered


def test_screens_make_a_link_and_show_its_log(approved, copy, client_for, client):  # noqa: F811
    staff = client_for("operator")
    bad = staff.post(f"/provision/{approved.pk}/hand-over/", {
        "method": "link", "copy": copy.pk, "recipient_name": "担当 三郎",
        "recipient_email": "not-an-address"})
    said = bad.content.decode()
    assert bad.status_code == 400 and "メールアドレスを正しく入力してください" in said
    assert 'value="担当 三郎"' in said  # what was typed is kept
    page = staff.post(f"/provision/{approved.pk}/hand-over/", {
        "method": "link", "copy": copy.pk, "recipient_name": "担当 三郎"})
    body = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    token_url = page.context["url"]
    assert token_url in body and page.context["password"] in body
    token = token_url.rstrip("/").rsplit("/", 1)[-1]
    assert "/provision/dl/" in token_url
    link = DownloadLink.objects.get(token_hash=links.token_hash(token))
    client.logout()
    assert client.get(url(token), HTTP_USER_AGENT=UA).status_code == 200
    staff = client_for("operator")
    detail = staff.get(f"/provision/{approved.pk}/").content.decode()
    assert 'data-testid="handover-panel"' in detail
    assert f'data-testid="link-{link.pk}" data-state="valid"' in detail
    assert f'data-testid="revoke-{link.pk}"' in detail
    assert f'data-testid="fetches-{link.pk}"' in detail and "閲覧" in detail
    assert page.context["password"] not in detail and token not in detail
