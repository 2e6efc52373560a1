"""The UI shell: menus by role, Japanese first with English, error pages without tracebacks."""

import pytest

from hogo.web.demo import USERS

MENUS = {
    "privacy": {
        "footage:uploads",
        "media:board", "media:cabinets",
        "incidents:list", "provision:inbox", "requests:inbox", "complaints:list",
                "provision:records",
        "copies:register",
        "web:dashboard",
        "audit:list",
        "audit:flags",
        "audit:access_report",
        "accounts:policy",
        "accounts:permitted_uses",
        "accounts:totp",
        "notice:edit",
        "notice:history",
        "holdings:register", "accountability:training", "accountability:contractors",
        "accountability:inspections", "accountability:summary",
    },
    "manager": {
        "media:board", "media:cabinets",
        "incidents:list", "provision:inbox", "requests:inbox", "complaints:list",
                "provision:records",
        "copies:register",
        "web:dashboard",
        "accounts:department",
        "holdings:register", "accountability:training", "accountability:contractors",
        "accountability:inspections", "accountability:summary",
        "audit:access_report",
        "registry:vehicles",
        "registry:register",
        "accounts:totp",
        "footage:search",
        "footage:uploads",
    },
    "operator": {
        "media:board", "media:cabinets",
        "incidents:list", "provision:inbox", "requests:inbox", "complaints:list",
        "copies:register",
        "web:dashboard",
        "registry:vehicles",
        "footage:search",
        "footage:uploads",
        "accounts:totp",
    },
    # TOTP for everyone; the system administrator gets no empty board or list.
    "staff": {"media:board", "media:cabinets", "incidents:list", "provision:inbox",
              "requests:inbox", "complaints:list", "web:dashboard", "accounts:totp"},
    "auditor": {"media:board", "media:cabinets", "incidents:list", "provision:inbox",
                "requests:inbox", "complaints:list", "notice:history", "holdings:register",
                "accountability:training", "accountability:contractors",
                "accountability:inspections", "accountability:summary",
                "provision:records", "copies:register",
                "web:dashboard", "audit:list", "audit:flags", "audit:access_report",
                "accounts:policy", "accounts:totp"},
    "sysadmin": {
        "web:dashboard",
        "accounts:totp",
        "accounts:users",
        "accounts:tokens",
        "admin:index",
        "registry:register",
    },
    "seiso-manager": {
        "media:board", "media:cabinets",
        "incidents:list", "provision:inbox", "requests:inbox", "complaints:list",
                "provision:records",
        "copies:register",
        "web:dashboard",
        "accounts:department",
        "holdings:register", "accountability:training", "accountability:contractors",
        "accountability:inspections", "accountability:summary",
        "audit:access_report",
        "registry:vehicles",
        "registry:register",
        "accounts:totp",
        "footage:search",
        "footage:uploads",
    },
}


@pytest.mark.parametrize("username", [u.username for u in USERS])
def test_each_role_sees_only_its_menus(client_for, username):
    response = client_for(username).get("/")
    shown = {item["name"] for item in response.context["menu"]}
    assert shown == MENUS[username]


def test_every_menu_item_opens_a_page_for_whoever_sees_it(client_for):
    """No menu leads to a refusal (the system administrator's included)."""
    for username in MENUS:
        client = client_for(username)
        for item in client.get("/").context["menu"]:
            assert client.get(item["url"]).status_code == 200, (username, item["name"])


def test_a_menu_item_whose_app_is_missing_is_left_out(client_for, monkeypatch):
    from hogo.web import menu

    extra = menu.MenuItem("未完成の画面", "nowhere:index", "web.view_dashboard")
    monkeypatch.setattr(menu, "MENU", (*menu.MENU, extra))
    names = {item["name"] for item in client_for("staff").get("/").context["menu"]}
    assert "nowhere:index" not in names and "web:dashboard" in names


def test_dashboard_shows_the_japanese_era_date(client_for):
    from hogo.clock import today_jst
    from hogo.rules.wareki import format_wareki

    body = client_for("staff").get("/").content.decode()
    assert format_wareki(today_jst()) in body


def test_english_is_available(client_for):
    client = client_for("staff")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert "Dashboard" in body and 'lang="en"' in body


def test_not_found_is_a_japanese_page(client_for):
    response = client_for("staff").get("/no/such/page/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


def test_server_error_page_has_no_traceback(rf, demo):
    from hogo.web.views import server_error

    response = server_error(rf.get("/"))
    body = response.content.decode()
    assert response.status_code == 500 and "システムエラー" in body and "Traceback" not in body


def test_debug_is_off_by_default(settings):
    assert settings.DEBUG is False
