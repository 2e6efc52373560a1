"""The words for an assessment (hogo.rules.incidents returns codes and dates only).

Each line is built as a `Text` (a msgid and its parameters, `hogo.incidents.texts`) so that a
line stored in the timeline renders again in the reader's language; `summary()` and the
other plain functions render it at once in the active language.

Japanese is the source language of the Django catalogue, so the Japanese wording here is a
msgid: screens show it in the person's language, while what is stored or sent as Japanese (the
timeline, documents, the API's `*_ja` fields) is rendered with `ja` forced. The English of the
API's `*_en` fields and of the console summary is fixed text for integrations and scripts, not
UI, so it is kept here beside the Japanese rather than in the catalogue.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hogo.incidents.texts import Join, Text, label
from hogo.rules.incidents import Assessment, Criterion, CriterionCode, legal_basis
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
    CriterionCode.ORDINANCE_SENSITIVE: "data the local ordinance makes sensitive is involved "
                                       "(or may be)",
}

EXEMPT_EN = "the data was strongly encrypted (the key was not lost with it)"


def _ja(render, *args) -> str:  # noqa: ANN001, ANN002 - a small local helper
    with translation.override("ja"):
        return render(*args)


CLOSED_LABELS = {
    ClosedReason.SATURDAY: gettext_noop("土曜日"),
    ClosedReason.SUNDAY: gettext_noop("日曜日"),
    ClosedReason.HOLIDAY: gettext_noop("祝日"),
    ClosedReason.YEAR_END: gettext_noop("年末年始"),
}

CRITERION_LABELS = {
    CriterionCode.SENSITIVE: gettext_noop("要配慮個人情報が含まれる（おそれを含む）"),
    CriterionCode.FINANCIAL: gettext_noop("不正に利用されることにより財産的被害が生じる"
                                          "おそれがある"),
    CriterionCode.UNAUTHORISED: gettext_noop("不正の目的をもって行われたおそれがある行為に"
                                             "よる（盗難・不正アクセス・内部不正等）"),
    CriterionCode.ORDINANCE_SENSITIVE: gettext_noop("条例要配慮個人情報が含まれる"
                                                    "（おそれを含む）"),
}
EXEMPT_LABEL = gettext_noop("高度な暗号化等の秘匿化がされており、報告対象となる個人データに"
                            "当たらない")


def closed_reason(reason: ClosedReason) -> str:
    """Why the office is closed, in the active language."""
    return _(CLOSED_LABELS[reason])


def criterion_text(criterion: Criterion) -> Text:
    if criterion.code == CriterionCode.PEOPLE:
        return Text(gettext_noop("本人の数が%(threshold)s人を超える（おそれを含む）"),
                    threshold=criterion.threshold or 0)
    return Text("%(label)s", label=label(CRITERION_LABELS[criterion.code]))


def criterion_label(criterion: Criterion) -> str:
    return criterion_text(criterion).render()


def criterion_label_en(criterion: Criterion) -> str:
    return CRITERION_EN[criterion.code].format(threshold=f"{criterion.threshold or 0:,}")


def exempt(assessment: Assessment) -> str | None:
    if not assessment.exempt:
        return None
    return _(EXEMPT_LABEL)


def exempt_en(assessment: Assessment) -> str | None:
    return EXEMPT_EN if assessment.exempt else None


def _rules_article(assessment: Assessment) -> int:
    """The article listing the reportable situations: Rules Art. 43 for a public body,
    Art. 7 for a business (`hogo.rules.incidents.legal_basis`)."""
    return legal_basis(assessment.facts.organisation_type).situations


def summary_text(assessment: Assessment) -> Text:
    """報告対象／報告対象外／人数の確定待ち and why, as a storable text."""
    article = _rules_article(assessment)
    if assessment.exempt:
        return Text(gettext_noop("報告対象外：%(reason)s"), reason=label(EXEMPT_LABEL))
    if assessment.pending:
        return Text(gettext_noop(
            "報告要否は本人の数の確定待ち：人数が不明で%(threshold)s人を超えるおそれがあるため、"
            "報告対象となり得るものとして、事態を知った日から期限を管理する"
            "（規則第%(article)s条第4号。人数が判明したら入力して再評価）"),
            threshold=assessment.facts.people_threshold, article=article)
    if not assessment.reportable:
        return Text(gettext_noop("報告対象外：規則第%(article)s条各号のいずれにも該当しない"
                                 "（任意の報告は可能）"), article=article)
    items = Join("／", [Text(gettext_noop("第%(number)s号 %(label)s"), number=c.number,
                             label=criterion_text(c)) for c in assessment.criteria])
    return Text(gettext_noop("報告対象：%(items)s（規則第%(article)s条）"), article=article,
                items=items)


def summary(assessment: Assessment) -> str:
    """報告対象／報告対象外 and why, in the active language."""
    return summary_text(assessment).render()


def summary_en(assessment: Assessment) -> str:
    article = _rules_article(assessment)
    if assessment.exempt:
        return f"not reportable: {EXEMPT_EN}"
    if assessment.pending:
        return (f"pending on the people count: the count is unknown and may be over "
                f"{assessment.facts.people_threshold:,}, so the deadlines run from the day of "
                f"knowing as for a reportable incident (Rules Art. {article} item 4)")
    if not assessment.reportable:
        return (f"not reportable: no criterion of Rules Art. {article} "
                "applies (may be reported voluntarily)")
    return "reportable: " + "; ".join(f"({c.number}) {criterion_label_en(c)}"
                                      for c in assessment.criteria)


def notes_texts(assessment: Assessment) -> list[Text]:
    """What a reader should know about the dates: an approximate day of knowing, a move."""
    facts, found = assessment.facts, []
    if assessment.latest_final_due is not None and facts.knew_on_latest is not None:
        found.append(Text(gettext_noop(
            "事態を知った日は%(first)sから%(last)sの間と推定。期限は最も早い日から計算"
            "（最も遅い日なら%(latest)s）"),
            first=facts.knew_on.isoformat(), last=facts.knew_on_latest.isoformat(),
            latest=assessment.latest_final_due.isoformat()))
    if assessment.moved_because is not None:
        found.append(Text(gettext_noop("%(days)s日目（%(day)s）が%(reason)sのため、期限を"
                                       "翌開庁日に繰り下げ"),
                          days=assessment.final_days, day=assessment.final_day.isoformat(),
                          reason=label(CLOSED_LABELS[assessment.moved_because])))
    return found


def notes(assessment: Assessment) -> list[str]:
    return [text.render() for text in notes_texts(assessment)]


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
