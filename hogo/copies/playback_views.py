"""The player for copies and processed copies: a purpose first, then decrypted streaming.

The rules are in hogo.copies.playback (and the shared ones in hogo.footage.viewing); these
parse the form, call the service and render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hogo.accounts.permissions import authorize, refuse
from hogo.copies import playback
from hogo.footage import viewing
from hogo.footage.forms import PurposeForm


def _copy(pk: int):
    copy = playback.find(pk)
    if copy is None:
        raise Http404
    return copy


@login_required
def watch(request: HttpRequest, pk: int) -> HttpResponse:
    copy = _copy(pk)
    authorize(request, playback.PERMISSION, copy)
    if not copy.is_kept:
        raise Http404
    form = PurposeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            playback.start_watching(request.user, request.session, copy,
                                    form.cleaned_data["purpose"], form.cleaned_data["reason"])
        except LookupError as erased:
            raise Http404(str(erased)) from erased
        messages.success(request, _("利用目的を記録しました。"))
        return redirect("copies:watch", pk=pk)
    parent = playback.beside(request.user, copy)
    return render(request, "copies/watch.html", {
        "copy": copy, "parent": parent, "form": form,
        "camera": playback.camera_label(copy),
        "granted": playback.may_stream(request.user, request.session, copy),
        "parent_granted": parent is not None and playback.may_stream(
            request.user, request.session, parent),
        "citation": viewing.viewing_citation(request.user)})


def stream(request: HttpRequest, pk: int) -> HttpResponse:
    """Decrypt on the fly, honouring HTTP Range; only while the viewing's grant lasts."""
    copy = _copy(pk)
    if not playback.may_stream(request.user, request.session, copy):
        refuse(request, playback.PERMISSION, copy)
    return viewing.ranged_response(request.headers.get("Range", ""), copy.stored, copy.size)
