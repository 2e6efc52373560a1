"""The records register: provision records (提供記録) and receipt records (確認記録), each
record's page, entering a record by hand, and the CSV export for an audit."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from hogo.accounts.permissions import allows, permission_required
from hogo.provision import records
from hogo.provision.forms_records import (
    ProvisionEntryForm,
    ReceiptEntryForm,
    RecordFilterForm,
)


@permission_required("provision.view_records")
def register(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = RecordFilterForm(request.GET or None, departments=records.filter_departments(user))
    chosen = form.cleaned_data if form.is_valid() else {}
    kind = chosen.get("kind") or "provision"
    department = chosen.get("department")
    rows = records.filtered_records(user, kind, text=chosen.get("text", ""),
                                    state=chosen.get("state", ""),
                                    department=department.pk if department else None)
    query = request.GET.copy()
    query.pop("kind", None)
    return render(request, "provision/records_list.html", {
        "kind": kind, "form": form, "rows": rows[:500], "query": query.urlencode(),
        "can_enter": allows(user, "provision.manage_records")})


def _detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = records.open_record(request.user, kind, pk)
    if record is None:
        raise Http404("no such record")
    return render(request, "provision/records_detail.html", {"kind": kind, "record": record})


@permission_required("provision.view_records")
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, "provision", pk)


@permission_required("provision.view_records")
def receipt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, "receipt", pk)


def _new(request: HttpRequest, kind: str) -> HttpResponse:
    form_class = ProvisionEntryForm if kind == "provision" else ReceiptEntryForm
    form = form_class(request.POST or None,
                      departments=records.department_choices(request.user))
    if request.method == "POST" and form.is_valid():
        enter = (records.enter_provision_record if kind == "provision"
                 else records.enter_receipt_record)
        try:
            made = enter(request.user, form.cleaned_data)
        except records.RecordError as refused:
            form.add_error(None, str(refused))
            for name in refused.missing:
                if name in form.fields:
                    form.add_error(name, _("記入してください。"))
        else:
            messages.success(request, _("記録を作成しました。"))
            return redirect("provision:record_detail" if kind == "provision"
                            else "provision:receipt_detail", pk=made.pk)
    return render(request, "provision/records_new.html", {"kind": kind, "form": form})


@permission_required("provision.manage_records")
def record_new(request: HttpRequest) -> HttpResponse:
    return _new(request, "provision")


@permission_required("provision.manage_records")
def receipt_new(request: HttpRequest) -> HttpResponse:
    return _new(request, "receipt")


@permission_required("provision.view_records")
def records_csv(request: HttpRequest, kind: str) -> StreamingHttpResponse:
    if kind not in records.KINDS:
        raise Http404("no such register")
    response = StreamingHttpResponse(records.records_csv(request.user, kind),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-records.csv"'
    return response


urlpatterns = [
    path("records/", register, name="records"),
    path("records/provision/new/", record_new, name="record_new"),
    path("records/receipt/new/", receipt_new, name="receipt_new"),
    path("records/provision/<int:pk>/", record_detail, name="record_detail"),
    path("records/receipt/<int:pk>/", receipt_detail, name="receipt_detail"),
    path("records/<str:kind>.csv", records_csv, name="records_csv"),
]
