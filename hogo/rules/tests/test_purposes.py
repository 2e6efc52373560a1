"""Specific purposes pass, vague ones are refused with why (R-902; Act Art. 17(1)): the PPC's
example 「事業活動に用いるため」 and its kin, against the purposes the shipped profiles publish;
and a statement that a change stays reasonably related (Art. 17(2)) must say something."""

from __future__ import annotations

from pathlib import Path

import pytest

from hogo.rules import purposes
from hogo.rules.profile import load_profiles
from hogo.rules.purposes import vague_reasons, vague_statement

PROFILES = Path(__file__).resolve().parents[1] / "profiles"
PURPOSE_CASES = [
    # (text, codes)
    ("業務のため", ["too_short", "generic_only"]),
    ("事業活動のため", ["too_short", "generic_only", "catch_all"]),
    ("当社の事業活動に用いるため", ["generic_only", "catch_all"]),
    ("当社の業務遂行に必要な範囲で", ["generic_only", "catch_all"]),
    ("個人情報を適切に利用するため", ["generic_only"]),
    ("サービス向上のため", ["too_short", "generic_only"]),
    ("", ["empty"]),
    ("　 ", ["empty"]),
    ("ドライブレコーダーの映像及び音声", ["no_object"]),
    ("マーケティング", ["too_short", "no_object"]),
    # a specific purpose with an open end is still open-ended
    ("事故の原因究明、その他当社の業務に必要な範囲で利用", ["catch_all"]),
    ("事故の原因究明及びその他一切の業務", ["catch_all"]),
    # specific ones
    ("公用車に係る事故の原因究明及び保険請求等の事務処理", []),
    ("公用車に係る事故の捜査及び裁判において証拠として提出", []),
    ("運転者の安全運転指導・教育", []),
    ("教習生の技能検定の実施及び結果の記録", []),
    ("教習料金の請求及び領収書の発行", []),
    ("卒業生への各種案内の送付", []),
    ("運転者の安全運転指導・教育（研修教材としての利用を含む）", []),
]


@pytest.mark.parametrize(("text", "codes"), PURPOSE_CASES, ids=[c[0] or "empty"
                                                                 for c in PURPOSE_CASES])
def test_purpose(text, codes):
    assert vague_reasons(text) == codes
    assert set(codes) <= set(purposes.CODES)


def test_full_width_text_is_read_as_half_width():
    assert vague_reasons("ＡＩによる事故映像の分析及び再発防止策の検討") == []


def test_every_shipped_permitted_use_is_specific():
    """The profiles' uses become the first draft's purposes: none may be refused there."""
    for profile in load_profiles(PROFILES).values():
        for use in profile.permitted_uses:
            assert vague_reasons(use.label_ja) == [], (profile.key, use.label_ja)


STATEMENT_CASES = [
    ("", ["empty"]),
    ("関連があるため", ["too_short", "generic_only"]),
    ("問題ないと判断した", ["too_short", "generic_only"]),
    ("変更前の目的と合理的に関連する範囲の変更であり問題はないと考える", ["generic_only"]),
    ("変更前の事故の原因究明に、同じ映像で行う再発防止の研修を加えるもので、撮影の対象と範囲は"
     "変わらない", []),
    ("保険請求の事務に、同じ事故の示談交渉の記録を加える。対象者と映像の範囲は従前のとおり", []),
]


@pytest.mark.parametrize(("text", "codes"), STATEMENT_CASES,
                         ids=[c[0][:12] or "empty" for c in STATEMENT_CASES])
def test_statement(text, codes):
    assert vague_statement(text) == codes
