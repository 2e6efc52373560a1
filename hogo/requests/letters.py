"""The wording of the letters that answer a person's request: the decision notices (開示決定 /
部分開示 / 不開示 / 不存在 / 存否応答拒否, the correction and stop decisions and their refusals),
the extension notice (延長通知書) and the notice of the special rule for very large requests,
the person's choice of method form (実施方法等申出書) and the fee receipt (領収書).

Why one module: the two regimes word the same decision differently. A public body (Chapter 5)
cites the Act's articles for each notice and must add the 教示 — the right to request review
under the Administrative Complaint Review Act (行政不服審査法) and to sue for revocation under
the Administrative Case Litigation Act (行政事件訴訟法), with their time limits (the former's
Articles 18 and 82, the latter's Articles 11, 14 and 46). A business (Chapter 4) cites its own
rules where they speak (`accounts.policy.citation`), gives the reasons Act Art. 36 asks for and
no 教示 (its decisions are no administrative dispositions; the person may sue, Art. 39).
Every letter is printed from here, and its printing is an audit entry (it names the person).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hogo import clock
from hogo.accounts.permissions import require
from hogo.accounts.policy import citation, effective_profile, permitted_uses
from hogo.audit import services as audit
from hogo.requests import common, deadlines
from hogo.requests.models import DisclosureOf, Kind, Outcome, PersonalRequest
from hogo.rules import requests as rules
from hogo.rules.provision import Article
from hogo.rules.wareki import format_wareki

# What each refusal ground says (codes of `hogo.rules.requests.GROUNDS`).
GROUND_LABELS = {
    # A business: Act Art. 33(2) items.
    "harm": gettext_lazy("本人又は第三者の生命、身体、財産その他の権利利益を害するおそれがある"),
    "business_hindrance": gettext_lazy("当該事業者の業務の適正な実施に著しい支障を及ぼすおそれが"
                                       "ある"),
    "other_law": gettext_lazy("他の法令に違反することとなる"),
    # A public body: the information Act Art. 78(1) lists.
    "requester_harm": gettext_lazy("開示請求者の生命、健康、生活又は財産を害するおそれがある情報"),
    "third_party": gettext_lazy("開示請求者以外の個人に関する情報（映像に写っている他の人物の顔、"
                                "車両のナンバープレート等）"),
    "corporate": gettext_lazy("法人その他の団体に関する情報であって、その正当な利益を害するおそれ"
                              "があるもの"),
    "national_security": gettext_lazy("国の安全が害されるおそれ等がある情報"),
    "public_safety": gettext_lazy("犯罪の予防、鎮圧又は捜査その他の公共の安全と秩序の維持に支障を"
                                  "及ぼすおそれがある情報"),
    "deliberation": gettext_lazy("審議、検討又は協議に関する情報であって、率直な意見の交換等が"
                                 "不当に損なわれるおそれがあるもの"),
    "administration": gettext_lazy("事務又は事業の適正な遂行に支障を及ぼすおそれがある情報"),
}

# The article each notice rests on: (regime, kind) -> (granted, not granted).
PUBLIC_NOTICES = {
    Kind.DISCLOSURE: (Article("act", 82, 1), Article("act", 82, 2)),
    Kind.CORRECTION: (Article("act", 93, 1), Article("act", 93, 2)),
    Kind.SUSPENSION: (Article("act", 101, 1), Article("act", 101, 2)),
    Kind.PROVISION_STOP: (Article("act", 101, 1), Article("act", 101, 2)),
}
BUSINESS_NOTICES = {
    Kind.PURPOSE_NOTIFICATION: (Article("act", 32, 2), Article("act", 32, 3)),
    Kind.DISCLOSURE: (Article("act", 33, 1), Article("act", 33, 3)),
    Kind.CORRECTION: (Article("act", 34, 3), Article("act", 34, 3)),
    Kind.SUSPENSION: (Article("act", 35, 7), Article("act", 35, 7)),
    Kind.PROVISION_STOP: (Article("act", 35, 7), Article("act", 35, 7)),
}
# The own rule a business cites for each kind (citation keys).
CITATION_KEYS = {Kind.PURPOSE_NOTIFICATION: "disclosure", Kind.DISCLOSURE: "disclosure",
                 Kind.CORRECTION: "correction", Kind.SUSPENSION: "suspension",
                 Kind.PROVISION_STOP: "suspension"}
NOT_GRANTED = (Outcome.REFUSE, Outcome.NOT_EXIST, Outcome.NEITHER_CONFIRM_NOR_DENY)

TITLES = {
    (Kind.DISCLOSURE, Outcome.DISCLOSE): gettext_lazy("開示決定通知書"),
    (Kind.DISCLOSURE, Outcome.PARTIAL): gettext_lazy("部分開示決定通知書"),
    (Kind.DISCLOSURE, Outcome.REFUSE): gettext_lazy("不開示決定通知書"),
    (Kind.DISCLOSURE, Outcome.NOT_EXIST): gettext_lazy("不開示決定通知書（不存在）"),
    (Kind.DISCLOSURE, Outcome.NEITHER_CONFIRM_NOR_DENY): gettext_lazy(
        "不開示決定通知書（存否応答拒否）"),
    (Kind.PURPOSE_NOTIFICATION, Outcome.DISCLOSE): gettext_lazy("利用目的通知書"),
    (Kind.PURPOSE_NOTIFICATION, Outcome.REFUSE): gettext_lazy("利用目的を通知しない旨の通知書"),
    (Kind.CORRECTION, Outcome.CARRY_OUT): gettext_lazy("訂正決定通知書"),
    (Kind.CORRECTION, Outcome.PARTIAL): gettext_lazy("部分訂正決定通知書"),
    (Kind.CORRECTION, Outcome.REFUSE): gettext_lazy("訂正をしない旨の決定通知書"),
    (Kind.CORRECTION, Outcome.NOT_EXIST): gettext_lazy("訂正をしない旨の決定通知書（不存在）"),
    (Kind.SUSPENSION, Outcome.CARRY_OUT): gettext_lazy("利用停止決定通知書"),
    (Kind.SUSPENSION, Outcome.PARTIAL): gettext_lazy("部分利用停止決定通知書"),
    (Kind.SUSPENSION, Outcome.ALTERNATIVE): gettext_lazy("利用停止に代わる措置の決定通知書"),
    (Kind.SUSPENSION, Outcome.REFUSE): gettext_lazy("利用停止をしない旨の決定通知書"),
    (Kind.SUSPENSION, Outcome.NOT_EXIST): gettext_lazy("利用停止をしない旨の決定通知書（不存在）"),
    (Kind.PROVISION_STOP, Outcome.CARRY_OUT): gettext_lazy("提供停止決定通知書"),
    (Kind.PROVISION_STOP, Outcome.PARTIAL): gettext_lazy("部分提供停止決定通知書"),
    (Kind.PROVISION_STOP, Outcome.ALTERNATIVE): gettext_lazy("提供停止に代わる措置の決定通知書"),
    (Kind.PROVISION_STOP, Outcome.REFUSE): gettext_lazy("提供停止をしない旨の決定通知書"),
    (Kind.PROVISION_STOP, Outcome.NOT_EXIST): gettext_lazy(
        "提供停止をしない旨の決定通知書（不存在）"),
}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8}


class LetterRefused(ValueError):
    """The letter cannot be printed yet (nothing decided, no extension); a Japanese reason."""


# --- articles and grounds ------------------------------------------------------------------------


def parse_article(code: str) -> Article:
    """"78(1)(ii)" -> Article("act", 78, 1, 2) (the codes of `rules.requests.GROUNDS`)."""
    match = re.fullmatch(r"(\d+)(?:\((\d+)\))?(?:\(([ivx]+)\))?", code)
    if match is None:
        raise ValueError(f"not an article code: {code!r}")
    number, paragraph, item = match.groups()
    return Article("act", int(number), int(paragraph) if paragraph else None,
                   _ROMAN[item] if item else None)


def ground_article(organisation: Any, code: str) -> str:
    """The article of a refusal ground as letters cite it (法第78条第1項第2号)."""
    table = dict(rules.GROUNDS[common.organisation_type(organisation)])
    return deadlines.article_text(parse_article(table[code]))


def ground_choices(organisation: Any) -> list[tuple[str, str]]:
    """The grounds this organisation's regime allows, worded with their article."""
    return [(code, f"{GROUND_LABELS[code]}（{ground_article(organisation, code)}）")
            for code, _article in rules.GROUNDS[common.organisation_type(organisation)]]


