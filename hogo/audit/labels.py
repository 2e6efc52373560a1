"""Japanese labels for audit actions and object types, so people read 「ログイン」, not codes.

The code stays in the chain (and the CSV); only the screens translate it. An action without a
label is shown as its code.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "login.succeeded": _("ログイン"),
    "login.failed": _("ログイン失敗"),
    "login.locked": _("アカウントのロック"),
    "login.refused_locked": _("ロック中のためログイン拒否"),
    "login.failures_summary": _("不明なIDなどによるログイン失敗の集計"),
    "logout": _("ログアウト"),
    "access.denied": _("アクセス拒否"),
    "account.created": _("アカウント作成"),
    "account.disabled": _("アカウント無効化（退職）"),
    "account.unlocked": _("ロック解除"),
    "account.totp_enabled": _("二要素認証の有効化"),
    "account.totp_disabled": _("二要素認証の解除"),
    "operator.designated": _("操作取扱者の指定"),
    "operator.revoked": _("操作取扱者の指定取消し"),
    "token.issued": _("APIトークン発行"),
    "token.revoked": _("APIトークン失効"),
    "policy.override": _("運用ポリシーの変更"),
    "audit.viewed": _("監査ログの閲覧"),
    "audit.exported": _("監査ログのCSV出力"),
    "audit.verified": _("監査ログの検証"),
    "audit.chain_broken": _("監査ログの改ざん検出"),
    "footage.quarantine_erased": _("隔離ファイルの消去"),
    "footage.quarantine_released": _("隔離ファイルの元データ登録"),
    "footage.orphans_swept": _("鍵のない保存データの削除"),
    "keys.backed_up": _("マスター鍵のバックアップ"),
    "admin.added": _("マスタ登録"),
    "admin.changed": _("マスタ変更"),
    "admin.deleted": _("マスタ削除"),
    "incident.reported": _("漏えい等事案の報告"),
    "incident.viewed": _("漏えい等事案の閲覧"),
    "incident.escalated": _("未確認の事故報告の上位通知"),
    "incident.facts": _("漏えい等事案の事実の更新"),
    "incident.assessed": _("報告要否の判定"),
    "incident.awareness": _("覚知の記録"),
    "incident.linked": _("関係するデータの追加"),
    "incident.filed": _("報告の提出の記録"),
    "incident.step_done": _("事案対応の完了"),
    "incident.step_waived": _("事案対応を不要と判断"),
    "incident.closed": _("漏えい等事案の完了"),
    "incident.document_drafted": _("事案文書の作成"),
    "incident.document_edited": _("事案文書の編集"),
    "incident.document_regenerated": _("事案文書の作り直し"),
    "incident.document_issued": _("事案文書の発行"),
}
OBJECT_TYPES = {
    "accounts.user": _("職員"),
    "accounts.organisation": _("組織"),
    "accounts.machinetoken": _("APIトークン"),
    "accounts.department": _("所属"),
    "registry.vehicle": _("車両"),
    "incidents.incident": _("漏えい等事案"),
}


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, code))


def object_label(object_type: str, object_id: str) -> str:
    if not object_type:
        return ""
    return f"{OBJECT_TYPES.get(object_type, object_type)} #{object_id}"
