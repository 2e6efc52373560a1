"""The accountability app's scheduled jobs (found by hogo.jobs)."""

import datetime as dt

from hogo.accountability.tasks import (
    contractor_audits_task,
    overdue_findings_task,
    training_lapses_task,
)
from hogo.jobs import Job

JOBS = (
    Job("accountability.training_lapses", training_lapses_task, dt.timedelta(days=1),
        "alert once when a person's training lapses or is not taken in time"),
    Job("accountability.contractor_audits", contractor_audits_task, dt.timedelta(days=1),
        "alert once when a contractor's periodic audit becomes overdue"),
    Job("accountability.overdue_findings", overdue_findings_task, dt.timedelta(days=1),
        "alert once when a self-inspection finding is past its due day"),
)
