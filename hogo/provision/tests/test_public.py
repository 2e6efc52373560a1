"""The public request form: no account, every Art. 9 item before it is sent (what is missing
said in Japanese, everything typed kept), a throttle per address (429), a confirmation page
whose number lives in the sender's session; and scanned letters kept encrypted, their
download audited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from hogo.alerts.models import Alert
from hogo.alerts.waiting import waiting_for
from hogo.audit.models import AuditEntry
from hogo.provision import intake
from hogo.provision.models import Attachment, ProvisionRequest, Received, RequestState
from hogo.provision.tests.test_intake import footage, form_data, letter  # noqa: F401

FORM = {"recipient_kind": "insurer", "requester_name": "デモ損害保険株式会社",
        "requester_address": "東京都千代田区丸の内一丁目1番1号",
        "representative": "代表取締役 保険 花子", "person_in_charge": "損害サービス課 調査 太郎",
        "phone": "03-0000-0000", "basis": "consent", "consent_on": "2025-06-10",
        "purpose": "令和7年6月3日の接触事故の過失割合の確認のため",
        "vehicle_text": "デモ 300 さ 10-01", "place": "デモ市中央一丁目交差点",
        "start_at": "2025-06-03T14:00", "end_at": "2025-06-03T14:03", "channels": ["front"]}


def send(client: Client, address: str = "203.0.113.7", **changes):
    return client.post(reverse("provision:public_form"), {**FORM, **changes},
                       REMOTE_ADDR=address)


def test_a_complete_request_is_received_with_a_number(demo, user):
    client = Client()
    form = client.get(reverse("provision:public_form"))
    assert form.status_code == 200 and "デモ市" in form.content.decode()
    assert "第9条" in form.content.decode()
    response = send(client)
    assert response.status_code == 302 and response.url == reverse("provision:public_done")
    made = ProvisionRequest.objects.get()
    assert made.received_via == Received.WEB and made.state == RequestState.INCOMPLETE
    assert made.missing == [] and made.entered_by is None and made.is_organisation
    assert made.department is None and made.hold is None
    done = client.get(response.url).content.decode()
    assert made.number in done and "受付番号" in done
    # Nobody has named the vehicle: every handler of the organisation may take it in.
    told = sorted(a.recipient.username for a in Alert.objects.filter(kind="provision.received"))
    assert told == ["manager", "operator", "privacy", "seiso-manager"]
    assert "provision.take_in" in [i.kind for i in waiting_for(user("seiso-manager"))]
    assert "provision.take_in" not in [i.kind for i in waiting_for(user("staff"))]
    entry = AuditEntry.objects.get(action="provision.submitted")
    assert entry.actor == "public_form" and "203.0.113.7" not in entry.detail


def test_the_confirmation_page_is_only_the_senders(demo):
    send(Client())
    stranger = Client()
    response = stranger.get(reverse("provision:public_done"))
    assert response.status_code == 302 and response.url == reverse("provision:public_form")


def test_a_missing_address_is_said_and_nothing_typed_is_lost(demo):
    response = send(Client(), requester_address="", representative="")
    page = response.content.decode()
    assert response.status_code == 200 and not ProvisionRequest.objects.exists()
    assert 'data-testid="refusals"' in page
    assert "「請求者の住所又は所在地」が記載されていません。" in page
    assert "「代表者の氏名」が記載されていません。" in page
    assert 'value="デモ損害保険株式会社"' in page and "過失割合の確認のため" in page
    assert 'value="2025-06-03T14:00"' in page


def test_the_throttle_answers_429_after_the_limit(demo):
    demo.policy_overrides = {**demo.policy_overrides, "provision.public_form_per_hour": 2}
    demo.save(update_fields=["policy_overrides"])
    client = Client()
    assert send(client).status_code == 302
    assert send(client).status_code == 302
    refused = send(client)
    assert refused.status_code == 429
    assert "1時間の上限（2件）" in refused.content.decode()
    assert 'value="デモ損害保険株式会社"' in refused.content.decode()
    assert ProvisionRequest.objects.count() == 2
    assert send(Client(), address="198.51.100.9").status_code == 302  # another address


def test_a_closed_form_takes_nothing(demo):
    demo.policy_overrides = {**demo.policy_overrides, "provision.public_form": False}
    demo.save(update_fields=["policy_overrides"])
    assert Client().get(reverse("provision:public_form")).status_code == 404
    assert send(Client()).status_code == 404
    with pytest.raises(intake.PublicFormClosed):
        intake.submit_public({}, address="x")
    assert not ProvisionRequest.objects.exists()


def test_a_web_request_is_routed_pinned_accepted_and_withdrawn(demo, recorder, footage,  # noqa: F811
                                                              user):
    data = {**FORM, "consent_on": dt.date(2025, 6, 10), "start_at": footage[0].start_at,
            "end_at": footage[-1].end_at}
    made = intake.submit_public(data, address="192.0.2.1")
    assert made.hold is None and made.department is None
    with pytest.raises(intake.Incomplete) as refused:
        intake.accept(user("operator"), made)
    assert refused.value.missing == ["vehicle"]
    routed = intake.update(user("operator"), made, {"vehicle": recorder.vehicle})
    assert routed.department == recorder.vehicle.department
    assert set(routed.hold.segments.values_list("pk", flat=True)) == {s.pk for s in footage}
    with pytest.raises(PermissionError):
        intake.accept(user("seiso-manager"), routed)  # no longer theirs to take in
    accepted = intake.accept(user("operator"), routed)
    assert accepted.state == RequestState.RECEIVED
    assert [a.recipient.username for a in Alert.objects.filter(
        kind="provision.to_decide")] == ["manager"]
    intake.withdraw(user("privacy"), accepted, "申請者から取下げ")
    accepted.hold.refresh_from_db()
    assert accepted.hold.released_at is not None


# --- attachments --------------------------------------------------------------------------

PDF = b"%PDF-1.4\n% scanned inquiry letter ATTACHMENT-MARKER-7f3a\n%%EOF\n"


def test_a_scanned_letter_is_stored_encrypted_and_its_download_audited(recorder, client_for):
    staff = client_for("staff")
    data = form_data(recorder.vehicle)
    data["files"] = [SimpleUploadedFile("shokai.pdf", PDF, content_type="application/pdf")]
    response = staff.post(reverse("provision:new"), data, follow=True)
    assert "shokai.pdf" in response.content.decode()
    [attachment] = Attachment.objects.all()
    assert attachment.content_type == "application/pdf" and attachment.size == len(PDF)
    root = Path(settings.HOGO_STORAGE["root"])
    assert not any(b"ATTACHMENT-MARKER-7f3a" in p.read_bytes()
                   for p in root.rglob("*") if p.is_file())
    url = reverse("provision:attachment", args=[attachment.pk])
    manager = client_for("manager")
    download = manager.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    entry = AuditEntry.objects.get(action="provision.attachment_opened")
    assert entry.actor == "user:manager"
    assert client_for("seiso-manager").get(url).status_code == 403
    assert AuditEntry.objects.filter(action="provision.attachment_opened").count() == 1
    assert AuditEntry.objects.filter(action="provision.attached").count() == 1


def test_only_pdf_jpeg_and_png_are_taken(recorder, client_for, user):
    staff = client_for("staff")
    data = form_data(recorder.vehicle)
    data["files"] = [SimpleUploadedFile("letter.docx", b"PK\x03\x04 not a scan")]
    response = staff.post(reverse("provision:new"), data)
    page = response.content.decode()
    assert response.status_code == 200 and "PDF、JPEG、PNG" in page
    assert not ProvisionRequest.objects.exists()
    made = intake.enter(user("staff"), letter(recorder.vehicle))
    png = SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20)
    response = staff.post(reverse("provision:attach", args=[made.pk]), {"files": [png]},
                          follow=True)
    assert "添付しました" in response.content.decode()
    assert made.attachments.get().content_type == "image/png"
