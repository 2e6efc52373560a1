"""The navigation: each item names the permission that shows it, so menus follow roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hogo.accounts.permissions import allows


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
    MenuItem(_("記録媒体"), "media:board", "media.view"),
    MenuItem(_("漏えい等事案"), "incidents:list", "incidents.report"),
    MenuItem(_("車両"), "registry:vehicles", "registry.view_vehicles"),
    MenuItem(_("監査ログ"), "audit:list", "audit.view_log"),
    MenuItem(_("運用ポリシー"), "accounts:policy", "policy.view"),
    MenuItem(_("利用者管理"), "accounts:users", "accounts.manage_users"),
    MenuItem(_("APIトークン"), "accounts:tokens", "accounts.issue_token"),
    MenuItem(_("二要素認証"), "accounts:totp", "accounts.use_totp"),
    MenuItem(_("マスタ管理"), "admin:index", "registry.view_vehicle"),
)


def menu_for(user: Any) -> list[dict[str, Any]]:
    return [{"label": item.label, "url": reverse(item.url_name), "name": item.url_name}
            for item in MENU if allows(user, item.perm)]


def menu_context(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"menu": menu_for(user) if user is not None else []}
