"""Provision area 'records': provision records (提供記録, Act Art. 29; items Rules Art. 20) and
receipt records (確認記録, Act Art. 30; Rules Arts. 22-25), kept until their keep-until day
(Rules Arts. 21, 25) and erased by the daily job from the day after.

A hand-over makes (or extends) the provision record when the Act asks for one; otherwise the
request's 経過 says why none is made. Provisions and receipts made outside hogo are entered
by hand with the Rules' items. The register is read by department (managers) or whole
(the privacy officer, auditors), exported as CSV for an audit, and searched for the records
about a person (a disclosure request).

Erasing a record overwrites its personal fields and keeps the row (its days, its keep-until
day, when it was erased) with a DeletionRecord saying what went: a record holds no stored
object, so there is nothing to crypto-shred.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from hogo import clock
from hogo.accounts.models import Department, User
from hogo.accounts.permissions import allows, department_scope, require
from hogo.audit import services as audit
from hogo.footage.models import DeletionRecord
from hogo.provision import common, wording
from hogo.provision.assessment import assess_request
from hogo.provision.models import (
    HandOver,
    ProvisionRecord,
    ProvisionRequest,
    ReceiptRecord,
    RecordForm,
)
from hogo.registry.models import Channel
from hogo.rules.provision import (
    RECORD_REASONS,
    Article,
    Decision,
    keep_record_until,
    may_erase_record,
)
from hogo.rules.wareki import format_wareki

KINDS = ("provision", "receipt")
MODELS: dict[str, type[models.Model]] = {"provision": ProvisionRecord, "receipt": ReceiptRecord}
# What a record says about people: overwritten when it is erased (the row itself stays).
PERSONAL_FIELDS = {
    "provision": ("consent", "recipient_name", "recipient_address", "recipient_representative",
                  "persons", "data_items"),
    "receipt": ("consent", "provider_name", "provider_address", "provider_representative",
                "how_obtained", "persons", "data_items"),
}
RETENTION_RULE = {"provision": "provision_record_retention",
                  "receipt": "receipt_record_retention"}
ERASE_METHOD = "field erasure: personal fields overwritten, row kept (no stored object)"


class RecordError(ValueError):
    """A record that cannot be entered; the message is Japanese, `missing` names the fields
    the Rules ask for that were left empty (so the form can mark them)."""

    def __init__(self, message: str, missing: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.missing = list(missing)


# --- the record of a hand-over ---------------------------------------------------------------


def record_provision(handover: HandOver, provided_on: dt.date | None = None
                     ) -> ProvisionRecord | None:
    """The provision record of this hand-over (call inside the transaction that provides).

    `provided_on` is the day the data was provided: for a download link, the day of its
    first successful fetch (the recipient has it only then); by default the day the
    hand-over was prepared (a medium handed over). None when the Act asks for no record (a
    public body, a law-based provision, an Art. 27(1) exception, not a third party...): the
    経過 says why. Otherwise a record of the form the request names: `single` one record per
    provision; `repeated` and `contract` one kept record per recipient (name and address),
    form and department, the day appended and its keep-until day counted again from the
    last provision (Rules Art. 21(1)/(2))."""
    request = handover.request
    day = provided_on or clock.jst_date(handover.prepared_at)
    try:
        decision = assess_request(request, provided_on=(day,))
    except ValueError as problem:
        raise RecordError(_("提供記録の要否を判断できません: %(problem)s")
                          % {"problem": problem}) from problem
    actor = handover.prepared_by
    if not decision.record_required:
        common.log_event(request, "record_not_required", actor=actor,
                         because=decision.record_because,
                         article=decision.record_article.code(), provided_on=day.isoformat())
        return None
    persons, items = persons_of(handover), data_items_of(handover)
    record = _record_to_extend(request, day)
    if record is None:
        record = ProvisionRecord.objects.create(
            organisation=request.organisation, department=request.department, request=request,
            form=request.record_form, consent=consent_statement(request),
            opt_out_on=request.opt_out_on if "provided_on" in decision.record_items else None,
            recipient_name=request.requester_name, recipient_address=request.requester_address,
            recipient_representative=request.representative if request.is_organisation else "",
            persons=persons, data_items=items, provided_on=[day.isoformat()],
            keep_until=decision.keep_until, created_by=actor, created_at=clock.now())
        action = "record_created"
    else:
        days = sorted({*record.provided_on, day.isoformat()})
        record.provided_on = days
        record.persons = _joined(record.persons, persons)
        record.data_items = _joined(record.data_items, items)
        record.keep_until = keep_record_until(
            record.form, tuple(dt.date.fromisoformat(d) for d in days), "rules", 21)[0]
        record.save(update_fields=["provided_on", "persons", "data_items", "keep_until"])
        action = "record_extended"
    detail = {"record": record.pk, "form": record.form, "provided_on": day.isoformat(),
              "keep_until": record.keep_until.isoformat() if record.keep_until else None}
    common.log_event(request, action, actor=actor, **detail)
    audit.record(f"provision.{action}", user=actor, obj=record,
                 detail={"number": request.number, "handover": handover.pk, **detail})
    return record


def _record_to_extend(request: ProvisionRequest, day: dt.date) -> ProvisionRecord | None:
    """The kept record this provision belongs to: for one record per provision, the one of
    this request and day (several copies handed over together); for repeated provision or
    a contract, the one of the same organisation, department, form and recipient whose
    keep-until day has not passed (an expired one is erased, not revived). Another
    department's record is never extended: its manager reads only their own department's
    records, so a provision of theirs must stay in a record they can see."""
    kept = ProvisionRecord.objects.select_for_update().filter(
        organisation=request.organisation_id, department=request.department_id,
        form=request.record_form, erased_at__isnull=True)
    if request.record_form == RecordForm.SINGLE:
        return next((r for r in kept.filter(request=request).order_by("pk")
                     if day.isoformat() in r.provided_on), None)
    today = clock.today_jst()
    for record in kept.filter(recipient_name=request.requester_name,
                              recipient_address=request.requester_address).order_by("pk"):
        if not may_erase_record(record.keep_until, today):
            return record
    return None


def _joined(before: str, line: str) -> str:
    lines = [x for x in before.splitlines() if x.strip()]
    return "\n".join(lines if line in lines else [*lines, line])


def consent_statement(request: ProvisionRequest) -> str:
    """「本人の同意を得ている（令和7年5月1日、同意書）」, or "" without consent (opt-out)."""
    if request.consent_on is None:
        return ""
    how = request.basis_detail.strip() if request.basis == "consent" else ""
    day = format_wareki(request.consent_on)
    return f"本人の同意を得ている（{day}{'、' + how if how else ''}）"


def _clock_text(instant: dt.datetime) -> str:
    local = instant.astimezone(clock.JST)
    return f"{local.hour}時{local.minute:02d}分"


def span_text(start: dt.datetime, end: dt.datetime) -> str:
    """令和7年6月3日14時01分〜14時04分 (the day once when both ends are on it)."""
    first, last = clock.jst_date(start), clock.jst_date(end)
    tail = _clock_text(end) if first == last else f"{format_wareki(last)}{_clock_text(end)}"
    return f"{format_wareki(first)}{_clock_text(start)}〜{tail}"


def camera_name(code: str) -> str:
    return str(dict(Channel.choices).get(code, code))


def persons_of(handover: HandOver) -> str:
    """What identifies the persons (Rules Art. 20(1)): who was filmed where and when, e.g.
    「令和7年6月3日14時01分〜14時04分 品川500あ1234 公用車1号 前方カメラに記録された者」."""
    copy, request = handover.copy, handover.request
    vehicle = str(copy.request.vehicle) if copy.request.vehicle_id else request.vehicle_text
    place = f"（場所：{request.place}）" if request.place else ""
    span = span_text(copy.actual_start, copy.actual_end)
    return f"{span} {vehicle}{place} {camera_name(copy.channel)}カメラに記録された者"


def data_items_of(handover: HandOver) -> str:
    """The data items (Rules Art. 20(1)): 「ドライブレコーダーの映像（前方）、音声なし」."""
    copy = handover.copy
    camera = camera_name(copy.channel)
    masked = "、顔等を加工済み" if copy.is_processed else ""
    sound = "音声あり" if copy.request.audio else "音声なし"
    return f"ドライブレコーダーの映像（{camera}{masked}）、{sound}"


# --- records entered by hand -----------------------------------------------------------------


def _label(model: type[models.Model], name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _department(user: User, data: Mapping[str, Any]) -> Department | None:
    """The department a record is entered for: any of the organisation's for whom
    provision.manage_all_records allows it (the privacy officer), else one's own."""
    chosen = data.get("department") or user.department
    if chosen is not None and chosen.organisation_id != user.organisation_id:
        raise RecordError(_("他の団体の部署は選べません。"))
    if chosen is not None and chosen.pk != user.department_id and \
            not allows(user, "provision.manage_all_records"):
        raise RecordError(_("記録できるのは自分の部署の提供・受領だけです。"))
    return chosen