def grounds_of(request: PersonalRequest) -> list[dict[str, str]]:
    known = dict(rules.GROUNDS[common.organisation_type(request.organisation)])
    return [{"code": code, "label": str(GROUND_LABELS.get(code, code)),
             "article": ground_article(request.organisation, code)}
            for code in request.grounds or [] if code in known]


def notice_article(request: PersonalRequest) -> str:
    """The article the decision notice rests on (the grant or the refusal paragraph)."""
    table = PUBLIC_NOTICES if common.is_public_body(request.organisation) else BUSINESS_NOTICES
    pair = table.get(request.kind)
    if pair is None:
        return ""
    return deadlines.article_text(pair[1] if request.outcome in NOT_GRANTED else pair[0])


def own_rule(request: PersonalRequest) -> str:
    """A business's own rule on this kind of request ("" for a public body or none)."""
    if common.is_public_body(request.organisation):
        return ""
    return citation(request.organisation, CITATION_KEYS[request.kind])


def fee_rule(organisation: Any, kind: str = rules.DISCLOSURE) -> str:
    """What the fee rests on: the ordinance (a public body's `request_fee` citation) and the
    Act (法第89条 / 法第38条第1項); a business's own rule and Art. 38(1)."""
    try:
        act = deadlines.articles(organisation, kind).get("fee", "")
    except deadlines.RequestRuleError:
        act = ""
    own = citation(organisation, "request_fee")
    return "・".join(part for part in (own, act) if part)


