"""Daily job: media not returned by their date are escalated."""

from django_tasks import task

from hogo.media import services


@task()
def overdue_media_task() -> int:
    return services.escalate_overdue()
