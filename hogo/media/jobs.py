"""The media app's scheduled jobs (found by hogo.jobs)."""

import datetime as dt

from hogo.jobs import Job
from hogo.media.tasks import overdue_media_task

JOBS = (
    Job("media.overdue", overdue_media_task, dt.timedelta(hours=1),
        "escalate media not returned by their date"),
)
