"""kill -9 during the ring-buffer sweep, then the sweep again to completion."""

from __future__ import annotations

import pytest

from tests.faults.conftest import assert_invariants
from tests.faults.fill import originals

pytestmark = pytest.mark.faults
HELD = 10
# (originals, how many the capacity keeps): a local erasure takes milliseconds, an S3 one
# (deleting every version) a few round trips, so S3 gets fewer and still dies part-way.
SIZES = {"local": (300, 60), "s3": (150, 50)}
KILL_AFTER = 10  # erasures before each kill
KILLS = 3
SWEEP = ("from hogo.footage.retention import sweep_recorder; "
         "from hogo.registry.models import Recorder; "
         "print(sweep_recorder(Recorder.objects.get(serial='DEMO-0001')), flush=True)")


def test_sweep_killed_part_way_then_run_again(hogo, fault_store):
    from hogo.footage.models import DeletionRecord, HoldKind, Segment
    from hogo.footage.retention import RING_BUFFER_RULE, place_hold, sweep_recorder
    from hogo.registry.models import Recorder

    recorder = Recorder.objects.get(serial="DEMO-0001")
    count, kept = SIZES[fault_store["backend"]]
    made = originals(recorder, count)
    held = made[:HELD]  # the oldest: first in line for the ring buffer
    place_hold(HoldKind.LEGAL_HOLD, "fault matrix", held, by=None)
    recorder.capacity_bytes, recorder.capacity_hours = kept * made[0].size, None
    recorder.save(update_fields=["capacity_bytes", "capacity_hours"])
    to_erase = count - kept
    erased = DeletionRecord.objects.filter(rule=RING_BUFFER_RULE)

    gone = Segment.objects.filter(erased_at__isnull=False)  # the first thing an erasure changes
    for kills in range(1, KILLS + 1):  # each kill lands somewhere else in an erasure
        sweep = hogo.start("shell", "-c", SWEEP)
        sweep.wait_for(lambda n=kills: gone.count() >= n * KILL_AFTER,
                       f"{kills * KILL_AFTER} erasures by the sweep", interval=0.002)
        sweep.kill()
        assert gone.count() < to_erase, "the sweep must die part-way"

    sweep_recorder(recorder)  # the sweep again, to completion
    assert_invariants(hogo)
    assert erased.count() == to_erase
    assert erased.values("segment_id").distinct().count() == to_erase  # one record each
    assert gone.count() == to_erase
    assert not Segment.objects.filter(pk__in=[s.pk for s in held],
                                      erased_at__isnull=False).exists()
