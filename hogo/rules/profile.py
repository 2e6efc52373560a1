"""Policy profiles: the rule set an organisation's type and kind select (R-101).

A profile is a versioned TOML file in `profiles/`. Later features read their defaults from it
(reporting threshold, report deadlines, copy retention, quarantine retention, permitted copy
uses and the unlisted ones the request form still offers, request fees and deadlines, whether
driving-school incidents also go to the association) instead of branching on the
organisation kind. The privacy officer may override scalar values;
the overrides are validated by the same rules, so an invalid value is refused naming the field.

Framework-free: imported by Django code, never importing it.
"""

from __future__ import annotations

import dataclasses
import re
import string
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ORGANISATION_TYPES = ("public_body", "private_business")
KINDS = {
    "city": "public_body",
    "transport_bureau": "public_body",
    "bus_taxi_operator": "private_business",
    "driving_school": "private_business",
}
# APPI Art. 38(1) [33] for businesses, Art. 89 for public bodies: fees may be charged only
# for purpose notification and disclosure; a correction or a stop request is free.
FREE_REQUESTS = ("correction", "suspension")


class ProfileError(ValueError):
    """A profile or an override is invalid; `field` names the dotted path at fault."""

    def __init__(self, field: str, message: str, source: str = "") -> None:
        self.field = field
        self.problem = message
        self.source = source
        where = f"{source}: " if source else ""
        super().__init__(f"{where}{field}: {message}")


@dataclass(frozen=True)
class PermittedUse:
    """One use of footage and copies the organisation's own rules list (its `source`)."""

    code: str
    label_ja: str
    label_en: str
    source: str


# What an organisation's own rules are cited for: key, Japanese and English label. A profile's
# `[own_rules.citations]` gives each a text that may name `{organisation}` and the rules in
# `[own_rules]` (`{main}`, `{guideline}`); an empty text means the organisation's rules say
# nothing on it, so nothing is cited (never another organisation's rule). Each is a setting
# the privacy officer may override, like the other values.
CITATIONS = (
    ("designation", "操作取扱者の指定", "Designating operators"),
    ("viewing", "映像の利用目的", "Purposes for viewing footage"),
    ("original_untouched", "原本の取扱い", "Originals kept untouched"),
    ("copy_making", "複製データの作成", "Making copies"),
    ("copy_processing", "複製データの加工", "Processing (masking) copies"),
    ("copy_retention", "複製データの保存期間", "How long copies are kept"),
    ("provision", "第三者への提供", "Provision to third parties"),
    ("recipient_undertaking", "提供先の遵守事項", "What recipients undertake"),
    ("association_report", "協会への報告", "Report to the association"),
    ("association_exemption", "協会への報告を要しない場合", "When no association report is due"),
    ("association_response", "漏えい等事案への対応", "Measures on an incident"),
    ("public_notice", "保有個人データに関する事項の公表", "What is published about the data held"),
    ("disclosure", "開示の請求", "Disclosure requests"),
    ("correction", "訂正等の請求", "Correction requests"),
    ("suspension", "利用停止等の請求", "Requests to stop use or provision"),
    ("request_procedure", "開示等の請求の手続", "How requests are made"),
    ("request_fee", "手数料", "Fees for requests"),
    ("complaints", "苦情の処理", "Handling complaints"),
)
CITATION_KEYS = tuple(key for key, _, _ in CITATIONS)
OWN_RULE_NAMES = ("main", "guideline")


@dataclass(frozen=True)
class UnlistedUse:
    """A use people ask for that the rule does not list (e.g. training material). The copy
    request form offers it so that choosing it is refused with the reason, not hidden."""

    code: str
    label_ja: str
    label_en: str

    def label(self, language: str | None) -> str:
        return self.label_en if language == "en" else self.label_ja


@dataclass(frozen=True)
class Field:
    """One overridable scalar of a profile: its dotted path, meaning and check."""

    path: str
    label_ja: str
    label_en: str
    check: Callable[[Any], str | None]


def _int_between(low: int, high: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return f"must be a whole number, got {value!r}"
        if not low <= value <= high:
            return f"must be between {low} and {high}, got {value}"
        return None

    return check


def _is_bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false, got {value!r}"


def _email_or_empty(value: Any) -> str | None:
    if isinstance(value, str) and (value == "" or re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+",
                                                              value)):
        return None
    return f"must be an e-mail address or empty, got {value!r}"


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be non-empty text"


