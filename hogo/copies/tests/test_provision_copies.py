"""A copy made for a third-party provision (and a processed copy of it) leaves only through
the provision hand-over, which records the recipient, the undertakings, the provision record
and the chased erasure: the ordinary export refuses it, the copy page offers no export form
and the work queue does not ask to export it."""

from __future__ import annotations

import datetime as dt

import pytest

from hogo import clock
from hogo.clock import JST
from hogo.copies import handoffs
from hogo.copies import services as copies
from hogo.copies.models import Copy
from hogo.copies.packages import export_to_medium, is_for_provision, kind_label, kind_of
from hogo.footage.ingest import ingest_file
from hogo.media.models import Content, Medium
from hogo.media.services import MediaError, check_out
from hogo.rules.copies import PROVISION_PURPOSE

T0 = dt.datetime(2025, 6, 3, 14, 0, 0, tzinfo=JST)
REFUSED = "第三者提供のための複製データは、提供申請の画面から引き渡してください。"


@pytest.fixture
def provision_copy(recorder, continuous_clips, user):
    for clip in continuous_clips:
        ingest_file(recorder, clip, clip.name, by="test")
    made = copies.request_copy(
        user("manager"), vehicle=recorder.vehicle, start=T0 + dt.timedelta(seconds=62),
        end=T0 + dt.timedelta(seconds=124), channels=["front"], audio=False,
        purpose=PROVISION_PURPOSE, justification="提供申請 2026-P900 の提供決定",
        provision_reference="2026-P900")
    return Copy.objects.get(request=made)


@pytest.fixture
def masked(provision_copy):
    copy = provision_copy
    return Copy.objects.create(
        request=copy.request, channel=copy.channel, stored=copy.stored, sha256=copy.sha256,
        size=copy.size, actual_start=copy.actual_start, actual_end=copy.actual_end,
        made_at=clock.now(), expires_on=copy.expires_on, parent=copy, manifest={})


@pytest.fixture
def usb(user):
    medium = Medium.objects.get(label="KANZAI-USB-01")
    check_out(user("operator"), medium, purpose="提出", due_on=clock.today_jst())
    medium.refresh_from_db()
    return medium


def test_the_export_refuses_a_provision_copy_and_its_masked_copy(provision_copy, masked, usb,
                                                                  user):
    assert is_for_provision(provision_copy) and is_for_provision(masked)
    for copy in (provision_copy, masked):
        with pytest.raises(MediaError, match=REFUSED):
            export_to_medium(user("operator"), copy, usb)
    assert not Content.objects.filter(medium=usb).exists()
    # the provision hand-over (only) passes for_provision
    made = export_to_medium(user("operator"), masked, usb, for_provision=True)
    assert made.password and usb.contents.filter(copy=masked).exists()


def test_the_export_screen_refuses_it_and_the_copy_page_offers_no_form(client_for,
                                                                      provision_copy, usb):
    client = client_for("operator")
    page = client.post(f"/copies/copies/{provision_copy.pk}/export/", {"medium": usb.pk},
                       follow=True)
    assert REFUSED in page.content.decode()
    assert not usb.contents.exists()
    detail = client.get(f"/copies/requests/{provision_copy.request_id}/").content.decode()
    assert f'data-testid="export-provision-{provision_copy.pk}"' in detail
    assert f'data-testid="export-{provision_copy.pk}"' not in detail
    assert 'data-testid="export-media"' not in detail  # the medium is out, still not offered


def test_the_work_queue_does_not_ask_to_export_it(provision_copy, recorder, user):
    manager = user("manager")  # who asked for both copies, and may export them
    assert not [i for i in handoffs.waiting(manager) if i.kind == "copy.export"]
    ordinary = copies.request_copy(
        user("manager"), vehicle=recorder.vehicle, start=T0, end=T0 + dt.timedelta(seconds=50),
        channels=["front"], audio=False, purpose="accident_investigation",
        justification="事故の状況を確認するため")
    assert ordinary.state == "made", ordinary.decision_note
    items = [i for i in handoffs.waiting(manager) if i.kind == "copy.export"]
    assert [i.url for i in items] == [handoffs.link_to(ordinary)]


def test_kind_label_is_translated_kind_of_stays_japanese(provision_copy, masked, monkeypatch):
    import hogo.copies.packages as packages

    monkeypatch.setattr(packages, "gettext", lambda text: f"T:{text}")
    assert kind_label(masked) == "T:加工済み複製データ"
    assert kind_label(provision_copy) == "T:複製データ"
    assert kind_of(masked) == "加工済み複製データ"  # file names and manifests