def _days(data: Mapping[str, Any], name: str, form: str) -> tuple[dt.date, ...]:
    days = tuple(sorted(set(data.get(name) or ())))
    if any(day > clock.today_jst() for day in days):
        raise RecordError(_("未来の日付は記録できません。"), [name])
    if form == RecordForm.SINGLE and len(days) > 1:
        raise RecordError(_("「提供の都度作成」の記録は1日分です。複数の日がある場合は「継続・反復"
                            "する提供を一括して作成」又は「契約書等で代替」を選んでください。"),
                          [name])
    return days


def _refuse_missing(model: type[models.Model], missing: list[str]) -> None:
    if missing:
        names = "、".join(_label(model, name) if name != "consent_on" else _("本人の同意を得た日")
                         for name in missing)
        raise RecordError(_("次の事項を記入してください（個人情報保護法施行規則で記録する事項）："
                            "%(names)s") % {"names": names}, missing)


def _statement(data: Mapping[str, Any], days: tuple[dt.date, ...]) -> str:
    consent_on = data.get("consent_on")
    if consent_on is None:
        return ""
    if days and consent_on > days[0]:
        raise RecordError(_("本人の同意は提供（受領）より前に得ている必要があります。"),
                          ["consent_on"])
    how = (data.get("consent_how") or "").strip()
    return f"本人の同意を得ている（{format_wareki(consent_on)}{'、' + how if how else ''}）"