def _placeholders(value: str, allowed: tuple[str, ...]) -> str | None:
    try:
        named = {f for _, f, _, _ in string.Formatter().parse(value) if f is not None}
    except ValueError as error:
        return f"has a broken {{placeholder}}: {error}"
    unknown = named - set(allowed)
    if unknown:
        return (f"names {{{sorted(unknown)[0]}}}, not one of "
                + ", ".join(f"{{{a}}}" for a in allowed))
    return None


def _rule_text(value: Any) -> str | None:
    return _text(value) or _placeholders(value, ("organisation",))


def _rule_text_or_empty(value: Any) -> str | None:
    if value == "":
        return None
    return _rule_text(value)


def _text_list(value: Any) -> str | None:
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return None
    return "must be a list of non-empty texts (may be empty)"


def _free(value: Any) -> str | None:
    problem = _int_between(0, 0)(value)
    if problem:
        return "must be 0: APPI Art. 38 (Art. 89 for public bodies) allows no fee for this request"
    return None


FIELDS: tuple[Field, ...] = (
    Field("incidents.reporting_threshold", "報告対象となる人数の基準（これを超える場合）",
          "Reportable when more people than this are involved",
          _int_between(1, 10_000_000)),
    Field("incidents.preliminary_report_days", "速報の目安（日）",
          "Preliminary report target (days)", _int_between(1, 5)),
    Field("incidents.final_report_days", "確報の期限（日）",
          "Final report deadline (days)", _int_between(1, 30)),
    Field("incidents.final_report_days_unauthorised", "確報の期限・不正目的のおそれ（日）",
          "Final report deadline, possible unauthorised purpose (days)",
          _int_between(1, 60)),
    Field("incidents.association_report", "全指連への報告",
          "Report to the driving-school association", _is_bool),
    # A local government's incident is also reportable when data its ordinance makes
    # sensitive (条例要配慮個人情報) is involved (Rules Art. 43(5)); the items are the ordinance's.
    Field("incidents.ordinance_sensitive_items", "条例要配慮個人情報（条例で定める記述等）",
          "Ordinance-sensitive data (items the ordinance lists)", _text_list),
    Field("incidents.acknowledge_hours", "事故報告の確認期限（執務時間）",
          "Acknowledge an incident report within (office hours)", _int_between(1, 72)),
    Field("incidents.escalation_email", "未確認の事故報告の上位報告先（メール）",
          "Escalate unacknowledged incident reports to (e-mail)", _email_or_empty),
    # A purpose reason (viewing, copying) must say something: at least this many characters.
    Field("purposes.min_reason_chars", "利用目的の具体的な理由の最低文字数",
          "Shortest purpose reason (characters)", _int_between(1, 200)),
    Field("copies.retention_months", "複製データの保存期間（月）",
          "Copy retention (months)", _int_between(1, 120)),
    Field("copies.processing_approver", "複製データの加工を承認する役割",
          "Role that approves processing (masking) a copy",
          lambda v: None if v in ("privacy_officer", "manager") else
          "must be privacy_officer or manager"),
    Field("copies.processing_acting_for", "加工の承認者が代理する者（組織の長）",
          "Whom the processing approver acts for (the head of the organisation)", _text),
    Field("copies.max_range_minutes", "複製できる範囲の上限（分）",
          "Longest copy range without a reason (minutes)", _int_between(1, 24 * 60)),
    # A quarantined file is real footage that never became an original: kept this many
    # days for a person to release or erase it, then crypto-shredded.
    Field("footage.quarantine_days", "隔離ファイルの保存期間（日）",
          "Keep quarantined files for (days)", _int_between(1, 365)),
    # The organisation's own rule names, cited instead of any other organisation's rule.
    Field("own_rules.main", "組織の規則（ドライブレコーダー・個人情報の取扱い）",
          "The organisation's own rule (dashcams, personal data)", _rule_text),
    Field("own_rules.guideline", "業界の指針（ない場合は空欄）",
          "The industry guideline followed (empty if none)", _rule_text_or_empty),
    # Third-party provision (第三者提供): who decides besides the department's manager, the
    # decision target, the download link's life, the recipient's erasure confirmation, the
    # public request form and its throttle.
    Field("provision.second_approver", "第三者提供の第二承認者（不要な場合は空欄）",
          "Second approver of a third-party provision (empty: none)",
          lambda v: None if v in ("", "privacy_officer") else
          "must be privacy_officer or empty"),
    Field("provision.decision_days", "第三者提供の決定の目安（日）",
          "Decide a provision request within (days)", _int_between(1, 60)),
    Field("provision.link_days", "ダウンロードリンクの有効期間（日）",
          "A download link is valid for (days)", _int_between(1, 30)),
    Field("provision.erasure_confirmation_days", "提供先の消去等の確認期限（日）",
          "Recipient confirms erasure or return within (days)", _int_between(1, 730)),
    Field("provision.public_form", "申請フォームを公開する",
          "Open the public request form", _is_bool),
    Field("provision.public_form_per_hour", "申請フォームの受付上限（1時間・1接続元あたり）",
          "Public form submissions per hour from one address", _int_between(1, 100)),
    # A person's own requests (本人からの開示等の請求): a public body decides within 30 days
    # (Art. 83), a business answers "without delay" (a target; Art. 39 lets the person sue two
    # weeks after the request arrived). See `hogo.rules.requests`.
    Field("requests.answer_days", "開示等の請求への回答期限（日）",
          "Days to answer a person's request", _int_between(1, 60)),
    Field("requests.extension_days", "開示決定等の期限の延長（日）",
          "Extension of the decision (days; 0: none)", _int_between(0, 60)),
    Field("requests.large_request_days", "大量の請求の特例：相当の部分の決定期限（日）",
          "Very large requests: a substantial part within (days; 0: none)",
          _int_between(0, 120)),
    Field("requests.after_disclosure_days", "訂正・利用停止の請求期限（開示を受けた日から・日）",
          "Correction and stop requests within (days of the disclosure; 0: no limit)",
          _int_between(0, 365)),
    Field("requests.closed_day_moves_due", "期限の末日が閉庁日の場合に翌開庁日とする",
          "A due day on a closed day moves to the next open day", _is_bool),
    Field("requests.public_form", "本人請求の申請フォームを公開する",
          "Open the public form for a person's requests", _is_bool),
    Field("requests.public_form_per_hour", "本人請求フォームの受付上限（1時間・1接続元あたり）",
          "Public request form submissions per hour from one address", _int_between(1, 100)),
    Field("requests.fees.purpose_notification", "利用目的の通知の手数料（円）",
          "Fee for purpose notification (yen)",
          _int_between(0, 100_000)),
    Field("requests.fees.disclosure", "開示の手数料（円）",
          "Fee for disclosure (yen)", _int_between(0, 100_000)),
    Field("requests.fees.per", "手数料の単位（request：請求1件／item：項目1件）",
          "Fee charged per (request or item)",
          lambda v: None if v in ("request", "item") else "must be request or item"),
    Field("requests.fees.copy_sheet", "写しの交付：用紙1枚あたり（円）",
          "Paper copies, per sheet (yen)", _int_between(0, 10_000)),
    Field("requests.fees.copy_disc", "写しの交付：光ディスク1枚あたり（円）",
          "Copies on disc, per disc (yen)", _int_between(0, 10_000)),
    Field("requests.fees.correction", "訂正等の手数料（円）",
          "Fee for correction (yen)", _free),
    Field("requests.fees.suspension", "利用停止等の手数料（円）",
          "Fee for stopping use (yen)", _free),
    # Complaints (苦情, R-701): a target for the answer; the public form.
    Field("complaints.answer_days", "苦情への回答の目安（日）",
          "Answer a complaint within (days)", _int_between(1, 90)),
    Field("complaints.public_form", "苦情の受付フォームを公開する",
          "Open the public complaint form", _is_bool),
    Field("complaints.public_form_per_hour", "苦情受付フォームの受付上限（1時間・1接続元あたり）",
          "Public complaint form: submissions per address per hour", _int_between(1, 100)),
    Field("complaints.remind_days_before", "苦情の回答の目安日の何日前に通知するか",
          "Remind this many days before a complaint's answer is due", _int_between(0, 30)),
    # Training: everyone handling personal data yearly, on joining, after an incident.
    Field("training.every_months", "研修の受講の間隔（月）",
          "Training must be repeated every (months)", _int_between(1, 60)),
    Field("training.on_joining_days", "着任後、研修を受講するまでの期限（日）",
          "Training due within (days) of joining", _int_between(1, 365)),
    Field("training.after_incident_days",
          "漏えい等事案の後、関係者が研修を受講するまでの期限（日）",
          "Training due within (days) after an incident", _int_between(1, 365)),
    Field("training.block_designation",
          "研修が未受講・期限切れの職員を操作取扱者に指定できない",
          "Refuse to designate an operator whose training has lapsed", _is_bool),
    # Contractors: the periodic audit of a contractor that handles personal data.
    Field("contractors.audit_every_months", "委託先の監査の間隔（月）",
          "Audit each contractor every (months)", _int_between(1, 60)),
    # Access-log analysis: office hours; how many originals viewed with no copy or
    # request in a day make a pattern; refused attempts in an hour.
    Field("oversight.office_hours", "執務時間（例：08:30-17:15）",
          "Office hours (e.g. 08:30-17:15)", _text),
    Field("oversight.many_originals_per_day", "1日に閲覧した元データの数の注意水準",
          "Originals viewed in a day that make a flag", _int_between(1, 10_000)),
    Field("oversight.refused_per_hour", "1時間のアクセス拒否の回数の注意水準",
          "Refused attempts in an hour that make a flag", _int_between(1, 1000)),
    # Self-inspection: each department is inspected every N months; a finding is
    # given this many days to be put right unless the inspector sets another day.
    Field("inspection.every_months", "自己点検の間隔（月）",
          "Inspect each department every (months)", _int_between(1, 36)),
    Field("inspection.finding_days", "指摘事項の対応期限（日）",
          "Days given to put a finding right", _int_between(1, 365)),
)


