"""The media board, a medium's page (check-out, check-in, contents), the inventory page and
the register screens for cabinets and media."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hogo.accounts.permissions import (
    allows,
    authorize,
    department_scope,
    permission_required,
)
from hogo.media import registers, services, waiting
from hogo.media.forms import (
    CabinetForm,
    CheckinForm,
    CheckoutForm,
    ContentForm,
    MediumForm,
    WipeForm,
)
from hogo.media.models import Cabinet, Inventory, InventoryItem, Medium


@permission_required("media.view")
def board(request: HttpRequest) -> HttpResponse:
    media = department_scope(request.user, Medium.objects.select_related("cabinet"))
    rows = services.board_rows(media)
    cabinets = department_scope(request.user, Cabinet.objects.all())
    return render(request, "media/board.html", {
        "rows": rows, "cabinets": cabinets,
        "can_register": bool(registers.managed_cabinets(request.user))})


@permission_required("media.view")
def medium_page(request: HttpRequest, pk: int) -> HttpResponse:
    medium = get_object_or_404(Medium, pk=pk)
    authorize(request, "media.view", medium)
    action = request.POST.get("action")
    holders = services.possible_holders(request.user, medium)
    forms_ = {"checkout": CheckoutForm(request.POST if action == "checkout" else None,
                                       holders=holders, me=request.user),
              "checkin": CheckinForm(request.POST if action == "checkin" else None),
              "content": ContentForm(request.POST if action == "content" else None),
              "wipe": WipeForm(request.POST if action == "wipe" else None)}
    if request.method == "POST" and action in forms_ and forms_[action].is_valid():
        authorize(request, "media.manage" if action == "wipe" else "media.use", medium)
        data = forms_[action].cleaned_data
        try:
            if action == "checkout":
                services.check_out(request.user, medium, **data)
                messages.success(request, _("持出しを記録しました。"))
            elif action == "wipe":
                services.wipe(request.user, medium, **data)
                messages.success(request, _("消去を記録しました。"))
            elif action == "checkin":
                services.check_in(request.user, medium, **data)
                messages.success(request, _("返却を記録しました。"))
            else:
                services.record_content(request.user, medium, **data)
                messages.success(request, _("記録した内容を登録しました。"))
            return redirect("media:medium", pk=pk)
        except services.MediaError as refused:
            forms_[action].add_error(None, str(refused))
    return render(request, "media/medium.html", {
        "medium": medium, "forms": forms_, "holdings": services.holdings(medium),
        "loan": services.open_checkout(medium),
        "can_wipe": allows(request.user, "media.manage", medium),
        "can_edit": allows(request.user, registers.MANAGE, medium),
        "checkouts": medium.checkouts.select_related("taken_by", "returned_by")[:50]})


@permission_required("media.view")
def cabinets(request: HttpRequest) -> HttpResponse:
    listed = department_scope(request.user, Cabinet.objects.select_related("department"))
    rows = [{"cabinet": c, "due_on": waiting.inventory_due_on(c),
             "last": c.inventories.filter(finished_at__isnull=False).first(),
             "count": c.media.exclude(state="destroyed").count(),
             "can_count": allows(request.user, "media.use", c),
             "can_edit": allows(request.user, registers.MANAGE, c)} for c in listed]
    return render(request, "media/cabinets.html", {
        "rows": rows, "every": waiting.INVENTORY_EVERY_DAYS,
        "can_add": bool(registers.managed_departments(request.user))})


@permission_required(registers.MANAGE)
def cabinet_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    target = None
    if pk is not None:
        target = get_object_or_404(Cabinet, pk=pk)
        authorize(request, registers.MANAGE, target)
    form = CabinetForm(request.POST or None,
                       departments=registers.managed_departments(request.user), instance=target)
    if request.method == "POST" and form.is_valid():
        try:
            if target is None:
                saved = registers.register_cabinet(request.user, **form.cleaned_data)
                messages.success(request, _("保管庫「%(name)s」を登録しました。") % {"name": saved})
            else:
                saved = registers.update_cabinet(request.user, target, **form.cleaned_data)
                messages.success(request, _("保管庫「%(name)s」を更新しました。") % {"name": saved})
            return redirect("media:cabinets")
        except registers.RegisterError as refused:
            form.add_error(None, str(refused))
    return render(request, "media/cabinet_form.html", {"form": form, "cabinet": target})


@permission_required(registers.MANAGE)
def medium_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    target = None
    if pk is not None:
        target = get_object_or_404(Medium, pk=pk)
        authorize(request, registers.MANAGE, target)
    choices = registers.managed_cabinets(request.user)
    form = MediumForm(request.POST or None, cabinets=choices, instance=target)
    if request.method == "POST" and form.is_valid():
        try:
            if target is None:
                saved = registers.register_medium(request.user, **form.service_data())
                messages.success(request, _("記録媒体「%(label)s」を登録しました。")
                                 % {"label": saved.label})
            else:
                saved = registers.update_medium(request.user, target, **form.service_data())
                messages.success(request, _("記録媒体「%(label)s」を更新しました。")
                                 % {"label": saved.label})
            return redirect("media:medium", pk=saved.pk)
        except registers.RegisterError as refused:
            form.add_error(None, str(refused))
    return render(request, "media/medium_form.html", {
        "form": form, "medium": target, "no_cabinet": not choices})


@require_POST
@permission_required("media.view")
def start_inventory(request: HttpRequest, pk: int) -> HttpResponse:
    cabinet = get_object_or_404(Cabinet, pk=pk)
    authorize(request, "media.use", cabinet)
    inventory = services.start_inventory(request.user, cabinet)
    return redirect("media:inventory", pk=inventory.pk)


@permission_required("media.view")
def inventory(request: HttpRequest, pk: int) -> HttpResponse:
    counted = get_object_or_404(Inventory.objects.select_related("cabinet"), pk=pk)
    authorize(request, "media.use", counted.cabinet)
    if request.method == "POST" and request.POST.get("action") == "finish":
        services.finish_inventory(request.user, counted)
        messages.success(request, _("棚卸しを終了しました。"))
        return redirect("media:inventory", pk=pk)
    rows = services.inventory_rows(counted)
    return render(request, "media/inventory.html", {
        "inventory": counted, "rows": rows, "items": [row["item"] for row in rows]})


@require_POST
@permission_required("media.view")
def confirm_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(InventoryItem.objects.select_related("inventory__cabinet",
                                                                  "medium"), pk=pk)
    authorize(request, "media.use", item.inventory.cabinet)
    if item.inventory.finished_at is None:
        services.confirm(request.user, item, found=request.POST.get("found") == "yes")
    if request.htmx:
        item.medium.refresh_from_db()
        return render(request, "media/_item.html", {
            "item": item, "loan": services.open_checkout(item.medium)})
    return redirect("media:inventory", pk=item.inventory_id)
