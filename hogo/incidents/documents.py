"""The four Japanese documents of an incident (R-805, R-806, R-807).

- 個人情報保護委員会への報告 (PPC report): a header (報告者, 速報/確報 with its due date, the
  criterion that applies in words) and the PPC form's nine numbered items, in its order.
- 本人への通知 (notice to the affected persons): a polite letter.
- 公表文 (public announcement) in the style of Kawasaki City's release on the lost USB stick:
  概要, what was held, when it went missing, a 経過 table, cause, response, prevention, contact.
- 全指連への報告 (only where the profile has an association report: driving schools), stating
  its two exemptions as a check and citing the school's own guideline
  (`hogo.accounts.policy.citation`).

Everything is generated from the incident's facts as they stand (`generate`); a fact nobody
has filled in becomes a visible 「（未記入）」 so nothing silently disappears, and a document
with one left cannot be issued. A generated document is stored (`draft`), edited section by
section (`save_edits`), refilled from the facts (`regenerate`) and finally issued (`issue`),
which freezes it. Once issued, a new version (版) can be drafted from the facts as they then
stand (`new_version`): the PPC report's 確報 after its 速報; the issued versions are kept and
listed (`versions`). Sections are [{"key", "heading", "text"}] in the form's order; a 経過 table
is text with one row per line, the date and the content separated by a tab (`rows`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop

from hogo import clock
from hogo.accounts.models import User
from hogo.accounts.permissions import require
from hogo.accounts.policy import effective_profile
from hogo.audit import services as audit
from hogo.incidents import legal, services, wording
from hogo.incidents.models import (
    Awareness,
    Document,
    DocumentKind,
    Incident,
    IncidentKind,
    ReportKind,
    Step,
    StepKind,
)
from hogo.incidents.services import IncidentError
from hogo.incidents.texts import Text
from hogo.incidents.texts import label as text_label
from hogo.rules.wareki import format_wareki

PLACEHOLDER = "（未記入）"
TIMELINE_KEYS = ("timeline",)  # sections shown as a table of date | 内容
BARE_KEYS = ("addressee", "opening", "closing")  # printed without their heading

ALWAYS = (DocumentKind.PPC_REPORT, DocumentKind.PERSON_NOTICE, DocumentKind.ANNOUNCEMENT)

# The PPC form's nine items in its order (R-805; APPI Enforcement Rules Art. 8(1)).
PPC_ITEMS = (
    ("item1", "1　概要"),
    ("item2", "2　漏えい等が発生し、又は発生したおそれがある個人データの項目"),
    ("item3", "3　漏えい等が発生し、又は発生したおそれがある個人データに係る本人の数"),
    ("item4", "4　原因"),
    ("item5", "5　二次被害又はそのおそれの有無及びその内容"),
    ("item6", "6　本人への対応の実施状況"),
    ("item7", "7　公表の実施状況"),
    ("item8", "8　再発防止のための措置（実施済みの措置と今後実施予定の措置）"),
    ("item9", "9　その他参考となる事項"),
)

# When it went missing (公表文 2): the heading follows what happened.
WHEN_HEADING = {
    IncidentKind.LOSS: "2　所在不明（紛失）となった時期",
    IncidentKind.THEFT: "2　盗難に遭った時期",
    IncidentKind.MISDELIVERY: "2　誤送付・誤送信の時期",
    IncidentKind.INTRUSION: "2　不正アクセスの時期",
    IncidentKind.DAMAGE: "2　滅失・毀損の時期",
}

ASSOCIATION_EXEMPTIONS = (
    ("イ", "実質的に個人データ又は加工方法等情報が外部に漏えいしていないと判断される場合",
     ("漏えいしていない", "外部に漏えい", "実質的")),
    ("ロ", "FAX若しくはメールの誤送信、又は荷物の誤配等のうち軽微なものの場合",
     ("誤送信", "誤送付", "誤配", "FAX", "ファクス", "メール")),
)


# --- which documents, and what they say -----------------------------------------------------


def kinds_for(incident: Incident) -> list[str]:
    """The documents this incident has: the association report only for driving schools."""
    kinds = [str(kind) for kind in ALWAYS]
    if services.association_required(incident):
        kinds.append(str(DocumentKind.ASSOCIATION_REPORT))
    return kinds


def label(kind: str) -> str:
    return str(DocumentKind(kind).label)


def check_kind(incident: Incident, kind: str) -> None:
    """IncidentError (Japanese) unless the incident has this kind of document."""
    if kind not in kinds_for(incident):
        raise IncidentError("この事案には作成できない種類の文書です。")


def generate(incident: Incident, kind: str) -> list[dict[str, str]]:
    """The sections of a document, filled from the incident's facts as they stand now."""
    check_kind(incident, kind)
    facts = _Facts(incident)
    builders = {DocumentKind.PPC_REPORT: _ppc_report,
                DocumentKind.PERSON_NOTICE: _person_notice,
                DocumentKind.ANNOUNCEMENT: _announcement,
                DocumentKind.ASSOCIATION_REPORT: _association_report}
    return [{"key": key, "heading": heading, "text": text}
            for key, heading, text in builders[DocumentKind(kind)](facts)]


