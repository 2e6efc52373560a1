"""The copies app's scheduled jobs (found by hogo.jobs)."""

import datetime as dt

from hogo.copies.tasks import copy_retention_task, expire_exports_task
from hogo.jobs import Job

JOBS = (
    Job("copies.retention", copy_retention_task, dt.timedelta(days=1),
        "erase copies past their retention; remind managers 30 days ahead"),
    Job("copies.expire_exports", expire_exports_task, dt.timedelta(hours=1),
        "remove export packages nobody downloaded"),
)
