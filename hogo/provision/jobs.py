"""The provision app's scheduled jobs (found by hogo.jobs)."""

import datetime as dt

from hogo.jobs import Job
from hogo.provision.tasks import chase_erasures_task, expire_links_task, records_retention_task

JOBS = (
    Job("provision.expire_links", expire_links_task, dt.timedelta(hours=1),
        "shred the packages of download links that expired unused"),
    Job("provision.chase_erasures", chase_erasures_task, dt.timedelta(days=1),
        "remind who handed footage over of erasure confirmations due or overdue"),
    Job("provision.records_retention", records_retention_task, dt.timedelta(days=1),
        "erase provision and receipt records past their keep-until day"),
)