def rows(text: str) -> list[tuple[str, str]]:
    """A 経過 table's rows from its text: 「date<TAB>内容」 per line."""
    result = []
    for line in text.splitlines():
        if not line.strip():
            continue
        date, tab, content = line.partition("\t")
        result.append((date.strip(), content.strip()) if tab else ("", line.strip()))
    return result


def unfilled(sections: list[dict[str, str]]) -> list[str]:
    """Headings of sections that still say 「（未記入）」."""
    return [s["heading"] for s in sections if PLACEHOLDER in s["text"]]


def wareki(day: dt.date | None) -> str:
    return format_wareki(day) if day else PLACEHOLDER


def _or(text: str | None) -> str:
    text = (text or "").strip()
    return text or PLACEHOLDER


def _span(start: dt.date | None, end: dt.date | None) -> str:
    """令和7年3月6日, or 令和7年3月6日から令和7年3月31日までの間 for a range."""
    if start is None:
        return PLACEHOLDER
    if end is None or end == start:
        return format_wareki(start)
    return f"{format_wareki(start)}から{format_wareki(end)}までの間"


def _day(instant: dt.datetime) -> dt.date:
    return clock.jst_date(instant)


def _ja_text(render: Any, *args: Any) -> str:
    from django.utils import translation

    with translation.override("ja"):
        return render(*args)