def _text(data: Mapping[str, Any], name: str) -> str:
    return str(data.get(name) or "").strip()


def enter_provision_record(user: User, data: Mapping[str, Any]) -> ProvisionRecord:
    """A provision made outside hogo, recorded by hand with the items of Rules Art. 20:
    consent (or, for opt-out, the day of provision), the recipient with its address and, for an
    organisation, its representative, the persons, the data items."""
    require(user, "provision.manage_records")
    form = data.get("form") or RecordForm.SINGLE
    opt_out = data.get("basis") == "opt_out"
    missing = [n for n in ("recipient_name", "persons", "data_items") if not _text(data, n)]
    if not data.get("provided_on"):
        missing.append("provided_on")
    # The recipient's address and an organisation's representative in either case (Rules
    # Art. 20(1): the consent case refers to the opt-out case's items; see docs/law.md).
    missing += [n for n in ("recipient_address",) if not _text(data, n)]
    if data.get("is_organisation") and not _text(data, "recipient_representative"):
        missing.append("recipient_representative")
    if opt_out:
        missing += [n for n in ("opt_out_on",) if data.get(n) is None]
    elif data.get("consent_on") is None:
        missing.append("consent_on")
    _refuse_missing(ProvisionRecord, missing)
    if opt_out and form != RecordForm.SINGLE:
        raise RecordError(_("オプトアウトによる提供は提供の都度記録します（施行規則第19条第2項・"
                            "第3項）。「提供の都度作成」を選んでください。"), ["form"])
    days = _days(data, "provided_on", form)
    if opt_out and data["opt_out_on"] > days[0]:
        raise RecordError(_("オプトアウトの届出は提供より前に済んでいる必要があります（法第27条"
                            "第2項）。"), ["opt_out_on"])
    department = _department(user, data)
    with transaction.atomic():
        record = ProvisionRecord.objects.create(
            organisation=user.organisation, department=department, form=form,
            consent="" if opt_out else _statement(data, days),
            opt_out_on=data.get("opt_out_on") if opt_out else None,
            recipient_name=_text(data, "recipient_name"),
            recipient_address=_text(data, "recipient_address"),
            recipient_representative=_text(data, "recipient_representative"),
            persons=_text(data, "persons"), data_items=_text(data, "data_items"),
            provided_on=[d.isoformat() for d in days],
            keep_until=keep_record_until(form, days, "rules", 21,
                                         recorded_on=clock.today_jst())[0], created_by=user,
            created_at=clock.now())
        audit.record("provision.record_entered", user=user, obj=record, detail={
            "form": form, "provided_on": record.provided_on,
            "keep_until": record.keep_until.isoformat()})
    return record


