"""Background jobs of processing: detection (minutes for a long copy) and rendering, each
either one job or one job per piece of a long copy (hogo.processing.pieces).

They only call hogo.processing.pieces and work; the services queue them, and nothing here
imports the services, so the services and the tasks form no circle.
"""

from django_tasks import task

from hogo.processing import pieces


@task()
def analyse_task(processing_pk: int) -> None:
    """Detection and counting for a processing request: the whole copy, or its pieces."""
    pieces.run_analysis(processing_pk, analyse_piece_task.enqueue)


@task()
def analyse_piece_task(processing_pk: int, index: int) -> None:
    """Detection in one piece of a long copy; the last piece stitches them."""
    pieces.analyse_piece(processing_pk, index)


@task()
def render_task(processing_pk: int) -> None:
    """Rendering the reviewed, processed copy: the whole copy, or its pieces."""
    pieces.run_render(processing_pk, render_piece_task.enqueue, join_task.enqueue)


@task()
def render_piece_task(processing_pk: int, index: int) -> None:
    """Rendering one piece; the last queues the join."""
    pieces.render_piece(processing_pk, index, join_task.enqueue)


@task()
def join_task(processing_pk: int) -> None:
    """Joining the rendered pieces into the processed copy (no re-encoding)."""
    pieces.join(processing_pk)
