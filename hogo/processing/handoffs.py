"""Who must act next on a masking (加工), told at each hand-off, and what waits for whom.

Four hand-offs: a masking is requested (the approver the policy profile names must decide),
approved (the requester learns detection has started), detected (the department's reviewers
must check the detections) and rendered or failed (the requester checks the processed copy).
Each raises exactly one alert per recipient, keyed by the event, in the transaction of the
change, and one mail to those alerted; the actor is never told of their own step. The text is
an AlertText, so each reader sees it in their language and mail is Japanese.

The work queue (対応待ち) shows the same steps as long as they still wait: both services.py
and the background work in work.py call this module, which imports neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import gettext_noop

from hogo import clock
from hogo.accounts.models import User
from hogo.accounts.permissions import allows
from hogo.alerts.services import alert_people
from hogo.alerts.text import AlertText, label_kind
from hogo.alerts.waiting import WaitingItem
from hogo.audit.models import AuditEntry
from hogo.copies.models import Copy
from hogo.processing.models import Processing, ProcessingState
from hogo.registry.models import Channel

REQUESTED = "processing.requested"
APPROVED = "processing.approved"
DETECTED = "processing.detected"
RENDERED = "processing.rendered"
FAILED = "processing.failed"
VIEWED = "copy.viewed"  # hogo.copies.playback's audit action: the requester watched it


def copy_title(copy: Copy) -> str:
    """「複製データ #12（公用車1号 前方）」: words, never the camera's code."""
    camera = dict(Channel.choices).get(copy.channel, copy.channel)
    kind = "加工済み複製データ" if copy.is_processed else "複製データ"
    return f"{kind} #{copy.pk}（{copy.request.vehicle} {camera}）"


def link_to(processing: Processing) -> str:
    return reverse("processing:page", args=[processing.pk])


def _people(processing: Processing, perm: str, *, besides: Iterable[User] = ()) -> list[User]:
    """Active people of the copy's organisation this permission lets act on it."""
    skip = {person.pk for person in besides if person is not None}
    organisation = processing.copy.request.vehicle.department.organisation_id
    candidates = User.objects.filter(is_active=True, organisation=organisation).order_by("pk")
    return [person for person in candidates
            if person.pk not in skip and allows(person, perm, processing)]


def _tell(processing: Processing, event: str, people: list[User], text: AlertText,
          subject: AlertText) -> None:
    """One alert per person for this event (stable key) and one mail to those alerted now
    (Japanese, its link absolute, its dates in the Japanese era)."""
    alert_people(people, event, message=text, key=f"{event}:{processing.pk}",
                 link=link_to(processing), subject=subject)


def requested(processing: Processing) -> None:
    """The approver (the role the profile names, acting for the head) must decide."""
    people = _people(processing, "copies.approve_processing", besides=[processing.requested_by])
    _tell(processing, REQUESTED, people, AlertText(
        gettext_noop("%(who)sさんが%(copy)sの加工（マスキング）を申請しました（%(asked)s）。"
                     "承認又は不承認を判断してください。"),
        # The reason stays on the page: this text also leaves hogo as mail.
        who=str(processing.requested_by), copy=copy_title(processing.copy),
        asked=clock.jst_date(processing.requested_at)),
        AlertText(gettext_noop("[hogo] 加工（マスキング）の承認依頼")))


def approved(processing: Processing) -> None:
    """The requester learns that detection has started (they review it next)."""
    if processing.requested_by_id == processing.decided_by_id:
        return
    _tell(processing, APPROVED, [processing.requested_by], AlertText(
        gettext_noop("%(copy)sの加工（マスキング）が%(who)sさん（%(role)s）により承認されました。"
                     "顔・ナンバープレートの検出を始めています。検出が終わったら結果を確認して"
                     "ください。"),
        copy=copy_title(processing.copy), who=str(processing.decided_by),
        role=processing.decided_as),
        AlertText(gettext_noop("[hogo] 加工（マスキング）が承認されました")))