# How the provider came to give us the data (Rules Art. 24(1)): (ii) with the person's
# consent, (i) by opt-out (Act Art. 27(2)), (iii) a provider that is not a business operator
# (a private individual), for whom neither the consent nor the day is an item.
RECEIPT_BASES = ("consent", "opt_out", "individual")


def _receipt_missing(data: Mapping[str, Any], basis: str) -> list[str]:
    """The items of Rules Art. 24(1) left empty, for this basis."""
    missing = [n for n in ("provider_name", "provider_address", "how_obtained", "persons",
                           "data_items") if not _text(data, n)]
    if basis != "individual" and data.get("is_organisation") and \
            not _text(data, "provider_representative"):
        missing.insert(2, "provider_representative")
    if basis != "individual" and not data.get("received_on"):
        missing.append("received_on")
    if basis == "consent" and data.get("consent_on") is None:
        missing.append("consent_on")
    return missing


def _check_receipt_form(basis: str, form: str, data: Mapping[str, Any]) -> None:
    """The forms a receipt may be recorded in (Rules Art. 23): by opt-out, each time only —
    neither one record for repeated receipt (Art. 23(2)) nor the contract (Art. 23(3),
    treated like Art. 19(3): consent-based only). A record kept until a year or three after
    the last receipt (Rules Art. 25(1)-(2)) needs the days even from an individual."""
    if basis == "opt_out" and form != RecordForm.SINGLE:
        raise RecordError(_("オプトアウトによる提供を受けたときは受領の都度記録します（施行規則"
                            "第23条第2項・第3項）。「提供の都度作成」を選んでください。"),
                          ["form"])
    if basis == "individual" and form != RecordForm.SINGLE and not data.get("received_on"):
        raise RecordError(_("一括して作成する記録や契約書等で代替する記録は、最後に受領した日から"
                            "保存期限を数えます（施行規則第25条）。受領年月日を記入してください。"),
                          ["received_on"])


