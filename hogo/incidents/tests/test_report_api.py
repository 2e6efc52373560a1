"""`POST /api/incidents/`: a logged-in person reports through the API, notified at once."""

import json

from hogo import clock
from hogo.incidents.models import Incident


def post(client, body):
    return client.post("/api/incidents/", json.dumps(body), content_type="application/json")


def test_a_person_reports_through_the_api(client_for):
    staff = client_for("staff")
    response = post(staff, {"title": "USB紛失", "kind": "loss", "what_happened": "見当たらない",
                            "knew_on": clock.today_jst().isoformat(),
                            "media": ["KANZAI-USB-01"], "people": 12})
    assert response.status_code == 201, response.content
    body = response.json()
    incident = Incident.objects.get(pk=body["id"])
    assert body["number"] == incident.number and body["url"] == f"/incidents/{incident.pk}/"
    assert set(body["notified"]) == {"管財 一郎", "保護 花子"}
    assert incident.links.filter(medium__label="KANZAI-USB-01").exists()
    assert incident.people == 12 and not body["reportable"]


def test_bad_reports_are_refused_with_reasons_and_nothing_is_stored(client_for, client):
    staff = client_for("staff")
    today = clock.today_jst().isoformat()
    base = {"title": "x", "kind": "loss", "what_happened": "y", "knew_on": today}
    assert post(staff, base | {"kind": "lost"}).status_code == 422
    unknown = post(staff, base | {"media": ["NO-SUCH"]})
    assert unknown.status_code == 422 and "NO-SUCH" in unknown.json()["detail"]
    future = post(staff, base | {"knew_on": "2999-01-01"})
    assert future.status_code == 422 and "未来" in future.json()["detail"]
    assert not Incident.objects.filter(title="x").exists()


def test_the_report_endpoint_needs_a_logged_in_person(demo, client, token):
    body = {"title": "x", "kind": "loss", "what_happened": "y", "knew_on": "2025-01-01"}
    assert post(client, body).status_code == 401
    with_token = client.post("/api/incidents/", json.dumps(body), content_type="application/json",
                             headers={"Authorization": f"Bearer {token}"})
    assert with_token.status_code == 401


def test_the_old_field_name_noticed_on_is_still_accepted_for_one_release(client_for):
    staff = client_for("staff")
    response = post(staff, {"title": "旧名", "kind": "loss", "what_happened": "見当たらない",
                            "noticed_on": clock.today_jst().isoformat()})
    assert response.status_code == 201, response.content
    assert any("noticed_on is deprecated" in d and "knew_on" in d
               for d in response.json()["deprecations"])
    both = post(staff, {"title": "両方", "kind": "loss", "what_happened": "y",
                        "noticed_on": "2025-01-01", "knew_on": "2025-01-01"})
    assert both.status_code == 422