# --- who issues the letter, and the 教示 ----------------------------------------------------------


def head_title(organisation: Any) -> str:
    """The head of the organisation (市長, 代表取締役, 管理者（校長）) from the profile."""
    return str(effective_profile(organisation).value("copies.processing_acting_for") or "")


def issuer(organisation: Any) -> str:
    """「デモ市長」 (a city's name and its head run together), else 「名称　長の職名」."""
    name, head = organisation.name, head_title(organisation)
    if not head:
        return name
    if head[0] in "市町村区都道府県" and name.endswith(head[0]):
        return name + head[1:]
    return f"{name}　{head}"


def appeal_instruction(organisation: Any) -> list[str]:
    """The 教示 a public body's decision notice must carry, as numbered paragraphs ([] for a
    business). The review request goes to the head who decided (a body without a superior
    authority, Administrative Complaint Review Act, its Article 4(i)); the suit names the
    local government, represented by its head."""
    if not common.is_public_body(organisation):
        return []
    head, body = issuer(organisation), organisation.name
    return [
        _("この決定に不服がある場合は、行政不服審査法（平成26年法律第68号）の規定により、この決定が"
          "あったことを知った日の翌日から起算して3か月以内に、%(head)sに対して審査請求をすることが"
          "できます。ただし、この決定があったことを知った日の翌日から起算して3か月以内であっても、"
          "この決定の日の翌日から起算して1年を経過したときは、審査請求をすることができなくなり"
          "ます。") % {"head": head},
        _("この決定については、行政事件訴訟法（昭和37年法律第139号）の規定により、この決定があった"
          "ことを知った日の翌日から起算して6か月以内に、%(body)sを被告として（訴訟において"
          "%(body)sを代表する者は%(head)sとなります。）、処分の取消しの訴えを提起することができ"
          "ます。ただし、この決定があったことを知った日の翌日から起算して6か月以内であっても、この"
          "決定の日の翌日から起算して1年を経過したときは、処分の取消しの訴えを提起することができ"
          "なくなります。") % {"body": body, "head": head},
        _("上記1の審査請求をした場合には、処分の取消しの訴えは、その審査請求に対する裁決があった"
          "ことを知った日の翌日から起算して6か月以内に提起することができます。ただし、その裁決が"
          "あったことを知った日の翌日から起算して6か月以内であっても、その裁決の日の翌日から起算"
          "して1年を経過したときは、処分の取消しの訴えを提起することができなくなります。"),
    ]


# --- the letters -------------------------------------------------------------------------------


def _printed(user: Any, request: PersonalRequest, letter: str, **detail: Any) -> None:
    require(user, "requests.view", request)
    audit.record("requests.letter_printed", user=user, obj=request,
                 detail={"number": request.number, "letter": letter, **detail})


