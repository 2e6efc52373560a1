"""What a link's fetch (or its death) changes: the provision record is made at the first
fetch, dated that day, never for a link that died unfetched; a dying last link closes a
request whose other erasures were confirmed; a link whose copy was erased stops; refused
attempts are throttled per address; a dropped download is explained and a new link can be
made."""

from __future__ import annotations

import datetime as dt

import pytest

from hogo import clock
from hogo.audit.models import AuditEntry
from hogo.copies.models import Copy
from hogo.provision import handover, links, records
from hogo.provision.models import (
    DownloadLink,
    ErasureHow,
    Fetch,
    ProvisionRecord,
    ProvisionRequest,
    RequestState,
)
from hogo.provision.tests.test_handover import (  # noqa: F401 - fixtures
    approved,
    copy,
    on_medium,
    usb,
)
from hogo.provision.tests.test_links import UA, fetch, shredded, url
from hogo.provision.tests.test_records import INSURER, as_business

ADDRESS = "203.0.113.9"


def link_to(user, request, copy, name="あおば損保 森"):  # noqa: F811
    return handover.hand_over_by_link(user("operator"), request, copy, recipient_name=name)


@pytest.fixture
def insurer(approved, demo):  # noqa: F811 - the fixture above
    """The approved request as an insurer's with the person's written consent, at a private
    operator: the Act asks for a provision record."""
    as_business(demo)
    ProvisionRequest.objects.filter(pk=approved.pk).update(**INSURER)
    approved.refresh_from_db()
    return approved


# -- 4. the record is made when the data is provided ----------------------------------------


def test_a_link_makes_its_record_at_the_fetch_dated_that_day(insurer, copy, user,  # noqa: F811
                                                             client):
    _, first, _, _ = link_to(user, insurer, copy)
    insurer.refresh_from_db()
    assert insurer.state == RequestState.HANDED_OVER  # prepared
    assert not ProvisionRecord.objects.exists()  # nothing provided yet
    links.revoke(user("operator"), first)
    assert not ProvisionRecord.objects.exists()  # a link that died: no provision
    _, second, token, _ = link_to(user, insurer, copy)
    later = clock.now() + dt.timedelta(days=2)
    with clock.frozen(later):
        got = fetch(client, token)
    assert got.status_code == 200 and "attachment" in got["Content-Disposition"]
    record = ProvisionRecord.objects.get(request=insurer)
    assert record.provided_on == [clock.jst_date(later).isoformat()]
    assert insurer.events.filter(action="record_created").count() == 1


def test_a_medium_makes_its_record_at_once(insurer, copy, usb, user):  # noqa: F811
    made, _ = on_medium(user, insurer, copy, usb)
    record = ProvisionRecord.objects.get(request=insurer)
    assert record.provided_on == [clock.jst_date(made.prepared_at).isoformat()]


def test_a_record_that_cannot_be_made_leaves_the_link_usable(insurer, copy, user, client,  # noqa: F811
                                                              monkeypatch):
    _, link, token, _ = link_to(user, insurer, copy)

    def broken(*args, **kwargs):
        raise records.RecordError("提供記録の要否を判断できません: テスト")

    monkeypatch.setattr(records, "record_provision", broken)
    page = fetch(client, token)
    assert page.status_code == 503 and "Content-Disposition" not in page
    assert "提供元にお問い合わせください" in page.content.decode()
    link.refresh_from_db()
    assert link.used_at is None and link.package_erased_at is None
    assert Fetch.objects.filter(link=link, outcome=links.FAILED).exists()
    monkeypatch.undo()
    assert fetch(client, token).status_code == 200  # once it can be made


# -- 1. a dying last link closes the request ------------------------------------------------


def test_revoking_the_last_live_link_closes_the_request(approved, copy, usb, user):  # noqa: F811
    medium, _ = on_medium(user, approved, copy, usb, recipient_name="担当 一")
    _, link, _, _ = link_to(user, approved, copy, name="担当 二")
    handover.confirm_erasure(user("manager"), medium, how=ErasureHow.RETURNED, note="",
                             confirmed_on=clock.today_jst())
    approved.refresh_from_db()
    assert approved.state == RequestState.HANDED_OVER  # the link may still be fetched
    links.revoke(user("operator"), link)
    approved.refresh_from_db()
    assert approved.state == RequestState.CLOSED and approved.closed_by == user("operator")
    assert approved.hold.released_at is not None


