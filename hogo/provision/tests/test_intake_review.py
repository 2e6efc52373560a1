"""Intake, as mended after review: no consent or opt-out day after today; a withdrawal tells
the deciders, second approvers and the enterer and closes the alerts that asked them to act;
the edit and withdrawal pages and the inbox are audited; the work-queue title is translated;
a complete request waiting to be taken in reads 「受付待ち」; a refused acceptance keeps the
missing items it found; a request whose vehicle is not named yet warns that its originals
are not pinned and comes first in the handlers' work queue."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from hogo import clock
from hogo.alerts.models import Alert
from hogo.alerts.waiting import waiting_for
from hogo.audit.models import AuditEntry
from hogo.provision import decision, intake
from hogo.provision.models import Outcome, ProvisionRequest, RequestState
from hogo.provision.tests.test_intake import footage, form_data, letter  # noqa: F401
from hogo.provision.tests.test_public import FORM

UNPINNED = ("車両を特定するまで元データは保全されていません。"
            "上書きされる前に車両を特定してください。")


def tomorrow() -> dt.date:
    return clock.today_jst() + dt.timedelta(days=1)


def told(kind: str) -> list[str]:
    return sorted(a.recipient.username for a in Alert.objects.filter(kind=kind))


def open_alerts(request: ProvisionRequest) -> list[str]:
    return sorted(a.kind for a in Alert.objects.filter(
        key__startswith=f"provision:{request.pk}:", acknowledged_at__isnull=True))


def web_request(address: str = "192.0.2.20") -> ProvisionRequest:
    return intake.submit_public({**FORM, "consent_on": dt.date(2025, 6, 10),
                                 "start_at": dt.datetime(2025, 6, 3, 14, 0),
                                 "end_at": dt.datetime(2025, 6, 3, 14, 3)}, address=address)


# --- 1. no day after today ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["consent_on", "opt_out_on"])
def test_a_consent_or_opt_out_day_after_today_is_refused_on_its_field(recorder, user, name):
    with pytest.raises(intake.ProvisionError) as refused:
        intake.enter(user("staff"), letter(recorder.vehicle, basis="consent",
                                           **{name: tomorrow()}))
    assert refused.value.field == name
    assert "今日より後の日付は指定できません" in refused.value.reasons[0]
    assert not ProvisionRequest.objects.exists()
    made = intake.enter(user("staff"), letter(recorder.vehicle, basis="consent",
                                              **{name: clock.today_jst()}))
    assert getattr(made, name) == clock.today_jst()
    with pytest.raises(intake.ProvisionError):
        intake.update(user("manager"), made, {name: tomorrow()})
    made.refresh_from_db()
    assert getattr(made, name) == clock.today_jst()


def test_a_future_consent_day_is_said_beside_the_field_and_nothing_typed_is_lost(
        recorder, client_for):
    response = client_for("staff").post(reverse("provision:new"), form_data(
        recorder.vehicle, basis="consent", consent_on=tomorrow().isoformat()))
    page = response.content.decode()
    assert response.status_code == 200 and not ProvisionRequest.objects.exists()
    errors = response.context["form"].errors
    assert list(errors) == ["consent_on"]
    assert "「本人の同意を得た日」に今日より後の日付は指定できません。" in errors["consent_on"]
    assert 'value="デモ県中央警察署"' in page and 'value="中央刑第123号"' in page
    assert f'value="{tomorrow().isoformat()}"' in page


def test_a_future_consent_day_on_the_public_form_is_said_beside_the_field(demo, client):
    response = client.post(reverse("provision:public_form"),
                           {**FORM, "consent_on": tomorrow().isoformat()})
    assert response.status_code == 200 and not ProvisionRequest.objects.exists()
    assert "consent_on" in response.context["form"].errors
    assert 'value="デモ損害保険株式会社"' in response.content.decode()


# --- 3. a withdrawal tells who waited on it -------------------------------------------------


def test_withdrawing_a_received_request_tells_the_decider_and_the_enterer(
        recorder, footage, user):  # noqa: F811
    made = intake.accept(user("operator"), intake.enter(user("staff"), letter(recorder.vehicle)))
    # Taken in: the take-in alerts are done, the decider's is open.
    assert open_alerts(made) == ["provision.to_decide"]
    intake.withdraw(user("privacy"), made, "請求者から取下げの連絡があった")
    assert told(intake.WITHDRAWN_KIND) == ["manager", "staff"]  # never the actor (privacy)
    [alert] = Alert.objects.filter(kind=intake.WITHDRAWN_KIND, recipient=user("manager"))
    assert "取下げの連絡があった" in alert.message and made.number in alert.message
    assert open_alerts(made) == ["provision.withdrawn", "provision.withdrawn"]
    closed = Alert.objects.get(kind="provision.to_decide")
    assert closed.acknowledged_by == user("privacy")
    assert "provision.decide" not in [i.kind for i in waiting_for(user("manager"))]


def test_withdrawing_in_second_approval_tells_the_second_approver_too(
        demo, recorder, footage, user):  # noqa: F811
    demo.policy_overrides = {**(demo.policy_overrides or {}),
                             "provision.second_approver": "privacy_officer"}
    demo.save(update_fields=["policy_overrides"])
    made = intake.accept(user("operator"), intake.enter(user("staff"), letter(recorder.vehicle)))
    decision.decide(user("manager"), made, outcome=Outcome.APPROVE)
    made.refresh_from_db()
    assert made.state == RequestState.SECOND_APPROVAL
    assert "provision.second_approval" in open_alerts(made)
    intake.withdraw(user("operator"), made, "請求者から取下げ")
    assert told(intake.WITHDRAWN_KIND) == ["manager", "privacy", "staff"]
    assert open_alerts(made) == ["provision.withdrawn"] * 3


def test_withdrawing_before_acceptance_closes_the_take_in_alerts(recorder, user):
    made = intake.enter(user("staff"), letter(recorder.vehicle, requester_address=""))
    assert open_alerts(made) == ["provision.received"] * 3
    intake.withdraw(user("manager"), made, "補正がされなかった")
    assert open_alerts(made) == [] and told(intake.WITHDRAWN_KIND) == []


# --- 4. every view of personal data is audited -------------------------------------------------


def viewed(request: ProvisionRequest, what: str) -> int:
    return sum(1 for e in AuditEntry.objects.filter(action="provision.viewed",
                                                    object_id=str(request.pk))
               if json.loads(e.detail)["what"] == what)


def test_the_edit_and_withdrawal_pages_are_audited(recorder, user, client_for):
    made = intake.enter(user("staff"), letter(recorder.vehicle))
    manager = client_for("manager")
    assert manager.get(reverse("provision:edit", args=[made.pk])).status_code == 200
    assert viewed(made, "edit") == 1
    assert manager.get(reverse("provision:withdraw", args=[made.pk])).status_code == 200
    assert viewed(made, "withdraw") == 1
    entry = AuditEntry.objects.filter(action="provision.viewed").last()
    assert entry.actor == "user:manager"


def test_each_view_of_the_inbox_is_one_audit_entry_with_its_filter(recorder, user,
                                                                    client_for):
    for name in ("一件目", "二件目", "三件目"):
        intake.enter(user("staff"), letter(recorder.vehicle, requester_name=name))
    privacy = client_for("privacy")
    page = privacy.get(reverse("provision:inbox"), {"state": "", "via": "letter"})
    assert "三件目" in page.content.decode()
    [entry] = AuditEntry.objects.filter(action="provision.inbox_viewed")
    assert entry.actor == "user:privacy"
    assert json.loads(entry.detail) == {"state": "", "via": "letter", "overdue": False,
                                        "shown": 3}
    privacy.get(reverse("provision:inbox"))
    assert AuditEntry.objects.filter(action="provision.inbox_viewed").count() == 2


# --- 5. translated titles ----------------------------------------------------------------------


def test_the_work_queue_title_goes_through_gettext(recorder, user, monkeypatch):
    made = intake.enter(user("staff"), letter(recorder.vehicle))
    monkeypatch.setattr(intake, "_", lambda text: f"[{text}]")
    assert intake.title(made) == f"[提供申請 {made.number}（{made.requester_name}）]"


# --- 6. 受付待ち -------------------------------------------------------------------------------


def state_in_row(page: str, number: str) -> str:
    row = re.search(rf'<tr data-number="{number}">(.*?)</tr>', page, re.S).group(1)
    return re.findall(r"<td>(.*?)</td>", row, re.S)[2]


def test_a_complete_web_request_waiting_to_be_taken_in_reads_waiting(demo, client_for):
    made = web_request("192.0.2.10")
    assert made.state == RequestState.INCOMPLETE and made.missing == []
    assert made.state_label == "受付待ち"
    operator = client_for("operator")
    page = operator.get(reverse("provision:detail", args=[made.pk])).content.decode()
    assert '<span class="badge" data-testid="state">受付待ち</span>' in page
    inbox = operator.get(reverse("provision:inbox")).content.decode()
    assert state_in_row(inbox, made.number).startswith("受付待ち")
    ProvisionRequest.objects.filter(pk=made.pk).update(missing=["purpose"])
    made.refresh_from_db()
    assert made.state_label == "受付前（補正待ち）"
    inbox = operator.get(reverse("provision:inbox")).content.decode()
    assert state_in_row(inbox, made.number).startswith("受付前（補正待ち）")


# --- 7. a refused acceptance keeps what it found missing ------------------------------------


def test_a_refused_acceptance_stores_the_missing_items_it_found(recorder, user):
    made = intake.enter(user("staff"), letter(recorder.vehicle, requester_address=""))
    ProvisionRequest.objects.filter(pk=made.pk).update(missing=[])  # stale (older rules)
    with pytest.raises(intake.Incomplete):
        intake.accept(user("manager"), made)
    made.refresh_from_db()
    assert made.missing == ["requester_address"] and made.state == RequestState.INCOMPLETE
    assert made.accepted_at is None and made.due_on is None


# --- 8. not pinned until the vehicle is named -------------------------------------------------


def test_an_unpinned_request_warns_its_handlers_until_the_vehicle_is_named(
        demo, recorder, footage, user, client_for):  # noqa: F811
    made = web_request()
    assert made.hold is None and intake.awaits_vehicle(made)
    operator = client_for("operator")
    url = reverse("provision:detail", args=[made.pk])
    assert UNPINNED in operator.get(url).content.decode()
    routed = intake.update(user("operator"), made, {"vehicle": recorder.vehicle})
    assert routed.hold is not None and not intake.awaits_vehicle(routed)
    assert UNPINNED not in operator.get(url).content.decode()


def test_unpinned_requests_come_first_in_the_handlers_queue(demo, recorder, user):
    pinned = intake.enter(user("staff"), letter(recorder.vehicle, requester_name="書面の件"))
    unpinned = web_request()
    assert pinned.received_at < unpinned.received_at  # the older one would come first
    items = [i for i in waiting_for(user("operator")) if i.kind.startswith("provision.")]
    assert [i.url for i in items] == [reverse("provision:detail", args=[unpinned.pk]),
                                      reverse("provision:detail", args=[pinned.pk])]
    assert items[0].due_on == clock.today_jst() and not items[0].overdue
    assert "元データは未保全" in items[0].label
