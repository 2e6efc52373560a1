"""Cabinets and media are registered on hogo's own screens by the department's manager;
refusals are Japanese and keep what was typed; each change is audited."""

import json

import pytest

from hogo import clock
from hogo.audit.models import AuditEntry
from hogo.media import registers, services
from hogo.media.models import Cabinet, Medium, MediumState


@pytest.fixture
def kanzai(demo):
    return demo.departments.get(code="kanzai")


def test_the_manager_registers_a_cabinet_and_a_medium(client_for, kanzai):
    manager = client_for("manager")
    response = manager.post("/media/cabinets/new/", {
        "department": kanzai.pk, "name": "施錠保管庫B", "location": "本庁舎3階 書庫"})
    assert response.status_code == 302
    cabinet = Cabinet.objects.get(name="施錠保管庫B")
    assert AuditEntry.objects.filter(action="cabinet.registered",
                                     object_id=str(cabinet.pk)).exists()
    response = manager.post("/media/new/", {
        "label": "KANZAI-SD-01", "kind": "sd", "serial": "SN-1", "capacity_gb": "64",
        "encrypted": "on", "cabinet": cabinet.pk})
    medium = Medium.objects.get(label="KANZAI-SD-01")
    assert response.url == f"/media/{medium.pk}/"
    assert (medium.department, medium.cabinet, medium.capacity_bytes, medium.encrypted) == (
        kanzai, cabinet, 64 << 30, True)
    entry = AuditEntry.objects.get(action="medium.registered", object_id=str(medium.pk))
    assert json.loads(entry.detail)["kind"] == "sd"
    board = manager.get("/media/").content.decode()
    assert "SDカード" in board and ">sd<" not in board


def test_staff_and_other_departments_cannot_register(client_for, kanzai, user):
    assert client_for("staff").get("/media/new/").status_code == 403
    assert client_for("staff").get("/media/cabinets/new/").status_code == 403
    theirs = Cabinet.objects.get(department=kanzai)
    with pytest.raises(PermissionError):
        registers.register_medium(user("seiso-manager"), label="X-1", kind="usb",
                                  cabinet=theirs)
    page = client_for("seiso-manager").get("/media/new/").content.decode()
    assert f'<option value="{theirs.pk}"' not in page and "清掃課 事務室" in page
    response = client_for("seiso-manager").post("/media/new/", {
        "label": "X-1", "kind": "usb", "cabinet": theirs.pk})
    assert response.status_code == 200 and not Medium.objects.filter(label="X-1").exists()


def test_a_duplicate_label_is_refused_keeping_what_was_typed(client_for, kanzai):
    cabinet = Cabinet.objects.get(department=kanzai)
    page = client_for("manager").post("/media/new/", {
        "label": "KANZAI-USB-01", "kind": "usb", "serial": "打ち込んだ番号",
        "cabinet": cabinet.pk}).content.decode()
    assert "管理番号「KANZAI-USB-01」の記録媒体はすでに登録されています。" in page
    assert 'value="打ち込んだ番号"' in page
    page = client_for("manager").post("/media/cabinets/new/", {
        "department": kanzai.pk, "name": "保管庫C", "location": " "}).content.decode()
    assert "設置場所" in page and 'value="保管庫C"' in page


def test_a_medium_out_on_loan_keeps_its_cabinet(user, kanzai):
    usb = Medium.objects.get(label="KANZAI-USB-01")
    other = registers.register_cabinet(user("manager"), department=kanzai, name="保管庫B",
                                       location="書庫")
    services.check_out(user("staff"), usb, purpose="提出", due_on=clock.today_jst())
    usb.refresh_from_db()
    with pytest.raises(registers.RegisterError, match="保管庫にある記録媒体だけ"):
        registers.update_medium(user("manager"), usb, label=usb.label, kind=usb.kind,
                                cabinet=other)
    services.check_in(user("staff"), usb, condition="返却")
    usb.refresh_from_db()
    registers.update_medium(user("manager"), usb, label=usb.label, kind=usb.kind,
                            cabinet=other, encrypted=True)
    usb.refresh_from_db()
    assert usb.cabinet == other and usb.state == MediumState.IN_CABINET
    changed = json.loads(AuditEntry.objects.get(action="medium.changed").detail)["changed"]
    assert changed["cabinet"][1] == other.pk


def test_editing_shows_the_current_values(client_for):
    usb = Medium.objects.get(label="KANZAI-USB-01")
    page = client_for("manager").get(f"/media/{usb.pk}/edit/").content.decode()
    assert 'value="KANZAI-USB-01"' in page and 'value="32.0"' in page
    assert client_for("seiso-manager").get(f"/media/{usb.pk}/edit/").status_code == 403


def test_cabinets_page_shows_the_next_inventory_date(client_for, kanzai):
    page = client_for("staff").get("/media/cabinets/").content.decode()
    assert "施錠保管庫A" in page and "未実施" in page
    assert 'data-testid="new-cabinet"' not in page
    assert 'data-testid="new-cabinet"' in client_for("manager").get(
        "/media/cabinets/").content.decode()
    assert "令和" in page  # the due date in the Japanese era