class _Facts:
    """What the documents need, read once from the incident and its related rows."""

    def __init__(self, incident: Incident) -> None:
        self.incident = incident
        self.organisation = str(incident.organisation)
        self.section = str(incident.department) if incident.department else ""
        self.public = effective_profile(incident.organisation).is_public_body
        self.assessment = services.assessment(incident)
        self.awareness: list[Awareness] = list(incident.awareness.all())
        self.links = list(incident.links.all())
        self.events = list(incident.events.all())
        self.filings = {f.kind: f for f in incident.filings.all()}
        self.steps = {s.kind: s for s in incident.steps.all()}
        self.kind_label = str(IncidentKind(incident.kind).label) if incident.kind in (
            IncidentKind.values) else incident.kind
        self.preliminary_issued = Document.objects.filter(
            incident=incident, kind=DocumentKind.PPC_REPORT, stage=ReportKind.PRELIMINARY,
            issued_at__isnull=False).exists()

    # -- pieces shared by the documents

    @property
    def knew_on(self) -> dt.date:
        return self.assessment.knew_on

    @property
    def first(self) -> Awareness | None:
        return min(self.awareness, key=lambda a: (a.knew_on, a.recorded_at), default=None)

    def occurred(self) -> str:
        return _span(self.incident.occurred_from, self.incident.occurred_to)

    def knew(self) -> str:
        first = self.first
        text = f"{format_wareki(self.knew_on)}（事態を知った日）"
        if first and first.knew_on_latest and first.knew_on_latest != first.knew_on:
            text = (f"{_span(first.knew_on, first.knew_on_latest)}（事態を知った日。期限は最も早い"
                    f"日である{format_wareki(self.knew_on)}から計算）")
        return text

    def finder(self) -> str:
        first = self.first
        if first is None:
            return PLACEHOLDER
        section = f"{first.person_section}　" if first.person_section else ""
        return (f"{section}{first.person_name}（{first.get_source_display()}。"
                f"{first.how}）")

    def data_items(self) -> str:
        return _or(self.incident.data_items)

    def media(self) -> list[str]:
        """One line per linked medium, copy or original. A medium whose contents hogo has no
        record of is said to be that, not to hold "nothing": the items and the count are the
        incident's own facts (items 2(2) and 3), which may well be 150 people."""
        return [f"・{services.link_description(link)}"
                + (f"（延べ{link.people:,}人）" if link.people is not None else "")
                for link in self.links]

    def footage(self) -> bool:
        return any(link.medium_id or link.copy_id or link.segment_id for link in self.links)

    def whose(self) -> str:
        if self.footage():
            return "ドライブレコーダー映像に映る歩行者、他車両の運転者・同乗者等"
        return PLACEHOLDER

    def people(self) -> str:
        people = self.incident.people
        if people is None:
            return PLACEHOLDER
        basis = self.people_basis()
        return f"{people:,}人" + (f"（{basis}）" if basis else "")

    def people_basis(self) -> str:
        """The basis in Japanese (documents are Japanese)."""
        return _ja_text(services.people_basis_shown, self.incident).strip()

    def step_status(self, kind: str) -> str | None:
        step: Step | None = self.steps.get(kind)
        if step is None:
            return None
        name = step.get_kind_display()
        if step.waived_reason:
            return f"{name}：不要と判断（{step.waived_reason}）"
        if step.done_at:
            evidence = f"：{step.evidence}" if step.evidence else ""
            return f"{name}：{format_wareki(_day(step.done_at))}実施{evidence}"
        due = f"（期限 {format_wareki(step.due_on)}）" if step.due_on else ""
        return f"{name}：未実施{due}"

    def with_status(self, text: str, kind: str) -> str:
        status = self.step_status(kind)
        return f"{_or(text)}\n（対応状況）{status}" if status else _or(text)

    def prevention(self) -> str:
        return (f"【実施済みの措置】\n{_or(self.incident.prevention_done)}\n"
                f"【今後実施予定の措置】\n{_or(self.incident.prevention_planned)}")

    def report_kind(self) -> str:
        """速報 until the preliminary report is filed or its document issued, then 確報."""
        done = ReportKind.PRELIMINARY in self.filings or self.preliminary_issued
        return ReportKind.FINAL if done else ReportKind.PRELIMINARY

    # -- the timeline (経過)

    def timeline(self, *, public: bool) -> list[tuple[dt.date, str]]:
        """Dated lines in order: occurrence, awareness, the report inside the organisation,
        notices, filings, steps, closing. The public version names no staff member."""
        lines: list[tuple[dt.date, str]] = []
        incident = self.incident
        start, end = incident.occurred_from, incident.occurred_to
        if start:
            lines.append((start, f"この日から{format_wareki(end)}までの間に{self.kind_label}"
                                 "（そのおそれを含む）が発生（推定）" if end and end != start
                          else f"{self.kind_label}（そのおそれを含む）が発生"))
        for aware in self.awareness:
            who = (aware.person_section + "の" if aware.person_section else "") + (
                aware.get_source_display() if public else aware.person_name)
            day = aware.knew_on
            range_note = (f"（{format_wareki(aware.knew_on_latest)}までの間）"
                          if aware.knew_on_latest and aware.knew_on_latest != day else "")
            lines.append((day, f"{who}が覚知{range_note}（{aware.how}）"))
        for event in self.events:
            day = _day(event.at)
            if event.kind == "reported":
                text = (f"{self.section or '担当'}の職員から所属長及び個人情報保護管理者へ報告"
                        if public else event.text)
                lines.append((day, text))
            elif event.kind in ("notified", "escalated", "acknowledged") and not public:
                lines.append((day, event.text))
            elif event.kind == "closed":
                lines.append((day, "事案への対応を完了"))
        for filing in self.filings.values():
            if filing.kind == ReportKind.ASSOCIATION:
                text = "全指連（都道府県指定自動車教習所協会経由）へ報告"
            else:
                text = f"個人情報保護委員会へ{filing.get_kind_display()}を提出"
            lines.append((filing.filed_on, text))
        for step in self.steps.values():
            if step.done_at and not step.waived_reason:
                lines.append((_day(step.done_at), f"{step.get_kind_display()}を実施"))
        return sorted(lines, key=lambda line: line[0])

    def timeline_text(self, *, public: bool) -> str:
        lines = self.timeline(public=public)
        if not lines:
            return PLACEHOLDER
        return "\n".join(f"{format_wareki(day)}\t{text}" for day, text in lines)


