"""The register of what personal information the organisation holds (R-901, R-902).

A public body keeps a 個人情報ファイル簿 with the Act Art. 75(1) items and publishes it; a
business keeps a register of its 個人情報データベース等 (kind, name, items, department,
purposes, who has access, retention rule, sensitive or not). `sync` writes hogo's own entries
from what it holds — the footage of each department that has vehicles, the records of
persons' requests, complaints and incidents, a business's provision records — so they stay
true; the privacy officer adds what hogo cannot know (paper files, other systems) and decides,
with a reason, to leave a file of fewer than 1,000 persons out of the published register
(Art. 75(2)(i), Art. 74(2)(ix)). A purpose must be specific (`hogo.rules.purposes`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hogo import clock
from hogo.accounts.models import Department, Organisation, Role, User
from hogo.accounts.permissions import require
from hogo.accounts.policy import effective_profile, permitted_uses
from hogo.audit import services as audit
from hogo.complaints.models import Complaint
from hogo.holdings.models import Form, PersonalFile
from hogo.incidents.models import Incident
from hogo.kit.changes import apply_changes
from hogo.kit.refusal import Refused
from hogo.notice.services import notice_of
from hogo.notice.wording import purpose_problems
from hogo.provision.models import ProvisionRecord
from hogo.registry import services as registry
from hogo.registry.models import Vehicle
from hogo.requests.models import PersonalRequest
from hogo.rules import purposes

# Art. 74(2)(ix) with the Cabinet Order: a file of fewer persons than this need not be listed.
EXEMPTION_PERSONS = 1000
TEXTS = ("name", "purpose", "items", "persons", "collected_by", "regular_recipients", "access",
         "retention", "special_procedures", "exemption_reason")
# What the privacy officer may change on an entry hogo keeps (the rest is derived).
DERIVED_EDITABLE = ("regular_recipients", "special_procedures", "exemption_reason")


class HoldingsError(Refused):
    """An entry that cannot be saved as given; Japanese reasons, the field they are about."""


def is_public_body(organisation: Organisation) -> bool:
    return effective_profile(organisation).is_public_body


def register_title(organisation: Organisation) -> str:
    return (_("個人情報ファイル簿") if is_public_body(organisation)
            else _("個人情報データベース等の台帳"))


# --- what hogo holds itself ------------------------------------------------------------


def _uses(organisation: Organisation) -> str:
    return _("、").join(use["label_ja"] for use in permitted_uses(organisation)) or _(
        "車両に係る事故の原因究明及び保険請求等の事務処理")


def _footage(organisation: Organisation, department: Department) -> dict[str, Any]:
    vehicles = list(Vehicle.objects.filter(department=department).order_by("label"))
    cameras = sorted({label for v in vehicles for _code, label in registry.channels_of(v)})
    months = effective_profile(organisation).value("copies.retention_months")
    return {
        "name": _("ドライブレコーダーの映像（%(department)s）") % {"department": department.name},
        "department": department,
        "purpose": _("%(uses)sのため、車両のドライブレコーダーで記録した映像を利用する。") % {
            "uses": _uses(organisation)},
        "items": _("映像（%(cameras)s）、撮影日時、車両（%(vehicles)s）、位置情報") % {
            "cameras": _("・").join(cameras) or "—",
            "vehicles": _("、").join(str(v) for v in vehicles) or "—"},
        "persons": _("車両の周囲及び車内に映った歩行者、運転者、同乗者、他の車両の運転者等"),
        "collected_by": _("車載のドライブレコーダーによる自動記録（記録装置の容量に応じて上書き）"),
        "access": _("管理責任者及び管理責任者が指定した操作取扱者"),
        "retention": _("元データは上書きにより消去。複製データは%(months)sか月（延長の理由が"
                       "あるときを除く）の経過後に暗号化消去。") % {"months": months},
        "sensitive": False, "form": Form.ELECTRONIC, "persons_estimate": None,
    }


def _records(organisation: Organisation, office: Department | None, *, name: str, items: str,
             persons: str, collected_by: str, purpose: str, count: int,
             sensitive: bool = False) -> dict[str, Any]:
    return {"name": name, "department": office, "purpose": purpose, "items": items,
            "persons": persons, "collected_by": collected_by, "sensitive": sensitive,
            "access": _("個人情報保護管理者及び担当する所属の管理責任者・操作取扱者"),
            "retention": _("文書の保存期間の定めによる"), "form": Form.ELECTRONIC,
            "persons_estimate": count}


def derived_entries(organisation: Organisation) -> dict[str, dict[str, Any]]:
    """hogo's own entries, by source: what it can say of each from what it holds."""
    office = Department.objects.filter(
        organisation=organisation, users__role=Role.PRIVACY_OFFICER).first()
    entries = {f"footage:{d.code}": _footage(organisation, d)
               for d in Department.objects.filter(organisation=organisation,
                                                  manages_vehicles=True).order_by("code")
               if Vehicle.objects.filter(department=d).exists()}
    entries["requests"] = _records(
        organisation, office, name=_("本人からの開示等の請求の記録"),
        purpose=_("本人からの開示、訂正、利用停止等の請求に対応し、その経過を記録するため。"),
        items=_("請求者（代理人）の氏名・住所・連絡先、請求の内容、本人確認の記録、決定の内容と"
                "通知、手数料"),
        persons=_("開示等の請求をした者、その代理人及び請求に係る本人"),
        collected_by=_("請求書（窓口・郵送）及び請求フォーム"),
        count=PersonalRequest.objects.filter(organisation=organisation).count())
    entries["complaints"] = _records(
        organisation, office, name=_("苦情の記録"),
        purpose=_("ドライブレコーダー及び個人情報の取扱いに関する苦情に対応し、その経過を記録する"
                  "ため。"),
        items=_("申出人の氏名・連絡先（任意）、苦情の内容、対応と回答"),
        persons=_("苦情を申し出た者"), collected_by=_("窓口、電話、郵送及び受付フォーム"),
        count=Complaint.objects.filter(organisation=organisation).count())
    entries["incidents"] = _records(
        organisation, office, name=_("漏えい等事案の記録"),
        purpose=_("個人情報の漏えい等事案に対応し、個人情報保護委員会への報告と本人への通知を"
                  "行うため。"),
        items=_("事案の概要、関係する本人の数と記録項目、報告・通知の経過、関係職員"),
        persons=_("漏えい等事案に関係する本人及び職員"), collected_by=_("職員からの報告"),
        count=Incident.objects.filter(organisation=organisation).count())
    if not is_public_body(organisation):
        entries["provision_records"] = _records(
            organisation, office, name=_("第三者提供記録・確認記録"),
            purpose=_("個人データの第三者への提供及び第三者からの受領を記録し、本人からの開示の"
                      "請求に応じるため。"),
            items=_("提供先・提供元の氏名又は名称・住所、本人を特定する事項、個人データの項目、"
                    "提供年月日、本人の同意"),
            persons=_("提供又は受領した個人データの本人"),
            collected_by=_("提供・受領の都度の記録"),
            count=ProvisionRecord.objects.filter(organisation=organisation).count())
    return entries


