"""kill -9 while the daily job erases expired copies, then the job again."""

from __future__ import annotations

import pytest

from tests.faults.conftest import assert_invariants
from tests.faults.fill import expired_copies

pytestmark = pytest.mark.faults
SIZES = {"local": 250, "s3": 100}  # expired copies; see test_kill_sweep for why S3 has fewer
HELD = 10  # under a legal hold: never erased
KILL_AFTER = 10  # copies erased before each kill
KILLS = 3
ERASE = ("from hogo.copies.services import erase_expired; "
         "print(len(erase_expired()), 'copies erased', flush=True)")


def test_erasure_killed_part_way_then_run_again(hogo, fault_store):
    from hogo.accounts.models import User
    from hogo.clock import now
    from hogo.copies.models import Copy, CopyHold
    from hogo.copies.services import erase_expired
    from hogo.footage.models import DeletionRecord
    from hogo.registry.models import Recorder

    manager = User.objects.get(username="manager")
    copies = expired_copies(manager, Recorder.objects.get(serial="DEMO-0001"),
                            SIZES[fault_store["backend"]])
    held = copies[-HELD:]
    CopyHold.objects.bulk_create(CopyHold(copy=c, reference="fault matrix", placed_by=manager,
                                          placed_at=now()) for c in held)
    to_erase = len(copies) - HELD
    erased = DeletionRecord.objects.filter(rule="copy_retention")

    gone = Copy.objects.filter(erased_at__isnull=False)  # the first thing an erasure changes
    for kills in range(1, KILLS + 1):  # each kill lands somewhere else in an erasure
        job = hogo.start("shell", "-c", ERASE)
        job.wait_for(lambda n=kills: gone.count() >= n * KILL_AFTER,
                     f"{kills * KILL_AFTER} copies erased", interval=0.002)
        job.kill()
        assert gone.count() < to_erase, "the erasure must die part-way"

    erase_expired()  # the job again, to completion
    assert_invariants(hogo)
    assert erased.count() == to_erase
    assert len({record.detail["copy"] for record in erased}) == to_erase  # one record each
    assert Copy.objects.filter(erased_at__isnull=False).count() == to_erase
    assert not Copy.objects.filter(pk__in=[c.pk for c in held], erased_at__isnull=False).exists()