def test_the_last_link_expiring_closes_the_request(approved, copy, usb, user):  # noqa: F811
    medium, _ = on_medium(user, approved, copy, usb, recipient_name="担当 一")
    _, link, _, _ = link_to(user, approved, copy, name="担当 二")
    handover.confirm_erasure(user("manager"), medium, how=ErasureHow.ERASED, note="",
                             confirmed_on=clock.today_jst())
    with clock.frozen(link.expires_at + dt.timedelta(minutes=1)):
        assert links.expire_links() == 1
    approved.refresh_from_db()
    assert approved.state == RequestState.CLOSED and approved.closed_by is None
    assert approved.events.filter(action="closed").get().actor_text == "system"


# -- 12. a link whose copy was erased stops -------------------------------------------------


def test_a_live_link_stops_when_its_copy_is_erased(approved, copy, user, client):  # noqa: F811
    _, link, token, _ = link_to(user, approved, copy)
    Copy.objects.filter(pk=copy.pk).update(erased_at=clock.now())  # its retention ended
    page = client.get(url(token), HTTP_USER_AGENT=UA)
    assert page.status_code == 410  # refused even before the job ran
    assert not links.still_pending(link.handover)
    assert links.expire_links() == 1
    assert shredded(link) and link.revoked_at is not None
    assert approved.events.filter(action="link_stopped").exists()
    from hogo.provision.intake import word_event

    assert "保存期間の満了" in word_event(approved.events.get(action="link_stopped"))
    assert links.expire_links() == 0


# -- 7. refused attempts are throttled per address ------------------------------------------


def test_refused_attempts_are_throttled_per_address(approved, copy, user, client):  # noqa: F811
    _, expired, expired_token, _ = link_to(user, approved, copy, name="期限切れ")
    DownloadLink.objects.filter(pk=expired.pk).update(expires_at=clock.now())
    _, _, live_token, _ = link_to(user, approved, copy, name="有効")

    def get(token, address=ADDRESS):
        return client.get(url(token), HTTP_USER_AGENT=UA, REMOTE_ADDR=address)

    with clock.frozen(clock.now()):  # one hour window
        for n in range(links.REFUSED_PER_HOUR):
            assert get(f"guess-{n}").status_code == 404
        refused = AuditEntry.objects.filter(action="provision.link_refused")
        assert refused.count() == links.REFUSED_PER_HOUR
        for n in range(5):
            page = get(f"more-{n}")
            assert page.status_code == 429 and page["Retry-After"] == "3600"
            assert "しばらくの間受け付けません" in page.content.decode()
        # a known link refused from that address: still its Fetch row, no entry per attempt
        assert get(expired_token).status_code == 429
        assert Fetch.objects.filter(link=expired, outcome="expired").count() == 1
        assert refused.count() == links.REFUSED_PER_HOUR
        summary = AuditEntry.objects.filter(action="provision.link_throttled")
        assert summary.count() == 1  # one per address and hour
        assert ADDRESS not in summary.get().detail
        assert links.address_key(ADDRESS) in summary.get().detail
        # the recipient's own live link still opens; another address is not throttled
        assert get(live_token).status_code == 200
        assert get("guess-x", address="198.51.100.20").status_code == 404
    with clock.frozen(clock.now() + dt.timedelta(hours=1)):
        assert get("next-hour").status_code == 404


# -- 11. a dropped download ------------------------------------------------------------------


def test_the_page_says_one_download_and_a_new_link_can_follow_a_used_one(
        approved, copy, user, client):  # noqa: F811
    _, _, token, _ = link_to(user, approved, copy, name="担当 次郎")
    page = client.get(url(token), HTTP_USER_AGENT=UA).content.decode()
    assert "ダウンロードは1回だけです。途中で失敗した場合は提供元に連絡してください" in page
    assert fetch(client, token).status_code == 200
    used = fetch(client, token).content.decode()
    assert "提供元に連絡してください" in used
    again, link, *_ = link_to(user, approved, copy, name="担当 次郎")  # after the used link
    assert link.handover == again and link.used_at is None
