"""The system administrator creates accounts; master-data edits in the admin are audited."""

from hogo.accounts.models import User
from hogo.audit.models import AuditEntry


def test_sysadmin_creates_a_staff_account(client_for, demo):
    department = demo.departments.get(code="seiso")
    response = client_for("sysadmin").post("/accounts/users/", {
        "username": "seiso-staff", "display_name": "清掃 七郎", "department": department.pk,
        "role": "staff", "password": "kuruma-seiso-2026!"}, follow=True)
    assert "アカウントを作成しました" in response.content.decode()
    created = User.objects.get(username="seiso-staff")
    assert created.department == department and created.password.startswith("argon2")
    assert AuditEntry.objects.filter(action="account.created", actor="user:sysadmin",
                                     object_id=str(created.pk)).exists()


def test_weak_password_is_refused_in_japanese(client_for, demo):
    department = demo.departments.get(code="seiso")
    response = client_for("sysadmin").post("/accounts/users/", {
        "username": "weak", "display_name": "弱い", "department": department.pk,
        "role": "staff", "password": "12345"})
    assert "このパスワードは短すぎます" in response.content.decode()
    assert not User.objects.filter(username="weak").exists()


def test_admin_edit_of_a_vehicle_is_audited(client_for, demo):
    department = demo.departments.get(code="kanzai")
    response = client_for("sysadmin").post("/admin/registry/vehicle/add/", {
        "department": department.pk, "registration": "デモ 300 さ 10-03",
        "kind": "official_car", "label": "公用車3号"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="admin.added")
    assert entry.actor == "user:sysadmin" and entry.object_type == "registry.vehicle"


def test_staff_cannot_open_the_admin(client_for):
    """Anyone but the system administrator gets hogo's own 403 page, audited; someone not
    logged in goes to hogo's log-in, never the admin's."""
    from hogo.audit.models import AuditEntry

    for login in ("staff", "privacy", "manager"):
        response = client_for(login).get("/admin/registry/vehicle/")
        assert response.status_code == 403
        page = response.content.decode()
        assert "アクセスできません" in page and 'class="error-page"' in page
        assert "Django" not in page
    assert AuditEntry.objects.filter(action="access.denied", actor="user:staff").exists()
    from django.test import Client

    anonymous = Client().get("/admin/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert client_for("sysadmin").get("/admin/").status_code == 200
