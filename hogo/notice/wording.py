"""Words for the notice's codes: why a purpose or a statement is refused (`rules.purposes`),
the names of the requests under each chapter of the Act, the sections a change touched, and
fees in words. Kept apart so the services state rules and the templates stay short."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hogo.notice.models import SECURITY_CATEGORIES
from hogo.rules import purposes as rules

VAGUE_PURPOSE = {
    rules.EMPTY: gettext_lazy("利用目的を記入してください。"),
    rules.TOO_SHORT: gettext_lazy(
        "利用目的が短すぎます。何のために利用するのかを、文として具体的に書いてください。"),
    rules.GENERIC_ONLY: gettext_lazy(
        "「業務のため」「事業活動のため」のような一般的な言葉だけでは、利用目的を特定したことに"
        "なりません。どの事務・事業で何のために利用するのかを書いてください（例：公用車に係る事故"
        "の原因究明及び保険請求等の事務処理）。"),
    rules.CATCH_ALL: gettext_lazy(
        "「その他業務に必要な範囲で」のような限りのない書き方では、利用目的を特定したことになり"
        "ません。利用する場面を具体的に挙げてください。"),
    rules.NO_OBJECT: gettext_lazy(
        "対象となる情報が書かれているだけで、何のために利用するのかが書かれていません。"),
}
VAGUE_STATEMENT = {
    rules.EMPTY: gettext_lazy(
        "公表済みの利用目的を変更・追加するときは、変更前の利用目的と関連性を有すると合理的に"
        "認められる範囲を超えない理由を記入してください。"),
    rules.TOO_SHORT: gettext_lazy(
        "変更が必要な範囲を超えない理由が短すぎます。文として具体的に書いてください。"),
    rules.GENERIC_ONLY: gettext_lazy(
        "「関連があるため」「問題ないため」だけでは理由になりません。変更の前後で何が変わらず"
        "（対象となる人、情報の種類、利用の場面）、何が加わるのかを具体的に書いてください。"),
}

# The requests a person may make, named as each chapter of the Act names them.
KIND_NAMES = {
    True: {  # a public body (Chapter 5)
        "disclosure": gettext_lazy("開示請求"),
        "correction": gettext_lazy("訂正請求"),
        "suspension": gettext_lazy("利用停止請求（利用の停止又は消去）"),
        "provision_stop": gettext_lazy("利用停止請求（提供の停止）"),
    },
    False: {  # a business (Chapter 4)
        "purpose_notification": gettext_lazy("利用目的の通知の求め"),
        "disclosure": gettext_lazy("開示の請求（第三者提供記録の開示を含む）"),
        "correction": gettext_lazy("訂正・追加・削除の請求"),
        "suspension": gettext_lazy("利用停止・消去の請求"),
        "provision_stop": gettext_lazy("第三者への提供の停止の請求"),
    },
}

# The parts of the notice a version may change, for its summary.
SECTIONS = (
    ("name", gettext_lazy("名称")),
    ("address", gettext_lazy("住所")),
    ("representative", gettext_lazy("代表者")),
    ("purposes", gettext_lazy("利用目的")),
    ("requests", gettext_lazy("開示等の請求の手続・手数料")),
    ("security", gettext_lazy("安全管理措置")),
    ("complaints", gettext_lazy("苦情の申出先")),
    ("association", gettext_lazy("認定個人情報保護団体")),
    ("dashcam", gettext_lazy("録画中表示")),
)


def purpose_problems(codes: list[str]) -> list[str]:
    """Why a purpose is refused, in words (R-902)."""
    return [str(VAGUE_PURPOSE[code]) for code in codes]


def statement_problems(codes: list[str]) -> list[str]:
    """Why a statement of relatedness is refused, in words."""
    return [str(VAGUE_STATEMENT[code]) for code in codes]


def kind_name(public_body: bool, kind: str) -> str:
    """A request's name as the organisation's chapter of the Act calls it."""
    return str(KIND_NAMES[bool(public_body)].get(kind, kind))


def section_names(codes: list[str]) -> str:
    """「利用目的、苦情の申出先」 for a version's summary."""
    names = dict(SECTIONS)
    return _("、").join(str(names[code]) for code in codes if code in names)


def fee_words(fee: dict[str, Any]) -> str:
    """「1件につき300円」「請求の対象1件につき1,000円」「無料」 for one kind's fee."""
    if fee.get("free") or not fee.get("amount"):
        return _("無料")
    amount = f"{int(fee['amount']):,}"
    if fee.get("per") == "item":
        return _("請求の対象1件につき%(yen)s円") % {"yen": amount}
    return _("1件の請求につき%(yen)s円") % {"yen": amount}


def copy_fee_words(copy_sheet: int, copy_disc: int) -> str:
    """What copies cost on top, or "" when nothing."""
    parts = []
    if copy_sheet:
        parts.append(_("用紙1枚につき%(yen)s円") % {"yen": f"{copy_sheet:,}"})
    if copy_disc:
        parts.append(_("光ディスク等1枚につき%(yen)s円") % {"yen": f"{copy_disc:,}"})
    return _("、").join(parts)


def notice_context(shown: dict[str, Any]) -> dict[str, Any]:
    """What the notice body template needs from a snapshot: its words for codes."""
    public_body = shown["public_body"]
    requests = shown["requests"]
    labels = dict(SECURITY_CATEGORIES)
    return {"shown": shown,
            "kinds": [{**kind, "name": kind_name(public_body, kind["code"]),
                       "fee": fee_words(kind)} for kind in requests["kinds"]],
            "copy_fees": copy_fee_words(requests["copy_sheet"], requests["copy_disc"]),
            "security": [{"label": labels.get(m["code"], m["code"]), "text": m["text"]}
                         for m in shown["security"]]}
