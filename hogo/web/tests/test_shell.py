"""The UI shell: menus by role, Japanese first with English, error pages without tracebacks."""

import pytest

from hogo.web.demo import USERS

MENUS = {
    "privacy": {
        "footage:uploads",
        "media:board",
        "incidents:list",
        "copies:register",
        "web:dashboard",
        "audit:list",
        "accounts:policy",
        "accounts:totp",
    },
    "manager": {
        "media:board",
        "incidents:list",
        "copies:register",
        "web:dashboard",
        "accounts:department",
        "registry:vehicles",
        "accounts:totp",
        "footage:search",
        "footage:uploads",
    },
    "operator": {
        "media:board",
        "incidents:list",
        "copies:register",
        "web:dashboard",
        "registry:vehicles",
        "footage:search",
        "footage:uploads",
    },
    "staff": {"media:board", "incidents:list", "web:dashboard"},
    "auditor": {"media:board", "incidents:list", "copies:register", "web:dashboard", "audit:list",
                "accounts:policy"},
    "sysadmin": {
        "media:board",
        "incidents:list",
        "web:dashboard",
        "accounts:users",
        "accounts:tokens",
        "admin:index",
    },
    "seiso-manager": {
        "media:board",
        "incidents:list",
        "copies:register",
        "web:dashboard",
        "accounts:department",
        "registry:vehicles",
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