# --- 個人情報保護委員会への報告 ---------------------------------------------------------------


def _ppc_report(f: _Facts) -> list[tuple[str, str, str]]:
    a = f.assessment
    incident = f.incident
    basis = legal.basis(incident.organisation)
    law = legal.report_article(incident.organisation).render("ja")
    when = f"規則第{basis.report}条"  # the report's timing and content
    owed = a.deadlines_apply or incident.voluntary_report
    if not owed:  # no PPC deadline concerns a non-reportable incident
        kind = (f"報告義務なし（{law}の報告対象となる事態（規則第{basis.situations}条）に"
                "当たらない）。任意に報告する場合は事実の欄で「任意に報告する」を指定すると期限を表示")
    elif f.report_kind() == ReportKind.PRELIMINARY:
        kind = (f"速報（{law}、{when}。事態を知った後速やかに。"
                f"目安 {format_wareki(a.preliminary_target)}）"
                f"\n確報の期限：{format_wareki(a.final_due)}（事態を知った日から{a.final_days}日以内）")
    else:
        kind = (f"確報（{law}、{when}。期限 {format_wareki(a.final_due)}、事態を知った日から"
                f"{a.final_days}日以内）")
        preliminary = f.filings.get(ReportKind.PRELIMINARY)
        kind += (f"\n速報の提出日：{format_wareki(preliminary.filed_on)}" if preliminary
                 else "\n速報：発行済み（提出日は提出の記録後に記載）")
    if a.moved_because and owed:
        kind += f"\n（{a.final_days}日目が{wording.moved_because_ja(a)}のため翌開庁日）"
    criteria = wording.summary_ja(a)
    if not a.reportable and incident.voluntary_report:
        criteria += "\n報告義務はないが任意に報告する"
    reporter = f.organisation + (f"\n（担当：{f.section}）" if f.section else "")
    timeline = "\n".join(f"　{format_wareki(day)}　{text}"
                         for day, text in f.timeline(public=False)) or PLACEHOLDER
    items = {
        "item1": (f"（1）発生日：{f.occurred()}\n"
                  f"（2）発覚日：{f.knew()}\n"
                  f"（3）発見者：{f.finder()}\n"
                  f"（4）事案の概要：{_or(incident.what_happened)}\n"
                  f"（5）経過：\n{timeline}"),
        "item2": ("（1）媒体等：\n" + ("\n".join(f.media()) or PLACEHOLDER) + "\n"
                  f"（2）個人データの項目：{f.data_items()}\n"
                  f"（3）誰の個人データか：{f.whose()}"),
        "item3": f.people(),
        "item4": _or(incident.cause),
        "item5": _or(incident.secondary_harm),
        "item6": f.with_status(incident.persons_response, StepKind.NOTIFY),
        "item7": f.with_status(incident.publication, StepKind.PUBLISH),
        "item8": f.prevention(),
        "item9": "\n".join([_or(incident.other), *wording.notes_ja(a)]),
    }
    return [
        ("reporter", "報告者", reporter),
        ("report_kind", "報告の区分", kind),
        ("criteria", "報告対象となる事態", criteria),
        ("contact", "担当・連絡先", _or(incident.contact)),
        *((key, heading, items[key]) for key, heading in PPC_ITEMS),
    ]


# --- 本人への通知 ---------------------------------------------------------------------------


