"""Alerts reach the department's manager and the privacy officer, and are acknowledged once."""

from hogo.alerts.models import Alert
from hogo.alerts.services import raise_alert
from hogo.audit.models import AuditEntry


def test_alert_is_shown_to_the_right_people_and_acknowledged(client_for, demo):
    kanzai = demo.departments.get(code="kanzai")
    alert = raise_alert("test.alert", department=kanzai, key="k1", message="容量超過のテスト")
    assert raise_alert("test.alert", department=kanzai, key="k1", message="again") == alert
    assert "容量超過のテスト" in client_for("manager").get("/").content.decode()
    assert "容量超過のテスト" in client_for("privacy").get("/").content.decode()
    assert "容量超過のテスト" not in client_for("seiso-manager").get("/").content.decode()
    assert client_for("seiso-manager").post(f"/alerts/{alert.pk}/acknowledge/").status_code == 403
    client_for("manager").post(f"/alerts/{alert.pk}/acknowledge/", HTTP_HX_REQUEST="true")
    alert.refresh_from_db()
    assert alert.acknowledged_by.username == "manager"
    assert AuditEntry.objects.filter(action="alert.acknowledged").exists()
    assert not Alert.objects.filter(acknowledged_at__isnull=True, key="k1").exists()


def test_overdue_notice_check_is_reminded(client_for):
    reminder = "表示の確認から1年以上経っています"
    assert reminder in client_for("seiso-manager").get("/").content.decode()
    assert reminder not in client_for("manager").get("/").content.decode()