def detected(processing: Processing) -> None:
    """The department's reviewers must check the detections before anything is rendered."""
    if processing.count_only:
        return
    _tell(processing, DETECTED, _people(processing, "copies.review_processing"), AlertText(
        gettext_noop("%(copy)sの顔・ナンバープレートの検出が終わりました（人数（延べ）"
                     "%(people)s）。検出結果を確認し、加工済み複製データを作成してください。"),
        copy=copy_title(processing.copy), people=processing.people_count or 0),
        AlertText(gettext_noop("[hogo] 加工（マスキング）の検出結果の確認依頼")))


def rendered(processing: Processing) -> None:
    """The requester checks the processed copy before it is used or provided."""
    if processing.result is None:
        return
    _tell(processing, RENDERED, [processing.requested_by], AlertText(
        gettext_noop("%(copy)sから%(made)sを作成しました。利用や提供の前に、加工前と並べて"
                     "再生し確認してください。"),
        copy=copy_title(processing.copy), made=copy_title(processing.result)),
        AlertText(gettext_noop("[hogo] 加工済み複製データができました")))


def failed(processing: Processing) -> None:
    """The requester learns that nothing was made (the reason is on the page)."""
    text = (gettext_noop("%(copy)sの人数の算定に失敗しました。画面で原因を確認してください。")
            if processing.count_only else
            gettext_noop("%(copy)sの検出に失敗しました。画面で原因を確認してください。")
            if processing.analysed_at is None else
            gettext_noop("%(copy)sの加工済み複製データの作成に失敗しました。画面で原因を確認して"
                         "ください。"))
    _tell(processing, FAILED, [processing.requested_by],
          AlertText(text, copy=copy_title(processing.copy)),
          AlertText(gettext_noop("[hogo] 加工（マスキング）に失敗しました")))


def name_kinds() -> None:
    """Name this app's alert kinds for readers of any language (called from ready())."""
    for kind, label in ((REQUESTED, _lazy("加工（マスキング）の承認依頼")),
                        (APPROVED, _lazy("加工（マスキング）の承認")),
                        (DETECTED, _lazy("加工（マスキング）の検出結果の確認依頼")),
                        (RENDERED, _lazy("加工済み複製データの作成")),
                        (FAILED, _lazy("加工（マスキング）の失敗"))):
        label_kind(kind, label)


# -- the work queue ---------------------------------------------------------------------------


def waiting(user: User) -> Iterator[WaitingItem]:
    """Masking to approve, detections to review, processed copies to check (until watched)."""
    if user.organisation_id is None:
        return
    mine = Processing.objects.select_related(
        "copy__request__vehicle__department", "result__request__vehicle").filter(
        copy__request__vehicle__department__organisation=user.organisation_id)
    for item in mine.filter(state=ProcessingState.PENDING, count_only=False):
        if allows(user, "copies.approve_processing", item) and item.requested_by_id != user.pk:
            yield WaitingItem("processing.approve", _("加工（マスキング）の申請を承認"),
                              copy_title(item.copy), link_to(item), item.requested_at)
    for item in mine.filter(state=ProcessingState.REVIEW):
        if allows(user, "copies.review_processing", item):
            yield WaitingItem("processing.review", _("検出結果を確認して加工済み複製データを作成"),
                              copy_title(item.copy), link_to(item),
                              item.analysed_at or item.requested_at)
    made = list(mine.filter(state=ProcessingState.MADE, requested_by=user.pk,
                            result__erased_at__isnull=True))
    watched = set(AuditEntry.objects.filter(
        action=VIEWED, actor_user_id=user.pk, object_type="copies.copy",
        object_id__in=[str(item.result_id) for item in made]).values_list("object_id", flat=True))
    for item in made:
        if str(item.result_id) not in watched:
            yield WaitingItem("processing.check", _("加工済み複製データを再生して確認"),
                              copy_title(item.result),
                              reverse("copies:watch", args=[item.result_id]),
                              item.result.made_at)
