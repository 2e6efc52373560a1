"""Leavers are disabled, never deleted; their history stays (R-103)."""

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import ProtectedError

from hogo import clock
from hogo.accounts.models import User
from hogo.audit.models import AuditEntry


def test_disabled_leaver_keeps_history_and_cannot_log_in(client_for, user, client):
    sysadmin = client_for("sysadmin")
    response = sysadmin.post(f"/accounts/users/{user('operator').pk}/disable/",
                             {"left_on": "2025-06-30"}, follow=True)
    assert "無効化しました" in response.content.decode()
    leaver = user("operator")
    assert not leaver.is_active and leaver.left_on == dt.date(2025, 6, 30)
    assert not leaver.is_operator
    assert AuditEntry.objects.filter(action="account.disabled", object_id=str(leaver.pk)).exists()
    client.logout()
    response = client.post("/accounts/login/", {"username": "operator",
                                                "password": "demo-operator-2026"})
    assert response.status_code == 200


def test_users_cannot_be_deleted(user):
    with pytest.raises(ProtectedError):
        user("staff").delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        User.objects.filter(username="staff").delete()
    assert User.objects.filter(username="staff").exists()


def test_leaving_date_defaults_to_the_japanese_date(user):
    from hogo.accounts import services

    # 15:30 UTC on 2 June is 00:30 on 3 June in Japan.
    with clock.frozen(dt.datetime(2025, 6, 2, 15, 30, tzinfo=dt.UTC)):
        services.disable_leaver(user("staff"), by=user("sysadmin"))
    assert user("staff").left_on == dt.date(2025, 6, 3)


def test_only_the_administrator_disables(client_for, user):
    response = client_for("privacy").post(f"/accounts/users/{user('staff').pk}/disable/",
                                          {"left_on": "2025-06-30"})
    assert response.status_code == 403 and user("staff").is_active
