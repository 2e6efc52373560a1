"""Sessions expire, TOTP guesses count toward the lock, codes cannot be replayed, and the
browser's language does not override Japanese."""

import datetime as dt

import pyotp
from django.contrib.sessions.models import Session

from hogo import clock
from hogo.accounts import services


def test_an_idle_session_expires(client_for, settings):
    client = client_for("staff")
    assert client.get("/").status_code == 200
    Session.objects.all().update(expire_date=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def enable_totp(user):
    services.new_totp_secret(user)
    services.confirm_totp(user, pyotp.TOTP(user.totp_secret).now())
    return pyotp.TOTP(user.totp_secret)


def password_step(client):
    return client.post("/accounts/login/", {"username": "manager",
                                            "password": "demo-manager-2026"})


def test_wrong_totp_codes_lock_the_account_even_between_passwords(client, user):
    totp = enable_totp(user("manager"))
    wrong = str((int(totp.now()) + 1) % 1_000_000).zfill(6)
    for _ in range(3):  # the right password in between must not reset the count
        password_step(client)
        for _ in range(4):
            client.post("/accounts/login/totp/", {"code": wrong})
    assert user("manager").is_locked
    assert "ロックされています" in password_step(client).content.decode()
    client.post("/accounts/login/totp/", {"code": totp.now()})
    assert "_auth_user_id" not in client.session


def test_a_totp_code_is_accepted_once(client, user):
    totp = enable_totp(user("manager"))
    with clock.frozen(clock.now()):
        code = totp.now()
        password_step(client)
        assert client.post("/accounts/login/totp/", {"code": code}).status_code == 302
        client.logout()
        password_step(client)
        response = client.post("/accounts/login/totp/", {"code": code})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_browser_language_does_not_override_japanese(client, demo):
    body = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="ja"' in body.content.decode()


def test_disabled_leaver_gets_no_session(client, user):
    services.disable_leaver(user("staff"), by=user("sysadmin"))
    client.post("/accounts/login/", {"username": "staff", "password": "demo-staff-2026"})
    assert "_auth_user_id" not in client.session
