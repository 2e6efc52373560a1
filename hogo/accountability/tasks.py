"""Scheduled work of accountability: once a day, alerts for trainings that lapsed and for
contractors whose audit became overdue, for findings past their due day (each raised once)."""

from django_tasks import task

from hogo.accountability import contractors, inspection, training


@task()
def training_lapses_task() -> int:
    """Daily: a training past its due day alerts the person and who records it (R-905)."""
    return training.alert_lapses()


@task()
def contractor_audits_task() -> int:
    """Daily: a contractor's audit past its due day alerts the privacy officer (R-906)."""
    return contractors.alert_overdue_audits()


@task()
def overdue_findings_task() -> int:
    """Daily: a self-inspection finding past its due day alerts its owner and inspector."""
    return inspection.alert_overdue_findings()
