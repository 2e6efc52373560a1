"""kill -9 the worker while it renders a masked copy; run the render again; the parent copy is
untouched throughout and the processed copy is made once."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from hogo.clock import JST
from tests.faults.conftest import assert_invariants

pytestmark = pytest.mark.faults
T0 = dt.datetime(2025, 6, 3, 14, 0, 0, tzinfo=JST)  # continuous_clips start here
KILL_AT = 5  # percent rendered


def _plaintext_sha256(copy) -> str:
    from hogo.footage.objects import get_store

    store = get_store()
    return hashlib.sha256(store.read_all(copy.stored.object_id,
                                         copy.stored.wrapped_key)).hexdigest()


def test_render_killed_part_way_then_run_again(hogo, continuous_clips):
    from hogo.accounts.models import User
    from hogo.copies import services as copies
    from hogo.copies.models import Copy
    from hogo.footage.ingest import ingest_file
    from hogo.processing import services as service
    from hogo.processing import work
    from hogo.processing.models import Processing, ProcessingState
    from hogo.registry.models import Recorder

    recorder = Recorder.objects.get(serial="DEMO-0001")
    manager, officer = User.objects.get(username="manager"), User.objects.get(username="privacy")
    ingest_file(recorder, continuous_clips[1], continuous_clips[1].name, by="test")  # 14:01
    copies.request_copy(manager, vehicle=recorder.vehicle, start=T0 + dt.timedelta(seconds=62),
                        end=T0 + dt.timedelta(seconds=80), channels=["front"], audio=False,
                        purpose="accident_investigation", justification="fault matrix")
    parent = Copy.objects.get()
    parent_key, parent_sha256 = parent.stored.wrapped_key, _plaintext_sha256(parent)
    item = service.request(manager, parent, reason="fault matrix")
    service.approve(officer, item)
    work.run_analysis(item.pk)  # in this process: only the render is killed
    item.refresh_from_db()
    service.review(manager, item, removed=[], added=[])
    service.make(manager, item)  # queues the render job for a worker
    rendering = Processing.objects.filter(pk=item.pk, state=ProcessingState.RENDERING)

    worker = hogo.start("db_worker", "--batch", "--no-startup-delay")
    worker.wait_for(lambda: rendering.filter(progress__gte=KILL_AT).exists(),
                    f"the render at {KILL_AT} %", timeout=120)
    worker.kill()
    item.refresh_from_db()
    assert item.state == ProcessingState.RENDERING and item.progress < 100, "killed part-way"
    assert Copy.objects.count() == 1 and item.result_id is None

    work.run_render(item.pk)  # the job again, as a worker picking it up would
    item.refresh_from_db()
    assert item.state == ProcessingState.MADE, item.error
    made = Copy.objects.exclude(pk=parent.pk).get()  # made once
    assert item.result == made and made.parent == parent
    assert _plaintext_sha256(made) == made.sha256
    parent.refresh_from_db()
    parent.stored.refresh_from_db()
    assert parent.erased_at is None and parent.stored.wrapped_key == parent_key
    assert _plaintext_sha256(parent) == parent_sha256 == parent.sha256  # untouched
    assert_invariants(hogo, kills=1)
