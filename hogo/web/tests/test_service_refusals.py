"""Refusals (R-102): a refusal from a service's `require()` is an audited 403, never a 500.

Another department's manager exporting a copy, and a manager exporting onto another
department's medium (refused only inside the export service), both get hogo's Japanese 403
page and leave an `access.denied` entry naming the permission and the object refused. Only
`require`'s own refusal is turned into a 403: any other PermissionError is not an access denial.
"""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory

from hogo.audit.models import AuditEntry
from hogo.copies.tests.test_export import copy  # noqa: F401  (fixture)
from hogo.media.models import Medium


def _denials(username: str):
    return AuditEntry.objects.filter(action="access.denied", actor=f"user:{username}")


def test_another_departments_manager_cannot_export_a_copy(client_for, copy):  # noqa: F811
    medium = Medium.objects.get(label="SEISO-USB-01")
    response = client_for("seiso-manager").post(f"/copies/copies/{copy.pk}/export/",
                                                {"medium": medium.pk})
    assert response.status_code == 403
    assert "アクセスできません" in response.content.decode()
    denial = _denials("seiso-manager").get()
    assert json.loads(denial.detail)["permission"] == "copies.request"
    assert denial.object_id == str(copy.pk)
    assert not medium.contents.exists()


def test_a_refusal_inside_the_service_is_an_audited_403(client_for, copy):  # noqa: F811
    medium = Medium.objects.get(label="SEISO-USB-01")  # another department's medium
    response = client_for("manager").post(f"/copies/copies/{copy.pk}/export/",
                                          {"medium": medium.pk})
    assert response.status_code == 403
    assert "アクセスできません" in response.content.decode()
    denial = _denials("manager").get()
    assert (denial.object_type, denial.object_id) == ("media.medium", str(medium.pk))
    detail = json.loads(denial.detail)
    assert detail["permission"] == "media.use"
    assert detail["refused_by"] == "service"
    assert detail["path"] == f"/copies/copies/{copy.pk}/export/"
    assert not medium.contents.exists()


@pytest.mark.django_db
def test_an_operating_system_permission_error_stays_a_fault():
    """EACCES on a file is a broken installation, not a user's missing right: still a 500."""
    from hogo.web.middleware import ServiceRefusalMiddleware

    middleware = ServiceRefusalMiddleware(lambda request: None)
    request = RequestFactory().post("/copies/copies/1/export/")
    assert middleware.process_exception(request, PermissionError(13, "Permission denied")) is None
    assert not AuditEntry.objects.filter(action="access.denied").exists()


@pytest.mark.django_db
def test_a_permission_error_that_is_not_a_refusal_is_not_an_access_denial():
    """A held original cannot be erased: that is no missing right, so no `access.denied`."""
    from hogo.web.middleware import ServiceRefusalMiddleware

    middleware = ServiceRefusalMiddleware(lambda request: None)
    request = RequestFactory().post("/copies/copies/1/export/")
    held = PermissionError("segment 7 is held and cannot be erased")
    assert middleware.process_exception(request, held) is None
    assert not AuditEntry.objects.filter(action="access.denied").exists()
