"""The identity check of a person's request (本人確認, R-603): which documents were seen, by
whom and when; the copies a postal request sent, kept encrypted while the request is open and
erased (crypto-shredded, with a DeletionRecord) when it closes or is withdrawn.

What counts as enough is `hogo.rules.identity`; a check that does not show the identity is
refused with what is missing, and nothing is recorded. A My Number card may be seen, its
number is never written down: a note that holds twelve digits in a row is refused. Once the
identity is shown, the request goes to those who decide it (R-603: no decision before).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from hogo import clock
from hogo.accounts.models import User
from hogo.accounts.permissions import allows, require
from hogo.alerts.text import AlertText
from hogo.audit import services as audit
from hogo.footage.objects import (
    MAX_DOCUMENT_BYTES,
    DocumentRefused,
    document_type,
    get_store,
    keep_upload,
    shred_unless_needed,
)
from hogo.requests import common
from hogo.requests.models import (
    DocumentKind,
    IdentityCheck,
    IdentityImage,
    PersonalRequest,
    RequestState,
)
from hogo.rules import identity as rules

TO_DECIDE_KIND = "requests.to_decide"

PROBLEMS: dict[str, Any] = {
    rules.UNKNOWN_DOCUMENT: gettext_lazy("確認した書類に、一覧にない種類が含まれています。"),
    rules.NO_DOCUMENT: gettext_lazy(
        "本人確認書類（運転免許証、マイナンバーカード、旅券、在留カードなど）を選んでください。"),
    rules.SECOND_DOCUMENT: gettext_lazy(
        "写真のない書類（健康保険の資格確認書、年金手帳など）は、もう1点の書類と併せて確認して"
        "ください。"),
    rules.RESIDENCE_CERTIFICATE: gettext_lazy(
        "郵送による請求では、本人確認書類の写しに加えて住民票の写しが必要です。"),
    rules.RESIDENCE_CERTIFICATE_DAY: gettext_lazy("住民票の写しの作成日を入力してください。"),
    rules.RESIDENCE_CERTIFICATE_OLD: gettext_lazy(
        "住民票の写しは、書類が届いた日の前30日以内に作成されたものが必要です。"),
    rules.RESIDENCE_CERTIFICATE_AFTER: gettext_lazy(
        "住民票の写しの作成日が、書類が届いた日より後になっています。日付を確認してください。"),
    rules.QUALIFICATION: gettext_lazy(
        "法定代理人の資格を示す書類（戸籍謄本等又は成年後見の登記事項証明書）を確認してください。"),
    rules.POWER_OF_ATTORNEY: gettext_lazy("任意代理人の場合は委任状を確認してください。"),
    rules.PRINCIPAL_DOCUMENT: gettext_lazy(
        "任意代理人の場合は本人の本人確認書類（又はその写し）も確認してください。"),
    rules.PERSONAL_NUMBER_WRITTEN: gettext_lazy(
        "備考に12桁の番号が書かれています。個人番号（マイナンバー）など書類の番号は記録しないで"
        "ください。"),
}


class IdentityRefused(ValueError):
    """The check cannot be recorded as given; Japanese reasons for the form."""

    def __init__(self, reasons: Iterable[Any], codes: Iterable[str] = ()) -> None:
        self.reasons = [str(r) for r in reasons]
        self.codes = list(codes)
        super().__init__(" / ".join(self.reasons))


def document_names(codes: Iterable[str]) -> str:
    names = dict(DocumentKind.choices)
    return _("、").join(str(names.get(code, code)) for code in codes)


def may_check(user: Any, request: PersonalRequest) -> bool:
    """Handlers record the check while the request is open and not yet decided."""
    return request.state in (RequestState.RECEIVED, RequestState.CORRECTION_WAIT,
                             RequestState.IN_PROGRESS) and allows(user, "requests.handle",
                                                                  request)


def may_see_images(user: Any, request: PersonalRequest) -> bool:
    return allows(user, "requests.view_identity", request)


def record_check(user: User, request: PersonalRequest, *, documents: Iterable[str],
                 by_post: bool = False, residence_certificate_on: dt.date | None = None,
                 documents_on: dt.date | None = None, note: str = "",
                 images: Iterable[Any] = ()) -> IdentityCheck:
    """Record a confirmed identity check, with the copies a postal request sent (`images`):
    all of it or nothing — refused (nothing stored) with what is missing or wrong. By post,
    the certificate of residence is measured from `documents_on`, the day the copies
    arrived (default: the request's arrival day; a web request's copies come later). A
    request received and waiting for its check goes on to the deciders."""
    require(user, "requests.handle", request)
    documents = [str(code) for code in dict.fromkeys(documents) if code]
    note, images = (note or "").strip(), [image for image in images if image]
    if not may_check(user, request):
        raise IdentityRefused([_("この請求は決定済み又は完了しているため、本人確認を記録できま"
                                 "せん。")])
    if images and not by_post:
        raise IdentityRefused([_("窓口で提示された書類の画像は保存しません（必要なのは郵送で届いた"
                                 "写しだけです）。")])
    for uploaded in images:
        check_image(uploaded)
    arrived = documents_on or request.received_on
    if arrived > clock.today_jst() or arrived < request.received_on:
        raise IdentityRefused([_("書類が届いた日は、請求が到達した日から今日までの日にして"
                                 "ください。")])
    found = rules.problems(requester_type=request.requester_type, documents=documents,
                           by_post=by_post, residence_certificate_on=residence_certificate_on,
                           received_on=arrived, note=note)
    if found:
        raise IdentityRefused([PROBLEMS[code] for code in found], found)
    with transaction.atomic():
        request = PersonalRequest.objects.select_for_update().get(pk=request.pk)
        check = IdentityCheck.objects.create(
            request=request, documents=documents, by_post=by_post,
            residence_certificate_on=residence_certificate_on if by_post else None,
            confirmed=True, note=note[:2000], checked_by=user, checked_at=clock.now())
        common.log_event(request, "identity_checked", actor=user,
                         audit_action="requests.identity_checked", documents=documents,
                         by_post=by_post, check=check.pk,
                         documents_on=arrived.isoformat() if by_post else "")
        for uploaded in images:
            add_image(user, request, uploaded)
        if request.state == RequestState.RECEIVED:
            request.state = RequestState.IN_PROGRESS
            request.save(update_fields=["state"])
            tell_deciders(request, actor=user)
    return check


def tell_deciders(request: PersonalRequest, *, actor: User | None) -> list[User]:
    """The hand-off to those who decide (the request's department's manager, the privacy
    officer); alerted again when the request moves to another department."""
    return common.tell(
        request, TO_DECIDE_KIND, f"to_decide:{request.department_id}",
        common.people_who(request, "requests.decide"),
        AlertText(gettext_noop("%(kind)s請求 %(number)s（%(requester)s）の本人確認ができました。"
                               "%(due)s までに決定してください。"),
                  kind=request.get_kind_display(), due=request.effective_due_on,
                  **common.title_params(request)),
        AlertText(gettext_noop("本人請求の決定依頼 %(number)s"), **common.title_params(request)),
        actor=actor)


# --- images of the documents (a postal request's copies) ------------------------------------


def check_image(uploaded: Any) -> str:
    """The content type of an uploaded copy (PDF, JPEG, PNG), or IdentityRefused."""
    try:
        return document_type(uploaded)
    except DocumentRefused as refused:
        raise IdentityRefused([IMAGE_REFUSALS[refused.code]()]) from None


IMAGE_REFUSALS = {
    "empty": lambda: _("空のファイルは登録できません。"),
    "too_large": lambda: _("登録できるファイルは%(mb)dMBまでです。") % {
        "mb": MAX_DOCUMENT_BYTES // (1024 * 1024)},
    "not_a_document": lambda: _("登録できるのはPDF、JPEG、PNGのファイルだけです。"),
}


def add_image(user: User, request: PersonalRequest, uploaded: Any) -> IdentityImage:
    """Keep a copy of an ID document, encrypted, until the request closes."""
    require(user, "requests.view_identity", request)
    if not request.is_open:
        raise IdentityRefused([_("完了した請求には本人確認書類の画像を登録できません。")])
    content_type = check_image(uploaded)
    with transaction.atomic():
        kept = keep_upload(uploaded)
        image = IdentityImage.objects.create(
            request=request, stored=kept.stored, filename=kept.filename or _("本人確認書類の画像"),
            content_type=content_type, size=kept.size, sha256=kept.sha256,
            uploaded_by=user, uploaded_at=clock.now())
        common.log_event(request, "image_added", actor=user,
                         audit_action="requests.identity_image_added",
                         filename=image.filename, image=image.pk, sha256=image.sha256)
    return image


def image_of(user: User, pk: int) -> IdentityImage | None:
    return IdentityImage.objects.select_related("request", "stored").filter(
        pk=pk, request__organisation=user.organisation_id).first()


def open_image(user: User, image: IdentityImage) -> io.BytesIO:
    """The decrypted copy for viewing (only who checks identity; audited)."""
    require(user, "requests.view_identity", image.request)
    if image.erased_at is not None or not image.stored.wrapped_key:
        raise LookupError("the identity image was erased")
    data = get_store().read_all(image.stored.object_id, image.stored.wrapped_key)
    audit.record("requests.identity_image_opened", user=user, obj=image.request,
                 detail={"number": image.request.number, "image": image.pk,
                         "sha256": image.sha256})
    return io.BytesIO(data)


def erase_images(request: PersonalRequest, *, by: Any) -> int:
    """Erase every kept ID image of the request (call inside the closing transaction): each
    is crypto-shredded through the storage door with a DeletionRecord. Returns how many."""
    now = clock.now()
    actor = by.username if isinstance(by, User) else (str(by or "") or "system")
    erased = 0
    images = IdentityImage.objects.select_related("stored").filter(request=request,
                                                                   erased_at__isnull=True)
    for image in images.select_for_update(of=("self",)):
        image.erased_at = now
        image.save(update_fields=["erased_at"])
        shred_unless_needed(image.stored, besides=image,
                            what=f"本人確認書類の画像 {image.filename}"
                                 f"（本人請求 {request.number}）",
                            rule="本人確認書類は請求の完了とともに消去する（R-603）",
                            by=actor, now=now)
        erased += 1
    if erased:
        audit.record("requests.identity_images_erased", user=by if isinstance(by, User) else None,
                     obj=request, detail={"number": request.number, "erased": erased})
    return erased
