"""The words for an assessment (hogo.rules.incidents returns codes and dates only).

Japanese is the source language of the Django catalogue, so the Japanese wording here is a
msgid: screens show it in the person's language, while what is stored or sent as Japanese (the
timeline, documents, the API's `*_ja` fields) is rendered with `ja` forced. The English of the
API's `*_en` fields and of the console summary is fixed text for integrations and scripts, not
UI, so it is kept here beside the Japanese rather than in the catalogue.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from hogo.rules.incidents import PUBLIC_BODY, Assessment, Criterion, CriterionCode
from hogo.rules.office_calendar import ClosedReason

CLOSED_EN = {
    ClosedReason.SATURDAY: "Saturday",
    ClosedReason.SUNDAY: "Sunday",
    ClosedReason.HOLIDAY: "national holiday",
    ClosedReason.YEAR_END: "year-end break (29 Dec-3 Jan)",
}

CRITERION_EN = {
    CriterionCode.SENSITIVE: "sensitive personal data is involved (or may be)",
    CriterionCode.FINANCIAL: "misuse may cause financial damage",
    CriterionCode.UNAUTHORISED: "possibly caused by an act with an unauthorised purpose "
                                "(theft, intrusion, insider)",
    CriterionCode.PEOPLE: "more than {threshold} people are involved (or may be)",
}

EXEMPT_EN = "the data was strongly encrypted (the key was not lost with it)"


def _ja(render, *args) -> str:  # noqa: ANN001, ANN002 - a small local helper
    with translation.override("ja"):
        return render(*args)


def closed_reason(reason: ClosedReason) -> str:
    """Why the office is closed, in the active language."""
    return {
        ClosedReason.SATURDAY: _("土曜日"),
        ClosedReason.SUNDAY: _("日曜日"),
        ClosedReason.HOLIDAY: _("祝日"),
        ClosedReason.YEAR_END: _("年末年始"),
    }[reason]


def criterion_label(criterion: Criterion) -> str:
    if criterion.code == CriterionCode.PEOPLE:
        return _("本人の数が%(threshold)s人を超える（おそれを含む）") % {
            "threshold": f"{criterion.threshold:,}"}
    return {
        CriterionCode.SENSITIVE: _("要配慮個人情報が含まれる（おそれを含む）"),
        CriterionCode.FINANCIAL: _("不正に利用されることにより財産的被害が生じるおそれがある"),
        CriterionCode.UNAUTHORISED: _("不正の目的をもって行われたおそれがある行為による"
                                      "（盗難・不正アクセス・内部不正等）"),
    }[criterion.code]


def criterion_label_en(criterion: Criterion) -> str:
    return CRITERION_EN[criterion.code].format(threshold=f"{criterion.threshold or 0:,}")


def exempt(assessment: Assessment) -> str | None:
    if not assessment.exempt:
        return None
    return _("高度な暗号化等の秘匿化がされており、報告対象となる個人データに当たらない")


def exempt_en(assessment: Assessment) -> str | None:
    return EXEMPT_EN if assessment.exempt else None


def _rules_article(assessment: Assessment) -> int:
    """The article listing the reportable situations: Rules Art. 43 for a public body,
    Art. 7 for a business."""
    return 43 if assessment.facts.organisation_type == PUBLIC_BODY else 7


def summary(assessment: Assessment) -> str:
    """報告対象／報告対象外 and why, in the active language."""
    reason = exempt(assessment)
    if reason:
        return _("報告対象外：%(reason)s") % {"reason": reason}
    if not assessment.reportable:
        text = _("報告対象外：規則第%(article)s条各号のいずれにも該当しない（任意の報告は可能）")
        return text % {"article": _rules_article(assessment)}
    return _("報告対象：") + "／".join(
        _("第%(number)s号 %(label)s") % {"number": c.number, "label": criterion_label(c)}
        for c in assessment.criteria)


def summary_en(assessment: Assessment) -> str:
    if assessment.exempt:
        return f"not reportable: {EXEMPT_EN}"
    if not assessment.reportable:
        return (f"not reportable: no criterion of Rules Art. {_rules_article(assessment)} "
                "applies (may be reported voluntarily)")
    return "reportable: " + "; ".join(f"({c.number}) {criterion_label_en(c)}"
                                      for c in assessment.criteria)


def notes(assessment: Assessment) -> list[str]:
    """What a reader should know about the dates: an approximate day of knowing, a move."""
    facts, found = assessment.facts, []
    if assessment.latest_final_due is not None and facts.knew_on_latest is not None:
        found.append(_("事態を知った日は%(first)sから%(last)sの間と推定。期限は最も早い日から"
                       "計算（最も遅い日なら%(latest)s）") % {
            "first": facts.knew_on.isoformat(), "last": facts.knew_on_latest.isoformat(),
            "latest": assessment.latest_final_due.isoformat()})
    if assessment.moved_because is not None:
        found.append(_("%(days)s日目（%(day)s）が%(reason)sのため、期限を翌開庁日に繰り下げ") % {
            "days": assessment.final_days, "day": assessment.final_day.isoformat(),
            "reason": closed_reason(assessment.moved_because)})
    return found


def summary_ja(assessment: Assessment) -> str:
    return _ja(summary, assessment)


def exempt_ja(assessment: Assessment) -> str | None:
    return _ja(exempt, assessment)


def notes_ja(assessment: Assessment) -> list[str]:
    return _ja(notes, assessment)


def moved_because_ja(assessment: Assessment) -> str | None:
    moved = assessment.moved_because
    return _ja(closed_reason, moved) if moved is not None else None


def criterion_label_ja(criterion: Criterion) -> str:
    return _ja(criterion_label, criterion)
