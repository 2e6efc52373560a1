"""A manager designates operators from their own staff in the UI (Ashiya rule Art. 4(3))."""

from hogo.audit.models import AuditEntry


def test_manager_designates_and_revokes_with_htmx(client_for, user):
    staff = user("staff")
    manager = client_for("manager")
    response = manager.post(f"/accounts/department/{staff.pk}/designate/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "操作取扱者" in response.content.decode()
    assert user("staff").is_operator
    assert AuditEntry.objects.filter(action="operator.designated", actor="user:manager",
                                     object_id=str(staff.pk)).exists()

    manager.post(f"/accounts/department/{staff.pk}/revoke/", HTTP_HX_REQUEST="true")
    assert not user("staff").is_operator
    assert staff.designations.count() == 1  # history kept


def test_other_department_manager_is_refused(client_for, user):
    response = client_for("seiso-manager").post(
        f"/accounts/department/{user('staff').pk}/designate/")
    assert response.status_code == 403
    assert not user("staff").is_operator


def test_staff_opening_a_manager_page_gets_a_japanese_403(client_for):
    response = client_for("staff").get("/accounts/department/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "アクセスできません" in body and "Traceback" not in body


def test_department_page_lists_only_own_staff(client_for):
    body = client_for("manager").get("/accounts/department/").content.decode()
    assert 'data-username="staff"' in body and 'data-username="seiso-manager"' not in body