def sync(user: User) -> list[PersonalFile]:
    """Write hogo's own entries from what it holds now (the privacy officer's decisions on
    them — exemption, regular recipients, special procedures — are kept). An entry whose
    source is gone is retired, never deleted."""
    require(user, "holdings.manage")
    organisation = user.organisation
    now, today = clock.now(), clock.today_jst()
    derived = derived_entries(organisation)
    written = []
    with transaction.atomic():
        for source, values in derived.items():
            entry = PersonalFile.objects.filter(organisation=organisation,
                                                source=source).first()
            if entry is None:
                entry = PersonalFile(organisation=organisation, source=source)
            for name, value in values.items():
                setattr(entry, name, value)
            entry.retired_on = None
            entry.updated_at, entry.updated_by = now, user
            entry.save()
            written.append(entry)
        gone = PersonalFile.objects.filter(organisation=organisation, retired_on__isnull=True
                                           ).exclude(source="").exclude(source__in=derived)
        retired = gone.update(retired_on=today)
        audit.record("holdings.synced", user=user, object_type="holdings.personalfile",
                     detail={"entries": len(written), "retired": retired})
    return written


# --- the privacy officer's entries ------------------------------------------------------


def _problems(organisation: Organisation, values: dict[str, Any]) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for name in ("name", "purpose", "items", "persons", "collected_by"):
        if not values.get(name):
            problems[name] = [_("この事項を記入してください。")]
    if values.get("purpose") and purposes.vague_reasons(values["purpose"]):
        problems["purpose"] = purpose_problems(purposes.vague_reasons(values["purpose"]))
    if values.get("exemption_reason"):
        estimate = values.get("persons_estimate")
        if estimate is None or estimate >= EXEMPTION_PERSONS:
            problems["exemption_reason"] = [_(
                "ファイル簿に掲載しないことができるのは、本人の数が%(n)s人未満のファイルだけです"
                "（法第75条第2項第1号、第74条第2項第9号）。本人の数（概数）を記入してください。")
                % {"n": f"{EXEMPTION_PERSONS:,}"}]
    department = values.get("department")
    if department is not None and department.organisation_id != organisation.pk:
        problems["department"] = [_("この団体の所属ではありません。")]
    return problems


