"""The decision area of a person's requests: the section of a request's page (panel order
20) — the deadlines and what they rest on, the fee before the decision, the provision records
about the person, the decision, its letters and the next step — and the area's registration
(work-queue sources, alert names, 経過 words).

The services are `deciding` (extension, the decision, deadlines), `fees`, `carrying`
(carrying out, the notice day, closing) and `letters`; this module only gathers what they say
for the page, whose forms post to the screens of `hogo.requests.views.decision`."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy

from hogo import clock
from hogo.accounts.permissions import allows
from hogo.alerts import waiting
from hogo.alerts.text import label_kind
from hogo.requests import carrying, common, deadlines, deciding, fees, letters, panels
from hogo.requests.models import Kind, Outcome, PersonalRequest, RequestState


def deadline_view(request: PersonalRequest) -> dict[str, Any]:
    """The due days with their articles; a business's may-sue day (Art. 39(1))."""
    try:
        articles = deadlines.articles(request.organisation, request.kind)
    except deadlines.RequestRuleError:
        articles = {}
    due = request.effective_due_on
    undecided = request.state in deciding.UNDECIDED
    return {"public": common.is_public_body(request.organisation), "articles": articles,
            "due": due, "overdue": undecided and due is not None and due < clock.today_jst(),
            "may_sue_on": request.may_sue_on, "extension_limit": deciding.extension_limit(
                request) if undecided and common.is_public_body(request.organisation) else None}


def view_of(user: Any, request: PersonalRequest, *, records_text: str | None = None
            ) -> dict[str, Any]:
    """Everything the section and the decision screens show to this person."""
    may_decide = deciding.may_decide(user, request)
    handles = allows(user, "requests.handle", request)
    records_text = (records_text if records_text is not None
                    else deciding.person_text(request)).strip()
    found = (deciding.records_found(user, request, records_text)
             if may_decide and deciding.asks_records(request) else [])
    decided = request.state in (RequestState.DECIDED, RequestState.CLOSED) and request.outcome
    return {
        "req": request, "deadline": deadline_view(request), "fee": fees.fee_view(request),
        "can_decide": may_decide, "can_extend": deciding.may_extend(user, request)
        and request.extended_at is None,
        "can_large": deciding.may_extend(user, request) and request.kind == Kind.DISCLOSURE
        and request.remainder_due_on is None,
        "can_set_fee": handles and request.is_open and not fees.is_free(request)
        and request.fee_paid_at is None,
        "can_take_fee": handles and request.is_open and not fees.is_free(request)
        and request.fee_paid_at is None and fees.total(request) > 0
        and request.outcome not in fees.NOTHING_TO_DISCLOSE,
        "asks_records": deciding.asks_records(request), "records_text": records_text,
        "records": found if not decided else list(request.disclosed_records or []),
        "decided": bool(decided), "grounds": letters.grounds_of(request),
        "letter_title": letters.letter_title(request) if decided else "",
        "needs_carrying_out": bool(decided) and carrying.needs_carrying_out(request),
        "can_notify": handles and request.state == RequestState.DECIDED
        and request.notified_on is None,
        "can_carry_out": handles and request.state == RequestState.DECIDED
        and carrying.needs_carrying_out(request) and request.carried_out_at is None,
        "carry_out_blocked": carrying.disclosure_problems(request, request.method or "view")
        if carrying.is_disclosure(request) and request.state == RequestState.DECIDED else [],
        "can_close": carrying.may_close(user, request),
        "why_not_closable": carrying.why_not_closable(request)
        if request.state == RequestState.DECIDED else "",
        "method_form": request.kind == Kind.DISCLOSURE
        and request.outcome in (Outcome.DISCLOSE, Outcome.PARTIAL),
        "can_print": allows(user, "requests.view", request),
    }


def panel(http: Any, request: PersonalRequest) -> str:
    """The section; empty for a withdrawn request that was never decided."""
    if request.state == RequestState.WITHDRAWN and not request.outcome:
        return ""
    from hogo.requests.forms_decision import DecisionForm, FeeForm, NotifiedForm, PaymentForm

    context = view_of(http.user, request, records_text=http.GET.get("records_q"))
    if context["can_decide"]:
        context["form"] = DecisionForm(request=request,
                                       initial={"records_text": context["records_text"]})
    if context["can_set_fee"]:
        context["fee_form"] = FeeForm(initial={"items": request.fee_items})
    if context["can_take_fee"]:
        context["payment_form"] = PaymentForm(initial={"amount": fees.total(request)})
    if context["can_notify"]:
        context["notified_form"] = NotifiedForm()
    return render_to_string("requests/decision_panel.html", context, request=http)


ALERT_KINDS = (
    (deciding.DECIDED_KIND, gettext_lazy("本人請求の決定")),
    (deciding.EXTENDED_KIND, gettext_lazy("本人請求の決定期限の延長")),
    (deciding.DUE_SOON_KIND, gettext_lazy("本人請求の決定期限が近い")),
    (deciding.OVERDUE_KIND, gettext_lazy("本人請求の決定期限の超過")),
    (fees.FEE_PAID_KIND, gettext_lazy("本人請求の手数料の納付")),
    (carrying.CARRIED_OUT_KIND, gettext_lazy("本人請求の完了待ち")),
    (carrying.CLOSED_KIND, gettext_lazy("本人請求の完了")),
)


def register() -> None:
    """Work-queue sources, alert names, the 経過 words and the request page's section."""
    for kind, label in ALERT_KINDS:
        label_kind(kind, label)
    for source in (deciding.waiting_items, fees.waiting_items, carrying.waiting_items):
        waiting.add_source(source)
    panels.add_panel("decision", 20, panel)
    from hogo.requests import intake

    add_wording = getattr(intake, "add_wording", None)  # the 経過 words live with the page
    if add_wording is not None:
        for action, words in (*deciding.EVENT_WORDS, *fees.EVENT_WORDS,
                              *carrying.EVENT_WORDS):
            add_wording(action, words)
