"""Scheduled work of a person's requests: the decision deadlines are chased (3 days before
the due day and when it has passed, once per request and stage)."""

from django_tasks import task

from hogo.requests import deciding


@task()
def chase_deadlines_task() -> int:
    """Daily: alerts for requests whose decision is due within 3 days or overdue."""
    return deciding.chase_deadlines()
