"""The navigation: each item names the permission that shows it, so menus follow roles.

Adding a screen to the menu is one line in MENU: its label (Japanese, translated), its URL
name and the permission (a rule in accounts.permissions) that shows it. An item whose URL
does not resolve (its app not installed yet) is left out and logged, never a broken page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from hogo.accounts.permissions import allows

log = logging.getLogger("hogo.web")


@dataclass(frozen=True)
class MenuItem:
    label: Any
    url_name: str
    perm: str


MENU: tuple[MenuItem, ...] = (
    MenuItem(_("ダッシュボード"), "web:dashboard", "web.view_dashboard"),
    MenuItem(_("職員・操作取扱者"), "accounts:department", "accounts.view_own_department"),
    MenuItem(_("映像の検索"), "footage:search", "footage.search"),
    MenuItem(_("複製データ"), "copies:register", "copies.view_register"),
    MenuItem(_("受信記録"), "footage:uploads", "footage.view_quarantine"),
    MenuItem(_("記録媒体"), "media:board", "media.view_board"),
    MenuItem(_("漏えい等事案"), "incidents:list", "incidents.list"),
    MenuItem(_("第三者提供"), "provision:inbox", "provision.list"),
    MenuItem(_("提供記録・確認記録"), "provision:records", "provision.view_records"),
    MenuItem(_("本人からの請求"), "requests:inbox", "requests.list"),
    MenuItem(_("苦情"), "complaints:list", "complaints.list"),
    MenuItem(_("公表事項"), "notice:edit", "notice.edit"),
    MenuItem(_("公表事項の変更履歴"), "notice:history", "notice.view_history"),
    MenuItem(_("保有個人情報の台帳"), "holdings:register", "holdings.view"),
    MenuItem(_("研修の受講状況"), "accountability:training", "accountability.view_training"),
    MenuItem(_("委託先"), "accountability:contractors", "accountability.view_contractors"),
    MenuItem(_("自己点検"), "accountability:inspections", "accountability.view_inspections"),
    MenuItem(_("年次報告"), "accountability:summary", "accountability.annual_summary"),
    MenuItem(_("車両"), "registry:vehicles", "registry.view_vehicles"),
    MenuItem(_("車両・機器の登録"), "registry:register", "registry.register"),
    MenuItem(_("保管庫と棚卸し"), "media:cabinets", "media.view_board"),
    MenuItem(_("監査ログ"), "audit:list", "audit.view_log"),
    MenuItem(_("アクセスログの注意事項"), "audit:flags", "oversight.view_flags"),
    MenuItem(_("月次アクセス報告"), "audit:access_report", "oversight.access_report"),
    MenuItem(_("運用ポリシー"), "accounts:policy", "policy.view"),
    MenuItem(_("利用目的の登録簿"), "accounts:permitted_uses", "policy.change"),
    MenuItem(_("利用者管理"), "accounts:users", "accounts.manage_users"),
    MenuItem(_("APIトークン"), "accounts:tokens", "accounts.issue_token"),
    MenuItem(_("二要素認証"), "accounts:totp", "accounts.use_totp"),
    MenuItem(_("マスタ管理"), "admin:index", "registry.view_vehicle"),
)


def _url(item: MenuItem) -> str | None:
    try:
        return reverse(item.url_name)
    except NoReverseMatch:
        log.warning("menu item %s: no URL named %r", item.label, item.url_name)
        return None


def menu_for(user: Any) -> list[dict[str, Any]]:
    items = []
    for item in MENU:
        if allows(user, item.perm) and (url := _url(item)) is not None:
            items.append({"label": item.label, "url": url, "name": item.url_name})
    return items


def menu_context(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"menu": menu_for(user) if user is not None else []}
