"""The words for a provision assessment (hogo.rules.provision returns codes and articles only).

Japanese is the source language of the Django catalogue, so every sentence here is a Japanese
msgid: `reason_text`, `record_reason_text`, `item_text`, `note_text` render it in the active
language (English once the catalogue has it). The English of the API's and the console's
`*_en` fields is fixed text for integrations and scripts, kept here beside the Japanese (as
`hogo.incidents.wording` does); it is also what the catalogue's English should say.

An article is written out, not translated: 「個人情報の保護に関する法律第27条第1項第1号」,
「同法施行規則第21条第3号」, 「…第29条第1項ただし書」 in Japanese; "APPI Art. 27(1)(i)",
"APPI Enforcement Rules Art. 21(iii)", "APPI Art. 29(1), proviso" in English.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hogo.rules.provision import Article, Decision
from hogo.rules.wareki import format_wareki

ACT_JA = "個人情報の保護に関する法律"
RULES_JA = "同法施行規則"
RULES_FULL_JA = "個人情報の保護に関する法律施行規則"
ROMAN = ("", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x")

# (Japanese msgid, English) for every code of hogo.rules.provision.
REASON_WORDS: dict[str, tuple[str, str]] = {
    "outsourcing": (
        gettext_noop("委託先に取扱いを委ねるもので、第三者への提供には当たりません。"),
        "entrusting the data to a contractor is not a provision to a third party"),
    "law_based": (
        gettext_noop("法令に基づく提供であり、本人の同意なしに提供できます。"),
        "the provision is based on laws and regulations and needs no consent"),
    # A public body: Art. 69(1) limits use and provision outside the purpose of use, save
    # where a law provides; it says nothing of consent.
    "law_based_public": (
        gettext_noop("法令に基づく提供であり、利用目的以外の目的のための提供の制限（法第69条"
                     "第1項）は及びません。"),
        "the provision is based on laws and regulations, so the limit on provision outside "
        "the purpose of use (APPI Art. 69(1)) does not apply"),
    "not_a_public_body": (
        gettext_noop("提供先が他の行政機関・地方公共団体の機関等ではないため、法令の定める"
                     "事務のための提供には当たらず、提供できません。"),
        "the recipient is not another administrative organ or local government body, so "
        "this is no provision for its statutory duties; it may not be provided"),
    "public_item_1": (
        gettext_noop("本人の同意があるため、利用目的以外の目的のために提供できます。"),
        "the person consents, so it may be provided outside the purpose of use"),
    "public_item_3": (
        gettext_noop("他の行政機関等が法令の定める事務の遂行に必要な限度で利用し、相当の理由"
                     "があるため、提供できます。"),
        "another public body uses it within what its statutory duties need, with a "
        "reasonable ground, so it may be provided"),
    "public_item_4": (
        gettext_noop("統計の作成・学術研究、明らかに本人の利益になる場合その他の特別の理由が"
                     "あるため、提供できます。"),
        "it is for statistics or research, clearly in the person's interest, or there is "
        "another special reason, so it may be provided"),
    "outside_purpose": (
        gettext_noop("法令に基づく場合にも、利用目的以外の提供が認められる場合にも当たらない"
                     "ため、提供できません。"),
        "neither a law nor any case allowing provision outside the purpose of use applies; "
        "it may not be provided"),
    "not_third_party": (
        gettext_noop("委託、事業の承継又は共同利用であり、第三者への提供には当たりません。"),
        "outsourcing, business succession or joint use is not a provision to a third party"),
    "not_a_government_body": (
        gettext_noop("提供先が国の機関・地方公共団体（又はその委託を受けた者）ではないため、"
                     "法令の定める事務への協力には当たらず、本人の同意なしには提供できません。"),
        "the recipient is not a national organ or local government (or entrusted by one), "
        "so this is no cooperation with a statutory duty; not without consent"),
    "research_needs_institution": (
        gettext_noop("事業者が本人の同意なしに学術研究のために提供できるのは、提供先が学術研究"
                     "機関等（大学その他の学術研究を目的とする機関・団体又はそれらに属する者）"
                     "である場合に限られ、統計の作成のためというだけでは当たりません。本人の"
                     "同意なしには提供できません。"),
        "a business may provide for research without consent only to an academic research "
        "institution (a university or another body for academic research, or a person "
        "belonging to one); statistics alone is no ground; not without consent"),
    "exception_2": (
        gettext_noop("人の生命、身体又は財産の保護のために必要で、本人の同意を得ることが困難な"
                     "ため、同意なしに提供できます。"),
        "it is needed to protect a person's life, body or property and consent is hard to "
        "get, so it may be provided without consent"),
    "exception_3": (
        gettext_noop("公衆衛生の向上又は児童の健全な育成の推進のために特に必要で、本人の同意を"
                     "得ることが困難なため、同意なしに提供できます。"),
        "it is specially needed for public health or children's sound upbringing and "
        "consent is hard to get, so it may be provided without consent"),
    "exception_4": (
        gettext_noop("国の機関等が法令の定める事務を遂行することに協力する必要があり、同意を"
                     "得ると事務に支障を及ぼすおそれがあるため、同意なしに提供できます。"),
        "it cooperates with a public body's statutory duty that asking for consent could "
        "hinder, so it may be provided without consent"),
    "exception_7": (
        gettext_noop("提供先の学術研究機関等が学術研究目的で取り扱う必要があるため、同意なしに"
                     "提供できます。"),
        "an academic research institution needs it for academic research, so it may be "
        "provided without consent"),
    "consent": (
        gettext_noop("本人の同意を得ているため、提供できます。"),
        "the person consented in advance, so it may be provided"),
    "sensitive_no_opt_out": (
        gettext_noop("要配慮個人情報はオプトアウトにより提供（受領）できません。本人の同意が"
                     "必要です。"),
        "sensitive personal data is never provided (or received) by opt-out; the person's "
        "consent is needed"),
    "opt_out": (
        gettext_noop("オプトアウト（本人の求めによる提供の停止と個人情報保護委員会への届出）に"
                     "より提供できます。"),
        "it may be provided by opt-out (stopped at the person's request, filed with the PPC)"),
    "no_consent": (
        gettext_noop("本人の同意がなく、同意なしに提供できる場合にも当たらないため、提供でき"
                     "ません。"),
        "there is no consent and no case allowing provision without it; it may not be "
        "provided"),
    "receipt": (
        gettext_noop("第三者から個人データの提供を受けます。"),
        "personal data is received from a third party"),
}

RECORD_REASON_WORDS: dict[str, tuple[str, str]] = {
    "public_body": (
        gettext_noop("提供・受領の記録は個人情報取扱事業者の義務であり、行政機関等には求め"
                     "られません。"),
        "provision and receipt records are a duty of business operators, not of public "
        "bodies"),
    "not_third_party": (
        gettext_noop("第三者との授受に当たらないため、記録は要しません。"),
        "no third party is involved, so no record is needed"),
    "exception": (
        gettext_noop("本人の同意なしに提供できる場合（法第27条第1項各号）に当たるため、記録は"
                     "要しません。"),
        "a case of provision without consent applies, so no record is needed"),
    "law_based": (
        gettext_noop("法令に基づく提供のため、記録は要しません。"),
        "the provision is law-based, so no record is needed"),
    "government_recipient": (
        gettext_noop("相手方が国の機関、地方公共団体、独立行政法人等又は地方独立行政法人（法"
                     "第16条第2項各号に掲げる者）であり、記録（受領の確認）の義務のある第三者"
                     "から除かれる（法第29条第1項括弧書）ため、記録は要しません。"),
        "the other party is a national organ, a local government, an incorporated "
        "administrative agency or a local one (APPI Art. 16(2)), which Art. 29(1) leaves "
        "out of the third parties to be recorded (or confirmed), so no record is needed"),
    "not_provided": (
        gettext_noop("提供（受領）しないため、記録はありません。"),
        "nothing is provided (or received), so there is no record"),
    "required": (
        gettext_noop("記録を作成し、保存期限まで保存します。"),
        "a record is made and kept until its keep-until day"),
}

ITEM_WORDS: dict[str, tuple[str, str]] = {
    "provided_on": (gettext_noop("個人データを提供した年月日"),
                    "the day the personal data was provided"),
    "consent": (gettext_noop("本人の同意を得ている旨"), "that the person's consent was obtained"),
    "recipient_name": (gettext_noop("提供先の氏名又は名称（不特定かつ多数の者に提供したときは"
                                    "その旨）"),
                       "the recipient's name (or that it went to many unspecified persons)"),
    "recipient_address": (gettext_noop("提供先の住所"), "the recipient's address"),
    "recipient_representative": (gettext_noop("提供先が法人の場合はその代表者の氏名"),
                                 "the name of the recipient's representative, for a body"),
    "persons": (gettext_noop("本人の氏名その他の本人を特定するに足りる事項"),
                "the persons' names or whatever identifies them"),
    "data_items": (gettext_noop("個人データの項目"), "the items of personal data"),
    "received_on": (gettext_noop("個人データの提供を受けた年月日"),
                    "the day the personal data was received"),
    "provider_name": (gettext_noop("提供元の氏名又は名称"), "the provider's name"),
    "provider_address": (gettext_noop("提供元の住所"), "the provider's address"),
    "provider_representative": (gettext_noop("提供元が法人の場合はその代表者の氏名"),
                                "the name of the provider's representative, for a body"),
    "how_obtained": (gettext_noop("提供元による個人データの取得の経緯"),
                     "how the provider obtained the data"),
    "ppc_published": (gettext_noop("オプトアウトの届出事項が個人情報保護委員会により公表されて"
                                   "いる旨"),
                      "that the PPC has published the provider's opt-out filing"),
}

NOTE_WORDS: dict[str, tuple[str, str]] = {
    "contractor_bound": (
        gettext_noop("委託先にも安全管理の義務が及びます。委託の範囲と管理の方法を契約で定め、"
                     "範囲を超えて利用させないこと。"),
        "the contractor is bound to manage the data safely: fix the scope and handling in "
        "the contract and allow no use beyond it"),
    "law_based_still_judged": (
        gettext_noop("法令に基づく求めでも、応じる必要性と提供の範囲（必要最小限）は個別に判断"
                     "し、照会文書等で根拠となる規定を確認すること。"),
        "even a law-based request is judged case by case: check the provision it cites in "
        "the letter and give only what is needed"),
    "recipient_measures": (
        gettext_noop("提供先に、利用の目的・方法の制限や漏えい防止など適切な管理のための措置を"
                     "求めること（法第70条）。"),
        "ask the recipient to limit its use and to manage the data properly (APPI Art. 70)"),
    "no_undue_harm": (
        gettext_noop("本人又は第三者の権利利益を不当に侵害するおそれがないこと（法第69条第2項"
                     "ただし書）。"),
        "the provision must not unduly harm the rights of the person or others (APPI Art. "
        "69(2), proviso)"),
    "special_reason": (
        gettext_noop("提供する特別の理由を具体的に確かめ、決定の理由に記すこと。"),
        "establish the special reason concretely and state it in the decision"),
    "within_purpose": (
        gettext_noop("利用目的の範囲内の提供であれば、この制限は及びません。利用目的を確認する"
                     "こと。"),
        "a provision within the purpose of use is not restricted this way: check the "
        "purpose"),
    "joint_use_items_known": (
        gettext_noop("共同利用する旨、項目、共同利用者の範囲、利用目的、責任者の氏名・名称・"
                     "住所・代表者をあらかじめ本人に通知し、又は容易に知り得る状態に置いている"
                     "こと。"),
        "joint use, its items, the joint users, the purpose and the responsible party "
        "(name, address, representative) must have been made known to the person "
        "beforehand"),
    "consent_hard_to_get": (
        gettext_noop("本人の同意を得ることが困難であること。"),
        "consent must be hard to get"),
    "consent_would_hinder": (
        gettext_noop("本人の同意を得ることにより当該事務の遂行に支障を及ぼすおそれがあること。"),
        "asking for consent must be likely to hinder the duty"),
    "government_contractor": (
        gettext_noop("提供先の事業者が国の機関・地方公共団体から当該事務の委託を受けている"
                     "こと。"),
        "the receiving business must be entrusted with the duty by a national organ or "
        "local government"),
    "academic_institution": (
        gettext_noop("提供先が学術研究機関等（大学その他の学術研究を目的とする機関・団体又は"
                     "それらに属する者）であることを確かめ、学術研究目的で取り扱う必要があり、"
                     "個人の権利利益を不当に侵害するおそれがないこと。"),
        "check that the recipient is an academic research institution (a university or "
        "another body for academic research, or a person belonging to one) that needs the "
        "data for academic research, without undue harm to anyone's rights"),
    "opt_out_filed": (
        gettext_noop("オプトアウトの事項を本人に通知し又は容易に知り得る状態に置き、個人情報"
                     "保護委員会に届け出ていること。不正に取得したものやオプトアウトで取得した"
                     "ものは提供できません。"),
        "the opt-out items must have been made known to the persons and filed with the PPC; "
        "data obtained improperly or itself by opt-out may not be provided"),
    "record_promptly": (
        gettext_noop("記録は提供（受領）の都度、速やかに作成すること。3年の保存期間は記録を"
                     "作成した日の翌日から数えます。"),
        "make the record promptly at each provision (or receipt); its 3 years run from the "
        "day after the record is made"),
    "how_obtained_checked": (
        gettext_noop("提供元の氏名・住所・代表者と取得の経緯を、申告や契約書等で確認すること。"
                     "不正に取得されたものは受け取らないこと。"),
        "confirm the provider's name, address, representative and how it obtained the data "
        "(its statement, a contract); take nothing obtained improperly"),
    "provider_personal_data": (
        gettext_noop("提供元が事業者でない個人の場合、その者にとって個人データ（検索できるよう"
                     "体系化された情報）でなければ確認・記録の義務は生じません。"),
        "from a private person, confirmation and record are owed only when the data is "
        "personal data (a searchable collection) for that person"),
    "consent_confirmed": (
        gettext_noop("提供元が本人の同意を得ていることを確認すること。"),
        "confirm that the provider has the person's consent"),
    "academic_provider": (
        gettext_noop("提供元が学術研究機関等であり、学術研究の成果の公表又は教授のためやむを得"
                     "ない提供か、共同して学術研究を行う相手としての提供であること（法第27条"
                     "第1項第5号・第6号）。"),
        "the provider must be an academic research institution providing where publishing "
        "or teaching research results makes it unavoidable, or for research done jointly "
        "with us (APPI Art. 27(1)(v)-(vi))"),
}

TABLES = {"reason": REASON_WORDS, "record_reason": RECORD_REASON_WORDS, "item": ITEM_WORDS,
          "note": NOTE_WORDS}


def english() -> bool:
    return (translation.get_language() or "ja").lower().startswith("en")


# --- articles ------------------------------------------------------------------------------------


def article_text_ja(article: Article, *, full: bool = False) -> str:
    """「個人情報の保護に関する法律第27条第1項第1号」「同法施行規則第21条第3号」; `full` names
    the Rules in full (for a line that does not follow an Act citation)."""
    law = ACT_JA if article.law == "act" else (RULES_FULL_JA if full else RULES_JA)
    text = f"{law}第{article.article}条"
    text += f"第{article.paragraph}項" if article.paragraph else ""
    text += f"第{article.item}号" if article.item else ""
    return text + ("ただし書" if article.proviso else "")


def article_text_en(article: Article) -> str:
    """"APPI Art. 27(1)(i)", "APPI Enforcement Rules Art. 21(iii)", "…29(1), proviso"."""
    law = "APPI" if article.law == "act" else "APPI Enforcement Rules"
    text = f"{law} Art. {article.article}"
    text += f"({article.paragraph})" if article.paragraph else ""
    text += f"({ROMAN[article.item]})" if article.item else ""
    return text + (", proviso" if article.proviso else "")


def article_text(article: Article | None, *, full: bool = False) -> str:
    """The article in the active language ("" for none)."""
    if article is None:
        return ""
    return article_text_en(article) if english() else article_text_ja(article, full=full)


# --- codes ---------------------------------------------------------------------------------------


def _code(value: str | Decision, attribute: str) -> str:
    return getattr(value, attribute) if isinstance(value, Decision) else value


def _words(table: str, code: str) -> str:
    return _(TABLES[table][code][0])


def reason_text(code: str | Decision) -> str:
    """Why it may (not) be provided, in the active language (a code or a Decision)."""
    return _words("reason", _code(code, "allowed_because"))


def record_reason_text(code: str | Decision) -> str:
    """Why a record is (not) required, in the active language (a code or a Decision)."""
    return _words("record_reason", _code(code, "record_because"))


def item_text(code: str) -> str:
    return _words("item", code)


def note_text(code: str) -> str:
    return _words("note", code)


def ja(table: str, code: str) -> str:
    """The Japanese, whatever the active language (the API's `*_ja` fields)."""
    with translation.override("ja"):
        return _words(table, code)


def en(table: str, code: str) -> str:
    """The fixed English of the API's and the console's `*_en` fields."""
    return TABLES[table][code][1]


# --- the page --------------------------------------------------------------------------------


def keep_until_text(day: dt.date | None) -> str:
    if day is None:
        return ""
    return day.isoformat() if english() else format_wareki(day)


def decision_view(decision: Decision) -> dict[str, Any]:
    """Everything a page shows of an assessment, in the active language."""
    allowed_text = reason_text(decision)
    record_text = record_reason_text(decision)
    return {
        "allowed": decision.allowed,
        "allowed_text": allowed_text,
        "allowed_because": allowed_text,
        "allowed_article": article_text(decision.allowed_article),
        "third_party": decision.third_party,
        "record_required": decision.record_required,
        "record_text": record_text,
        "record_because": record_text,
        "record_article": article_text(decision.record_article),
        "items": [item_text(code) for code in decision.record_items],
        "items_article": article_text(decision.items_article),
        "keep_until": decision.keep_until,
        "keep_until_text": keep_until_text(decision.keep_until),
        "keep_article": article_text(decision.keep_article),
        "notes": [note_text(code) for code in decision.notes],
    }
