"""Is a purpose of use specific? (R-902; Act Art. 17(1): a business specifies the purpose "as
far as possible"; the PPC's general guideline gives 「事業活動に用いるため」 as not specific.)

A published purpose must tell a reader what their data is used for. Text such as 「業務のため」,
「事業活動のため」 or 「当社の業務遂行に必要な範囲で」 tells them nothing: it is too short, made
only of generic words, or open-ended. Whether a new purpose stays "reasonably related" to the
old one (Art. 17(2)) is a judgement no machine makes; hogo asks for a written statement of why
it does, and refuses a statement as empty as a vague purpose (`vague_statement`).

Framework-free: codes only; the notice app words them for people.
"""

from __future__ import annotations

import re
import unicodedata

# Why a text is refused, in the order they are reported.
EMPTY = "empty"                  # nothing written
TOO_SHORT = "too_short"          # fewer than MIN_CHARS characters of text
GENERIC_ONLY = "generic_only"    # nothing but generic words (業務, 事業活動, 必要な範囲 …)
CATCH_ALL = "catch_all"          # an open end that lets the purpose reach anything
NO_OBJECT = "no_object"          # names data or things, not what they are used for
CODES = (EMPTY, TOO_SHORT, GENERIC_ONLY, CATCH_ALL, NO_OBJECT)

MIN_CHARS = 10
# A statement of why a change stays within what is reasonably related: a sentence or more.
MIN_STATEMENT_CHARS = 20

# Words that say nothing about what the data is used for, longest first when removed.
GENERIC_WORDS = (
    "事業活動", "業務遂行", "業務運営", "事業運営", "事業遂行", "当社", "弊社", "当校", "本校",
    "当市", "本市", "当団体", "当法人", "当組合", "当機関", "業務", "事業", "活動", "遂行", "運営",
    "必要", "範囲", "目的", "利用", "使用", "活用", "取扱", "取り扱", "個人情報", "個人データ",
    "情報", "データ", "各種", "一般", "全般", "関連", "適切", "適正", "円滑", "向上", "サービス",
    "等", "他", "一切", "為", "及", "並", "又", "若", "係", "関", "当", "本",
)
# A statement's own generic words: saying a change "is related" or "is fine" is no reason.
STATEMENT_WORDS = GENERIC_WORDS + (
    "合理的", "相当", "関連性", "変更前", "変更後", "変更", "問題", "同様", "同一", "同じ",
    "妥当", "超", "許容", "判断", "考", "認", "思",
)
# Open ends: after them the purpose has no limit, however specific the rest is.
CATCH_ALL_PATTERNS = tuple(re.compile(p) for p in (
    r"業務(?:の遂行)?に必要な範囲",
    r"業務遂行に必要",
    r"事業活動(?:に用いる|の)?ため",
    r"(?:その他|ほか|他)の?(?:一切の|全ての|すべての|あらゆる)?(?:当社|当校|本校|当市|本市)?の?業務",
    r"一切の(?:業務|目的)",
    r"(?:あらゆる|全ての|すべての)(?:業務|目的)",
    r"必要な範囲で(?:利用|使用)",
))
# Words that say what the data is for (an activity or an end). Text without any of them names
# only the data (「ドライブレコーダーの映像」), not a purpose.
USE_MARKERS = (
    "ため", "為", "目的", "処理", "究明", "調査", "提出", "指導", "教育", "対応", "連絡", "確認",
    "管理", "実施", "提供", "請求", "手続", "防止", "分析", "送付", "案内", "審査", "評価", "保全",
    "判定", "記録", "通知", "回答", "支払", "精算", "発行", "登録", "検証", "改善", "運行", "研修",
    "事務", "証拠", "予約", "連携",
)
_PUNCTUATION = re.compile(r"[\s\W_]+")
_HIRAGANA = re.compile(r"[\u3041-\u309f]+")


def _plain(text: str) -> str:
    """Normalised text without spaces and punctuation."""
    return _PUNCTUATION.sub("", unicodedata.normalize("NFKC", text or ""))


def _content(text: str, words: tuple[str, ...]) -> str:
    """What is left once particles (hiragana), punctuation and the given words are gone:
    the kanji, katakana and other letters that could carry a meaning."""
    left = _HIRAGANA.sub("", _plain(text))
    for word in sorted(words, key=len, reverse=True):
        left = left.replace(word, "")
    return left


def vague_reasons(text: str) -> list[str]:
    """Why `text` is not a specific purpose of use (codes of CODES, in order); [] when it is.

    「業務のため」 → too_short, generic_only; 「当社の業務遂行に必要な範囲で」 → generic_only,
    catch_all; 「公用車に係る事故の原因究明及び保険請求等の事務処理」 → [].
    """
    plain = _plain(text)
    if not plain:
        return [EMPTY]
    reasons = []
    if len(plain) < MIN_CHARS:
        reasons.append(TOO_SHORT)
    generic = len(_content(text, GENERIC_WORDS)) < 2
    if generic:
        reasons.append(GENERIC_ONLY)
    normal = unicodedata.normalize("NFKC", text)
    if any(pattern.search(normal) for pattern in CATCH_ALL_PATTERNS):
        reasons.append(CATCH_ALL)
    if not generic and not any(marker in plain for marker in USE_MARKERS):
        reasons.append(NO_OBJECT)
    return reasons


def vague_statement(text: str) -> list[str]:
    """Why a statement that a changed purpose stays within what is reasonably related (Act
    Art. 17(2)) says nothing (codes empty, too_short, generic_only); [] when it says something.

    「関連があるため」 → too_short, generic_only; 「変更前の事故の原因究明に、同じ映像で行う
    再発防止の研修を加えるもので、撮影の対象と範囲は変わらない」 → [].
    """
    plain = _plain(text)
    if not plain:
        return [EMPTY]
    reasons = []
    if len(plain) < MIN_STATEMENT_CHARS:
        reasons.append(TOO_SHORT)
    if len(_content(text, STATEMENT_WORDS)) < 2:
        reasons.append(GENERIC_ONLY)
    return reasons
