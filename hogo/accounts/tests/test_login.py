"""Log-in in Japanese, Argon2 hashes, expiring sessions, optional TOTP for managers."""

import pyotp
import pytest

from hogo.audit.models import AuditEntry


def test_login_page_is_japanese(client, demo):
    body = client.get("/accounts/login/").content.decode()
    assert '<meta charset="utf-8">' in body and "ログインID" in body and 'lang="ja"' in body


def test_password_login_reaches_the_dashboard(client, demo):
    response = client.post("/accounts/login/", {"username": "manager",
                                                "password": "demo-manager-2026"}, follow=True)
    assert "ダッシュボード" in response.content.decode()
    assert AuditEntry.objects.filter(action="login.succeeded", actor="user:manager").exists()


def test_anonymous_is_sent_to_login(client, demo):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_passwords_are_argon2(user):
    assert user("privacy").password.startswith("argon2")


def test_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE <= 60 * 60 and settings.SESSION_SAVE_EVERY_REQUEST


def test_totp_enrolment_and_login(client_for, client, user):
    manager = client_for("manager")
    manager.post("/accounts/totp/", {"action": "start"})
    secret = user("manager").totp_secret
    wrong = manager.post("/accounts/totp/", {"action": "confirm", "code": "000000"})
    assert "一致しません" in wrong.content.decode() or pyotp.TOTP(secret).now() == "000000"
    manager.post("/accounts/totp/", {"action": "confirm", "code": pyotp.TOTP(secret).now()})
    assert user("manager").totp_enabled
    manager.post("/accounts/logout/")

    step1 = client.post("/accounts/login/", {"username": "manager",
                                             "password": "demo-manager-2026"})
    assert step1.status_code == 302 and "/totp/" in step1["Location"]
    assert "_auth_user_id" not in client.session
    step2 = client.post("/accounts/login/totp/", {"code": pyotp.TOTP(secret).now()})
    assert step2.status_code == 302
    assert client.session["_auth_user_id"] == str(user("manager").pk)


@pytest.mark.parametrize("login", ["staff", "operator", "auditor", "sysadmin", "privacy"])
def test_totp_is_offered_to_every_role(client_for, login):
    """Every role reaches personal data (or, as sysadmin, the accounts guarding it)."""
    page = client_for(login).get("/accounts/totp/")
    assert page.status_code == 200 and 'value="start"' in page.content.decode()
    assert any(item["name"] == "accounts:totp" for item in page.context["menu"])
