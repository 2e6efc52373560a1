"""Editing the public notice (公表事項, R-601): the draft, its sections and its purposes.

Only the privacy officer edits (`notice.edit`). The first visit makes a draft from what hogo
knows (`drafting`). A purpose must be specific (`rules.purposes.vague_reasons`, R-902); once
the notice has been published, a changed or added purpose also needs a written statement of
why it stays within what is reasonably related to the purposes before (Act Art. 17(2)) —
whether it really does is a judgement, so hogo records the statement, refuses an empty one,
and keeps the before and after text for the history. Nothing here is public until
`publishing.publish` makes a version.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from hogo import clock
from hogo.accounts.models import Organisation, User
from hogo.accounts.permissions import require
from hogo.audit import services as audit
from hogo.kit.changes import apply_changes
from hogo.notice import drafting, wording
from hogo.notice.models import SECURITY_CODES, Notice, Purpose, PurposeChange
from hogo.rules.purposes import vague_reasons, vague_statement

# The draft's plain text fields a section edit may change, with their longest length.
TEXT_FIELDS = {"published_name": 200, "address": 300, "representative": 200,
               "requests_where": 2000, "requests_bring": 4000, "complaints_contact": 2000,
               "association_contact": 2000, "dashcam_text": 2000}
MAX_PURPOSE_DATA = 300
MAX_PURPOSE_TEXT = 1000


class NoticeError(ValueError):
    """An edit that cannot be made; `problems` maps a field name ("" for the whole form) to
    Japanese sentences, so the form marks the field and keeps what was typed."""

    def __init__(self, problems: dict[str, list[str]]) -> None:
        self.problems = problems
        super().__init__(" ".join(text for texts in problems.values() for text in texts))


def notice_of(organisation: Organisation) -> Notice | None:
    """The organisation's notice (its draft), or None before the first visit."""
    return Notice.objects.filter(organisation=organisation).first()


def ensure_draft(user: User) -> Notice:
    """The organisation's notice, made from `drafting.first_draft` on the first visit."""
    require(user, "notice.edit")
    organisation = user.organisation
    with transaction.atomic():
        existing = Notice.objects.select_for_update().filter(organisation=organisation).first()
        if existing is not None:
            return existing
        notice = Notice.objects.create(organisation=organisation, updated_at=clock.now(),
                                       updated_by=user, **drafting.first_draft(organisation))
        for order, (data, text) in enumerate(drafting.purposes(organisation), start=1):
            Purpose.objects.create(notice=notice, order=order, data=data, text=text)
        audit.record("notice.drafted", user=user, obj=notice,
                     detail={"purposes": notice.purposes.count()})
    return notice


def require_own(user: User, notice: Notice) -> None:
    """Only the privacy officer of the notice's own organisation edits or publishes it."""
    require(user, "notice.edit", notice)
    if notice.organisation_id != user.organisation_id:
        raise NoticeError({"": [_("他の組織の公表事項は編集できません。")]})


def is_published(notice: Notice) -> bool:
    """Published at least once: from then on a changed purpose needs its statement."""
    return notice.versions.exists()


