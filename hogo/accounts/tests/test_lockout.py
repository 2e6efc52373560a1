"""Ten wrong passwords lock the account; the lock holds against the right one (R-104)."""

import datetime as dt
import time

import pyotp
from django.test import Client

from hogo import clock
from hogo.accounts import lockout
from hogo.accounts.models import User
from hogo.accounts.views.auth import PENDING
from hogo.audit.models import AuditEntry

PASSWORD = "demo-staff-2026"


def post_login(client, password):
    return client.post("/accounts/login/", {"username": "staff", "password": password})


def test_ten_wrong_passwords_lock_the_account(client, user):
    for attempt in range(9):
        response = post_login(client, f"wrong-{attempt}")
        assert "ログインIDまたはパスワードが正しくありません" in response.content.decode()
    response = post_login(client, "wrong-9")
    assert "ロックされています" in response.content.decode()
    assert user("staff").is_locked
    assert AuditEntry.objects.filter(action="login.locked", actor="user:staff").count() == 1

    response = post_login(client, PASSWORD)
    assert response.status_code == 200 and "ロックされています" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lock_expires(client, user, settings):
    start = dt.datetime(2025, 6, 3, 0, 0, tzinfo=dt.UTC)
    with clock.frozen(start):
        for attempt in range(10):
            post_login(client, f"wrong-{attempt}")
    later = start + dt.timedelta(minutes=settings.HOGO_LOCKOUT_MINUTES + 1)
    with clock.frozen(later):
        response = post_login(client, PASSWORD)
    assert response.status_code == 302
    assert user("staff").failed_logins == 0


def test_administrator_unlocks(client, user, client_for):
    for attempt in range(10):
        post_login(client, f"wrong-{attempt}")
    lockout.unlock(user("staff"), by=user("sysadmin"))
    assert not user("staff").is_locked
    assert post_login(client, PASSWORD).status_code == 302


def test_success_resets_the_count(client, user):
    for attempt in range(5):
        post_login(client, f"wrong-{attempt}")
    assert user("staff").failed_logins == 5
    assert post_login(client, PASSWORD).status_code == 302
    assert user("staff").failed_logins == 0


def test_the_admin_has_no_log_in_of_its_own(client, user):
    """/admin/login/ goes to hogo's log-in (throttled, with TOTP): no second way in."""
    response = client.post("/admin/login/", {"username": "staff", "password": "wrong"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert user("staff").failed_logins == 0  # the admin's form never checked a password


def test_code_for_an_account_locked_meanwhile_is_refused_audited_and_said(client, user):
    secret = pyotp.random_base32()
    User.objects.filter(username="manager").update(totp_enabled=True, totp_secret=secret)
    login = {"username": "manager", "password": "demo-manager-2026"}
    assert "/totp/" in client.post("/accounts/login/", login)["Location"]
    guesser = Client()  # someone else with the password sends wrong codes: the account locks
    guesser.post("/accounts/login/", login)
    totp = pyotp.TOTP(secret)
    near = {totp.at(time.time() + 30 * step) for step in range(-2, 3)}
    wrong = next(code for code in ("000000", "111111", "222222") if code not in near)
    for _ in range(10):
        guesser.post("/accounts/login/totp/", {"code": wrong})
    assert user("manager").is_locked

    response = client.post("/accounts/login/totp/", {"code": totp.now()}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/?next=")
    assert "ロックされています" in response.content.decode()
    assert PENDING not in client.session and "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login.refused_locked",
                                     actor="user:manager").count() == 1
