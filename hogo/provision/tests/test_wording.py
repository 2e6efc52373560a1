"""The words of a provision assessment (hogo.provision.wording): every code of the rules has
Japanese and English, articles are written out in the active language, and the page's view
of a decision says what the person deciding needs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from hogo.provision import wording
from hogo.rules.provision import (
    NOTES,
    REASONS,
    RECORD_ITEMS,
    RECORD_REASONS,
    Article,
    Facts,
    assess,
)

TABLES = [("reason", REASONS, wording.reason_text),
          ("record_reason", RECORD_REASONS, wording.record_reason_text),
          ("item", RECORD_ITEMS, wording.item_text), ("note", NOTES, wording.note_text)]


@pytest.mark.parametrize(("table", "codes", "text"), TABLES, ids=[t[0] for t in TABLES])
def test_every_code_of_the_rules_has_words(table, codes, text):
    assert set(wording.TABLES[table]) == set(codes)  # none missing, none left over
    for code in codes:
        with translation.override("ja"):
            japanese = text(code)
        assert japanese and any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff"
                                for ch in japanese), (table, code)
        english = wording.en(table, code)
        assert english and english.isascii(), (table, code)
        assert wording.ja(table, code) == japanese


ARTICLES = [
    (Article("act", 27, 1, 1), "個人情報の保護に関する法律第27条第1項第1号", "APPI Art. 27(1)(i)"),
    (Article("act", 27, 1), "個人情報の保護に関する法律第27条第1項", "APPI Art. 27(1)"),
    (Article("act", 29, 1, proviso=True), "個人情報の保護に関する法律第29条第1項ただし書",
     "APPI Art. 29(1), proviso"),
    (Article("act", 27, 2, proviso=True), "個人情報の保護に関する法律第27条第2項ただし書",
     "APPI Art. 27(2), proviso"),
    (Article("act", 69, 2, 4), "個人情報の保護に関する法律第69条第2項第4号",
     "APPI Art. 69(2)(iv)"),
    (Article("act", 27, 1, 7), "個人情報の保護に関する法律第27条第1項第7号",
     "APPI Art. 27(1)(vii)"),
    (Article("act", 16, 2), "個人情報の保護に関する法律第16条第2項", "APPI Art. 16(2)"),
    (Article("rules", 21, None, 3), "同法施行規則第21条第3号",
     "APPI Enforcement Rules Art. 21(iii)"),
    (Article("rules", 20, 1, 2), "同法施行規則第20条第1項第2号",
     "APPI Enforcement Rules Art. 20(1)(ii)"),
]


@pytest.mark.parametrize(("article", "japanese", "english"), ARTICLES,
                         ids=[a[0].code() for a in ARTICLES])
def test_an_article_is_written_out_in_the_active_language(article, japanese, english):
    with translation.override("ja"):
        assert wording.article_text(article) == japanese
    with translation.override("en"):
        assert wording.article_text(article) == english
    assert wording.article_text_ja(article) == japanese
    assert wording.article_text_en(article) == english


def test_the_rules_can_be_named_in_full():
    assert wording.article_text_ja(Article("rules", 25, None, 1), full=True) == (
        "個人情報の保護に関する法律施行規則第25条第1号")
    assert wording.article_text(None) == ""


def test_the_words_take_a_code_or_a_decision():
    decision = assess(Facts("private_business", "police", "ccp_197_2"))
    with translation.override("ja"):
        assert wording.reason_text(decision) == wording.reason_text("law_based")
        assert wording.record_reason_text(decision) == wording.record_reason_text("law_based")
        assert "法令に基づく" in wording.record_reason_text(decision)


def test_the_page_view_of_a_police_inquiry_says_no_record_and_why():
    decision = assess(Facts("private_business", "police", "ccp_197_2",
                            provided_on=(dt.date(2026, 6, 1),)))
    with translation.override("ja"):
        view = wording.decision_view(decision)
    assert view["allowed"] is True and view["record_required"] is False
    assert view["allowed_article"] == "個人情報の保護に関する法律第27条第1項第1号"
    assert view["record_article"] == "個人情報の保護に関する法律第29条第1項ただし書"
    assert "記録は要しません" in view["record_text"]
    assert view["allowed_because"] == view["allowed_text"]  # the decision page's names
    assert view["record_because"] == view["record_text"]
    assert view["items"] == [] and view["keep_until"] is None and view["keep_until_text"] == ""
    assert any("必要最小限" in note for note in view["notes"])


def test_the_page_view_of_an_insurers_consent_lists_the_items_and_the_day_in_wareki():
    decision = assess(Facts("private_business", "insurer", "consent",
                            consent_on=dt.date(2026, 5, 1), provided_on=(dt.date(2026, 6, 1),)))
    with translation.override("ja"):
        view = wording.decision_view(decision)
    assert view["record_required"] is True
    assert view["items"] == ["本人の同意を得ている旨",
                             "提供先の氏名又は名称（不特定かつ多数の者に提供したときはその旨）",
                             "提供先の住所", "提供先が法人の場合はその代表者の氏名",
                             "本人の氏名その他の本人を特定するに足りる事項", "個人データの項目"]
    assert view["items_article"] == "同法施行規則第20条第1項第2号"
    assert view["keep_until"] == dt.date(2029, 6, 1)
    assert view["keep_until_text"] == "令和11年6月1日"
    assert view["keep_article"] == "同法施行規則第21条第3号"
    with translation.override("en"):
        english = wording.decision_view(decision)
    assert english["keep_until_text"] == "2029-06-01"
    assert english["keep_article"] == "APPI Enforcement Rules Art. 21(iii)"


def test_a_refusal_at_a_public_body_says_what_is_left_to_check():
    decision = assess(Facts("public_body", "insurer", "other"))
    with translation.override("ja"):
        view = wording.decision_view(decision)
    assert view["allowed"] is False and "提供できません" in view["allowed_text"]
    assert view["allowed_article"] == "個人情報の保護に関する法律第69条第1項"
    assert any("利用目的の範囲内" in note for note in view["notes"])


def test_a_public_bodys_law_based_provision_is_not_worded_as_consent():
    # Act Art. 69(1) limits provision outside the purpose of use; consent is not its point.
    decision = assess(Facts("public_body", "police", "ccp_197_2"))
    with translation.override("ja"):
        text = wording.reason_text(decision)
        business = wording.reason_text(assess(Facts("private_business", "police",
                                                    "ccp_197_2")))
    assert "同意" not in text
    assert "利用目的以外の目的のための提供の制限" in text and "第69条第1項" in text
    assert "本人の同意なしに提供できます" in business
    english = wording.en("reason", decision.allowed_because)
    assert "consent" not in english and "Art. 69(1)" in english


def test_a_government_recipient_is_worded_with_art_16_2_and_cited_as_art_29_1():
    decision = assess(Facts("private_business", "court", "consent",
                            consent_on=dt.date(2026, 5, 1), provided_on=(dt.date(2026, 6, 1),)))
    with translation.override("ja"):
        view = wording.decision_view(decision)
    assert view["record_article"] == "個人情報の保護に関する法律第29条第1項"
    assert "法第16条第2項各号に掲げる者" in view["record_text"]
    assert "法第29条第1項括弧書" in view["record_text"]
    assert "Art. 16(2)" in wording.en("record_reason", "government_recipient")


def test_research_to_a_non_academic_recipient_is_refused_in_words():
    decision = assess(Facts("private_business", "business", "research"))
    with translation.override("ja"):
        view = wording.decision_view(decision)
    assert view["allowed"] is False
    assert "学術研究機関等" in view["allowed_text"] and "提供できません" in view["allowed_text"]
    assert view["allowed_article"] == "個人情報の保護に関する法律第27条第1項第7号"
    assert "academic research institution" in wording.en("reason", decision.allowed_because)
