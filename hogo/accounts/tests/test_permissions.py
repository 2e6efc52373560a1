"""The one permission layer: role × department × object, the same answer for menus and views."""

import pytest

from hogo.accounts.permissions import allows


@pytest.mark.parametrize(("username", "perm", "expected"), [
    ("auditor", "audit.view_log", True),
    ("privacy", "audit.view_log", True),
    ("manager", "audit.view_log", False),
    ("staff", "audit.view_log", False),
    ("privacy", "policy.change", True),
    ("auditor", "policy.view", True),
    ("auditor", "policy.change", False),
    ("sysadmin", "accounts.manage_users", True),
    ("privacy", "accounts.manage_users", False),
    ("manager", "accounts.designate_operator", True),
    ("operator", "accounts.designate_operator", False),
    ("staff", "accounts.view_own_department", False),
    ("operator", "registry.view_vehicles", True),
    ("staff", "registry.view_vehicles", False),
    ("auditor", "registry.view_vehicles", False),
    ("sysadmin", "registry.change_vehicle", True),
    ("sysadmin", "registry.delete_vehicle", False),
    ("privacy", "registry.change_vehicle", False),
    ("staff", "no.such_permission", False),
])
def test_role_rules(user, username, perm, expected):
    assert allows(user(username), perm) is expected


def test_manager_designates_only_in_own_department(user):
    assert allows(user("manager"), "accounts.designate_operator", user("staff"))
    assert not allows(user("seiso-manager"), "accounts.designate_operator", user("staff"))
    assert not allows(user("manager"), "accounts.designate_operator", user("seiso-manager"))


def test_operator_sees_only_own_department_vehicles(user):
    from hogo.registry.models import Vehicle

    own = Vehicle.objects.get(registration="デモ 300 さ 10-01")
    other = Vehicle.objects.get(registration="デモ 800 す 20-11")
    assert allows(user("operator"), "registry.view_vehicles", own)
    assert not allows(user("operator"), "registry.view_vehicles", other)


def test_disabled_user_is_allowed_nothing(user):
    from hogo.accounts import services

    services.disable_leaver(user("manager"), by=user("sysadmin"))
    assert not allows(user("manager"), "web.view_dashboard")
