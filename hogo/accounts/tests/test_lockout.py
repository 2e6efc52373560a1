"""Ten wrong passwords lock the account; the lock holds against the right one (R-104)."""

import datetime as dt

from hogo import clock
from hogo.accounts import lockout
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


def test_admin_login_is_throttled_too(client, user):
    for attempt in range(10):
        client.post("/admin/login/", {"username": "staff", "password": f"wrong-{attempt}"})
    assert user("staff").is_locked