def _person_notice(f: _Facts) -> list[tuple[str, str, str]]:
    incident = f.incident
    org = f.organisation
    return [
        ("addressee", "宛先", "関係する皆様へ"),
        ("title", "件名", "個人情報の漏えい等に関するお知らせとお詫び"),
        ("opening", "前文",
         f"平素より{org}の業務に御理解と御協力を賜り、誠にありがとうございます。\n"
         f"このたび、{org}において、皆様の個人情報を含む情報について{f.kind_label}の事案"
         "（そのおそれがある場合を含みます。）が発生いたしました。"
         "皆様に多大なる御迷惑と御心配をおかけしますことを、深くお詫び申し上げます。\n"
         "本件の概要等について、"
         + (f"{legal.notice_article(incident.organisation).render('ja')}の規定に基づき、"
            if f.assessment.reportable else "")
         + "下記のとおりお知らせいたします。"),
        ("summary", "1　事案の概要",
         f"{_or(incident.what_happened)}\n"
         f"発生した時期：{f.occurred()}\n"
         f"{org}が事態を把握した日：{format_wareki(f.knew_on)}"),
        ("items", "2　対象となる個人情報の項目",
         f"{f.data_items()}" + ("\n" + "\n".join(f.media()) if f.media() else "")),
        ("cause", "3　原因", _or(incident.cause)),
        ("secondary_harm", "4　二次被害又はそのおそれの有無及びその内容",
         _or(incident.secondary_harm)),
        ("other", "5　その他",
         f"{_or(incident.other)}\n"
         f"再発防止のため、次の措置を講じております。\n{f.prevention()}"),
        ("contact", "本件に関するお問い合わせ先", _or(incident.contact)),
        ("closing", "結び",
         "皆様には重ねて深くお詫び申し上げますとともに、再発防止に全力で取り組んでまいります。"),
    ]


# --- 公表文（報道発表資料） -----------------------------------------------------------------


def _announcement(f: _Facts) -> list[tuple[str, str, str]]:
    incident = f.incident
    org = f.organisation
    where = f"{org}{f.section}" if f.section else org
    held = f.data_items()
    if f.media():
        held += "\n" + "\n".join(f.media())
    if incident.people is not None:
        basis = f.people_basis()
        held += (f"\nなお、当該情報に含まれる個人を識別し得る人数は、延べ約{incident.people:,}人"
                 + (f"（{basis}）" if basis else "") + "です。")
    else:
        held += f"\n個人を識別し得る人数：{PLACEHOLDER}"
    harm = incident.secondary_harm.strip()
    if not harm:
        harm = f"なお、二次被害又はそのおそれの有無：{PLACEHOLDER}"
    elif not harm.startswith("なお"):
        harm = "なお、" + harm
    response = "\n".join(
        part for part in (_or(incident.persons_response),
                          f.step_status(StepKind.CONTAIN), f.step_status(StepKind.NOTIFY))
        if part)
    return [
        ("title", "表題", f"{where}における{incident.title}について"),
        ("summary", "概要",
         f"{format_wareki(f.knew_on)}、{_or(incident.what_happened)}\n"
         f"{harm}\n"
         "皆様に御迷惑と御心配をおかけしますことを深くお詫びするとともに、御報告いたします。"),
        ("held", "1　保有していた情報", held),
        ("when", WHEN_HEADING.get(incident.kind, "2　発生した時期"), f.occurred()),
        ("timeline", "3　経過", f.timeline_text(public=True)),
        ("cause", "4　原因", _or(incident.cause)),
        ("response", "5　対応", response),
        ("prevention", "6　再発防止策", f.prevention()),
        ("contact", "問い合わせ先", _or(incident.contact)),
    ]


# --- 全指連への報告 ---------------------------------------------------------------------------