def _day(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    day = clock.jst_date(value) if isinstance(value, dt.datetime) else value
    return format_wareki(day)


def _base(request: PersonalRequest, title: Any, dated: dt.date | dt.datetime | None
          ) -> dict[str, Any]:
    organisation = request.organisation
    public = common.is_public_body(organisation)
    return {"req": request, "title": title, "organisation": organisation,
            "issuer": issuer(organisation), "public": public,
            "date_ja": _day(dated or clock.today_jst()),
            "requested_ja": _day(request.received_on),
            "data_word": _("保有個人情報") if public else _("保有個人データ"),
            "addressee": request.requester_name or "—"}


def letter_title(request: PersonalRequest) -> str:
    return str(TITLES.get((request.kind, request.outcome), _("決定通知書")))


def _disclosure_of(request: PersonalRequest) -> list[str]:
    labels = dict(DisclosureOf.choices)
    return [str(labels.get(code, code)) for code in request.disclosure_of or []]


def decision_letter(user: Any, request: PersonalRequest) -> dict[str, Any]:
    """The decision notice: the outcome, the grounds with their articles and the written
    reason; for a disclosure the purposes, methods, fee and the 30 days for the person's
    choice of method (Art. 87(3)-(4)) and the provision records found; the measures taken
    on a correction or stop; the 教示 for a public body."""
    if not request.outcome or request.decided_at is None:
        raise LetterRefused(_("この請求はまだ決定されていません。"))
    _printed(user, request, "decision", outcome=request.outcome)
    context = _base(request, letter_title(request), request.decided_at)
    granted = request.outcome not in NOT_GRANTED
    disclosure = request.kind == Kind.DISCLOSURE
    context.update({
        "granted": granted, "disclosure": disclosure and granted,
        "partial": request.outcome == Outcome.PARTIAL,
        "alternative": request.outcome == Outcome.ALTERNATIVE,
        "not_exist": request.outcome == Outcome.NOT_EXIST,
        "neither": request.outcome == Outcome.NEITHER_CONFIRM_NOR_DENY,
        "kind_label": request.get_kind_display(), "outcome_label": request.get_outcome_display(),
        "asked_for": _disclosure_of(request), "grounds": grounds_of(request),
        "article": notice_article(request), "own_rule": own_rule(request),
        "reasons_article": "" if context["public"] else deadlines.article_text(
            Article("act", 36)),
        "appeal": appeal_instruction(request.organisation),
        "records": list(request.disclosed_records or []),
        "asks_records": DisclosureOf.PROVISION_RECORDS in (request.disclosure_of or []),
        "purposes": [u["label_ja"] for u in permitted_uses(request.organisation)],
        "method_article": deadlines.article_text(Article("act", 87, 3)),
        "fee_total": request.fee_yen + request.copy_fee_yen, "fee_rule": fee_rule(
            request.organisation), "method_due_ja": _day(
            clock.jst_date(request.decided_at) + dt.timedelta(days=30)),
    })
    return context


def extension_letter(user: Any, request: PersonalRequest) -> dict[str, Any]:
    """The extension notice (Art. 83(2); 94(2), 102(2)): the new last day and the reason."""
    if request.extended_due_on is None or not request.extension_reason:
        raise LetterRefused(_("この請求の決定期限は延長されていません。"))
    _printed(user, request, "extension")
    context = _base(request, _("開示決定等の期限の延長について（通知）")
                    if request.kind == Kind.DISCLOSURE else _("決定の期限の延長について（通知）"),
                    request.extended_at)
    articles = deadlines.articles(request.organisation, request.kind)
    context.update({"large": False, "article": articles.get("extension", ""),
                    "kind_label": request.get_kind_display(),
                    "due_ja": _day(request.due_on), "new_due_ja": _day(request.extended_due_on),
                    "reason": request.extension_reason})
    return context


def large_request_letter(user: Any, request: PersonalRequest) -> dict[str, Any]:
    """The notice of Art. 84 (a very large request): a substantial part by the due day, the
    rest by the stated day, with the reason."""
    if request.remainder_due_on is None or not request.remainder_reason:
        raise LetterRefused(_("この請求には開示決定等の期限の特例を適用していません。"))
    _printed(user, request, "large_request")
    context = _base(request, _("開示決定等の期限の特例規定の適用について（通知）"),
                    request.extended_at)
    context.update({"large": True, "article": deadlines.articles(
        request.organisation, request.kind).get("large", ""),
        "kind_label": request.get_kind_display(),
        "due_ja": _day(request.effective_due_on), "new_due_ja": _day(request.remainder_due_on),
        "reason": request.remainder_reason})
    return context


def method_form(user: Any, request: PersonalRequest) -> dict[str, Any]:
    """The 実施方法等申出書 the person fills in after a disclosure decision (Art. 87(3)): how
    they want it carried out (viewing, a paper copy, a file), when, and whether by post."""
    _printed(user, request, "method")
    context = _base(request, _("保有個人情報の開示の実施方法等申出書")
                    if common.is_public_body(request.organisation)
                    else _("開示の方法等申出書"), None)
    context.update({"article": deadlines.article_text(Article("act", 87, 3))
                    if context["public"] else own_rule(request),
                    "decided_ja": _day(request.decided_at),
                    "asked_for": _disclosure_of(request),
                    "methods": [(code, label) for code, label in
                                PersonalRequest._meta.get_field("method").choices]})
    return context


def fee_receipt(user: Any, request: PersonalRequest) -> dict[str, Any]:
    """The 領収書 of the fee paid (its number, the amount, what for, the rule)."""
    if request.fee_paid_at is None or not request.fee_receipt_number:
        raise LetterRefused(_("手数料の納付はまだ記録されていません。"))
    _printed(user, request, "receipt", receipt=request.fee_receipt_number)
    context = _base(request, _("領収書"), request.fee_paid_at)
    context.update({"total": request.fee_yen + request.copy_fee_yen,
                    "fee": request.fee_yen, "copy_fee": request.copy_fee_yen,
                    "what_for": _("%(kind)s請求に係る手数料") % {
                        "kind": request.get_kind_display()},
                    "rule": fee_rule(request.organisation, request.kind)})
    return context
