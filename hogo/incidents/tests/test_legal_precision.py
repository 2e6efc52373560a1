"""Checking the incident rules against the Act: ordinance-sensitive data, the threshold
ceiling, impossible dates (services, console, API, one date parser), and the articles a
public body's and a business's screens and documents cite."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from hogo import clock
from hogo.accounts.policy import set_override
from hogo.incidents import documents, legal, services
from hogo.incidents.dates import parse_date
from hogo.incidents.models import DocumentKind, IncidentKind, ReportKind
from hogo.rules.profile import ProfileError

ASSESS = "/api/incidents/assess"
CITY_ITEMS = ["生活保護の受給に関する事項", "児童虐待に関する事項"]  # the demo city's override


def _report(user, **extra):
    facts = dict(title="USBメモリの紛失", kind=IncidentKind.LOSS,
                 what_happened="映像を保存したUSBメモリが見つからない",
                 knew_on=clock.today_jst() - dt.timedelta(days=2), data_items="映像")
    return services.report(user, **(facts | extra))


def _as_business(demo, key="bus_taxi_operator"):
    demo.profile_key = key
    demo.policy_overrides = {}
    demo.save(update_fields=["profile_key", "policy_overrides"])


# --- (a) ordinance-sensitive data -----------------------------------------------------------


def test_the_city_offers_its_ordinance_items_and_an_item_makes_the_incident_reportable(
        user, client_for):
    privacy = user("privacy")
    incident = _report(user("staff"), people=3)
    assert not incident.reportable
    page = client_for("privacy").get(f"/incidents/{incident.pk}/").content.decode()
    assert all(item in page for item in CITY_ITEMS)
    response = client_for("privacy").post(f"/incidents/{incident.pk}/facts/", {
        "people": "3", "ordinance_items": [CITY_ITEMS[1]]}, follow=True)
    assert response.status_code == 200
    incident.refresh_from_db()
    assert incident.ordinance_items == [CITY_ITEMS[1]]
    assert incident.reportable and incident.criteria == ["ordinance_sensitive"]
    summary = services.assessment(incident)
    assert [c.number for c in summary.criteria] == [5]
    page = client_for("privacy").get(f"/incidents/{incident.pk}/").content.decode()
    assert "第5号" in page and "条例要配慮個人情報" in page
    assert "規則第43条" in page
    with pytest.raises(services.IncidentError, match="条例要配慮個人情報の項目"):
        services.update_facts(incident, privacy, ordinance_items=["条例にない項目"])


def test_a_business_is_offered_no_ordinance_items_and_may_not_claim_one(user, demo,
                                                                       client_for):
    _as_business(demo)
    incident = _report(user("staff"), people=3)
    page = client_for("privacy").get(f"/incidents/{incident.pk}/").content.decode()
    assert 'name="ordinance_items"' not in page
    assert legal.ordinance_items(demo) == []
    with pytest.raises(services.IncidentError, match="条例要配慮個人情報の項目"):
        services.update_facts(incident, user("privacy"), ordinance_items=[CITY_ITEMS[0]])


# --- (b) an override may lower the threshold, never exceed the Act's --------------------------


def test_a_220_person_city_case_stays_reportable_and_5000_is_refused(user, demo):
    incident = _report(user("staff"), people=220)
    assert incident.reportable
    with pytest.raises(ProfileError, match="must not exceed the Act's threshold of 100"):
        set_override(demo, "incidents.reporting_threshold", 5000, by=user("privacy"),
                     reason="試しに緩める")
    demo.refresh_from_db()
    assert "incidents.reporting_threshold" not in (demo.policy_overrides or {})
    services.update_facts(incident, user("privacy"), cause="保管の不備")  # reassessed
    incident.refresh_from_db()
    assert incident.reportable and services.assessment(incident).facts.people_threshold == 100
    set_override(demo, "incidents.reporting_threshold", 50, by=user("privacy"),
                 reason="市の方針で厳しくする")
    demo.refresh_from_db()
    assert services.assessment(_report(user("staff"), people=60)).reportable


# --- (c) impossible dates --------------------------------------------------------------------


def test_a_filing_before_the_day_of_knowing_or_in_the_future_is_refused(user):
    privacy = user("privacy")
    incident = _report(user("staff"), people=220)
    knew = services.organisation_knew_on(incident)[0]
    with pytest.raises(services.IncidentError, match="事態を知った日"):
        services.record_filing(incident, privacy, kind="preliminary",
                               filed_on=knew - dt.timedelta(days=1))
    with pytest.raises(services.IncidentError, match="未来"):
        services.record_filing(incident, privacy, kind="preliminary",
                               filed_on=clock.today_jst() + dt.timedelta(days=1))
    assert not incident.filings.exists()
    filing = services.record_filing(incident, privacy, kind="preliminary", filed_on=knew)
    assert filing.days_late == 0
    with pytest.raises(services.IncidentError, match="未来"):
        services.add_awareness(incident, privacy, person_name="誰か", source="staff",
                               knew_on=clock.today_jst() + dt.timedelta(days=1), how="x")


@pytest.mark.parametrize(("text", "day"), [
    ("2025-06-02", dt.date(2025, 6, 2)), ("2025/6/2", dt.date(2025, 6, 2)),
    ("20250602", dt.date(2025, 6, 2)), ("令和7年6月2日", dt.date(2025, 6, 2)),
    ("令和元年5月1日", dt.date(2019, 5, 1)), ("２０２５－０６－０２", dt.date(2025, 6, 2))])
def test_the_one_parser_reads_these_formats(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize("text", ["2025-02-30", "yesterday", "平成32年1月1日", "令和1年4月30日",
                                  "1748822400", "2025-6"])
def test_the_one_parser_refuses_the_rest(text):
    with pytest.raises(ValueError, match="is not a"):
        parse_date(text)


def _cli(*args):
    out = io.StringIO()
    call_command("incidents", "assess", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def _api(client, token, **body):
    return client.post(ASSESS, body, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.parametrize("written", ["2025/06/02", "20250602", "令和7年6月2日"])
def test_console_and_api_read_the_same_formats_the_same_way(demo, client, token, written):
    cli = _cli("--knew-on", written, "--people", "220", "--filed-preliminary", "令和7年6月5日")
    api = _api(client, token, knew_on=written, people=220, filed_preliminary="令和7年6月5日")
    assert api.status_code == 200, api.content
    answer = api.json()
    answer.pop("deprecations")
    cli.pop("deprecations")
    assert cli == answer
    assert answer["knew_on"] == "2025-06-02" and answer["filings"][0]["days_late"] == 1


def test_the_api_refuses_a_timestamp_for_a_date(demo, client, token):
    response = _api(client, token, knew_on=1748822400, people=3)
    assert response.status_code == 422
    assert any("knew_on" in error["loc"] for error in response.json()["detail"])


@pytest.mark.parametrize(("extra", "message"), [
    (dict(filed_preliminary="2025-06-01"), "before the day of knowing"),
    (dict(filed_final="2999-01-01"), "future"),
], ids=["filed before knowing", "filed in the future"])
def test_impossible_filings_are_errors_in_the_api_and_the_console(demo, client, token, extra,
                                                                  message):
    response = _api(client, token, knew_on="2025-06-02", people=220, **extra)
    assert response.status_code == 422 and message in response.json()["detail"]
    flags = [arg for name, value in extra.items()
             for arg in (f"--{name.replace('_', '-')}", value)]
    with pytest.raises(CommandError, match=message):
        _cli("--knew-on", "2025-06-02", "--people", "220", *flags)


def test_a_day_of_knowing_in_the_future_is_an_error_everywhere(demo, client, token, user):
    tomorrow = (clock.today_jst() + dt.timedelta(days=1)).isoformat()
    assert _api(client, token, knew_on=tomorrow, people=3).status_code == 422
    with pytest.raises(CommandError, match="future"):
        _cli("--knew-on", tomorrow, "--people", "3")
    with pytest.raises(services.IncidentError, match="未来"):
        _report(user("staff"), knew_on=clock.today_jst() + dt.timedelta(days=1))


def test_ordinance_sensitive_through_the_api_and_the_console(demo, client, token):
    api = _api(client, token, knew_on="2025-06-02", people=2, ordinance_sensitive=True).json()
    assert api["reportable"] and [c["number"] for c in api["criteria"]] == [5]
    assert _cli("--knew-on", "2025-06-02", "--people", "2",
                "--ordinance-sensitive")["criteria"] == api["criteria"]
    business = _api(client, token, knew_on="2025-06-02", people=2, ordinance_sensitive=True,
                    organisation_type="private_business")
    assert business.status_code == 422 and "local governments only" in business.json()[
        "detail"]


# --- citations per organisation type ----------------------------------------------------------


def test_a_public_bodys_incident_cites_act_art_68_and_rules_43_44(user, client_for):
    incident = _report(user("staff"), people=220)
    page = client_for("privacy").get(f"/incidents/{incident.pk}/").content.decode()
    assert "個人情報の保護に関する法律第68条" in page and "第43条" in page and "第44条" in page
    assert "第26条" not in page
    kind = next(s for s in documents.generate(incident, DocumentKind.PPC_REPORT)
                if s["key"] == "report_kind")["text"]
    assert "法第68条第1項" in kind and "規則第44条" in kind
    opening = next(s for s in documents.generate(incident, DocumentKind.PERSON_NOTICE)
                   if s["key"] == "opening")["text"]
    assert "法第68条第2項の規定に基づき" in opening


def test_a_business_incident_cites_act_art_26_and_rules_7_8(user, demo, client_for):
    _as_business(demo)
    incident = _report(user("staff"), people=1001)
    page = client_for("privacy").get(f"/incidents/{incident.pk}/").content.decode()
    assert "個人情報の保護に関する法律第26条" in page and "施行規則第7条" in page
    assert "第8条" in page and "第68条" not in page and "第43条" not in page
    sections = documents.generate(incident, DocumentKind.PPC_REPORT)
    kind = next(s for s in sections if s["key"] == "report_kind")["text"]
    assert "法第26条第1項" in kind and "規則第8条" in kind
    assert "規則第7条" in next(s for s in sections if s["key"] == "criteria")["text"]


def test_the_association_report_cites_the_schools_own_guideline(user, demo, client_for):
    _as_business(demo, "driving_school")
    incident = _report(user("staff"), people=3)
    sections = {s["key"]: s for s in documents.generate(incident,
                                                        DocumentKind.ASSOCIATION_REPORT)}
    guideline = "指定自動車教習所業における個人情報保護指針"
    assert sections["exemption"]["heading"] == (
        f"報告を要しない場合（{guideline}第41条第2号）への該当")
    assert sections["response"]["heading"] == f"3　対応の状況（{guideline}第40条）"
    assert f"{guideline}第41条" in sections["reporter"]["text"]
    assert ReportKind.ASSOCIATION in services.filing_kinds(incident)
    page = client_for("privacy").get(f"/incidents/{incident.pk}/").content.decode()
    assert 'value="association"' in page
    # The school's own rules say nothing on it: no citation, never a bare article number.
    set_override(demo, "own_rules.citations.association_exemption", "", by=user("privacy"),
                 reason="規程の改正")
    demo.refresh_from_db()
    incident.refresh_from_db()
    sections = {s["key"]: s for s in documents.generate(incident,
                                                        DocumentKind.ASSOCIATION_REPORT)}
    assert sections["exemption"]["heading"] == "報告を要しない場合への該当"


def test_a_city_has_no_association_report_to_file(user, client_for):
    incident = _report(user("staff"), people=220)
    assert ReportKind.ASSOCIATION not in services.filing_kinds(incident)
    page = client_for("privacy").get(f"/incidents/{incident.pk}/").content.decode()
    assert 'value="association"' not in page and "全指連" not in page
    with pytest.raises(services.IncidentError, match="報告の種類"):
        services.record_filing(incident, user("privacy"), kind="association",
                               filed_on=clock.today_jst())
