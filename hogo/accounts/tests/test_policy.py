"""The privacy officer overrides profile values in the UI; every change is audited and checked."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from hogo.accounts import policy
from hogo.accounts.models import Organisation
from hogo.audit.models import AuditEntry


def test_privacy_officer_overrides_a_value(client_for, demo):
    response = client_for("privacy").post("/accounts/policy/", {
        "path": "incidents.preliminary_report_days", "value": "5",
        "reason": "速報の社内目標を5日に統一"}, follow=True)
    assert "変更しました" in response.content.decode()
    organisation = Organisation.objects.get(pk=demo.pk)
    assert policy.effective_profile(organisation).value("incidents.preliminary_report_days") == 5
    entry = AuditEntry.objects.get(action="policy.override")
    assert entry.purpose == "速報の社内目標を5日に統一"
    assert '"new":5' in entry.detail and '"old":3' in entry.detail


def test_invalid_override_names_the_field_and_changes_nothing(client_for, demo):
    before = dict(demo.policy_overrides)
    response = client_for("privacy").post("/accounts/policy/", {
        "path": "requests.fees.correction", "value": "500", "reason": "test"}, follow=True)
    body = response.content.decode()
    assert "値が正しくありません" in body and "requests.fees.correction" in body
    assert Organisation.objects.get(pk=demo.pk).policy_overrides == before
    assert not AuditEntry.objects.filter(action="policy.override").exists()


def test_setting_the_default_again_removes_the_override(demo, user):
    before = dict(demo.policy_overrides)
    policy.set_override(demo, "copies.retention_months", 24, by=user("privacy"), reason="a")
    policy.set_override(demo, "copies.retention_months", 12, by=user("privacy"), reason="b")
    assert demo.policy_overrides == before
    assert AuditEntry.objects.filter(action="policy.override").count() == 2


def test_auditor_reads_but_cannot_change(client_for, demo):
    auditor = client_for("auditor")
    assert auditor.get("/accounts/policy/").status_code == 200
    response = auditor.post("/accounts/policy/", {
        "path": "incidents.preliminary_report_days", "value": "5", "reason": "x"})
    assert response.status_code == 403


def test_staff_cannot_read_the_policy(client_for):
    assert client_for("staff").get("/accounts/policy/").status_code == 403


def test_invalid_profile_file_stops_start_up(settings, tmp_path):
    from pathlib import Path

    shipped = Path(settings.HOGO_PROFILE_DIR) / "city.toml"
    broken = shipped.read_text(encoding="utf-8").replace("reporting_threshold = 100",
                                                          "reporting_threshold = -1")
    (tmp_path / "city.toml").write_text(broken, encoding="utf-8")
    settings.HOGO_PROFILE_DIR = tmp_path
    try:
        with pytest.raises(ImproperlyConfigured, match="incidents.reporting_threshold"):
            policy.check_profiles_at_startup()
    finally:
        policy.shipped_profiles.cache_clear()