def _association_report(f: _Facts) -> list[tuple[str, str, str]]:
    incident = f.incident
    org = incident.organisation
    basis = legal.association_citation(org, "association_report")
    exemption_rule = legal.association_citation(org, "association_exemption")
    response_rule = legal.association_citation(org, "association_response")
    step = f.steps.get(StepKind.ASSOCIATION)
    reason = step.waived_reason if step else ""
    boxes = []
    for mark, text, words in ASSOCIATION_EXEMPTIONS:
        hit = bool(reason) and any(word in reason for word in words)
        boxes.append(f"{'■' if hit else '□'} {mark}　{text}")
    if reason:
        decision = (f"判断：報告を要しない（{reason}。"
                    f"{step.done_by or ''}、{format_wareki(_day(step.done_at))}）"
                    if step and step.done_at else f"判断：報告を要しない（{reason}）")
    else:
        decision = "判断：報告を要しないと判断した記録はないため、報告を要する"
    if incident.kind == IncidentKind.MISDELIVERY and not reason:
        decision += "（誤送付・誤送信の事案：軽微なものに当たるか確認すること）"
    responses = [f.step_status(kind) for kind in (
        StepKind.CONTAIN, StepKind.INVESTIGATE, StepKind.SCOPE, StepKind.NOTIFY,
        StepKind.PUBLISH)]
    return [
        ("addressee", "宛先",
         "一般社団法人全日本指定自動車教習所協会連合会（全指連）　御中\n"
         "（都道府県指定自動車教習所協会を通じて報告）"),
        ("reporter", "報告者", f.organisation + (f"\n（根拠：{basis}）" if basis else "")),
        ("exemption", f"報告を要しない場合（{exemption_rule}）への該当" if exemption_rule
         else "報告を要しない場合への該当", "\n".join([*boxes, decision])),
        ("facts", "1　事実関係",
         f"事案の概要：{_or(incident.what_happened)}\n"
         f"発生日：{f.occurred()}\n"
         f"発覚日：{f.knew()}\n"
         f"個人データの項目：{f.data_items()}\n"
         f"本人の数：{f.people()}\n"
         f"二次被害又はそのおそれ：{_or(incident.secondary_harm)}"),
        ("cause", "2　原因", _or(incident.cause)),
        ("response", f"3　対応の状況（{response_rule}）" if response_rule else "3　対応の状況",
         "\n".join(r for r in responses if r) or _or(incident.persons_response)),
        ("prevention", "4　再発防止策", f.prevention()),
        ("contact", "連絡先", _or(incident.contact)),
    ]


# --- stored documents: draft, edit, regenerate, issue, new versions ------------------------


def is_issued(document: Document) -> bool:
    return document.issued_at is not None


def versions(incident: Incident, kind: str) -> list[Document]:
    """Every stored version of this kind of document, oldest first."""
    return list(Document.objects.filter(incident=incident, kind=kind).select_related(
        "edited_by", "issued_by").order_by("version"))


def current(incident: Incident, kind: str) -> Document | None:
    """The latest version (the one to edit, issue or follow with a new version)."""
    return Document.objects.filter(incident=incident, kind=kind).select_related(
        "edited_by", "issued_by").order_by("-version").first()


def version_of(incident: Incident, kind: str, number: int) -> Document | None:
    return Document.objects.filter(incident=incident, kind=kind, version=number).select_related(
        "edited_by", "issued_by").first()


def _stage(facts: _Facts, kind: str) -> str:
    return str(facts.report_kind()) if kind == DocumentKind.PPC_REPORT else ""


def _doc_event(incident: Incident, msgid: str, document: Document | str, by: User,
               **extra: Any) -> None:
    kind = document.kind if isinstance(document, Document) else document
    services._event(incident, "document", Text(msgid, label=text_label(DocumentKind(kind).label),
                                               **extra), by)


def draft(incident: Incident, kind: str, by: User) -> Document:
    """The stored (latest) document of this kind, generated from the facts the first time."""
    require(by, "incidents.manage", incident)
    check_kind(incident, kind)
    with transaction.atomic():
        document = current(incident, kind)
        if document is None:
            facts = _Facts(incident)
            document = Document.objects.create(incident=incident, kind=kind, version=1,
                                               stage=_stage(facts, kind),
                                               sections=generate(incident, kind))
            _doc_event(incident, gettext_noop("文書「%(label)s」の案を作成"), kind, by)
            audit.record("incident.document_drafted", user=by, obj=incident,
                         detail={"kind": kind, "document": document.pk, "version": 1})
    return document


def can_have_new_version(document: Document) -> bool:
    """A new version follows an issued one, the latest, while the incident is open."""
    latest = current(document.incident, document.kind)
    return (is_issued(document) and latest is not None and latest.pk == document.pk
            and document.incident.can_be_changed)


