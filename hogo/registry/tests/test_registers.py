"""Vehicles and recorders are registered on hogo's own screens, with the cameras each really
has; refusals are Japanese and keep what was typed; every change is audited."""

import datetime as dt
import json

import pytest

from hogo import clock
from hogo.audit.models import AuditEntry
from hogo.registry import services
from hogo.registry.models import Recorder, Vehicle, VehicleKind


@pytest.fixture
def kanzai(demo):
    return demo.departments.get(code="kanzai")


def _vehicle(client, kanzai, registration="デモ 300 さ 10-99", **extra):
    return client.post("/registry/register/vehicles/new/", {
        "department": kanzai.pk, "registration": registration, "kind": "official_car",
        "label": "公用車9号", **extra})


def test_the_system_administrator_registers_a_vehicle_and_it_is_audited(client_for, kanzai):
    response = _vehicle(client_for("sysadmin"), kanzai)
    made = Vehicle.objects.get(registration="デモ 300 さ 10-99")
    assert response.status_code == 302
    assert response.url == f"/registry/register/vehicles/{made.pk}/"
    assert made.department == kanzai and made.kind == VehicleKind.OFFICIAL_CAR
    entry = AuditEntry.objects.get(action="vehicle.registered", object_id=str(made.pk))
    assert json.loads(entry.detail)["registration"] == "デモ 300 さ 10-99"


def test_people_without_the_permission_get_hogos_refusal(client_for, kanzai):
    for login in ("staff", "operator", "privacy", "auditor"):
        client = client_for(login)
        assert client.get("/registry/register/").status_code == 403
        assert _vehicle(client, kanzai).status_code == 403
    # Another department's manager never registers this department's vehicles.
    assert _vehicle(client_for("seiso-manager"), kanzai).status_code in (200, 403)
    assert not Vehicle.objects.filter(registration="デモ 300 さ 10-99").exists()


def test_a_duplicate_number_is_refused_in_japanese_keeping_what_was_typed(client_for, kanzai):
    response = _vehicle(client_for("sysadmin"), kanzai, registration="デモ 300 さ 10-01",
                        label="打ち込んだ名称")
    page = response.content.decode()
    assert response.status_code == 200
    assert "登録番号「デモ 300 さ 10-01」の車両はすでに登録されています。" in page
    assert 'value="打ち込んだ名称"' in page
    assert Vehicle.objects.filter(registration="デモ 300 さ 10-01").count() == 1


def _recorder(client, vehicle, **fields):
    data = {"maker": "デモ電機", "model_name": "DR-300", "serial": "NEW-0001",
            "channels": ["cabin", "front"], "capacity_gb": "64", "capacity_hours": "",
            "naming_profile": "flat", "notice_checked_on": clock.today_jst().isoformat()}
    data.update(fields)
    return client.post(f"/registry/register/vehicles/{vehicle.pk}/recorders/new/", data)


def test_a_recorder_has_its_real_cameras_shown_in_words(client_for, demo, user):
    vehicle = Vehicle.objects.get(registration="デモ 300 さ 10-02")
    client = client_for("sysadmin")
    assert _recorder(client, vehicle).status_code == 302
    made = Recorder.objects.get(serial="NEW-0001")
    assert made.channels == ["front", "cabin"] and made.capacity_bytes == 64 << 30
    assert services.channels_of(made) == [("front", "前方"), ("cabin", "車内")]
    assert services.channels_of(vehicle) == [("front", "前方"), ("cabin", "車内")]
    page = client.get(f"/registry/register/vehicles/{vehicle.pk}/").content.decode()
    assert "前方・車内" in page and ">front<" not in page and "cabin" not in page
    listing = client_for("manager").get("/registry/vehicles/").content.decode()
    assert "前方・車内" in listing and "/ front" not in listing
    assert AuditEntry.objects.filter(action="recorder.registered",
                                     object_id=str(made.pk)).exists()


def test_a_recorder_without_cameras_or_capacity_is_refused_keeping_the_input(client_for):
    vehicle = Vehicle.objects.get(registration="デモ 300 さ 10-02")
    client = client_for("sysadmin")
    page = _recorder(client, vehicle, channels=[], serial="TYPED-123").content.decode()
    assert "付いているカメラを1つ以上選んでください。" in page and 'value="TYPED-123"' in page
    page = _recorder(client, vehicle, capacity_gb="", serial="TYPED-456").content.decode()
    assert "記録容量（GB または 時間）を入力してください。" in page and 'value="TYPED-456"' in page
    future = (clock.today_jst() + dt.timedelta(days=3)).isoformat()
    page = _recorder(client, vehicle, notice_checked_on=future).content.decode()
    assert "未来の日付" in page
    page = _recorder(client, vehicle, serial="DEMO-0001").content.decode()
    assert "製造番号「DEMO-0001」のドライブレコーダーはすでに登録されています。" in page
    assert not Recorder.objects.filter(vehicle=vehicle).exclude(serial="DEMO-0002").exists()


def test_editing_a_recorder_records_old_and_new(client_for, recorder):
    client = client_for("sysadmin")
    page = client.get(f"/registry/register/recorders/{recorder.pk}/edit/").content.decode()
    assert 'value="DEMO-0001"' in page and 'value="2.0"' in page
    response = client.post(f"/registry/register/recorders/{recorder.pk}/edit/", {
        "maker": recorder.maker, "model_name": recorder.model_name, "serial": recorder.serial,
        "channels": ["front", "rear"], "capacity_gb": "2", "naming_profile": "flat",
        "notice_checked_on": recorder.notice_checked_on.isoformat()})
    assert response.status_code == 302
    recorder.refresh_from_db()
    assert recorder.channels == ["front", "rear"]
    entry = AuditEntry.objects.get(action="recorder.changed", object_id=str(recorder.pk))
    assert json.loads(entry.detail)["changed"] == {"channels": [["front"], ["front", "rear"]]}


def test_editing_a_vehicle_to_a_department_that_keeps_no_vehicles_is_refused(demo, user):
    vehicle = Vehicle.objects.get(registration="デモ 300 さ 10-01")
    joho = demo.departments.get(code="joho")
    with pytest.raises(services.RegistryError):
        services.update_vehicle(user("sysadmin"), vehicle, department=joho,
                                registration=vehicle.registration, kind=vehicle.kind)
    with pytest.raises(PermissionError):
        services.update_vehicle(user("seiso-manager"), vehicle, department=vehicle.department,
                                registration="x", kind=vehicle.kind)


def test_a_manager_registers_only_for_their_own_department(demo, user):
    """"registry.register": the system administrator, or a department's manager for the
    vehicles of their own department; the services ask the permission layer only."""
    kanzai, seiso = (demo.departments.get(code=c) for c in ("kanzai", "seiso"))
    assert services.registrable_departments(user("manager")) == [kanzai]
    made = services.register_vehicle(user("manager"), department=kanzai,
                                      registration="デモ 300 さ 10-55", kind="official_car")
    assert [v.pk for v in services.register_list(user("seiso-manager"))] == [
        v.pk for v in Vehicle.objects.filter(department=seiso)]
    with pytest.raises(PermissionError):
        services.register_recorder(user("seiso-manager"), made, serial="S", channels=["front"],
                                   capacity_hours=10)
    assert {d.code for d in services.registrable_departments(user("sysadmin"))} == {
        "kanzai", "seiso"}
