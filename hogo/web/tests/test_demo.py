"""The demo city has one user per role whose printed password works; loading twice is harmless."""

from django.contrib.auth import authenticate
from django.core.management import call_command

from hogo.accounts.models import Organisation, Role, User
from hogo.web.demo import USERS, load_demo


def test_demo_has_every_role(demo):
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert User.objects.get(username="operator").is_operator


def test_printed_passwords_work(demo):
    for demo_user in USERS:
        assert authenticate(username=demo_user.username, password=demo_user.password)


def test_loading_twice_changes_nothing(demo, capsys):
    users = User.objects.count()
    _, created = load_demo()
    call_command("demo")
    assert not created and User.objects.count() == users
    assert Organisation.objects.filter(name="デモ市").count() == 1
    assert "demo-privacy-2026" in capsys.readouterr().out
