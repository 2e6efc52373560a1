"""The media board, a medium's page (check-out, check-in, contents) and the inventory page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from hogo.accounts.permissions import (
    allows,
    authorize,
    department_scope,
    permission_required,
)
from hogo.media import services
from hogo.media.models import Cabinet, Inventory, InventoryItem, Medium


class CheckoutForm(forms.Form):
    purpose = forms.CharField(label=_lazy("持出しの目的"), max_length=300)
    due_on = forms.DateField(label=_lazy("返却予定日"),
                             widget=forms.DateInput(attrs={"type": "date"}))


class CheckinForm(forms.Form):
    condition = forms.CharField(label=_lazy("返却時の状態（内容を消去したか等）"), max_length=200)


class WipeForm(forms.Form):
    method = forms.CharField(label=_lazy("消去・破砕の方法（例：専用ソフトで全領域を上書き）"),
                             max_length=200)
    destroy = forms.BooleanField(label=_lazy("物理的に破砕・廃棄した"), required=False)


class ContentForm(forms.Form):
    description = forms.CharField(label=_lazy("記録した内容"), max_length=300)
    people = forms.IntegerField(label=_lazy("人数（延べ、分かる場合）"), required=False,
                                min_value=0)


@permission_required("media.view")
def board(request: HttpRequest) -> HttpResponse:
    media = department_scope(request.user, Medium.objects.select_related("cabinet"))
    rows = services.board_rows(media)
    cabinets = department_scope(request.user, Cabinet.objects.all())
    return render(request, "media/board.html", {"rows": rows, "cabinets": cabinets})


@permission_required("media.view")
def medium_page(request: HttpRequest, pk: int) -> HttpResponse:
    medium = get_object_or_404(Medium, pk=pk)
    authorize(request, "media.view", medium)
    action = request.POST.get("action")
    forms_ = {"checkout": CheckoutForm(request.POST if action == "checkout" else None),
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
            messages.error(request, str(refused))
    return render(request, "media/medium.html", {
        "medium": medium, "forms": forms_, "holdings": services.holdings(medium),
        "can_wipe": allows(request.user, "media.manage", medium),
        "checkouts": medium.checkouts.select_related("taken_by", "returned_by")[:50]})


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
    return render(request, "media/inventory.html", {
        "inventory": counted, "items": counted.items.select_related("medium")})


@require_POST
@permission_required("media.view")
def confirm_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(InventoryItem.objects.select_related("inventory__cabinet",
                                                                  "medium"), pk=pk)
    authorize(request, "media.use", item.inventory.cabinet)
    if item.inventory.finished_at is None:
        services.confirm(request.user, item, found=request.POST.get("found") == "yes")
    if request.htmx:
        return render(request, "media/_item.html", {"item": item})
    return redirect("media:inventory", pk=item.inventory_id)
