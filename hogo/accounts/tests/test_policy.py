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


def _uses_form(rows, reason="市の規則改正（第8条第3号の追加）"):
    data = {"reason": reason, "row": [str(i) for i in range(len(rows))]}
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{key}_{index}"] = value
    return data


NEW_USE = {"code": "criminal_investigation", "label_ja": "捜査機関からの法令に基づく照会への回答",
           "label_en": "Answering a lawful inquiry by an investigating authority",
           "source": "{main}第8条第3号"}


def test_the_privacy_officer_adds_a_permitted_use_to_the_register(client_for, demo):
    client = client_for("privacy")
    page = client.get("/accounts/policy/uses/").content.decode()
    assert "デモ市公用車ドライブレコーダーの設置及び管理運用に関する規則第8条第1号" in page
    current = policy.effective_profile(demo).permitted_uses_data()
    response = client.post("/accounts/policy/uses/", _uses_form([*current, NEW_USE]),
                           follow=True)
    assert "変更しました" in response.content.decode()
    organisation = Organisation.objects.get(pk=demo.pk)
    uses = policy.permitted_uses(organisation)
    assert [u["code"] for u in uses][-1] == "criminal_investigation"
    assert uses[-1]["source"] == ("デモ市公用車ドライブレコーダーの設置及び管理運用に関する規則"
                                  "第8条第3号")
    entry = AuditEntry.objects.get(action="policy.override")
    assert "copies.permitted_uses" in entry.detail and "criminal_investigation" in entry.detail
    policy_page = client.get("/accounts/policy/").content.decode()
    assert "捜査機関からの法令に基づく照会への回答" in policy_page
    # removing a use, and the shipped list again removes the override
    rows = [*current, NEW_USE]
    data = _uses_form(rows)
    data[f"remove_{len(rows) - 1}"] = "1"
    client.post("/accounts/policy/uses/", data)
    organisation.refresh_from_db()
    assert "copies.permitted_uses" not in organisation.policy_overrides


@pytest.mark.parametrize(("row", "field"), [
    ({**NEW_USE, "code": "accident_evidence"}, "copies.permitted_uses"),  # not unique
    ({**NEW_USE, "code": "training_material"}, "copies.permitted_uses[2].code"),  # unlisted
    ({**NEW_USE, "label_en": ""}, "copies.permitted_uses[2].label_en"),
    ({**NEW_USE, "source": "{ashiya}第8条"}, "copies.permitted_uses[2].source"),
    ({**NEW_USE, "code": "捜査"}, "copies.permitted_uses[2].code"),
])
def test_an_invalid_use_is_refused_naming_it(client_for, demo, row, field):
    current = policy.effective_profile(demo).permitted_uses_data()
    body = client_for("privacy").post("/accounts/policy/uses/", _uses_form([*current, row]),
                                      follow=True).content.decode()
    assert "値が正しくありません" in body and field in body
    assert "copies.permitted_uses" not in Organisation.objects.get(pk=demo.pk).policy_overrides


def test_an_empty_register_is_refused(demo, user):
    with pytest.raises(policy.ProfileError):
        policy.set_permitted_uses(demo, [], by=user("privacy"), reason="全部消す")


def test_the_auditor_reads_the_register_but_cannot_change_it(client_for, demo):
    client = client_for("auditor")
    page = client.get("/accounts/policy/uses/").content.decode()
    assert "公用車に係る事故の原因究明" in page and 'id="uses-form"' not in page
    current = policy.effective_profile(demo).permitted_uses_data()
    assert client.post("/accounts/policy/uses/", _uses_form(current)).status_code == 403
    assert client_for("staff").get("/accounts/policy/uses/").status_code == 403


def test_the_own_rule_name_and_a_citation_are_edited_on_the_policy_page(client_for, demo):
    client = client_for("privacy")
    client.post("/accounts/policy/", {"path": "own_rules.main",
                                      "value": "{organisation}ドライブレコーダー管理規程",
                                      "reason": "規程の名称変更"})
    client.post("/accounts/policy/", {"path": "own_rules.citations.provision", "value": "",
                                      "reason": "提供の規定はない"})
    organisation = Organisation.objects.get(pk=demo.pk)
    assert policy.citation(organisation, "viewing") == "デモ市ドライブレコーダー管理規程第8条"
    assert policy.citation(organisation, "provision") == ""
    page = client.get("/accounts/policy/").content.decode()
    assert "→ デモ市ドライブレコーダー管理規程第8条" in page
    assert "組織の規則（ドライブレコーダー・個人情報の取扱い）" in page  # history in words
    refused = client.post("/accounts/policy/", {"path": "own_rules.main", "value": "{ashiya}規則",
                                                "reason": "x"}, follow=True)
    assert "値が正しくありません" in refused.content.decode()


def test_the_department_page_cites_the_organisations_own_rule(client_for):
    page = client_for("manager").get("/accounts/department/").content.decode()
    assert "デモ市公用車ドライブレコーダーの設置及び管理運用に関する規則第4条第3項" in page
    assert "芦屋" not in page


def test_roles_in_the_policy_are_shown_by_name(client_for):
    page = client_for("privacy").get("/accounts/policy/").content.decode()
    row = page[page.index('data-path="copies.processing_approver"'):]
    row = row[:row.index("</tr>")]
    assert "個人情報保護管理者" in row
    assert ">privacy_officer<" not in row and "<td>privacy_officer" not in row
