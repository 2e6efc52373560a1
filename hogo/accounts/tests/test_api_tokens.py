"""Machine tokens for agents: a JSON 401 without one, the token's organisation with one."""

from django.core.management import call_command

from hogo.accounts import services
from hogo.accounts.models import MachineToken


def test_api_call_without_token_gets_json_401(client, demo):
    response = client.get("/api/whoami")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Unauthorized"}


def test_a_human_session_is_not_a_token(client_for):
    assert client_for("sysadmin").get("/api/whoami").status_code == 401


def test_token_authenticates_until_revoked(client, demo, user):
    token, raw = services.issue_token(demo, "車庫端末", by=user("sysadmin"))
    response = client.get("/api/whoami", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["organisation"] == "デモ市"
    assert MachineToken.objects.get(pk=token.pk).token_hash != raw  # only the digest is kept
    services.revoke_token(token, by=user("sysadmin"))
    assert client.get("/api/whoami", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_sysadmin_issues_a_token_in_the_ui(client_for):
    response = client_for("sysadmin").post("/accounts/tokens/", {"name": "本庁舎車庫"})
    assert "一度だけ表示" in response.content.decode()
    assert MachineToken.objects.filter(name="本庁舎車庫").exists()


def test_token_command(demo, capsys):
    call_command("token", "create", "depot-1", "--department", "kanzai")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    assert services.token_for(raw).department.code == "kanzai"


def test_openapi_docs_are_served(client, demo):
    assert client.get("/api/docs").status_code == 200
    schema = client.get("/api/openapi.json").json()
    assert "/api/whoami" in schema["paths"]
