"""The requests app's scheduled jobs (found by hogo.jobs)."""

import datetime as dt

from hogo.jobs import Job
from hogo.requests.tasks import chase_deadlines_task

JOBS = (
    Job("requests.chase_deadlines", chase_deadlines_task, dt.timedelta(days=1),
        "alert who decides a person's request 3 days before its due day and when overdue"),
)
