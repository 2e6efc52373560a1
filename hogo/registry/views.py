"""Vehicles the user's department manages (managers and operators)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hogo.accounts.permissions import permission_required
from hogo.registry.models import Vehicle


@permission_required("registry.view_vehicles")
def vehicles(request: HttpRequest) -> HttpResponse:
    listed = Vehicle.objects.filter(department=request.user.department).prefetch_related(
        "recorders")
    return render(request, "registry/vehicles.html", {"vehicles": listed})
