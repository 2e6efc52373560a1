"""The accounts app's scheduled jobs (found by hogo.jobs)."""

import datetime as dt

from hogo.accounts.tasks import summarise_login_failures_task
from hogo.jobs import Job

JOBS = (
    Job("accounts.login_failures", summarise_login_failures_task, dt.timedelta(hours=1),
        "write the audit entry of each finished window of failed log-ins"),
)
