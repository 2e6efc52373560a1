"""The public form's throttle, as mended after review: the organisation row is locked before
the count; every attempt the service sees counts, refused ones too (their keyed address hash
in the audit chain, no request made); and the whole form has an hourly cap, past which it
answers 429 and nobody is alerted, so a flood from many addresses cannot mail every handler."""

from __future__ import annotations

import pytest
from django.test import Client

from hogo.accounts import public_forms
from hogo.alerts.models import Alert
from hogo.audit.models import AuditEntry
from hogo.provision import intake
from hogo.provision.models import ProvisionRequest
from hogo.provision.tests.test_public import FORM, send


def per_hour(organisation, limit: int) -> None:
    organisation.policy_overrides = {**(organisation.policy_overrides or {}),
                                     "provision.public_form_per_hour": limit}
    organisation.save(update_fields=["policy_overrides"])


def test_the_organisation_is_locked_before_the_attempts_are_counted(demo, monkeypatch):
    steps: list[str] = []
    lock, count = public_forms.lock_organisation, public_forms.attempts
    monkeypatch.setattr(public_forms, "lock_organisation",
                        lambda organisation: (steps.append("lock"), lock(organisation))[1])
    monkeypatch.setattr(public_forms, "attempts",
                        lambda *args: (steps.append("count"), count(*args))[1])
    with pytest.raises(intake.Incomplete):
        intake.submit_public({**FORM, "consent_on": None, "start_at": None, "end_at": None},
                             address="192.0.2.1")
    assert steps[:3] == ["lock", "count", "count"]


def test_refused_attempts_count_and_leave_only_a_hash(demo):
    per_hour(demo, 2)
    client = Client()
    assert send(client, requester_address="").status_code == 200  # incomplete
    assert send(client, consent_on="2999-01-01").status_code == 200  # a wrong day
    refused = send(client)
    assert refused.status_code == 429 and "1時間の上限（2件）" in refused.content.decode()
    assert not ProvisionRequest.objects.exists()
    entries = list(AuditEntry.objects.filter(action=intake.PUBLIC_REFUSED_ACTION))
    assert len(entries) == 2
    hashed = intake.address_hash("203.0.113.7")
    assert all(hashed in e.detail and "203.0.113.7" not in e.detail for e in entries)
    assert '"missing":["requester_address"]' in entries[0].detail
    assert '"field":"consent_on"' in entries[1].detail
    # A throttled attempt stores nothing: a flood cannot grow the chain without bound.
    send(client)
    assert AuditEntry.objects.filter(action=intake.PUBLIC_REFUSED_ACTION).count() == 2
    assert send(Client(), address="198.51.100.9").status_code == 302  # another address


def test_the_whole_form_has_an_hourly_cap_past_which_nobody_is_alerted(demo):
    per_hour(demo, 1)
    cap = public_forms.organisation_cap(1)
    assert cap == 10
    for n in range(cap - 2):
        assert send(Client(), address=f"192.0.2.{n + 1}", purpose="").status_code == 200
    for n in range(2):
        assert send(Client(), address=f"198.51.100.{n + 1}").status_code == 302
    alerted = Alert.objects.count()
    assert alerted == 2 * 4  # each request told the organisation's four handlers
    refused = send(Client(), address="203.0.113.99")
    assert refused.status_code == 429
    assert "送信が集中しているため" in refused.content.decode()
    assert 'value="デモ損害保険株式会社"' in refused.content.decode()
    assert ProvisionRequest.objects.count() == 2 and Alert.objects.count() == alerted


@pytest.mark.parametrize("limit", [5, 3])
def test_the_cap_follows_the_profiles_per_address_limit(limit):
    assert public_forms.organisation_cap(limit) == 10 * limit
