"""The dashboard and the error pages. Error pages never show a traceback."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hogo import clock
from hogo.accounts.permissions import allows, authorize, permission_required
from hogo.accounts.policy import effective_profile
from hogo.alerts import services as alerts
from hogo.alerts.waiting import waiting_for
from hogo.audit import services as audit
from hogo.incidents.services import incident_countdown
from hogo.registry.services import overdue_notices


@permission_required("web.view_dashboard")
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    profile = effective_profile(user.organisation) if user.organisation else None
    recent = audit.recent_by(user)
    overdue = overdue_notices(user.department_id) if allows(
        user, "registry.view_vehicles") else []
    return render(request, "web/dashboard.html", {
        "alerts": alerts.open_alerts_for(user), "overdue_notices": overdue,
        "waiting": waiting_for(user),
        "incident_deadlines": incident_countdown(user),
        "profile": profile, "today": clock.today_jst(), "recent": recent,
        "threshold": profile.value("incidents.reporting_threshold") if profile else None,
        "final_days": profile.value("incidents.final_report_days") if profile else None})


@require_POST
@login_required
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    alert = alerts.open_alert(pk)
    if alert is None:
        raise Http404
    authorize(request, "alerts.acknowledge", alert)
    alerts.acknowledge(alert, by=request.user)
    if request.htmx:
        return HttpResponse("")
    return redirect("web:dashboard")


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "web/error.html", {"status": status, "title": title,
                                              "message": message}, status=status)


def forbidden(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _error(request, 403, _("アクセスできません"),
                  _("この画面を利用する権限がありません。必要な場合は所属の管理責任者に"
                    "お問い合わせください。"))


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _error(request, 404, _("ページが見つかりません"),
                  _("お探しのページは存在しないか、移動しました。"))


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _error(request, 400, _("リクエストが正しくありません"),
                  _("入力内容を確認して、もう一度お試しください。"))


def server_error(request: HttpRequest) -> HttpResponse:
    """A page that needs neither the database nor the session: they may be what failed."""
    html = render_to_string("web/500.html", {
        "title": _("システムエラー"),
        "message": _("処理中にエラーが発生しました。"
                     "入力した内容は保存されていない可能性があります。"
                     "システム管理者にお問い合わせください。"),
        "request_id": getattr(request, "request_id", "")[:12]})
    return HttpResponse(html, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(request, 403, _("画面の有効期限が切れました"),
                  _("ページを再読み込みしてから、もう一度操作してください。"))
