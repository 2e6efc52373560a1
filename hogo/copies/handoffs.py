"""Who must act next on a copy, told at each hand-off, and what waits for whom (対応待ち).

Hand-offs: a copy is requested (the managers who may decide it), approved or refused (the
requester), made or failed (the requester; when the requester may not export it, those who
may). Each raises exactly one alert per recipient, keyed by the event, in the transaction of
the change, and one mail after it commits; the actor is never told of their own step.

The work queue shows what still waits: requests to decide, copies made but never exported
(for those who may export them; not copies for a third-party provision or a person's own
request, which that request hands over), failed copies to try again, and copies whose retention ends
within a week (for the department's manager, who may still record an extension).

Alert text is an AlertText (message id + plain parameters), so each reader sees it in their
language; the mail is its Japanese rendering.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hogo import clock
from hogo.accounts.models import User
from hogo.accounts.permissions import allows
from hogo.alerts.services import mail_people, raise_alert
from hogo.alerts.text import AlertText, as_japanese
from hogo.alerts.waiting import WaitingItem
from hogo.copies.models import Copy, CopyHold, CopyRequest, RequestState
from hogo.media.models import Content
from hogo.registry.models import Channel
from hogo.rules.copies import REQUEST_PURPOSES
from hogo.rules.wareki import format_wareki

REQUESTED = "copies.requested"
APPROVED = "copies.approved"
REFUSED = "copies.refused"
MADE = "copies.made"
FAILED = "copies.failed"
EXPIRY_NOTICE_DAYS = 7


def camera(code: str) -> str:
    """「前方」, never the code."""
    return str(dict(Channel.choices).get(code, code))


def request_title(request: CopyRequest) -> str:
    """「複製申請 #12（公用車1号 前方）」."""
    cameras = "・".join(camera(code) for code in request.channels)
    return f"複製申請 #{request.pk}（{request.vehicle} {cameras}）"


def copy_title(copy: Copy) -> str:
    kind = "加工済み複製データ" if copy.is_processed else "複製データ"
    return f"{kind} #{copy.pk}（{copy.request.vehicle} {camera(copy.channel)}）"


def title_params(request: CopyRequest) -> dict[str, str | int]:
    """The parts of 「複製申請 #12（公用車1号 前方）」 for an AlertText: number, vehicle and
    cameras, already rendered (names, not lazy objects)."""
    return {"number": str(request.pk), "vehicle": str(request.vehicle),
            "cameras": "・".join(camera(code) for code in request.channels)}


def link_to(request: CopyRequest) -> str:
    return reverse("copies:detail", args=[request.pk])


def absolute(path: str) -> str:
    """A link that works from a mail: the configured base URL (HOGO_BASE_URL) before it."""
    base = str(getattr(settings, "HOGO_BASE_URL", "") or "").rstrip("/")
    return f"{base}{path}"


def _people(request: CopyRequest, perm: str, obj: object = None) -> list[User]:
    """Active people of the request's organisation whom this permission lets act."""
    organisation = request.vehicle.department.organisation_id
    candidates = User.objects.filter(is_active=True, organisation=organisation).order_by("pk")
    return [p for p in candidates if allows(p, perm, obj if obj is not None else request)]


def _tell(request: CopyRequest, event: str, key: str, people: Iterable[User], text: AlertText,
          subject: str, *, actor: User | None) -> list[User]:
    """One alert per person (never the actor) for this event and, after commit, one mail."""
    told = [p for p in dict.fromkeys(people) if actor is None or p.pk != actor.pk]
    link = link_to(request)
    for person in told:
        raise_alert(event, message=text, key=f"{key}:user:{person.pk}", recipient=person,
                    link=link)
    if told:
        body = (f"{as_japanese(text)}\n\n{absolute(link)}\n\n"
                f"（{format_wareki(clock.jst_date(request.requested_at))}の申請・"
                "hogo から自動送信）")
        transaction.on_commit(lambda: mail_people(told, f"[hogo] {subject}", body))
    return told


def requested(request: CopyRequest) -> list[User]:
    """The managers who may decide the request (the requester is not one of them)."""
    return _tell(request, REQUESTED, f"copy.requested:{request.pk}",
                 _people(request, "copies.decide"), AlertText(
                     gettext_noop("%(who)sさんが複製申請 #%(number)s（%(vehicle)s %(cameras)s）を"
                                  "申請しました。利用目的と必要な理由を確認し、承認又は不承認を"
                                  "判断してください。"),
                     # The reason stays on the page: it often names people and places, and
                     # this text also leaves hogo as mail.
                     who=str(request.requested_by),
                     **title_params(request)),
                 "複製の承認依頼", actor=request.requested_by)


