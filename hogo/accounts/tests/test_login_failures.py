"""Lock-out under load (R-104): parallel wrong passwords, and failed log-ins for unknown names."""

import datetime as dt
import json
import logging
import threading

import pytest
from django.contrib.auth import authenticate
from django.db import connection

from hogo import clock
from hogo.accounts import lockout, services
from hogo.accounts.models import LoginFailureTally, User
from hogo.audit.models import AuditEntry

T0 = dt.datetime(2025, 6, 3, 1, 0, tzinfo=dt.UTC)  # the start of a 15-minute window


def post_login(client, username, password, address="127.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password},
                       REMOTE_ADDR=address)


def test_parallel_wrong_passwords_stop_exactly_at_the_threshold(transactional_db, settings):
    """30 guesses at once: exactly `threshold` are checked, the rest are refused as locked."""
    from hogo.web.demo import load_demo

    load_demo()
    attempts, barrier, errors = 30, threading.Barrier(30), []

    def guess(n: int) -> None:
        try:
            barrier.wait()
            assert authenticate(None, username="staff", password=f"wrong-{n}") is None
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    threshold = settings.HOGO_LOCKOUT_THRESHOLD
    staff = User.objects.get(username="staff")
    assert staff.is_locked and staff.failed_logins == threshold
    entries = AuditEntry.objects.filter(actor="user:staff")
    assert entries.filter(action="login.failed").count() == threshold - 1
    locked = entries.get(action="login.locked")
    assert json.loads(locked.detail) == {"failed_logins": threshold}
    assert entries.filter(action="login.refused_locked").count() == attempts - threshold


def test_unknown_names_are_logged_and_summarised_once_per_window(client, demo, caplog):
    before = AuditEntry.objects.count()
    with caplog.at_level(logging.WARNING, logger="hogo.accounts"), clock.frozen(T0):
        for n in range(40):
            response = post_login(client, f"nobody-{n}", "guess")
            assert "ログインIDまたはパスワードが正しくありません" in response.content.decode()
    assert AuditEntry.objects.count() == before  # not one entry per attempt
    warnings = [r for r in caplog.records if "unknown or disabled account" in r.getMessage()]
    assert len(warnings) == 40 and "'nobody-39' from 127.0.0.1" in warnings[-1].getMessage()

    with clock.frozen(T0 + dt.timedelta(minutes=15)):
        post_login(client, "nobody-again", "guess")
    summary = AuditEntry.objects.get(action="login.failures_summary")
    detail = json.loads(summary.detail)
    assert detail["unknown_names"] == 40 and detail["window_start"] == T0.isoformat()
    assert detail["by_address"] == {"127.0.0.1": {"unknown_names": 40, "known_names": 0,
                                                  "refused": 0}}
    assert AuditEntry.objects.count() == before + 1
    assert list(LoginFailureTally.objects.values_list("window_start", "unknown_names")) == [
        (T0 + dt.timedelta(minutes=15), 1)]


def test_a_failing_address_is_refused_until_the_window_ends(client, user, settings):
    settings.HOGO_LOGIN_FAILURES_PER_ADDRESS = 5
    with clock.frozen(T0 + dt.timedelta(minutes=1)):
        for n in range(5):
            post_login(client, f"nobody-{n}", "guess", address="10.0.0.1")
        refused = post_login(client, "staff", "demo-staff-2026", address="10.0.0.1")
        assert refused.status_code == 200
        assert "ログイン失敗が多すぎる" in refused.content.decode()
        assert "_auth_user_id" not in client.session
        assert user("staff").failed_logins == 0  # refused unchecked, no account touched
        assert post_login(client, "staff", "demo-staff-2026", address="10.0.0.2").status_code \
            == 302
    client.logout()
    with clock.frozen(T0 + dt.timedelta(minutes=15)):
        assert post_login(client, "staff", "demo-staff-2026", address="10.0.0.1").status_code \
            == 302
    lockout.summarise_closed_windows(T0 + dt.timedelta(minutes=15))
    detail = json.loads(AuditEntry.objects.get(action="login.failures_summary").detail)
    assert detail["by_address"]["10.0.0.1"] == {"unknown_names": 5, "known_names": 0,
                                                "refused": 1}


def test_tracked_addresses_are_bounded(client, demo, settings):
    settings.HOGO_LOGIN_TRACKED_ADDRESSES = 3
    with clock.frozen(T0):
        for n in range(6):
            post_login(client, "nobody", "guess", address=f"192.0.2.{n}")
    rows = dict(LoginFailureTally.objects.values_list("address", "unknown_names"))
    assert rows == {"192.0.2.0": 1, "192.0.2.1": 1, "192.0.2.2": 1, "other": 3}


def test_known_names_still_lock_and_are_audited_each(client, user):
    for n in range(10):
        post_login(client, "staff", f"wrong-{n}")
    assert user("staff").is_locked
    assert AuditEntry.objects.filter(actor="user:staff", action__in=[
        "login.failed", "login.locked"]).count() == 10


@pytest.mark.parametrize("failed_before", [0, 9])
def test_right_password_with_totp_pending_is_not_a_failure(user, failed_before):
    manager = user("manager")
    User.objects.filter(pk=manager.pk).update(totp_enabled=True, totp_secret="A" * 32,
                                              failed_logins=failed_before)
    result = services.attempt_login(None, "manager", "demo-manager-2026")
    assert result.outcome == services.LoginOutcome.TOTP_REQUIRED
    manager.refresh_from_db()
    assert manager.failed_logins == failed_before and not manager.is_locked


def test_the_jobs_summarise_a_window_nobody_fails_in_after(client, demo, settings, tmp_path):
    from hogo.accounts.tasks import summarise_login_failures_task
    from hogo.oversight.tasks import verify_chain_task

    settings.HOGO_AUDIT_ANCHOR_DIR = str(tmp_path)
    with clock.frozen(T0):
        post_login(client, "nobody", "guess")
    with clock.frozen(T0 + dt.timedelta(minutes=5)):
        assert summarise_login_failures_task.call() == 0  # the window is still open
    with clock.frozen(T0 + dt.timedelta(minutes=20)):
        assert summarise_login_failures_task.call() == 1
        assert verify_chain_task.call()["ok"]
    assert AuditEntry.objects.filter(action="login.failures_summary").count() == 1
    assert not LoginFailureTally.objects.exists()
