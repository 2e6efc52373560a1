"""The public complaint form: no account; a complaint without its text is refused with
everything typed kept; a sent one gets its number on a page kept in the sender's session;
anonymity is allowed and the form says no answer can then be sent; each attempt leaves the
address's hash (never the address) in the audit chain; too many from one address are
refused with 429; and a profile that closes the form shows a closed page."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from hogo.audit.models import AuditEntry
from hogo.complaints import intake
from hogo.complaints.models import Complaint, State, Via
from hogo.complaints.tests.conftest import recipients

FORM = {"complainant_name": "市民 花子", "complainant_contact": "hanako@example.jp",
        "category": "footage", "text": "映像がどのように保存されているのか説明してほしい。",
        "place": "デモ市役所前", "occurred_at": "2026-06-01T09:30"}


def send(client: Client, address: str = "203.0.113.7", **changes):
    return client.post(reverse("complaints_public:form"), {**FORM, **changes},
                       REMOTE_ADDR=address)


def test_a_complaint_is_sent_and_gets_its_number(demo):
    client = Client()
    page = client.get(reverse("complaints_public:form")).content.decode()
    assert "デモ市" in page and "回答をお送りできません" in page
    response = send(client)
    assert response.status_code == 302 and response.url == reverse("complaints_public:done")
    made = Complaint.objects.get()
    assert made.received_via == Via.WEB and made.state == State.RECEIVED
    assert made.entered_by is None and made.department is None
    done = client.get(response.url).content.decode()
    assert made.number in done and "14日以内" in done
    assert recipients(intake.RECEIVED_KIND) == ["privacy"]
    entry = AuditEntry.objects.get(action=intake.SUBMITTED_ACTION)
    assert entry.actor == "public_form" and "203.0.113.7" not in entry.detail
    assert intake.address_hash("203.0.113.7") in entry.detail
    # The number is the sender's only: another browser is sent back to the form.
    assert Client().get(reverse("complaints_public:done")).status_code == 302


def test_a_missing_text_is_refused_and_kept(demo):
    response = send(Client(), text="")
    body = response.content.decode()
    assert response.status_code == 200 and "苦情の内容を入力してください。" in body
    assert 'value="市民 花子"' in body and 'value="デモ市役所前"' in body
    assert not Complaint.objects.exists()
    refused = AuditEntry.objects.get(action=intake.PUBLIC_REFUSED_ACTION)
    assert '"field":"text"' in refused.detail and "203.0.113.7" not in refused.detail


def test_an_anonymous_complaint_is_told_no_answer_comes(demo):
    client = Client()
    response = send(client, complainant_name="", complainant_contact="")
    done = client.get(response.url).content.decode()
    assert 'data-testid="no-reply"' in done
    assert Complaint.objects.get().is_anonymous


def test_too_many_from_one_address_get_429(demo):
    for _ in range(5):
        assert send(Client()).status_code == 302
    refused = send(Client())
    assert refused.status_code == 429 and "1時間の上限（5件）" in refused.content.decode()
    assert 'value="市民 花子"' in refused.content.decode()
    assert Complaint.objects.count() == 5
    assert send(Client(), address="198.51.100.9").status_code == 302


def test_the_form_is_closed_when_the_profile_says_so(demo):
    demo.policy_overrides = {**demo.policy_overrides, "complaints.public_form": False}
    demo.save(update_fields=["policy_overrides"])
    page = Client().get(reverse("complaints_public:form"))
    assert page.status_code == 404 and "公開されていません" in page.content.decode()
    assert send(Client()).status_code == 404
    assert not Complaint.objects.exists()