def decided(request: CopyRequest) -> list[User]:
    """The requester learns the decision (a manager's own request tells nobody)."""
    if request.state == RequestState.REFUSED:
        return _tell(request, REFUSED, f"copy.refused:{request.pk}", [request.requested_by],
                     AlertText(gettext_noop(
                         "複製申請 #%(number)s（%(vehicle)s %(cameras)s）は%(who)sさんにより"
                         "不承認となりました。理由：%(note)s"),
                         who=str(request.decided_by), note=request.decision_note,
                         **title_params(request)),
                     "複製の申請が不承認となりました", actor=request.decided_by)
    return _tell(request, APPROVED, f"copy.approved:{request.pk}", [request.requested_by],
                 AlertText(gettext_noop(
                     "複製申請 #%(number)s（%(vehicle)s %(cameras)s）は%(who)sさんにより"
                     "承認されました。複製データを作成します。"),
                     who=str(request.decided_by), **title_params(request)),
                 "複製の申請が承認されました", actor=request.decided_by)


def _who_exports(request: CopyRequest) -> list[User]:
    """The requester if they may export the copy; otherwise everyone who may."""
    if request.requested_by.is_active and allows(request.requested_by, "copies.request",
                                                 request):
        return [request.requested_by]
    return _people(request, "copies.request")


def made(request: CopyRequest, copies: list[Copy], *, actor: User | None) -> list[User]:
    names = "、".join(f"#{c.pk} {camera(c.channel)}" for c in copies)
    ends = min(c.expires_on for c in copies) if copies else ""
    return _tell(request, MADE, f"copy.made:{request.pk}", _who_exports(request), AlertText(
                 gettext_noop("複製申請 #%(number)s（%(vehicle)s %(cameras)s）の複製データ"
                              "（%(copies)s）を作成しました（保存期間の満了日 %(ends)s）。"
                              "必要な場合は持出し中の記録媒体に暗号化して書き出してください。"),
                 copies=names, ends=ends, **title_params(request)),
                 "複製データができました", actor=actor)


def failed(request: CopyRequest, attempt: int, *, actor: User | None) -> list[User]:
    return _tell(request, FAILED, f"copy.failed:{request.pk}:{attempt}",
                 _who_exports(request),
                 AlertText(gettext_noop(
                     "複製申請 #%(number)s（%(vehicle)s %(cameras)s）の複製データを作成できません"
                     "でした：%(note)s 画面から作成をやり直せます。"),
                     note=request.decision_note, **title_params(request)),
                 "複製データを作成できませんでした", actor=actor)


# -- the work queue ---------------------------------------------------------------------------


def may_retry(user: User, request: CopyRequest) -> bool:
    """Those who decide it, or its requester while they still may request copies."""
    return allows(user, "copies.decide", request) or (
        request.requested_by_id == user.pk and allows(user, "copies.request", request))


def waiting(user: User) -> Iterator[WaitingItem]:
    if user.organisation_id is None:
        return
    requests = CopyRequest.objects.select_related("vehicle__department", "requested_by").filter(
        vehicle__department__organisation=user.organisation_id)
    for request in requests.filter(state=RequestState.PENDING):
        if request.requested_by_id != user.pk and allows(user, "copies.decide", request):
            yield WaitingItem("copy.decide", _("複製の申請を承認又は不承認"),
                              request_title(request), link_to(request), request.requested_at)
    for request in requests.filter(state=RequestState.FAILED):
        if may_retry(user, request):
            yield WaitingItem("copy.retry", _("作成できなかった複製データを作り直す"),
                              request_title(request), link_to(request),
                              request.decided_at or request.requested_at)
    kept = Copy.objects.select_related("request__vehicle__department").filter(
        request__vehicle__department__organisation=user.organisation_id, erased_at__isnull=True)
    exported = set(Content.objects.filter(copy__in=kept).values_list("copy_id", flat=True))
    # A copy for a third-party provision or a person's own request is handed over from that
    # request (whose own work queue asks for it), never exported from here.
    to_export = kept.filter(request__state=RequestState.MADE).exclude(pk__in=exported).exclude(
        request__purpose__in=REQUEST_PURPOSES)
    for copy in to_export:
        if user in _who_exports(copy.request) and allows(user, "media.use", copy):
            yield WaitingItem("copy.export", _("複製データを記録媒体に書き出す"),
                              copy_title(copy), link_to(copy.request), copy.made_at)
    today = clock.today_jst()
    held = CopyHold.objects.filter(released_at__isnull=True).values("copy_id")
    soon = kept.filter(expires_on__gte=today,
                       expires_on__lte=today + dt.timedelta(days=EXPIRY_NOTICE_DAYS)).exclude(
        pk__in=held)
    for copy in soon:
        if copy.department_id == user.department_id and allows(user, "copies.extend", copy):
            since = dt.datetime.combine(copy.expires_on - dt.timedelta(
                days=EXPIRY_NOTICE_DAYS), dt.time(), tzinfo=clock.JST)
            yield WaitingItem("copy.expiring",
                              _("保存期間の満了が近い複製データ（延長が必要なら記録）"),
                              copy_title(copy), link_to(copy.request), since,
                              due_on=copy.expires_on)