def enter_receipt_record(user: User, data: Mapping[str, Any]) -> ReceiptRecord:
    """Personal data received from a third party, recorded with the items of Rules Art. 24:
    the provider's name, address and (for an organisation) representative, how the provider
    obtained the data, the persons, the data items and — unless the provider is a private
    individual, not a business operator (Art. 24(1)(iii)) — the days received and the
    consent (or, for opt-out, the days only)."""
    require(user, "provision.manage_records")
    form = data.get("form") or RecordForm.SINGLE
    basis = data.get("basis") or "consent"
    if basis not in RECEIPT_BASES:
        raise RecordError(_("提供を受けた根拠を選んでください。"), ["basis"])
    _refuse_missing(ReceiptRecord, _receipt_missing(data, basis))
    _check_receipt_form(basis, form, data)
    days = _days(data, "received_on", form)
    department = _department(user, data)
    today = clock.today_jst()
    # A single record is kept 3 years from the day it is made, with or without a day of
    # receipt (an individual's record need not name one).
    counted = days or ((today,) if form == RecordForm.SINGLE else ())
    with transaction.atomic():
        record = ReceiptRecord.objects.create(
            organisation=user.organisation, department=department, form=form,
            consent=_statement(data, days) if basis == "consent" else "",
            provider_name=_text(data, "provider_name"),
            provider_address=_text(data, "provider_address"),
            provider_representative=(_text(data, "provider_representative")
                                     if basis != "individual" else ""),
            how_obtained=_text(data, "how_obtained"), persons=_text(data, "persons"),
            data_items=_text(data, "data_items"), received_on=[d.isoformat() for d in days],
            keep_until=keep_record_until(form, counted, "rules", 25, recorded_on=today)[0],
            created_by=user, created_at=clock.now())
        audit.record("provision.receipt_entered", user=user, obj=record, detail={
            "form": form, "basis": basis, "received_on": record.received_on,
            "keep_until": record.keep_until.isoformat()})
    return record


# --- erasure of expired records ---------------------------------------------------------------


def erase_expired(today: dt.date | None = None) -> int:
    """The daily job: erase every record whose keep-until day has passed (from the next day;
    never one whose provision has no day yet). Returns how many were erased; running it again
    the same day erases nothing more."""
    today = today or clock.today_jst()
    erased = 0
    for kind, model in MODELS.items():
        due = model.objects.filter(erased_at__isnull=True, keep_until__isnull=False,
                                   keep_until__lt=today)
        for pk in list(due.values_list("pk", flat=True)):
            erased += _erase(kind, pk, today)
    return erased


def _erase(kind: str, pk: int, today: dt.date) -> int:
    model = MODELS[kind]
    with transaction.atomic():
        record = model.objects.select_for_update().get(pk=pk)
        if record.erased_at is not None or not may_erase_record(record.keep_until, today):
            return 0
        fields = PERSONAL_FIELDS[kind]
        content = json.dumps({f: getattr(record, f) for f in fields}, ensure_ascii=False,
                             sort_keys=True).encode()
        now = clock.now()
        for name in fields:
            setattr(record, name, "")
        record.erased_at = now
        record.save(update_fields=[*fields, "erased_at"])
        what = f"{'提供記録' if kind == 'provision' else '確認記録'} #{record.pk}"
        deletion = DeletionRecord.objects.create(
            object_id="", sha256=hashlib.sha256(content).hexdigest(), size=len(content),
            what=what, rule=RETENTION_RULE[kind], method=ERASE_METHOD, erased_at=now,
            erased_by="system", detail={"record": f"provision.{model.__name__.lower()}:{pk}",
                                        "keep_until": record.keep_until.isoformat(),
                                        "fields": list(fields)})
        action = "provision.record_erased" if kind == "provision" else "provision.receipt_erased"
        audit.record(action, obj=record, detail={
            "deletion_record": deletion.pk, "rule": RETENTION_RULE[kind],
            "keep_until": record.keep_until.isoformat()})
    return 1


# --- reading the register ---------------------------------------------------------------------


def _model(kind: str) -> type[models.Model]:
    if kind not in MODELS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)} (got {kind!r})")
    return MODELS[kind]


def visible_records(user: User, kind: str = "provision") -> QuerySet[Any]:
    """The records of `kind` this person may read: the whole organisation's for the privacy
    officer and auditors, their own department's for a manager."""
    require(user, "provision.view_records")
    rows = _model(kind).objects.filter(organisation=user.organisation_id)
    return department_scope(user, rows).select_related("department", "created_by")