def _citation_text(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be text (empty when the organisation's rules say nothing on it)"
    return _placeholders(value, ("organisation", *OWN_RULE_NAMES))


FIELDS += tuple(Field(f"own_rules.citations.{key}", f"根拠規定：{ja}", f"Citation: {en}",
                      _citation_text) for key, ja, en in CITATIONS)
FIELD_BY_PATH = {f.path: f for f in FIELDS}
IDENTITY = {"schema": _int_between(1, 1), "key": _text, "version": _text, "label_ja": _text,
            "label_en": _text, "organisation_type": _text, "kind": _text}


@dataclass(frozen=True)
class PolicyProfile:
    """A validated profile with any overrides applied. Read values with `value(path)`."""

    key: str
    version: str
    label_ja: str
    label_en: str
    organisation_type: str
    kind: str
    values: Mapping[str, Any]
    permitted_uses: tuple[PermittedUse, ...]
    unlisted_uses: tuple[UnlistedUse, ...] = ()

    def value(self, path: str) -> Any:
        return self.values[path]

    def rule_name(self, name: str, organisation: str) -> str:
        """The organisation's own rule `main` or `guideline`, its name filled in ("" if none)."""
        return self.values[f"own_rules.{name}"].format(organisation=organisation)

    def cite(self, text: str, organisation: str) -> str:
        """A citation text with `{organisation}`, `{main}` and `{guideline}` filled in."""
        names = {n: self.rule_name(n, organisation) for n in OWN_RULE_NAMES}
        return text.format(organisation=organisation, **names)

    def citation(self, key: str, organisation: str) -> str:
        """What this organisation's own rules say on `key` (one of CITATION_KEYS), e.g.
        「デモ市公用車ドライブレコーダーの設置及び管理運用に関する規則第7条第4項」; "" when its
        rules have no such article."""
        if key not in CITATION_KEYS:
            raise KeyError(f"{key!r} is not a citation key; known: {CITATION_KEYS}")
        return self.cite(self.values[f"own_rules.citations.{key}"], organisation)

    def use_source(self, use: PermittedUse, organisation: str) -> str:
        """Where a permitted use is listed, for this organisation."""
        return self.cite(use.source, organisation)

    @property
    def is_public_body(self) -> bool:
        return self.organisation_type == "public_body"

    @property
    def version_label(self) -> str:
        """The profile's version as people read it, e.g. 「2026.4版」 (not `city 2026.4`)."""
        return f"{self.version}版"

    def with_overrides(self, overrides: Mapping[str, Any]) -> PolicyProfile:
        """A copy with overrides applied, each checked like the file's own values. The
        organisation's own list of permitted uses (PERMITTED_USES_PATH) replaces the file's
        list, checked by the same rules as the file's."""
        values = dict(self.values)
        uses = self.permitted_uses
        for path, value in overrides.items():
            if path == PERMITTED_USES_PATH:
                uses = checked_permitted_uses(value, self.unlisted_uses, "override")
            else:
                values[path] = _checked(path, value, "override")
        _check_relations(values, self.organisation_type, "override")
        return dataclasses.replace(self, values=values, permitted_uses=uses)

    def permitted_uses_data(self) -> list[dict[str, str]]:
        """The permitted uses as the plain tables a file or an override holds."""
        return [{"code": u.code, "label_ja": u.label_ja, "label_en": u.label_en,
                 "source": u.source} for u in self.permitted_uses]


def _checked(path: str, value: Any, source: str) -> Any:
    field = FIELD_BY_PATH.get(path)
    if field is None:
        raise ProfileError(path, "is not a setting a profile has", source)
    if problem := field.check(value):
        raise ProfileError(path, problem, source)
    return value


# The Act's own people thresholds: more than 100 persons for a public body (Rules Art. 43(4)),
# more than 1,000 for a business (Rules Art. 7(4)). A profile may be stricter, never laxer.
LAW_REPORTING_THRESHOLD = {"public_body": 100, "private_business": 1000}
# A public body's statutory days for a person's request: decide within 30 (Art. 83(1)),
# extend by at most 30 (Art. 83(2)), a substantial part of a very large one within 60 (Art. 84).
PUBLIC_BODY_REQUEST_LIMITS = {"requests.answer_days": 30, "requests.extension_days": 30,
                              "requests.large_request_days": 60}


def _check_relations(values: Mapping[str, Any], organisation_type: str, source: str) -> None:
    law = LAW_REPORTING_THRESHOLD.get(organisation_type)
    if law is not None and values["incidents.reporting_threshold"] > law:
        raise ProfileError("incidents.reporting_threshold",
                           f"must not exceed the Act's threshold of {law} persons "
                           f"(a profile may be stricter, never laxer), got "
                           f"{values['incidents.reporting_threshold']}", source)
    if values["incidents.final_report_days_unauthorised"] < values["incidents.final_report_days"]:
        raise ProfileError("incidents.final_report_days_unauthorised",
                           "must not be shorter than incidents.final_report_days", source)
    if organisation_type == "public_body":
        for path, law in PUBLIC_BODY_REQUEST_LIMITS.items():
            if values[path] > law:
                raise ProfileError(path, f"must not exceed the Act's {law} days (a profile may "
                                   f"be stricter, never laxer), got {values[path]}", source)


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{path}."))
        else:
            flat[path] = value
    return flat


# An organisation's own list of permitted uses, kept among its overrides under this path.
PERMITTED_USES_PATH = "copies.permitted_uses"
USE_PLACEHOLDERS = ("organisation", *OWN_RULE_NAMES)


def checked_permitted_uses(raw: Any, unlisted: tuple[UnlistedUse, ...] = (),
                           source: str = "") -> tuple[PermittedUse, ...]:
    """A list of permitted uses checked as a profile file's is: at least one, each with a
    code, both labels and where the own rules list it (`{main}第8条第1号`), codes unique,
    none also an unlisted use (it would be both allowed and refused)."""
    uses = _permitted_uses(raw, source)
    for index, use in enumerate(uses):
        if problem := _placeholders(use.source, USE_PLACEHOLDERS):
            raise ProfileError(f"{PERMITTED_USES_PATH}[{index}].source", problem, source)
        if not re.fullmatch(r"[a-z][a-z0-9_]*", use.code):
            raise ProfileError(f"{PERMITTED_USES_PATH}[{index}].code",
                               "must be lower-case letters, digits and _ (e.g. accident_evidence)",
                               source)
        if use.code in {u.code for u in unlisted}:
            raise ProfileError(f"{PERMITTED_USES_PATH}[{index}].code",
                               f"{use.code!r} is listed as an unlisted use", source)
    return uses


def _permitted_uses(raw: Any, source: str) -> tuple[PermittedUse, ...]:
    if not isinstance(raw, list) or not raw:
        raise ProfileError("copies.permitted_uses", "must list at least one use", source)
    uses = []
    for index, item in enumerate(raw):
        where = f"copies.permitted_uses[{index}]"
        if not isinstance(item, dict):
            raise ProfileError(where, "must be a table", source)
        for name in ("code", "label_ja", "label_en", "source"):
            if _text(item.get(name)):
                raise ProfileError(f"{where}.{name}", "must be non-empty text", source)
        extra = set(item) - {"code", "label_ja", "label_en", "source"}
        if extra:
            raise ProfileError(f"{where}.{sorted(extra)[0]}", "is not a known key", source)
        uses.append(PermittedUse(item["code"], item["label_ja"], item["label_en"],
                                 item["source"]))
    codes = [u.code for u in uses]
    if len(set(codes)) != len(codes):
        raise ProfileError("copies.permitted_uses", "codes must be unique", source)
    return tuple(uses)


UNLISTED_KEYS = ("code", "label_ja", "label_en")


def _unlisted_uses(raw: Any, permitted: tuple[PermittedUse, ...],
                   source: str) -> tuple[UnlistedUse, ...]:
    """The optional `[[copies.unlisted_uses]]`: none is fine; each must not be a permitted use
    (it would then be both allowed and refused)."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ProfileError("copies.unlisted_uses", "must be a list of tables", source)
    uses = []
    for index, item in enumerate(raw):
        where = f"copies.unlisted_uses[{index}]"
        if not isinstance(item, dict):
            raise ProfileError(where, "must be a table", source)
        for name in UNLISTED_KEYS:
            if _text(item.get(name)):
                raise ProfileError(f"{where}.{name}", "must be non-empty text", source)
        extra = set(item) - set(UNLISTED_KEYS)
        if extra:
            raise ProfileError(f"{where}.{sorted(extra)[0]}", "is not a known key", source)
        if item["code"] in {u.code for u in permitted}:
            raise ProfileError(f"{where}.code", f"{item['code']!r} is a permitted use", source)
        uses.append(UnlistedUse(item["code"], item["label_ja"], item["label_en"]))
    codes = [u.code for u in uses]
    if len(set(codes)) != len(codes):
        raise ProfileError("copies.unlisted_uses", "codes must be unique", source)
    return tuple(uses)


def parse_profile(data: Mapping[str, Any], source: str = "") -> PolicyProfile:
    """Validate a profile's parsed TOML; raise ProfileError naming the first bad field."""
    data = dict(data)
    copies = dict(data.get("copies", {})) if isinstance(data.get("copies"), dict) else {}
    uses = checked_permitted_uses(copies.pop("permitted_uses", None), (), source)
    unlisted = _unlisted_uses(copies.pop("unlisted_uses", None), uses, source)
    data["copies"] = copies
    flat = _flatten(data)
    for path, check in IDENTITY.items():
        if path not in flat:
            raise ProfileError(path, "is missing", source)
        if problem := check(flat.pop(path)):
            raise ProfileError(path, problem, source)
    for field in FIELDS:
        if field.path not in flat:
            raise ProfileError(field.path, "is missing", source)
    values = {path: _checked(path, value, source) for path, value in flat.items()}
    org_type, kind = data["organisation_type"], data["kind"]
    if org_type not in ORGANISATION_TYPES:
        raise ProfileError("organisation_type", f"must be one of {ORGANISATION_TYPES}", source)
    if KINDS.get(kind) != org_type:
        raise ProfileError("kind", f"{kind!r} is not a kind of {org_type}", source)
    _check_relations(values, org_type, source)
    return PolicyProfile(data["key"], data["version"], data["label_ja"], data["label_en"],
                         org_type, kind, values, uses, unlisted)


def load_profile(path: Path) -> PolicyProfile:
    """Read and validate one profile file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ProfileError("(file)", f"is not valid TOML: {error}", str(path)) from error
    profile = parse_profile(data, str(path))
    if profile.key != path.stem:
        raise ProfileError("key", f"must match the file name {path.stem!r}", str(path))
    return profile


def load_profiles(directory: Path) -> dict[str, PolicyProfile]:
    """Every profile in a directory, keyed by its key; the first invalid one raises."""
    profiles = {p.stem: load_profile(p) for p in sorted(directory.glob("*.toml"))}
    if not profiles:
        raise ProfileError("(directory)", "holds no *.toml profile", str(directory))
    return profiles
