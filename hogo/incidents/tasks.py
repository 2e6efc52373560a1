"""Jobs: unacknowledged incident reports escalate (checked every minute: the limit is counted
in office hours, so a minute's lag is the most it can add); report deadlines are chased daily."""

from django_tasks import task

from hogo.incidents import services


@task()
def escalate_incidents_task() -> int:
    return services.escalate_unacknowledged()


@task()
def incident_deadlines_task() -> int:
    return services.remind_deadlines()
