"""The footage app's scheduled jobs (found by hogo.jobs)."""

import datetime as dt

from hogo.footage.orphans import sweep_orphans_task
from hogo.footage.quarantine import erase_expired_quarantine_task
from hogo.footage.tasks import expire_uploads_task, integrity_task, sweep_task
from hogo.jobs import Job

HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)
JOBS = (
    Job("footage.integrity", integrity_task, DAY,
        "re-hash kept originals by decrypting them; alert on a mismatch"),
    Job("footage.ring_buffer", sweep_task, HOUR,
        "run the ring buffer on every recorder (also after each ingest)"),
    # uploads that never got a byte expire after an hour
    Job("footage.expire_uploads", expire_uploads_task, HOUR, "expire stale unfinished uploads"),
    Job("footage.orphans", sweep_orphans_task, DAY,
        "delete blobs without a key and stale staging files"),
    Job("footage.quarantine", erase_expired_quarantine_task, DAY,
        "erase quarantined files past their retention; warn a week before"),
)