def new_version(document: Document, by: User) -> Document:
    """Draft the next version from the facts as they now stand, keeping the issued one: the
    PPC report's 確報 after its 速報 was issued (R-805)."""
    incident = document.incident
    require(by, "incidents.manage", incident)
    services.ensure_open(incident)
    if not is_issued(document):
        raise IncidentError("発行前の文書はそのまま編集してください"
                            "（新しい版は発行後に作成します）。")
    if not can_have_new_version(document):
        raise IncidentError("新しい版は最新の版からのみ作成できます。")
    with transaction.atomic():
        facts = _Facts(incident)
        made = Document.objects.create(incident=incident, kind=document.kind,
                                       version=document.version + 1,
                                       stage=_stage(facts, document.kind),
                                       sections=generate(incident, document.kind))
        _doc_event(incident, gettext_noop("文書「%(label)s」の第%(version)s版を作成"), made, by,
                   version=str(made.version))
        audit.record("incident.document_drafted", user=by, obj=incident,
                     detail={"kind": made.kind, "document": made.pk, "version": made.version,
                             "follows": document.pk})
    return made


def _frozen(document: Document) -> None:
    if is_issued(document):
        raise IncidentError("発行済みの文書は変更できません。")


def save_edits(document: Document, by: User, texts: dict[str, str]) -> list[str]:
    """Replace section texts by key before issue; returns the keys that changed. A section
    emptied by the edit shows 「（未記入）」 again rather than disappearing."""
    require(by, "incidents.manage", document.incident)
    services.ensure_open(document.incident)
    _frozen(document)
    known = {section["key"] for section in document.sections}
    unknown = set(texts) - known
    if unknown:
        raise ValueError(f"unknown document sections: {sorted(unknown)}")
    changed = []
    sections = []
    for section in document.sections:
        section = dict(section)
        if section["key"] in texts:
            text = texts[section["key"]].replace("\r\n", "\n").replace("\r", "\n").strip()
            text = text or PLACEHOLDER
            if text != section["text"]:
                section["text"] = text
                changed.append(section["key"])
        sections.append(section)
    if not changed:
        return []
    headings = "、".join(s["heading"] for s in sections if s["key"] in changed)
    with transaction.atomic():
        document.sections = sections
        document.edited_by, document.edited_at = by, clock.now()
        document.save(update_fields=["sections", "edited_by", "edited_at"])
        _doc_event(document.incident, gettext_noop("文書「%(label)s」を編集：%(headings)s"),
                   document, by, headings=headings)
        audit.record("incident.document_edited", user=by, obj=document.incident,
                     detail={"kind": document.kind, "document": document.pk,
                             "sections": changed})
    return changed


def regenerate(document: Document, by: User) -> Document:
    """Refill every section from the current facts, discarding edits (before issue only)."""
    require(by, "incidents.manage", document.incident)
    services.ensure_open(document.incident)
    _frozen(document)
    with transaction.atomic():
        document.sections = generate(document.incident, document.kind)
        document.stage = _stage(_Facts(document.incident), document.kind)
        document.edited_by, document.edited_at = by, clock.now()
        document.save(update_fields=["sections", "stage", "edited_by", "edited_at"])
        _doc_event(document.incident, gettext_noop("文書「%(label)s」を事実から作り直し"),
                   document, by)
        audit.record("incident.document_regenerated", user=by, obj=document.incident,
                     detail={"kind": document.kind, "document": document.pk})
    return document


def issue(document: Document, by: User) -> Document:
    """Freeze the document (the privacy officer); refused while 「（未記入）」 remains."""
    require(by, "incidents.file", document.incident)
    services.ensure_open(document.incident)
    if is_issued(document):
        raise IncidentError("この文書は発行済みです。")
    missing = unfilled(document.sections)
    if missing:
        raise IncidentError("未記入の項目があるため発行できません："
                            + "、".join(missing)
                            + "。不明な事項は「調査中」等と記入してください。")
    with transaction.atomic():
        document.issued_at, document.issued_by = clock.now(), by
        document.save(update_fields=["issued_at", "issued_by"])
        _doc_event(document.incident, gettext_noop("文書「%(label)s」（第%(version)s版）を発行"),
                   document, by, version=str(document.version))
        audit.record("incident.document_issued", user=by, obj=document.incident,
                     detail={"kind": document.kind, "document": document.pk,
                             "version": document.version})
    return document


def shown(document: Document | None, incident: Incident, kind: str) -> list[dict[str, Any]]:
    """Sections to display (stored, or generated when nothing is stored yet), each with the
    rows of its table when it is a 経過 table."""
    sections = document.sections if document is not None else generate(incident, kind)
    return [{**section, "rows": rows(section["text"]) if section["key"] in TIMELINE_KEYS
             else None} for section in sections]
