"""Scheduled work of complaints: the daily reminders before and after the answer's target."""

from django_tasks import task

from hogo.complaints import reminders


@task()
def reminders_task() -> int:
    """Daily: alert the department's manager (or the privacy officer) of complaints due
    within the reminder days or overdue, once each."""
    return reminders.remind()
