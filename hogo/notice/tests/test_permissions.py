"""Only the privacy officer edits and publishes the notice; auditors read its history; staff
get 403 (audited) and a visitor without log-in is sent to log in."""

from __future__ import annotations

import pytest

from hogo.accounts.permissions import Refused
from hogo.audit.models import AuditEntry
from hogo.notice import publishing, services
from hogo.notice.tests.support import publish_city


@pytest.mark.parametrize("username", ["staff", "manager", "auditor", "operator"])
def test_only_the_privacy_officer_edits(demo, client_for, username):
    client = client_for(username)
    assert client.get("/notice/").status_code == 403
    assert client.post("/notice/publish/", {}).status_code == 403
    assert client.post("/notice/purposes/add/", {"new-text": "x"}).status_code == 403
    assert AuditEntry.objects.filter(action="access.denied").exists()


def test_staff_cannot_publish_through_the_service(demo, user):
    notice = services.ensure_draft(user("privacy"))
    with pytest.raises(Refused):
        publishing.publish(user("staff"), notice)
    assert not notice.versions.exists()


def test_the_history_is_for_the_privacy_officer_and_auditors(demo, user, client_for):
    publish_city(user("privacy"))
    assert client_for("auditor").get("/notice/history/").status_code == 200
    assert client_for("staff").get("/notice/history/").status_code == 403


def test_no_log_in_no_staff_screen(demo, client):
    page = client.get("/notice/")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