def filtered_records(user: User, kind: str, *, text: str = "", state: str = "",
                     department: int | None = None) -> QuerySet[Any]:
    """The register page's rows (audited: recipients and persons are personal data)."""
    rows = visible_records(user, kind)
    if state == "kept":
        rows = rows.filter(erased_at__isnull=True)
    elif state == "erased":
        rows = rows.filter(erased_at__isnull=False)
    if department:
        rows = rows.filter(department=department)
    name = "recipient_name" if kind == "provision" else "provider_name"
    for term in text.split():
        rows = rows.filter(Q(**{f"{name}__icontains": term}) | Q(persons__icontains=term)
                           | Q(data_items__icontains=term))
    audit.record("provision.records_viewed", user=user, detail={
        "kind": kind, "text": text, "state": state, "department": department})
    return rows


def open_record(user: User, kind: str, pk: int) -> Any:
    """One record for its page, or None when it is not this person's to read (audited)."""
    record = visible_records(user, kind).filter(pk=pk).first()
    if record is not None:
        audit.record("provision.record_viewed", user=user, obj=record, detail={"kind": kind})
    return record


def _cell(value: Any) -> str:
    """Typed text must not become a spreadsheet formula when the CSV is opened in Excel."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_header(kind: str) -> list[str]:
    names = (["form", "provided_on", "consent", "opt_out_on", "recipient_name",
              "recipient_address", "recipient_representative"] if kind == "provision" else
             ["form", "received_on", "consent", "provider_name", "provider_address",
              "provider_representative", "how_obtained"])
    model = _model(kind)
    return ["#", _("部署"), *(_label(model, n) for n in names), _label(model, "persons"),
            _label(model, "data_items"), _("受付番号"), _label(model, "keep_until"),
            _("作成日時"), _("消去日時")]


def _csv_row(kind: str, record: Any) -> list[Any]:
    def instant(value: dt.datetime | None) -> str:
        return value.astimezone(clock.JST).isoformat(timespec="seconds") if value else ""

    if kind == "provision":
        own = [record.get_form_display(), " ".join(record.provided_on), record.consent,
               record.opt_out_on or "", record.recipient_name, record.recipient_address,
               record.recipient_representative]
        number = record.request.number if record.request_id else ""
    else:
        own = [record.get_form_display(), " ".join(record.received_on), record.consent,
               record.provider_name, record.provider_address, record.provider_representative,
               record.how_obtained]
        number = ""
    return [record.pk, record.department or "", *own, record.persons, record.data_items,
            number, record.keep_until or "", instant(record.created_at),
            instant(record.erased_at)]


def records_csv(user: User, kind: str) -> Iterator[str]:
    """The register as CSV lines (UTF-8 with a BOM, so Excel opens the Japanese), for an
    audit. Exporting is itself recorded in the audit chain."""
    rows = visible_records(user, kind).order_by("pk")
    if kind == "provision":
        rows = rows.select_related("request")
    audit.record("provision.records_exported", user=user, detail={
        "kind": kind, "count": rows.count()})
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(csv_header(kind))
        for record in rows.iterator(chunk_size=500):
            yield writer.writerow([_cell(v) for v in _csv_row(kind, record)])

    return lines()


def records_about(user: User, text: str) -> list[ProvisionRecord]:
    """The kept provision records this person may read whose persons or data items mention
    every word of `text` (for a person's disclosure request: which records are about them).
    Scoped like the register (a manager: their own department's), and audited with the
    length of what was searched for, never the text itself (it describes a person)."""
    rows = visible_records(user, "provision").filter(erased_at__isnull=True)
    terms = text.split()
    found: list[ProvisionRecord] = []
    if terms:
        for term in terms:
            rows = rows.filter(Q(persons__icontains=term) | Q(data_items__icontains=term))
        found = list(rows.order_by("pk"))
    audit.record("provision.records_searched", user=user, detail={
        "kind": "provision", "text_length": len(text), "count": len(found)})
    return found


def department_choices(user: User) -> QuerySet[Department]:
    """The departments a person may enter a record for (as `_department` decides)."""
    own = Department.objects.filter(organisation=user.organisation_id)
    if allows(user, "provision.manage_all_records"):
        return own
    return own.filter(pk=user.department_id)


def filter_departments(user: User) -> QuerySet[Department]:
    """The departments the register can be narrowed to: those whose records this person
    reads."""
    return department_scope(user, Department.objects.filter(
        organisation=user.organisation_id), "pk")


# --- the request page's panel -----------------------------------------------------------------


def reason_lines(decision: Decision) -> list[str]:
    """Why a record is (not) made, with its article, and — when none is made for a provision
    that goes ahead — on what the provision rests, with its article."""
    view = wording.decision_view(decision)
    lines = [f"{view['record_text']}（{view['record_article']}）"]
    if not decision.record_required and decision.allowed:
        lines.append(f"{view['allowed_text']}（{view['allowed_article']}）")
    return lines


def _decision_now(request: ProvisionRequest) -> Decision | None:
    try:
        return assess_request(request)
    except ValueError:
        return None


def panel(http: HttpRequest, request: ProvisionRequest) -> str:
    """The records section of the request page: the record(s) made for it with their
    keep-until day, or — when none is required — why."""
    user = http.user
    records = list(request.records.order_by("pk"))
    decision = None if records else _decision_now(request)
    if not records and decision is None:
        return ""
    return render_to_string("provision/records_panel.html", {
        "records": records, "decision": decision,
        "reasons": reason_lines(decision) if decision is not None else [],
        "can_open": allows(user, "provision.view_records")}, request=http)


def article_from_code(code: str) -> Article:
    """The Article of `Article.code()` (act:29:1:proviso), as a 経過 line stores it."""
    law, article, *rest = code.split(":")
    proviso = rest[-1:] == ["proviso"]
    numbers = [int(part) for part in (rest[:-1] if proviso else rest)]
    paragraph, item = (numbers + [None, None])[:2]
    if law == "rules" and len(numbers) == 1 and article in ("21", "25"):
        paragraph, item = None, numbers[0]  # Rules Arts. 21, 25 have items, no paragraphs
    return Article(law, int(article), paragraph, item, proviso)


def _shown_day(iso: str | None) -> str:
    return wording.keep_until_text(dt.date.fromisoformat(iso)) if iso else "—"


def _not_required_line(event: Any) -> str:
    detail = event.detail or {}
    because = detail.get("because", "")
    words = wording.record_reason_text(because) if because in RECORD_REASONS else because
    article = wording.article_text(article_from_code(detail["article"])) \
        if detail.get("article") else ""
    return _("提供記録は作成しません。%(words)s%(article)s") % {
        "words": words, "article": f"（{article}）" if article else ""}


def _created_line(event: Any) -> str:
    detail = event.detail or {}
    return _("提供記録 #%(record)s を作成しました（保存期限 %(keep)s）。") % {
        "record": detail.get("record", "—"), "keep": _shown_day(detail.get("keep_until"))}


def _extended_line(event: Any) -> str:
    detail = event.detail or {}
    return _("提供記録 #%(record)s に提供年月日 %(day)s を加えました（保存期限 %(keep)s）。") % {
        "record": detail.get("record", "—"), "day": _shown_day(detail.get("provided_on")),
        "keep": _shown_day(detail.get("keep_until"))}


def register() -> None:
    """The request page's records panel and the words of this area's 経過 lines. Records
    hand nothing over between people (the daily job erases expired ones), so there is no
    alert and no work-queue source here."""
    from hogo.provision.intake import add_wording
    from hogo.provision.panels import add_panel

    add_panel("records", 40, panel)
    add_wording("record_not_required", _not_required_line)
    add_wording("record_created", _created_line)
    add_wording("record_extended", _extended_line)
