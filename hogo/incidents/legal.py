"""The citations of an incident's screens and documents, from the organisation's profile.

One place answers "which articles": a public body's incident rests on Act Art. 68 with Rules
Arts. 43-45, a business's on Act Art. 26 with Rules Arts. 7, 8 and 10
(`hogo.rules.incidents.legal_basis`, chosen by the profile's organisation type, never by an
`if` on the organisation's kind). A driving school's association report cites the school's
own guideline through `hogo.accounts.policy.citation`; an organisation whose profile has no
association report has none to cite.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from hogo.accounts import policy
from hogo.incidents.texts import Text
from hogo.rules.incidents import LegalBasis, legal_basis


def basis(organisation: Any) -> LegalBasis:
    return legal_basis(policy.effective_profile(organisation).organisation_type)


def report_article(organisation: Any) -> Text:
    """The Act's article the report to the PPC is made under (法第68条第1項 / 法第26条第1項)."""
    return Text(gettext_noop("法第%(act)s条第1項"), act=str(basis(organisation).act))


def notice_article(organisation: Any) -> Text:
    """The Act's article the notice to the persons is made under (第2項 of the same)."""
    return Text(gettext_noop("法第%(act)s条第2項"), act=str(basis(organisation).act))


def screen_citation(organisation: Any) -> Text:
    """The line an incident page shows: the Act's article and the Rules' articles."""
    law = basis(organisation)
    return Text(gettext_noop(
        "根拠：個人情報の保護に関する法律第%(act)s条（漏えい等の報告等）、同法施行規則"
        "第%(situations)s条（報告対象となる事態）・第%(report)s条（報告の期限と内容）・"
        "第%(notice)s条（本人への通知）"),
        act=str(law.act), situations=str(law.situations), report=str(law.report),
        notice=str(law.notice))


def association_citation(organisation: Any, key: str) -> str:
    """The organisation's own rule on the association report ("" when it has none):
    `association_report`, `association_exemption` or `association_response`."""
    return policy.citation(organisation, key)


def ordinance_items(organisation: Any) -> list[str]:
    """The items the local ordinance makes sensitive (条例要配慮個人情報); [] for a business."""
    profile = policy.effective_profile(organisation)
    if not profile.is_public_body:
        return []
    return list(profile.value("incidents.ordinance_sensitive_items"))
