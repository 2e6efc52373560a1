"""Request plumbing: request ids, Japanese first, the CSP header, refusals from services."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from hogo.audit.context import new_request_id, request_id


class JapaneseFirstMiddleware:
    """Japanese unless the user chose English: the browser's Accept-Language is ignored."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = new_request_id()
        request.request_id = rid  # type: ignore[attr-defined]
        token = request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = rid
        return response


class ContentSecurityPolicyMiddleware:
    """Send settings.HOGO_CONTENT_SECURITY_POLICY on every response (Django 5.2 has no CSP).

    The policy allows no inline script or style, so an injected `<script>` or `onclick=` does
    nothing; hogo's own JavaScript lives in static files.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.conf import settings

        self.get_response = get_response
        self.policy = settings.HOGO_CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class ServiceRefusalMiddleware:
    """A `Refused` from a service's `require()` becomes an audited 403, in every view.

    Views check permissions up front with `authorize`; services check again with `require`
    (the object may only be known there, e.g. another department's copy). Without this, such a
    refusal escaped as a 500 and went unrecorded. The entry names the permission and the object
    as `require` saw them. Any other PermissionError (an operating-system error, a held
    original) is not a refusal of a right and is left to the view, or stays a 500.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from hogo.accounts.permissions import Refused

        if not isinstance(exception, Refused):
            return None
        from hogo.audit import services as audit

        obj = exception.obj
        audit.record("access.denied", user=getattr(request, "user", None),
                     obj=obj if hasattr(obj, "_meta") and obj.pk is not None else None,
                     detail={"permission": exception.perm, "path": request.path,
                             "refused_by": "service"})
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "Forbidden: not allowed"}, status=403)
        from hogo.web.views import forbidden

        return forbidden(request)


class AdminGateMiddleware:
    """The Django admin is the system administrator's alone: anyone else reaching /admin/
    gets hogo's own 403 page (audited like every refusal), and someone not logged in goes
    to hogo's log-in, never the admin's own log-in form or its bare refusal."""

    PREFIX = "/admin/"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(self.PREFIX):
            refusal = self._refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        from django.contrib.auth.views import redirect_to_login

        from hogo.accounts.permissions import allows

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if allows(user, "admin.use"):
            return None
        from hogo.audit import services as audit
        from hogo.web.views import forbidden

        audit.record("access.denied", user=user,
                     detail={"permission": "admin.use", "path": request.path})
        return forbidden(request)
