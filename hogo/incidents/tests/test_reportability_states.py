"""A non-reportable incident shows no PPC deadline and leaves notice and publication to a
recorded decision; an unknown people count waits on the count with the clock running; the
system-written lines render in the reader's language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from hogo import clock
from hogo.incidents import documents, services
from hogo.incidents.models import DocumentKind, IncidentKind, StepKind


def _report(user, **extra):
    facts = dict(title="書類の誤送付", kind=IncidentKind.MISDELIVERY,
                 what_happened="通知書1通を別の宛先に送付した",
                 knew_on=clock.today_jst() - dt.timedelta(days=1), data_items="氏名、住所")
    return services.report(user, **(facts | extra))


def _section(incident, kind, key):
    return next(s for s in documents.generate(incident, kind) if s["key"] == key)["text"]


# --- not reportable ---------------------------------------------------------------------------


def test_a_non_reportable_incident_shows_no_ppc_deadline(user, client_for):
    incident = _report(user("staff"), people=1)
    assert not incident.reportable and not incident.reportability_pending
    assert services.deadlines(incident) == []
    page = client_for("privacy").get(f"/incidents/{incident.pk}/").content.decode()
    assert "deadline-final" not in page and "確報の期限は事態を知った日" not in page
    assert "報告は不要と判定されています" in page
    assessed = incident.events.get(kind="assessment")
    assert "報告対象外" in assessed.text and "確報期限" not in assessed.text
    kind = _section(incident, DocumentKind.PPC_REPORT, "report_kind")
    assert kind.startswith("報告義務なし") and "期限" not in kind.replace("期限を表示", "")
    assert incident.pk not in {row["incident"].pk
                               for row in services.incident_countdown(user("privacy"))}


def test_a_voluntary_report_brings_the_deadlines_back(user):
    incident = _report(user("staff"), people=1)
    services.update_facts(incident, user("privacy"), voluntary_report=True)
    incident.refresh_from_db()
    assert [row["kind"] for row in services.deadlines(incident)] == ["preliminary", "final"]
    assert "確報" in _section(incident, DocumentKind.PPC_REPORT, "report_kind")


def test_notice_and_publication_are_optional_with_a_recorded_reason(user, client_for):
    privacy = user("privacy")
    incident = _report(user("staff"), people=1)
    notify = incident.steps.get(kind=StepKind.NOTIFY)
    publish = incident.steps.get(kind=StepKind.PUBLISH)
    contain = incident.steps.get(kind=StepKind.CONTAIN)
    assert services.step_is_optional(incident, notify)
    assert services.step_is_optional(incident, publish)
    assert not services.step_is_optional(incident, contain)
    page = client_for("privacy").get(f"/incidents/{incident.pk}/").content.decode()
    assert 'data-testid="optional-notify"' in page and 'data-testid="optional-publish"' in page
    assert 'data-testid="optional-contain"' not in page
    with pytest.raises(services.IncidentError, match="理由"):
        services.waive_step(publish, privacy, reason="  ")
    services.complete_step(notify, privacy, evidence="誤送付先から回収済みだが本人に経緯を説明する")
    services.waive_step(publish, privacy, reason="1名のみで回収済みのため公表しない")
    lines = list(incident.events.filter(kind="step").values_list("text", flat=True))
    assert any("行うと判断し実施" in line and "経緯を説明" in line for line in lines)
    assert any("行わないと判断" in line and "公表しない" in line for line in lines)
    # Closing still needs a decision on each: both are recorded now.
    assert notify.pk not in {s.pk for s in services.open_steps(incident)}
    assert publish.pk not in {s.pk for s in services.open_steps(incident)}


def test_notice_is_not_optional_once_the_incident_is_reportable(user):
    incident = _report(user("staff"), people=220)
    assert incident.reportable
    assert not services.step_is_optional(incident, incident.steps.get(kind=StepKind.NOTIFY))


# --- people count unknown --------------------------------------------------------------------


def test_an_unknown_count_waits_on_the_count_with_the_clock_running(user, client_for):
    privacy = user("privacy")
    incident = _report(user("staff"))  # nobody knows how many
    assert incident.people is None
    assert not incident.reportable and incident.reportability_pending
    rows = services.deadlines(incident)
    assert [row["kind"] for row in rows] == ["preliminary", "final"]
    assert all(row["pending"] for row in rows)
    assert rows[1]["due"] == services.assessment(incident).final_due
    page = client_for("privacy").get(f"/incidents/{incident.pk}/").content.decode()
    assert "報告要否は本人の数の確定待ち" in page and "報告対象外：" not in page
    assert "deadline-final" in page
    listing = client_for("privacy").get("/incidents/").content.decode()
    assert "人数の確定待ち" in listing
    # The notice to the persons is not optional while it may be owed.
    assert not services.step_is_optional(incident, incident.steps.get(kind=StepKind.NOTIFY))
    with pytest.raises(services.IncidentError, match="本人の数の確定"):
        services.close(incident, privacy)
    # The count found: 40 people is not reportable, and the change is announced.
    services.update_facts(incident, privacy, people=40, people_basis="送付先の一覧")
    incident.refresh_from_db()
    assert not incident.reportability_pending and not incident.reportable
    assert services.deadlines(incident) == []
    changed = incident.events.filter(kind="assessment").last()
    assert "報告要否が変わりました（報告対象外）" in changed.text
    assert "確報期限" not in changed.text


def test_an_unknown_count_that_turns_out_large_is_reportable_from_the_same_day(user):
    incident = _report(user("staff"))
    due = services.assessment(incident).final_due
    services.update_facts(incident, user("privacy"), people=150)
    incident.refresh_from_db()
    assert incident.reportable and not incident.reportability_pending
    assert services.assessment(incident).final_due == due  # counted from knowing all along


# --- the reader's language ---------------------------------------------------------------------


def test_timeline_reportability_and_people_notes_render_in_the_readers_language(user):
    incident = _report(user("staff"), people=220,
                       people_basis=services.REPORTER_BASIS)
    assessed = incident.events.get(kind="assessment")
    assert "本人の数が100人を超える" in assessed.text  # stored Japanese, as before
    with translation.override("en"):
        assert "more than 100 people" in assessed.shown
        assert services.people_basis_shown(incident) == "Stated by the reporter"
    with translation.override("ja"):
        assert assessed.shown == assessed.text
        assert services.people_basis_shown(incident) == "報告者の申告"
    incident.people_basis = "送付先の一覧で数えた"  # typed by a person: shown as typed
    with translation.override("en"):
        assert services.people_basis_shown(incident) == "送付先の一覧で数えた"


def test_old_timeline_rows_without_a_message_still_show(user):
    incident = _report(user("staff"), people=1)
    event = incident.events.first()
    event.message = {}
    event.save(update_fields=["message"])
    with translation.override("en"):
        assert event.shown == event.text


def test_the_incident_page_in_english_shows_the_system_lines_translated(user, client):
    from hogo.accounts.models import User

    incident = _report(user("staff"), people=220, people_basis=services.REPORTER_BASIS)
    client.force_login(User.objects.get(username="privacy"),
                       backend="hogo.accounts.backends.RoleBackend")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    try:
        page = client.get(f"/incidents/{incident.pk}/").content.decode()
    finally:  # the request leaves English active in this thread: not for the next test
        translation.activate("ja")
    assert "Stated by the reporter" in page
    assert "item 4: more than 100 people are involved (or may be)" in page  # assessment
    timeline = page[page.index('id="timeline"'):]
    assert "more than 100 people" in timeline  # the stored line, rendered again in English
