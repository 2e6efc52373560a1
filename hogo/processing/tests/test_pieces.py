"""A long copy is masked in pieces, one background job per piece: detection stitched into one
analysis, pieces rendered apart and joined without re-encoding into one processed copy with
the parent's frames one for one; the rendered pieces are crypto-shredded afterwards, and a
piece done again (its worker killed after it finished) changes nothing."""

from __future__ import annotations

import hashlib

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from hogo.audit.models import AuditEntry
from hogo.footage.models import DeletionRecord
from hogo.processing import pieces, redaction
from hogo.processing import services as service
from hogo.processing.models import PieceStage, ProcessingPiece, ProcessingState
from hogo.processing.tests.test_processing import copy, frames, plaintext  # noqa: F401

ANALYSE_PIECE = "hogo.processing.tasks.analyse_piece_task"
RENDER_PIECE = "hogo.processing.tasks.render_piece_task"


def work() -> None:
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


@pytest.fixture
def short_pieces(settings):
    settings.HOGO_MASK_PIECE_SECONDS = 15  # the 62-second copy: about four pieces


def detected(copy, user, capture):  # noqa: F811 - `copy` is the fixture's value
    """The copy's masking asked by an operator, approved by the privacy officer and detected
    piece by piece by a worker: (operator, the processing, refreshed)."""
    operator, officer = user("operator"), user("privacy")
    item = service.request(operator, copy, reason="保険会社への提出前に第三者の顔を隠す")
    with capture(execute=True):
        service.approve(officer, item)
    work()
    item.refresh_from_db()
    return operator, item


def test_a_long_copy_is_masked_in_pieces(copy, user, short_pieces,  # noqa: F811
                                         django_capture_on_commit_callbacks):
    operator, item = detected(copy, user, django_capture_on_commit_callbacks)
    assert item.state == ProcessingState.REVIEW, item.error
    analysed = ProcessingPiece.objects.filter(processing=item, stage=PieceStage.ANALYSE)
    count = analysed.count()
    assert count >= 3 and DBTaskResult.objects.filter(task_path=ANALYSE_PIECE).count() == count
    assert item.analysis["frame_count"] == sum(p.frames for p in analysed)
    assert [p["index"] for p in item.analysis["pieces"]] == list(range(count))
    assert item.progress == 100

    box = {"frame": 5, "box": [100, 60, 200, 140]}  # a reviewer's box in the first piece
    service.review(operator, item, removed=[], added=[box])
    with django_capture_on_commit_callbacks(execute=True):
        service.make(operator, item)
    work()
    item.refresh_from_db()
    assert item.state == ProcessingState.MADE, item.error
    assert DBTaskResult.objects.filter(task_path=RENDER_PIECE).count() == count
    made = item.result
    assert hashlib.sha256(plaintext(made)).hexdigest() == made.sha256
    original, masked = frames(plaintext(copy)), frames(plaintext(made))
    assert len(masked) == len(original) == item.analysis["frame_count"]
    inside = abs(original[5][70:130, 110:190].astype(int) - masked[5][70:130, 110:190])
    assert inside.mean() > 5  # the reviewer's box is masked across the piece
    assert item.record["facts"]["pieces"] == count

    rendered = ProcessingPiece.objects.filter(processing=item, stage=PieceStage.RENDER)
    assert rendered.count() == count and not rendered.filter(erased_at=None).exists()
    for piece in rendered.select_related("stored"):
        assert piece.stored.wrapped_key == ""  # crypto-shredded
        assert DeletionRecord.objects.filter(object_id=piece.stored.object_id).exists()

    # A piece's job run again (its worker was killed after the piece was stored): no change.
    pieces.render_piece(item.pk, 0, lambda pk: pytest.fail("joined again"))
    pieces.join(item.pk)
    item.refresh_from_db()
    assert item.result == made and item.state == ProcessingState.MADE


def test_two_joins_at_once_make_one_processed_copy(copy, user, short_pieces, monkeypatch,  # noqa: F811
                                                   django_capture_on_commit_callbacks):
    """Each of the last two pieces to finish may queue a join, and two workers may run them at
    once: the one that comes second finds the copy made (or its pieces shredded under it) and
    neither makes a second processed copy nor marks the made one failed."""
    operator, item = detected(copy, user, django_capture_on_commit_callbacks)
    join_pieces, nested = redaction.join_pieces, []

    def racing(*args, **kwargs):  # another join runs to the end while this one is joining
        if not nested:
            nested.append(True)
            pieces.join(item.pk)
        return join_pieces(*args, **kwargs)

    monkeypatch.setattr(redaction, "join_pieces", racing)
    service.review(operator, item, removed=[], added=[])
    with django_capture_on_commit_callbacks(execute=True):
        service.make(operator, item)
    work()
    item.refresh_from_db()
    assert nested and item.state == ProcessingState.MADE, item.error
    assert AuditEntry.objects.filter(action="copy.processed").count() == 1
    assert item.copy.processed.count() == 1
    rendered = ProcessingPiece.objects.filter(processing=item, stage=PieceStage.RENDER)
    assert not rendered.filter(erased_at=None).exists()
