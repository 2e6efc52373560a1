"""A copy past its expiry is erased by the job with a printable certificate; an extended or
held copy survives; legal holds are released only by the privacy officer."""

import datetime as dt

import pytest

from hogo.alerts.models import Alert
from hogo.clock import jst_date
from hogo.copies import services
from hogo.copies.models import Copy
from hogo.copies.tests.test_copy_workflow import ask
from hogo.footage.ingest import ingest_file
from hogo.footage.models import DeletionRecord
from hogo.footage.objects import get_store
from hogo.rules.copies import period_end


@pytest.fixture
def copy(recorder, continuous_clips, user):
    for clip in continuous_clips:
        ingest_file(recorder, clip, clip.name, by="test")
    return Copy.objects.get(request=ask(user("manager"), recorder))


def test_expired_copy_is_erased_with_a_certificate(copy, client_for,
                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        records = services.erase_expired(copy.erase_from)
    assert len(records) == 1
    copy.refresh_from_db()
    assert copy.erased_at is not None and copy.stored.wrapped_key == ""
    assert not get_store().exists(copy.stored.object_id)
    page = client_for("manager").get(f"/copies/certificates/{records[0].pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and "消去証明書" in body and copy.sha256 in body


def test_an_identical_copy_kept_longer_stays_readable(copy, user, recorder,
                                                     django_capture_on_commit_callbacks):
    """The same range asked twice gives byte-identical copies stored as one object: erasing
    the one that expires must not shred what the extended one still needs."""
    twin = Copy.objects.get(request=ask(user("manager"), recorder))
    assert twin.stored_id == copy.stored_id
    services.extend(twin, reason="investigation", asked_by="兵庫県警 捜査照会 第46号",
                    until=copy.expires_on + dt.timedelta(days=90), by=user("manager"))
    with django_capture_on_commit_callbacks(execute=True):
        [record] = services.erase_expired(copy.erase_from)
    twin.refresh_from_db()
    assert "identical copy is still kept" in record.method and twin.stored.wrapped_key
    assert get_store().verify(twin.stored.object_id, twin.stored.wrapped_key)
    with django_capture_on_commit_callbacks(execute=True):
        [last] = services.erase_expired(twin.erase_from)
    twin.refresh_from_db()
    assert last.method.startswith("crypto-shred") and twin.stored.wrapped_key == ""
    assert not get_store().exists(twin.stored.object_id)


def test_a_copy_is_kept_to_the_end_of_its_last_day(copy):
    """expires_on is the 保存期間の満了日 (Civil Code Arts. 140, 143): the copy is still kept
    on that day and erased from the next. (The old test let it go on the day itself.)"""
    assert copy.expires_on == period_end(jst_date(copy.made_at), 12)
    assert services.erase_expired(copy.expires_on) == []
    assert copy.erase_from == copy.expires_on + dt.timedelta(days=1)
    assert len(services.erase_expired(copy.erase_from)) == 1


def test_an_extended_copy_survives(copy, user):
    until = copy.expires_on + dt.timedelta(days=180)
    services.extend(copy, reason="investigation", asked_by="兵庫県警 捜査照会 第45号",
                    until=until, by=user("manager"))
    copy.refresh_from_db()
    assert copy.expires_on == until == copy.extensions.get().until  # one meaning of the date
    assert services.erase_expired(until) == []
    assert len(services.erase_expired(until + dt.timedelta(days=1))) == 1


def test_a_held_copy_survives_until_the_privacy_officer_releases_it(copy, user):
    hold = services.place_copy_hold(copy, "事件 2025-123", by=user("manager"))
    assert services.erase_expired(copy.expires_on + dt.timedelta(days=400)) == []
    with pytest.raises(PermissionError):
        services.release_copy_hold(hold, by=user("manager"))
    services.release_copy_hold(hold, by=user("privacy"))
    assert len(services.erase_expired(copy.erase_from)) == 1
    assert DeletionRecord.objects.filter(rule="copy_retention").count() == 1


def test_the_manager_is_reminded_30_days_ahead(copy):
    assert services.remind_expiring(copy.expires_on - dt.timedelta(days=31)) == 0
    assert services.remind_expiring(copy.expires_on - dt.timedelta(days=30)) == 1
    assert Alert.objects.filter(kind="copies.expiring").count() == 1
