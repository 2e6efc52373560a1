"""The four Japanese documents of an incident: generated from the facts, edited, issued
(frozen), printed (R-805, R-806, R-807)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from hogo import clock
from hogo.audit.models import AuditEntry
from hogo.clock import JST
from hogo.incidents import documents, services
from hogo.incidents.models import AwarenessSource, Document, DocumentKind, Event, StepKind
from hogo.incidents.services import IncidentError

PPC = DocumentKind.PPC_REPORT
NOTICE = DocumentKind.PERSON_NOTICE
ANNOUNCEMENT = DocumentKind.ANNOUNCEMENT
ASSOCIATION = DocumentKind.ASSOCIATION_REPORT

NINE_ITEMS = [
    "1　概要",
    "2　漏えい等が発生し、又は発生したおそれがある個人データの項目",
    "3　漏えい等が発生し、又は発生したおそれがある個人データに係る本人の数",
    "4　原因",
    "5　二次被害又はそのおそれの有無及びその内容",
    "6　本人への対応の実施状況",
    "7　公表の実施状況",
    "8　再発防止のための措置（実施済みの措置と今後実施予定の措置）",
    "9　その他参考となる事項",
]
CAUSE = "USBメモリを担当者個人の机で保管し、利用記録を作成していなかった"
REPORTED_AT = dt.datetime(2025, 6, 3, 10, 0, tzinfo=JST)


def _report(by, **facts):
    """The Kawasaki case: a USB stick with bus dashcam footage of about 220 people."""
    with clock.frozen(REPORTED_AT):
        return services.report(
            by, title="ドライブレコーダー映像を保存したUSBメモリの所在不明", kind="loss",
            what_happened="ドライブレコーダー映像を保存したUSBメモリ1点の所在が不明となった。",
            knew_on=dt.date(2025, 5, 14), noticed_how="映像を視聴しようとして気付いた",
            occurred_from=dt.date(2025, 3, 6), occurred_to=dt.date(2025, 3, 31),
            data_items="ドライブレコーダー映像（歩行者等の容姿）", **facts)


@pytest.fixture
def incident(user):
    privacy = user("privacy")
    made = _report(user("staff"), people=220,
                   people_basis="車両前方のカメラに映る歩行者等を中心とした延べ人数")
    with clock.frozen(REPORTED_AT):
        services.update_facts(made, privacy, cause=CAUSE, contact="総務部 管財課 044-000-0000")
        # former staff knew in March; the organisation knew then.
        services.add_awareness(made, privacy, person_name="旧担当職員",
                               source=AwarenessSource.FORMER_STAFF,
                               knew_on=dt.date(2025, 3, 10), how="保管場所にないことに気付いた",
                               person_section="総務部 管財課（当時）")
    made.refresh_from_db()
    return made


def _section(sections, key):
    return next(s for s in sections if s["key"] == key)


def _fill_everything(document, by):
    """Issuing needs every 「（未記入）」 filled in."""
    documents.save_edits(document, by, {s["key"]: s["text"].replace(
        documents.PLACEHOLDER, "調査中") for s in document.sections})


# --- what the documents say -----------------------------------------------------------------


def test_ppc_report_has_the_nine_items_in_the_forms_order_with_the_facts(incident):
    sections = documents.generate(incident, PPC)
    numbered = [s["heading"] for s in sections if s["heading"][0].isdigit()]
    assert numbered == NINE_ITEMS
    # the header comes before the items
    keys = [s["key"] for s in sections]
    assert keys.index("reporter") < keys.index("item1")
    assert "デモ市" in _section(sections, "reporter")["text"]
    kind = _section(sections, "report_kind")["text"]
    # knew 2025-03-10 (the earliest awareness): 速報 target day 3, 確報 due day 30
    assert "速報" in kind and "令和7年3月12日" in kind
    assert "令和7年4月8日" in kind and "30日以内" in kind
    assert "本人の数が100人を超える" in _section(sections, "criteria")["text"]
    summary = _section(sections, "item1")["text"]
    assert "発覚日：令和7年3月10日" in summary
    assert "発生日：令和7年3月6日から令和7年3月31日までの間" in summary
    assert "旧担当職員" in summary  # who found it: the first to know, not the reporter
    assert "ドライブレコーダー映像" in _section(sections, "item2")["text"]
    assert _section(sections, "item3")["text"].startswith("220人（車両前方")
    assert _section(sections, "item4")["text"] == CAUSE


def test_empty_facts_show_a_visible_placeholder(incident):
    sections = documents.generate(incident, PPC)
    assert _section(sections, "item5")["text"] == "（未記入）"
    assert "【実施済みの措置】\n（未記入）" in _section(sections, "item8")["text"]
    assert "5　二次被害又はそのおそれの有無及びその内容" in documents.unfilled(sections)


def test_ppc_report_becomes_final_once_the_preliminary_report_is_filed(incident, user):
    with clock.frozen(REPORTED_AT):
        services.record_filing(incident, user("privacy"), kind="preliminary",
                               filed_on=dt.date(2025, 6, 3))
    kind = _section(documents.generate(incident, PPC), "report_kind")["text"]
    assert kind.startswith("確報") and "速報の提出日：令和7年6月3日" in kind


def test_announcement_has_a_timeline_table_with_the_report(incident):
    sections = documents.generate(incident, ANNOUNCEMENT)
    assert [s["heading"] for s in sections][:3] == ["表題", "概要", "1　保有していた情報"]
    title = _section(sections, "title")["text"]
    assert title == ("デモ市総務部 管財課における"
                     "ドライブレコーダー映像を保存したUSBメモリの所在不明について")
    assert "延べ約220人" in _section(sections, "held")["text"]
    assert _section(sections, "when")["text"] == "令和7年3月6日から令和7年3月31日までの間"
    table = documents.rows(_section(sections, "timeline")["text"])
    assert table[0][0] == "令和7年3月6日"  # the occurrence first, in date order
    assert ("令和7年6月3日", "総務部 管財課の職員から所属長及び個人情報保護管理者へ報告") in table
    assert any(date == "令和7年3月10日" and "覚知" in text for date, text in table)
    assert any(date == "令和7年5月14日" and "覚知" in text for date, text in table)
    # the public version names no staff member
    assert not any("職員 三郎" in text for _, text in table)
    assert _section(sections, "cause")["text"] == CAUSE


def test_notice_to_persons_is_a_letter(incident):
    sections = documents.generate(incident, NOTICE)
    keys = [s["key"] for s in sections]
    assert keys[:3] == ["addressee", "title", "opening"]
    for key in ("summary", "items", "cause", "secondary_harm", "other", "contact"):
        assert key in keys
    assert "お詫び" in _section(sections, "opening")["text"]
    assert "令和7年3月10日" in _section(sections, "summary")["text"]


def test_association_report_only_for_a_driving_school(incident, user, demo):
    assert documents.kinds_for(incident) == [PPC, NOTICE, ANNOUNCEMENT]
    with pytest.raises(IncidentError, match="作成できない"):
        documents.generate(incident, ASSOCIATION)
    demo.profile_key = "driving_school"
    demo.save(update_fields=["profile_key"])
    school = _report(user("staff"), people=3)
    assert documents.kinds_for(school) == [PPC, NOTICE, ANNOUNCEMENT, ASSOCIATION]
    exemption = _section(documents.generate(school, ASSOCIATION), "exemption")["text"]
    assert "□ イ" in exemption and "□ ロ" in exemption and "報告を要する" in exemption
    step = school.steps.get(kind=StepKind.ASSOCIATION)
    services.waive_step(step, user("privacy"), reason="FAXの誤送信で軽微なもの")
    exemption = _section(documents.generate(school, ASSOCIATION), "exemption")["text"]
    assert "■ ロ" in exemption and "□ イ" in exemption
    assert "報告を要しない（FAXの誤送信で軽微なもの" in exemption


# --- draft, edit, regenerate, issue ---------------------------------------------------------


def test_edits_persist_and_are_refused_after_issue(incident, user):
    privacy = user("privacy")
    document = documents.draft(incident, PPC, privacy)
    assert documents.draft(incident, PPC, privacy).pk == document.pk  # get, not a second one
    harm = "現時点で二次被害は確認されていない"
    assert documents.save_edits(document, privacy, {"item5": harm}) == ["item5"]
    stored = Document.objects.get(pk=document.pk)
    assert _section(stored.sections, "item5")["text"] == harm
    assert stored.edited_by == privacy
    assert Event.objects.filter(incident=incident, kind="document",
                                text__contains="編集").exists()
    assert AuditEntry.objects.filter(action="incident.document_edited",
                                     object_id=str(incident.pk)).exists()
    with pytest.raises(ValueError):
        documents.save_edits(stored, privacy, {"no_such_section": "x"})
    # emptied text stays visible as the placeholder
    documents.save_edits(stored, privacy, {"item9": "  "})
    assert _section(stored.sections, "item9")["text"] == "（未記入）"
    with pytest.raises(IncidentError, match="未記入"):
        documents.issue(stored, privacy)
    _fill_everything(stored, privacy)
    documents.issue(stored, privacy)
    assert Document.objects.get(pk=document.pk).issued_at is not None
    assert AuditEntry.objects.filter(action="incident.document_issued").exists()
    with pytest.raises(IncidentError, match="発行済み"):
        documents.save_edits(stored, privacy, {"item4": "変更"})
    with pytest.raises(IncidentError, match="発行済み"):
        documents.regenerate(stored, privacy)
    with pytest.raises(IncidentError, match="発行済み"):
        documents.issue(stored, privacy)
    assert _section(Document.objects.get(pk=document.pk).sections, "item4")["text"] == CAUSE


def test_regenerate_refills_from_the_current_facts(incident, user):
    privacy = user("privacy")
    document = documents.draft(incident, PPC, privacy)
    documents.save_edits(document, privacy, {"item4": "手で書いた原因"})
    services.update_facts(incident, privacy, cause="調査で判明した原因")
    documents.regenerate(document, privacy)
    assert _section(Document.objects.get(pk=document.pk).sections,
                    "item4")["text"] == "調査で判明した原因"


def test_permissions_of_the_services(incident, user):
    with pytest.raises(PermissionError):
        documents.draft(incident, PPC, user("staff"))
    document = documents.draft(incident, PPC, user("manager"))  # the department's manager
    _fill_everything(document, user("manager"))
    with pytest.raises(PermissionError):
        documents.issue(document, user("manager"))  # only the privacy officer issues


# --- screens --------------------------------------------------------------------------------


def _url(name, incident, kind):
    return reverse(f"incidents:{name}", args=[incident.pk, kind])


def test_document_page_edits_and_issue_through_the_screens(incident, client_for):
    client = client_for("privacy")
    page = client.get(_url("document", incident, PPC))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="section-item4"' in html and "1　概要" in html
    assert not Document.objects.filter(incident=incident).exists()  # looking stores nothing
    response = client.post(_url("document", incident, PPC),
                           {"section-item4": "画面から直した原因\r\n二行目", "action": "save"})
    assert response.status_code == 302
    stored = Document.objects.get(incident=incident, kind=PPC)
    assert _section(stored.sections, "item4")["text"] == "画面から直した原因\n二行目"
    assert "文書を保存しました" in client.get(_url("document", incident, PPC)).content.decode()
    _fill_everything(stored, stored.edited_by)
    assert client.post(_url("issue_document", incident, PPC)).status_code == 302
    stored.refresh_from_db()
    assert stored.issued_at is not None
    client.post(_url("document", incident, PPC), {"section-item4": "発行後の変更"})
    stored.refresh_from_db()
    assert _section(stored.sections, "item4")["text"] == "画面から直した原因\n二行目"
    after = client.get(_url("document", incident, PPC)).content.decode()
    assert "発行済みの文書は変更できません" in after
    assert 'name="section-item4"' not in after


def test_notice_page_renders(incident, client_for):
    page = client_for("privacy").get(_url("document", incident, NOTICE))
    assert page.status_code == 200
    assert "個人情報の漏えい等に関するお知らせとお詫び" in page.content.decode()


def test_staff_cannot_issue(incident, client_for):
    staff = client_for("staff")  # the reporter: may read the documents
    page = staff.get(_url("document", incident, PPC))
    assert page.status_code == 200
    assert "<textarea" not in page.content.decode()
    assert staff.post(_url("issue_document", incident, PPC)).status_code == 403
    assert staff.post(_url("document", incident, PPC), {"section-item4": "x"}).status_code == 403
    assert not Document.objects.filter(incident=incident).exists()


def test_unknown_or_foreign_kind_is_404(incident, client_for):
    client = client_for("privacy")
    assert client.get(_url("document", incident, "nonsense")).status_code == 404
    assert client.get(_url("document", incident, ASSOCIATION)).status_code == 404
    assert client.get(_url("print_document", incident, ASSOCIATION)).status_code == 404


def test_print_page_is_marked_draft_until_issued(incident, client_for, user):
    client = client_for("privacy")
    page = client.get(_url("print_document", incident, ANNOUNCEMENT))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<meta charset="utf-8">' in html and "hogo/document_print.css" in html
    css = (settings.BASE_DIR / "web/static/hogo/document_print.css").read_text()
    assert "@page { size: A4" in css and "Mincho" in css
    assert 'data-testid="draft"' in html and ">案<" in html
    assert "令和" in html
    assert "<td class=\"date\">令和7年6月3日</td>" in html  # the 経過 table
    document = documents.draft(incident, ANNOUNCEMENT, user("privacy"))
    _fill_everything(document, user("privacy"))
    documents.issue(document, user("privacy"))
    html = client.get(_url("print_document", incident, ANNOUNCEMENT)).content.decode()
    assert 'data-testid="draft"' not in html and ">案<" not in html
    assert 'data-testid="issued"' in html
    assert client_for("auditor").get(_url("print_document", incident, ANNOUNCEMENT)
                                     ).status_code == 200
