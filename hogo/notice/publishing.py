"""Publishing the notice (R-601) and its dated history (R-902): the snapshot of the draft, what
still blocks publication, the version it becomes, and what the public pages read.

A version holds the full text as published (its snapshot), so the public page and the
history show exactly what a reader saw, whatever the draft or the profile says later. What a
snapshot holds follows the organisation's profile: a public body publishes under Chapter 5
(its requests are the 開示請求, 訂正請求 and 利用停止請求); a business the items of Act Art.
32(1) — its address and representative (i), the purposes (ii), how to make each request and
the fees (iii, with Art. 38), and the security measures and complaints contact (iv); a member
of an association (a driving school) also that association's complaints contact.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from hogo import clock
from hogo.accounts.models import Organisation, User
from hogo.accounts.permissions import allows, require
from hogo.accounts.policy import citation, effective_profile
from hogo.accounts.public_forms import public_organisation
from hogo.alerts.waiting import WaitingItem
from hogo.audit import services as audit
from hogo.notice import services, wording
from hogo.notice.models import SECURITY_CATEGORIES, SECURITY_CODES, Notice, NoticeVersion
from hogo.requests import deadlines
from hogo.rules.purposes import vague_reasons
from hogo.rules.requests import KINDS, RequestRuleError

MAX_NOTE = 500
# The other apps' public forms, by the profile section that opens each.
PUBLIC_FORMS = {"requests": "requests_public:form", "complaints": "complaints_public:form"}


class PublishRefused(ValueError):
    """The draft cannot be published as it is; `problems` are Japanese sentences."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(" ".join(problems))


def _requests(organisation: Organisation, notice: Notice) -> dict[str, Any]:
    """How to make each request the organisation's chapter of the Act knows, and its fee."""
    fees = deadlines.fees(organisation)
    kinds = []
    for kind in KINDS:
        try:
            articles = deadlines.articles(organisation, kind)
        except RequestRuleError:  # a public body has no purpose notification (Art. 75)
            continue
        amount = int(fees.get(kind, 0) or 0)
        kinds.append({"code": kind, "right": articles.get("right", ""), "amount": amount,
                      "per": fees.get("per", "request"), "free": amount == 0})
    return {"where": notice.requests_where, "bring": notice.requests_bring, "kinds": kinds,
            "copy_sheet": int(fees.get("copy_sheet", 0) or 0),
            "copy_disc": int(fees.get("copy_disc", 0) or 0),
            "fee_rule": citation(organisation, "request_fee"),
            "procedure_rule": citation(organisation, "request_procedure")}


def snapshot(notice: Notice) -> dict[str, Any]:
    """Everything the public page shows, as plain data (what a version keeps)."""
    organisation = notice.organisation
    public_body = effective_profile(organisation).is_public_body
    measures = notice.security_measures or {}
    return {
        "name": notice.published_name, "public_body": public_body,
        "address": "" if public_body else notice.address,
        "representative": "" if public_body else notice.representative,
        "purposes": [{"data": p.data, "text": p.text} for p in notice.purposes.all()],
        "requests": _requests(organisation, notice),
        "security": [] if public_body else [
            {"code": code, "text": measures.get(code, "")} for code in SECURITY_CODES],
        "complaints": notice.complaints_contact,
        "complaints_rule": citation(organisation, "complaints"),
        "association": notice.association_contact,
        "dashcam": notice.dashcam_text,
        "notice_rule": citation(organisation, "public_notice"),
    }


def _association_needed(organisation: Organisation) -> bool:
    """A member of an association reporting to it (the profile's association report, a
    driving school) publishes that association's complaints contact too."""
    return bool(effective_profile(organisation).value("incidents.association_report"))


def problems(notice: Notice) -> list[str]:
    """What must be filled in (or fixed) before the draft can be published."""
    shown = snapshot(notice)
    found = []
    if not shown["purposes"]:
        found.append(_("利用目的を1つ以上記入してください。"))
    for number, purpose in enumerate(shown["purposes"], start=1):
        for text in wording.purpose_problems(vague_reasons(purpose["text"])):
            found.append(_("利用目的%(n)s：%(text)s") % {"n": number, "text": text})
    if not shown["requests"]["where"]:
        found.append(_("開示等の請求の受付窓口・送付先を記入してください。"))
    if not shown["complaints"]:
        found.append(_("苦情の申出先を記入してください。"))
    if not shown["public_body"]:
        if not shown["address"]:
            found.append(_("住所を記入してください（個人情報保護法第32条第1項第1号）。"))
        if not shown["representative"]:
            found.append(_("代表者の氏名を記入してください（個人情報保護法第32条第1項第1号）。"))
        empty = [str(label) for code, label in SECURITY_CATEGORIES
                 if not any(m["code"] == code and m["text"] for m in shown["security"])]
        if empty:
            found.append(_("安全管理措置の次の項目を記入してください：%(items)s") % {
                "items": _("、").join(empty)})
    if _association_needed(notice.organisation) and not shown["association"]:
        found.append(_("所属する認定個人情報保護団体の名称及び苦情の申出先を記入してください。"))
    return found


