"""Incident documents over time: the 確報 as a new version after the 速報 is issued (the old
one kept and listed), and documents that never contradict the facts."""

from __future__ import annotations

import datetime as dt

import pytest

from hogo import clock
from hogo.incidents import documents, services
from hogo.incidents.models import Document, DocumentKind, IncidentKind
from hogo.incidents.services import IncidentError
from hogo.media.models import Medium

PPC = DocumentKind.PPC_REPORT


def _report(user, **extra):
    facts = dict(title="USBメモリの紛失", kind=IncidentKind.LOSS,
                 what_happened="映像を保存したUSBメモリが見つからない",
                 knew_on=clock.today_jst() - dt.timedelta(days=1), data_items="映像")
    return services.report(user, **(facts | extra))


def _issue(document, by):
    documents.save_edits(document, by, {s["key"]: s["text"].replace(
        documents.PLACEHOLDER, "調査中") for s in document.sections})
    return documents.issue(document, by)


def _text(document, key):
    return next(s for s in document.sections if s["key"] == key)["text"]


def test_a_final_report_follows_the_issued_preliminary_one_as_a_new_version(user):
    privacy = user("privacy")
    incident = _report(user("staff"), people=220)
    first = documents.draft(incident, PPC, privacy)
    assert (first.version, first.stage) == (1, "preliminary")
    assert _text(first, "report_kind").startswith("速報")
    with pytest.raises(IncidentError, match="発行前"):
        documents.new_version(first, privacy)
    _issue(first, privacy)
    frozen = list(first.sections)
    services.update_facts(incident, privacy, cause="保管庫の施錠をしていなかった")
    second = documents.new_version(first, privacy)
    assert (second.version, second.stage) == (2, "final")
    assert _text(second, "report_kind").startswith("確報")
    assert _text(second, "item4") == "保管庫の施錠をしていなかった"
    first.refresh_from_db()
    assert first.sections == frozen and documents.is_issued(first)  # the old one kept
    assert [d.version for d in documents.versions(incident, PPC)] == [1, 2]
    assert documents.current(incident, PPC).pk == second.pk
    with pytest.raises(IncidentError, match="最新の版"):
        documents.new_version(first, privacy)
    assert incident.events.filter(kind="document", text__contains="第2版を作成").exists()


def test_the_page_lists_the_versions_and_shows_an_old_one_as_issued(user, client_for):
    privacy = user("privacy")
    incident = _report(user("staff"), people=220)
    first = _issue(documents.draft(incident, PPC, privacy), privacy)
    client = client_for("privacy")
    url = f"/incidents/{incident.pk}/documents/{PPC}/"
    page = client.get(url).content.decode()
    assert 'data-testid="new-version"' in page and "第1版" in page
    response = client.post(url, {"action": "new_version"}, follow=True)
    assert "第2版を現在の事実から作成しました" in response.content.decode()
    assert Document.objects.filter(incident=incident, kind=PPC).count() == 2
    page = client.get(url).content.decode()
    assert 'data-version="1"' in page and 'data-version="2"' in page
    assert str(first.issued_by) in page and "未発行（案）" in page
    assert 'data-testid="document-form"' in page  # the new version is editable
    old = client.get(url + "?version=1").content.decode()
    assert 'data-testid="old-version"' in old and 'data-testid="document-form"' not in old
    printed = client.get(f"/incidents/{incident.pk}/documents/{PPC}/print/?version=1")
    assert printed.status_code == 200 and 'data-testid="draft"' not in printed.content.decode()
    assert client.get(url + "?version=9").status_code == 404
    assert client_for("staff").post(url, {"action": "new_version"}).status_code == 403


def test_a_medium_with_no_recorded_contents_never_says_nothing_beside_a_count(user):
    usb = Medium.objects.get(label="KANZAI-USB-02")
    assert not usb.contents.filter(removed_at__isnull=True).exists()
    incident = _report(user("staff"), people=150, media=[usb],
                       people_basis=services.REPORTER_BASIS)
    sections = {s["key"]: s["text"] for s in documents.generate(incident, PPC)}
    assert "記録なし" not in sections["item2"]
    assert "hogo に内容の記録がない媒体" in sections["item2"]
    assert sections["item3"] == "150人（報告者の申告）"
    held = next(s for s in documents.generate(incident, DocumentKind.ANNOUNCEMENT)
                if s["key"] == "held")["text"]
    assert "記録なし" not in held and "延べ約150人" in held


def test_a_missing_empty_medium_leaves_its_items_to_be_filled_not_nothing(user):
    usb = Medium.objects.get(label="KANZAI-USB-02")
    incident = services.open_for_missing_medium(usb, user("operator"), why="棚卸し")
    assert incident.data_items == ""
    assert "記録なし" not in incident.what_happened
    item2 = next(s for s in documents.generate(incident, PPC) if s["key"] == "item2")
    assert documents.PLACEHOLDER in item2["text"] and "記録なし" not in item2["text"]
