"""Vehicles the user's department manages (managers and operators), and the register
screens where vehicles and their recorders are entered and corrected."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from hogo.accounts.permissions import authorize, permission_required
from hogo.registry import services
from hogo.registry.forms import RecorderForm, VehicleForm
from hogo.registry.models import Recorder, Vehicle
from hogo.registry.services import REGISTER_PERM


@permission_required("registry.view_vehicles")
def vehicles(request: HttpRequest) -> HttpResponse:
    listed = Vehicle.objects.filter(department=request.user.department).prefetch_related(
        "recorders")
    return render(request, "registry/vehicles.html", {
        "vehicles": listed, "can_register": services.can_register(request.user)})


@permission_required(REGISTER_PERM)
def register(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/register.html", {
        "vehicles": services.register_list(request.user),
        "can_add": bool(services.registrable_departments(request.user))})


@permission_required(REGISTER_PERM)
def vehicle_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    target = None
    if pk is not None:
        target = get_object_or_404(Vehicle, pk=pk)
        authorize(request, REGISTER_PERM, target)
    departments = services.registrable_departments(request.user)
    form = VehicleForm(request.POST or None, departments=departments, instance=target)
    if request.method == "POST" and form.is_valid():
        try:
            if target is None:
                saved = services.register_vehicle(request.user, **form.cleaned_data)
                messages.success(request, _("車両「%(name)s」を登録しました。") % {"name": saved})
            else:
                saved = services.update_vehicle(request.user, target, **form.cleaned_data)
                messages.success(request, _("車両「%(name)s」を更新しました。") % {"name": saved})
            return redirect("registry:vehicle", pk=saved.pk)
        except services.RegistryError as refused:
            form.add_error(None, str(refused))
    return render(request, "registry/vehicle_form.html", {"form": form, "vehicle": target})


@permission_required(REGISTER_PERM)
def vehicle_page(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(Vehicle.objects.select_related("department"), pk=pk)
    authorize(request, REGISTER_PERM, target)
    return render(request, "registry/vehicle.html", {
        "vehicle": target, "recorders": target.recorders.all()})


@permission_required(REGISTER_PERM)
def recorder_form(request: HttpRequest, vehicle_pk: int | None = None,
                  pk: int | None = None) -> HttpResponse:
    target = None
    if pk is not None:
        target = get_object_or_404(Recorder.objects.select_related("vehicle"), pk=pk)
        on = target.vehicle
    else:
        on = get_object_or_404(Vehicle, pk=vehicle_pk)
    authorize(request, REGISTER_PERM, on)
    form = RecorderForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        try:
            if target is None:
                services.register_recorder(request.user, on, **form.service_data())
                messages.success(request, _("ドライブレコーダーを登録しました。"))
            else:
                services.update_recorder(request.user, target, **form.service_data())
                messages.success(request, _("ドライブレコーダーを更新しました。"))
            return redirect("registry:vehicle", pk=on.pk)
        except services.RegistryError as refused:
            form.add_error(None, str(refused))
    return render(request, "registry/recorder_form.html", {
        "form": form, "vehicle": on, "recorder": target})
