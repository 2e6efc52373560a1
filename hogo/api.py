"""The JSON API at /api/ (OpenAPI docs at /api/docs).

Depot and recorder agents authenticate with machine tokens (`Authorization: Bearer hogo_…`),
never with a person's session; a request without a valid token gets a JSON 401.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.security import HttpBearer

from hogo import __version__, clock
from hogo.accounts import services as accounts
from hogo.accounts.policy import effective_profile
from hogo.audit.context import new_request_id, request_id
from hogo.incidents.api import router as incidents_router
from hogo.provision.api import router as provision_router
from hogo.requests.api import router as requests_router

if TYPE_CHECKING:  # annotations only: a view asks accounts' services
    from hogo.accounts.models import MachineToken


class MachineTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> MachineToken | None:
        return accounts.token_for(token)


api = NinjaAPI(title="hogo API", version=__version__, auth=MachineTokenAuth(), urls_namespace="api",
               description="Footage and personal-data custody for Japanese public bodies and "
                           "operators. Authenticate with a machine token: `Bearer hogo_…`.")


class HealthOut(Schema):
    status: str
    version: str
    time: str


class WhoAmIOut(Schema):
    token: str
    organisation: str
    department: str | None
    profile: str
    request_id: str


@api.get("/health", auth=None, response=HealthOut, tags=["system"])
def health(request: HttpRequest) -> dict[str, Any]:
    """Liveness: no token needed, no data returned."""
    return {"status": "ok", "version": __version__, "time": clock.now().isoformat()}


@api.get("/whoami", response=WhoAmIOut, tags=["system"])
def whoami(request: HttpRequest) -> dict[str, Any]:
    """Which token and organisation this call runs as."""
    token: MachineToken = request.auth
    profile = effective_profile(token.organisation)
    return {"token": f"{token.name} ({token.prefix}…)", "organisation": token.organisation.name,
            "department": token.department.name if token.department else None,
            "profile": f"{profile.key} {profile.version}",
            "request_id": request_id.get() or new_request_id()}


api.add_router("/incidents", incidents_router)
api.add_router("/provision", provision_router)
api.add_router("/requests", requests_router)
