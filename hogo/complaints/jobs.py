"""The complaints app's scheduled jobs (found by hogo.jobs)."""

import datetime as dt

from hogo.complaints.tasks import reminders_task
from hogo.jobs import Job

JOBS = (
    Job("complaints.reminders", reminders_task, dt.timedelta(days=1),
        "remind the department's manager of complaints due soon or overdue (once each)"),
)
