"""The register of what personal information is held: hogo's own files from what it holds
(footage by department, requests, complaints, incidents; a business's provision records),
the privacy officer's entries with a specific purpose, the 1,000-person exemption as a
recorded decision, and the public 個人情報ファイル簿 of a public body (no log-in)."""

from __future__ import annotations

import pytest

from hogo.audit.models import AuditEntry
from hogo.holdings import services
from hogo.holdings.models import PersonalFile
from hogo.requests.tests.test_decision import driving_school

PAPER = {"name": "公用車運行記録簿（紙）",
         "purpose": "公用車の運行管理及び燃料費の精算の事務のため",
         "items": "運転者の氏名、運行日時、行先、走行距離", "persons": "公用車を運転した職員",
         "collected_by": "運転者による記入", "form": "manual"}


def test_the_city_s_files_carry_every_art_75_item(demo, user):
    privacy = user("privacy")
    written = services.sync(privacy)
    sources = {entry.source for entry in written}
    assert {"footage:kanzai", "requests", "complaints", "incidents"} <= sources
    assert "provision_records" not in sources  # a public body keeps no Art. 29 records
    footage = PersonalFile.objects.get(source="footage:kanzai")
    assert footage.department.name.endswith("管財課") and "公用車" in footage.items
    for name in ("name", "purpose", "items", "persons", "collected_by", "retention", "access"):
        assert getattr(footage, name), name
    assert "事故" in footage.purpose and footage.form == "electronic" and not footage.sensitive
    assert services.register_title(demo) == "個人情報ファイル簿"
    assert AuditEntry.objects.filter(action="holdings.synced").exists()
    again = services.sync(privacy)  # idempotent: the same entries, updated
    assert len(again) == len(written) == PersonalFile.objects.count()


def test_a_vague_purpose_is_refused_and_a_specific_one_kept(demo, user):
    privacy = user("privacy")
    with pytest.raises(services.HoldingsError) as refused:
        services.add(privacy, {**PAPER, "purpose": "業務のため"})
    assert refused.value.field == "purpose" and "業務のため" in " ".join(refused.value.reasons)
    entry = services.add(privacy, PAPER)
    assert entry.source == "" and entry.published
    with pytest.raises(services.HoldingsError):
        services.add(privacy, {**PAPER, "items": ""})


def test_the_exemption_is_a_decision_with_a_reason_never_silent(demo, user):
    privacy = user("privacy")
    entry = services.add(privacy, {**PAPER, "persons_estimate": 40})
    assert entry.published  # small, but listed until the officer decides otherwise
    with pytest.raises(services.HoldingsError) as refused:
        services.update(privacy, entry, {**PAPER, "persons_estimate": 2500,
                                         "exemption_reason": "少数のため"})
    assert "1,000人未満" in refused.value.reasons[0]
    entry = services.update(privacy, entry, {**PAPER, "persons_estimate": 40,
                                             "exemption_reason": "本人の数が40人程度のため"})
    assert not entry.published
    assert entry not in services.published(demo.pk)[1]


def test_hogo_s_own_entries_change_only_in_the_officer_s_decisions(demo, user):
    privacy = user("privacy")
    services.sync(privacy)
    footage = PersonalFile.objects.get(source="footage:kanzai")
    services.update(privacy, footage, {"name": "別の名前", "regular_recipients": "なし（警察等には"
                                       "法令に基づく照会の都度）"})
    footage.refresh_from_db()
    assert footage.name.startswith("ドライブレコーダーの映像")
    assert "照会" in footage.regular_recipients
    services.sync(privacy)
    footage.refresh_from_db()
    assert "照会" in footage.regular_recipients  # kept across a sync


def test_only_the_privacy_officer_keeps_it(demo, user):
    for name in ("manager", "staff", "auditor"):
        with pytest.raises(PermissionError):
            services.sync(user(name))
    with pytest.raises(PermissionError):
        services.entries(user("staff"))
    assert services.entries(user("auditor")) == []


def test_the_driving_school_s_register_lists_its_databases(demo):
    school, people = driving_school()
    from hogo.registry.models import Vehicle

    Vehicle.objects.create(department=school.departments.get(code="kyomu"),
                           registration="テスト 500 き 1", kind="training_car", label="教習車1号")
    written = services.sync(people["privacy"])
    assert {"footage:kyomu", "provision_records", "requests"} <= {e.source for e in written}
    assert services.register_title(school) == "個人情報データベース等の台帳"
    assert services.published(school.pk) is None  # a business publishes no Art. 75 register


def test_the_public_register_needs_no_log_in(demo, user, client):
    services.sync(user("privacy"))
    services.add(user("privacy"), PAPER)
    page = client.get(f"/public/{demo.pk}/files/")
    text = page.content.decode()
    assert page.status_code == 200 and "デモ市の個人情報ファイル簿" in text
    assert "ドライブレコーダーの映像（" in text
    assert "公用車運行記録簿（紙）" in text and "第75条第1項" in text
    assert 'data-testid="received-at"' not in text  # no notice kept yet: nothing to say
    assert client.get("/public/999999/files/").status_code == 404


def test_the_staff_screens(demo, client_for):
    privacy = client_for("privacy")
    privacy.post("/holdings/sync/")
    page = privacy.get("/holdings/").content.decode()
    assert "個人情報ファイル簿" in page and 'data-testid="entry"' in page
    refused = privacy.post("/holdings/new/", {**PAPER, "purpose": "事業活動のため"})
    assert refused.status_code == 400 and "公用車運行記録簿（紙）" in refused.content.decode()
    assert client_for("staff").get("/holdings/").status_code == 403
