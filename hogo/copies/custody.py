"""The chain of custody of an exported copy, in words a recipient reads (取扱経過記録).

The audit chain keeps codes (`user:operator`, `copy.requested`); a recipient — an insurer, the
police — reads who did what: 「管財 一郎（総務部 管財課・管理責任者）」 approved the copy,
「操作 次郎（操作取扱者）」 checked the masking. Everything that happened to the copy, to the
request it came from and, for a processed copy, to the copy it was made from is listed, in
the chain's order; single frames looked at while reviewing a masking are counted, not listed.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from hogo.accounts.models import User
from hogo.audit import services as audit
from hogo.audit.labels import action_label
from hogo.copies.models import Copy
from hogo.export import CustodyEvent

# What each step means; the approver and the reviewer are named as such.
ACTIONS = {
    "copy.requested": _("複製の申請"),
    "copy.approved": _("複製の承認（承認者）"),
    "copy.request_refused": _("複製の不承認"),
    "copy.made": _("複製データの作成（再エンコードなしの切り出し）"),
    "copy.failed": _("複製データの作成の失敗"),
    "copy.retried": _("複製データの作成のやり直し"),
    "copy.extended": _("保存期間の延長"),
    "copy.hold_placed": _("証拠保全（消去停止）の設定"),
    "copy.hold_released": _("証拠保全（消去停止）の解除"),
    "copy.viewed": _("複製データの再生（利用目的を記録）"),
    "copy.exported": _("記録媒体への暗号化書き出し"),
    "copy.export_downloaded": _("書き出しファイルの受け取り"),
    "copy.erased": _("複製データの消去"),
    "copy.processing_requested": _("加工（マスキング）の申請"),
    "copy.count_requested": _("人数（延べ）の算定の依頼"),
    "copy.processing_approved": _("加工（マスキング）の承認（承認者）"),
    "copy.processing_refused": _("加工（マスキング）の不承認"),
    "copy.analysed": _("顔・ナンバープレートの自動検出"),
    "copy.processing_reviewed": _("検出結果の確認（確認者）"),
    "copy.processing_started": _("加工済み複製データの作成の開始"),
    "copy.processed": _("加工済み複製データの作成（再エンコード・マスキング済み）"),
    "copy.processing_failed": _("加工（マスキング）の失敗"),
}
COUNTED = {"copy.frame_viewed": _("検出結果の確認のための静止画表示")}


def action_words(code: str) -> str:
    label = ACTIONS.get(code)
    return str(label) if label is not None else action_label(code)


def actor_words(actor: str, user: User | None) -> str:
    """「管財 一郎（総務部 管財課・管理責任者）」; the system as 「hogo（自動処理）」."""
    if user is not None:
        where = f"{user.department}・" if user.department_id else ""
        return f"{user}（{where}{user.role_label}）"
    if actor == "system" or not actor:
        return str(_("hogo（自動処理）"))
    return str(_("外部システム（%(name)s）") % {"name": actor.split(":", 1)[-1]})


def custody_events(copy: Copy) -> list[CustodyEvent]:
    """The copy's history in words, oldest first (Japanese: the package is Japanese)."""
    about = [copy, copy.request] + ([copy.parent] if copy.parent_id else [])
    with translation.override("ja"):
        entries = list(audit.entries_about(*about))
        people = User.objects.select_related("department").in_bulk(
            {e.actor_user_id for e in entries if e.actor_user_id})
        events, counted = [], {}
        for entry in entries:
            if entry.action in COUNTED:
                counted.setdefault(entry.action, []).append(entry)
                continue
            who = actor_words(entry.actor, people.get(entry.actor_user_id))
            events.append(CustodyEvent(entry.at, who, action_words(entry.action)))
        for code, group in counted.items():
            who = "、".join(dict.fromkeys(
                actor_words(e.actor, people.get(e.actor_user_id)) for e in group))
            events.append(CustodyEvent(group[-1].at, who,
                                       f"{COUNTED[code]}（{len(group)}回）"))
    return sorted(events, key=lambda e: e.time)
