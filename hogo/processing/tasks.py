"""Background jobs of processing: detection (minutes for a long copy) and rendering.

They only call hogo.processing.work; the services queue them, and nothing here imports the
services, so the services and the tasks form no circle.
"""

from django_tasks import task

from hogo.processing import work


@task()
def analyse_task(processing_pk: int) -> None:
    """Detection and counting for a processing request (minutes for a long copy)."""
    work.run_analysis(processing_pk)


@task()
def render_task(processing_pk: int) -> None:
    """Rendering the reviewed, processed copy."""
    work.run_render(processing_pk)