def changed_sections(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    """The section codes (`wording.SECTIONS`) whose content differs between two snapshots."""
    keys = {"name": ("name",), "address": ("address",), "representative": ("representative",),
            "purposes": ("purposes",), "requests": ("requests",), "security": ("security",),
            "complaints": ("complaints", "complaints_rule"), "association": ("association",),
            "dashcam": ("dashcam",)}
    if before is None:
        return []
    return [code for code, names in keys.items()
            if any(before.get(name) != after.get(name) for name in names)]


def has_unpublished(notice: Notice) -> bool:
    """The draft differs from what is published (or nothing is published yet)."""
    current = notice.current_version
    return current is None or current.snapshot != snapshot(notice)


def publish(user: User, notice: Notice, *, note: str = "") -> NoticeVersion:
    """Make the draft the published notice: a new numbered version with its date, who
    published it, a summary of what changed and the full snapshot; the pending purpose edits
    become part of it. Refused while something is missing or nothing changed."""
    services.require_own(user, notice)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise PublishRefused([_("変更の概要は%(n)s文字以内で入力してください。") % {"n": MAX_NOTE}])
    with transaction.atomic():
        Notice.objects.select_for_update().filter(pk=notice.pk).first()
        found = problems(notice)
        if found:
            raise PublishRefused(found)
        current = notice.current_version
        shown = snapshot(notice)
        if current is not None and current.snapshot == shown:
            raise PublishRefused([_("公表中の内容から変更がありません。")])
        sections = changed_sections(current.snapshot if current else None, shown)
        summary = (_("初版を公表しました。") if current is None else
                   _("%(sections)sを変更しました。") % {
                       "sections": wording.section_names(sections)})
        if note:
            summary = f"{summary}{note}"
        number = (notice.versions.aggregate(last=Max("number"))["last"] or 0) + 1
        version = NoticeVersion.objects.create(
            notice=notice, number=number, published_at=clock.now(), published_by=user,
            summary=summary, snapshot=shown)
        pending = notice.purpose_changes.filter(version__isnull=True)
        edits = pending.update(version=version)
        audit.record("notice.published", user=user, obj=notice, detail={
            "version": number, "sections": sections, "purpose_changes": edits,
            "summary": summary})
    return version


def history(user: User, notice: Notice) -> list[NoticeVersion]:
    """Every version, newest first, with its purpose edits (privacy officer, auditors)."""
    require(user, "notice.view_history", notice)
    return list(notice.versions.select_related("published_by").prefetch_related(
        "purpose_changes__changed_by"))


def notice_for_history(user: User) -> Notice | None:
    """The history page's notice (the user's organisation's), for those who may read it."""
    require(user, "notice.view_history")
    return services.notice_of(user.organisation)


# --- what the public pages read (no log-in) ----------------------------------------------------


def published_organisations() -> list[tuple[Organisation, NoticeVersion]]:
    """Each organisation with a published notice and its current version, by name."""
    rows = []
    for notice in Notice.objects.select_related("organisation").order_by("published_name"):
        current = notice.current_version
        if current is not None:
            rows.append((notice.organisation, current))
    return rows


def published(organisation_pk: int) -> tuple[NoticeVersion, list[NoticeVersion]] | None:
    """The organisation's current version and every version (for the dated list of changes),
    or None when nothing is published."""
    notice = Notice.objects.filter(organisation=organisation_pk).first()
    if notice is None:
        return None
    versions = list(notice.versions.order_by("-number"))
    return (versions[0], versions) if versions else None


def public_forms(organisation: Organisation) -> dict[str, str]:
    """The public request and complaint forms this organisation opens ({"requests": url,
    "complaints": url}): only where its profile opens them and the installation serves it."""
    if public_organisation() != organisation:
        return {}
    profile = effective_profile(organisation)
    links = {}
    for app, name in PUBLIC_FORMS.items():
        if not profile.value(f"{app}.public_form"):
            continue
        try:
            links[app] = reverse(name)
        except NoReverseMatch:  # that app has no public form (yet)
            continue
    return links


def waiting_items(user: User) -> Iterator[WaitingItem]:
    """For the privacy officer: a draft with edits that are not yet published."""
    if not getattr(user, "organisation_id", None) or not allows(user, "notice.edit"):
        return
    notice = services.notice_of(user.organisation)
    if notice is None or not has_unpublished(notice):
        return
    yield WaitingItem("notice.publish", _("公表事項の変更を公表"),
                      _("公表事項（%(name)s）に未公表の変更があります") % {
                          "name": notice.published_name},
                      reverse("notice:edit"), notice.updated_at)