def save_sections(user: User, notice: Notice, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Save the draft's text sections and security measures ({code: text}); returns what
    changed ({field: [old, new]}, also audited). The name may not be empty."""
    require_own(user, notice)
    fields = {name: str(values.get(name, getattr(notice, name)) or "").strip()
              for name in TEXT_FIELDS}
    problems: dict[str, list[str]] = {}
    for name, limit in TEXT_FIELDS.items():
        if len(fields[name]) > limit:
            problems[name] = [_("%(limit)s文字以内で入力してください。") % {"limit": limit}]
    if not fields["published_name"]:
        problems["published_name"] = [_("公表する名称を入力してください。")]
    measures = dict(notice.security_measures or {})
    for code, text in (values.get("security_measures") or {}).items():
        if code in SECURITY_CODES:
            measures[code] = str(text or "").strip()
    if problems:
        raise NoticeError(problems)
    with transaction.atomic():
        changed = apply_changes(notice, {**fields, "security_measures": measures})
        if changed:
            notice.updated_at, notice.updated_by = clock.now(), user
            notice.save()
            audit.record("notice.edited", user=user, obj=notice, detail={"changed": changed})
    return changed


def _checked_purpose(notice: Notice, data: str, text: str, reason: str, *,
                     needs_reason: bool) -> tuple[str, str, str]:
    data, text, reason = (data or "").strip(), (text or "").strip(), (reason or "").strip()
    problems: dict[str, list[str]] = {}
    if not data:
        problems["data"] = [_("対象となる個人情報を入力してください（例：ドライブレコーダーで"
                              "記録した映像）。")]
    elif len(data) > MAX_PURPOSE_DATA:
        problems["data"] = [_("%(limit)s文字以内で入力してください。") % {
            "limit": MAX_PURPOSE_DATA}]
    vague = wording.purpose_problems(vague_reasons(text))
    if len(text) > MAX_PURPOSE_TEXT:
        vague.append(_("%(limit)s文字以内で入力してください。") % {"limit": MAX_PURPOSE_TEXT})
    if vague:
        problems["text"] = vague
    if needs_reason:
        unclear = wording.statement_problems(vague_statement(reason))
        if unclear:
            problems["reason"] = unclear
    if problems:
        raise NoticeError(problems)
    return data, text, reason


def _record(user: User, notice: Notice, purpose: Purpose | None, action: str, *,
            before: tuple[str, str], after: tuple[str, str], reason: str) -> PurposeChange:
    change = PurposeChange.objects.create(
        notice=notice, purpose=purpose, before_data=before[0], before_text=before[1],
        after_data=after[0], after_text=after[1], reason=reason, changed_at=clock.now(),
        changed_by=user)
    notice.updated_at, notice.updated_by = change.changed_at, user
    notice.save(update_fields=["updated_at", "updated_by"])
    audit.record(action, user=user, obj=notice, detail={
        "purpose": purpose.pk if purpose else None, "before": list(before),
        "after": list(after), "reason": reason})
    return change


def add_purpose(user: User, notice: Notice, *, data: str, text: str,
                reason: str = "") -> Purpose:
    """A new purpose at the end; after the first publication it needs the statement."""
    require_own(user, notice)
    data, text, reason = _checked_purpose(notice, data, text, reason,
                                          needs_reason=is_published(notice))
    with transaction.atomic():
        last = notice.purposes.aggregate(last=Max("order"))["last"] or 0
        purpose = Purpose.objects.create(notice=notice, order=last + 1, data=data, text=text)
        _record(user, notice, purpose, "notice.purpose_added", before=("", ""),
                after=(data, text), reason=reason)
    return purpose


def change_purpose(user: User, purpose: Purpose, *, data: str, text: str,
                   reason: str = "") -> Purpose:
    """Change a purpose's text or data; refused when nothing changed, when the new text is
    vague, or (once published) without a statement that says why it stays related."""
    notice = purpose.notice
    require_own(user, notice)
    if (data or "").strip() == purpose.data and (text or "").strip() == purpose.text:
        raise NoticeError({"text": [_("利用目的が変更されていません。")]})
    data, text, reason = _checked_purpose(notice, data, text, reason,
                                          needs_reason=is_published(notice))
    with transaction.atomic():
        before = (purpose.data, purpose.text)
        purpose.data, purpose.text = data, text
        purpose.save(update_fields=["data", "text"])
        _record(user, notice, purpose, "notice.purpose_changed", before=before,
                after=(data, text), reason=reason)
    return purpose


def remove_purpose(user: User, purpose: Purpose) -> None:
    """Remove a purpose (narrowing needs no statement); the last one cannot go."""
    notice = purpose.notice
    require_own(user, notice)
    if notice.purposes.count() <= 1:
        raise NoticeError({"": [_("利用目的は1つ以上必要です。削除する前に別の利用目的を追加"
                                  "してください。")]})
    with transaction.atomic():
        _record(user, notice, None, "notice.purpose_removed",
                before=(purpose.data, purpose.text), after=("", ""), reason="")
        purpose.delete()


def purpose_of(user: User, pk: int) -> Purpose | None:
    """The user's organisation's purpose `pk`, or None."""
    return Purpose.objects.filter(pk=pk, notice__organisation=user.organisation_id).first()


def pending_changes(notice: Notice) -> list[PurposeChange]:
    """Edits of purposes not yet published."""
    return list(notice.purpose_changes.filter(version__isnull=True).select_related(
        "changed_by"))