def _values(data: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    values = {name: str(data.get(name) or "").strip() for name in TEXTS if name in allowed}
    for name in ("sensitive",):
        if name in allowed:
            values[name] = bool(data.get(name))
    if "form" in allowed:
        values["form"] = data.get("form") if data.get("form") in Form.values else Form.ELECTRONIC
    for name in ("department", "persons_estimate"):
        if name in allowed:
            values[name] = data.get(name)
    return values


MANUAL_FIELDS = (*TEXTS, "department", "sensitive", "form", "persons_estimate")


def add(user: User, data: dict[str, Any]) -> PersonalFile:
    """A file hogo does not know of (paper, another system)."""
    require(user, "holdings.manage")
    values = _values(data, MANUAL_FIELDS)
    problems = _problems(user.organisation, values)
    if problems:
        raise HoldingsError([r for rs in problems.values() for r in rs],
                            field=next(iter(problems)))
    with transaction.atomic():
        entry = PersonalFile.objects.create(organisation=user.organisation, updated_at=clock.now(),
                                            updated_by=user, **values)
        audit.record("holdings.added", user=user, obj=entry, detail={"name": entry.name})
    return entry


def update(user: User, entry: PersonalFile, data: dict[str, Any]) -> PersonalFile:
    """Change an entry: all of a manual one; of hogo's own, only the officer's decisions."""
    require(user, "holdings.manage")
    if entry.organisation_id != user.organisation_id:
        raise HoldingsError(_("他の団体の登録簿は変更できません。"))
    allowed = DERIVED_EDITABLE + ("persons_estimate",) if entry.kept_by_hogo else MANUAL_FIELDS
    values = _values(data, allowed)
    merged = {**{name: getattr(entry, name) for name in MANUAL_FIELDS}, **values}
    problems = _problems(user.organisation, merged)
    if problems:
        raise HoldingsError([r for rs in problems.values() for r in rs],
                            field=next(iter(problems)))
    with transaction.atomic():
        changed = apply_changes(entry, values)
        if changed:
            entry.updated_at, entry.updated_by = clock.now(), user
            entry.save()
            audit.record("holdings.changed", user=user, obj=entry, detail={"changed": changed})
    return entry


def retire(user: User, entry: PersonalFile, on: dt.date | None = None) -> PersonalFile:
    """A manual file no longer kept: retired with its day (the entry stays on record)."""
    require(user, "holdings.manage")
    if entry.kept_by_hogo:
        raise HoldingsError(_("hogoが記録しているファイルは、もとの記録がなくなると自動で廃止に"
                              "なります。"))
    entry.retired_on = on or clock.today_jst()
    entry.updated_at, entry.updated_by = clock.now(), user
    entry.save(update_fields=["retired_on", "updated_at", "updated_by"])
    audit.record("holdings.retired", user=user, obj=entry,
                 detail={"retired_on": entry.retired_on.isoformat()})
    return entry


# --- reading ------------------------------------------------------------------------------


def entries(user: User) -> list[PersonalFile]:
    """The register for staff (every entry, retired and exempt ones marked); audited."""
    require(user, "holdings.view")
    rows = list(PersonalFile.objects.filter(organisation=user.organisation_id).select_related(
        "department"))
    audit.record("holdings.viewed", user=user, object_type="holdings.personalfile",
                 detail={"shown": len(rows)})
    return rows


def find(user: User, pk: int) -> PersonalFile | None:
    return PersonalFile.objects.filter(pk=pk, organisation=user.organisation_id).first()


def published(organisation_pk: int) -> tuple[Organisation, list[PersonalFile]] | None:
    """A public body's published 個人情報ファイル簿 (no personal data: the files' items)."""
    organisation = Organisation.objects.filter(pk=organisation_pk).first()
    if organisation is None or not is_public_body(organisation):
        return None
    rows = [e for e in PersonalFile.objects.filter(organisation=organisation).select_related(
        "department") if e.published]
    return organisation, rows


def requests_received_at(organisation: Organisation) -> str:
    """Where requests about every file are received (Art. 74(1)): the public notice's."""
    kept = notice_of(organisation)
    return kept.requests_where if kept is not None else ""
