"""Masking a long copy in pieces, one background job per piece, so several workers share it.

A copy longer than about one and a half pieces (HOGO_MASK_PIECE_SECONDS, default 60 s) is
cut at keyframes (hogo.redact.chunks). Detection: one job per piece; the last to finish
stitches the pieces' tracks (a person crossing a cut stays one track and one count) and hands
the processing to its reviewer as a whole-copy analysis would. Rendering: one job per piece,
each keeping its encrypted piece in the store; the last queues the join, which puts the pieces
together without re-encoding, keeps the processed copy and crypto-shreds the pieces.

Each job checks what is already done before it works (a piece finished stays finished), and
"is this the last?" is decided with the processing's row locked, so a job run again after its
worker was killed redoes only its own piece, and nothing is joined or counted twice. The
progress shown is the frames done in all pieces over the copy's frames.

A short copy takes the single-job path of hogo.processing.work, unchanged.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from django.conf import settings as django_settings
from django.db import transaction
from django.db.models import Sum

from hogo import clock
from hogo.footage.objects import DecryptingReader, get_store, shred_unless_needed, store_stream
from hogo.processing import redaction, work
from hogo.processing.models import PieceStage, Processing, ProcessingPiece, ProcessingState

log = logging.getLogger("hogo.processing.pieces")
ERASED_WHAT = "加工の途中データ（部分）"
ERASED_RULE = "加工済み複製データの作成後、途中データを消去"


def piece_seconds() -> float:
    return float(getattr(django_settings, "HOGO_MASK_PIECE_SECONDS", 60))


def run_analysis(pk: int, enqueue: Any) -> None:
    """Detect in one job (a short copy) or queue one job per piece (`enqueue(pk, index)`)."""
    processing = Processing.objects.select_related("copy__stored").get(pk=pk)
    if processing.state != ProcessingState.ANALYSING:
        return
    try:
        with work.reader_for(processing.copy) as source:
            plan = redaction.plan_pieces(source, piece_seconds())
    except Exception as error:
        work.fail(processing, error)
        return
    if len(plan) < 2:
        work.run_analysis(pk)
        return
    work.started(processing)
    _queue_pieces(processing, PieceStage.ANALYSE, plan, enqueue)


def run_render(pk: int, enqueue: Any, enqueue_join: Any) -> None:
    """Render in one job, or one job per piece when the analysis was made in pieces."""
    processing = Processing.objects.get(pk=pk)
    if processing.state != ProcessingState.RENDERING:
        return
    plan = (processing.analysis or {}).get("pieces") or []
    if len(plan) < 2:
        work.run_render(pk)
        return
    work.started(processing)
    _queue_pieces(processing, PieceStage.RENDER, plan, enqueue, enqueue_join)


def _queue_pieces(processing: Processing, stage: str, plan: list[dict], enqueue: Any,
                  enqueue_join: Any = None) -> None:
    with transaction.atomic():
        for piece in plan:
            ProcessingPiece.objects.get_or_create(processing=processing, stage=stage,
                                                  index=piece["index"],
                                                  defaults={"plan": piece})
        waiting = list(processing.pieces.filter(stage=stage, finished_at__isnull=True)
                       .values_list("index", flat=True))
        transaction.on_commit(lambda: [enqueue(processing.pk, index) for index in waiting])
    if not waiting:  # every piece was done already (this job ran before): finish
        _after_piece(processing.pk, stage, enqueue_join)


def analyse_piece(pk: int, index: int) -> None:
    piece = _piece(pk, PieceStage.ANALYSE, index, ProcessingState.ANALYSING)
    if piece is None:
        return
    processing = piece.processing
    try:
        with work.reader_for(processing.copy) as source:
            piece.analysis = redaction.analyse_piece(source, piece.plan,
                                                     work.settings_of(processing),
                                                     _progress(piece))
    except Exception as error:
        work.fail(processing, error)
        return
    piece.finished_at, piece.done_frames = clock.now(), piece.frames
    piece.save(update_fields=["analysis", "finished_at", "done_frames"])
    _after_piece(pk, PieceStage.ANALYSE, None)


def render_piece(pk: int, index: int, enqueue_join: Any) -> None:
    piece = _piece(pk, PieceStage.RENDER, index, ProcessingState.RENDERING, enqueue_join)
    if piece is None:
        return
    processing = piece.processing
    sink = io.BytesIO()
    try:
        with work.reader_for(processing.copy) as source:  # added boxes followed in the clip
            edited = redaction.apply_review(source, processing.analysis,
                                            processing.removed_tracks, processing.added_boxes,
                                            processing.requester_tracks)
        with work.reader_for(processing.copy) as source:
            redaction.render_piece(source, sink, piece.plan, edited,
                                   work.settings_of(processing), _progress(piece),
                                   faces=processing.faces)
    except Exception as error:
        work.fail(processing, error)
        return
    with transaction.atomic():
        piece.stored = store_stream(sink)
        piece.finished_at, piece.done_frames = clock.now(), piece.frames
        piece.save(update_fields=["stored", "finished_at", "done_frames"])
    _after_piece(pk, PieceStage.RENDER, enqueue_join)


def _piece(pk: int, stage: str, index: int, state: str,
           enqueue_join: Any = None) -> ProcessingPiece | None:
    """The piece to work on, or None: its processing moved on (failed, made) or it is done."""
    piece = ProcessingPiece.objects.select_related("processing__copy__stored").filter(
        processing_id=pk, stage=stage, index=index).first()
    if piece is None or piece.processing.state != state:
        return None
    if piece.finished_at is not None:
        _after_piece(pk, stage, enqueue_join)  # done by an earlier run: maybe the last
        return None
    return piece


def _after_piece(pk: int, stage: str, enqueue_join: Any) -> None:
    """With the processing locked: when every piece of `stage` is done, the next step."""
    with transaction.atomic():
        processing = Processing.objects.select_for_update().select_related(
            "copy__stored").get(pk=pk)
        pieces = list(processing.pieces.filter(stage=stage))
        if not pieces or any(piece.finished_at is None for piece in pieces):
            return
        if stage == PieceStage.ANALYSE and processing.state == ProcessingState.ANALYSING:
            analysis, counts = redaction.stitch([p.analysis for p in pieces],
                                                [p.plan for p in pieces])
            analysis["pieces"] = [p.plan for p in pieces]
            work.finish_analysis(processing, analysis, counts)
        elif (stage == PieceStage.RENDER and processing.state == ProcessingState.RENDERING
              and enqueue_join is not None):
            transaction.on_commit(lambda: enqueue_join(pk))


def join(pk: int) -> None:
    """Put the rendered pieces together into the processed copy; then shred the pieces."""
    processing = Processing.objects.select_related("copy__stored", "copy__request").get(pk=pk)
    if processing.state == ProcessingState.RENDERING:
        pieces = list(processing.pieces.filter(stage=PieceStage.RENDER)
                      .select_related("stored"))
        if not pieces or any(p.stored_id is None for p in pieces):
            return  # a piece is still rendering; its job queues the join again
        sink = io.BytesIO()
        try:
            readers = [DecryptingReader(get_store(), p.stored.object_id, p.stored.wrapped_key,
                                        p.stored.size, readahead=2) for p in pieces]
            with work.reader_for(processing.copy) as source:
                facts = redaction.join_pieces(readers, sink, source,
                                              work.settings_of(processing))
        except Exception as error:
            if Processing.objects.filter(pk=pk, state=ProcessingState.RENDERING).exists():
                work.fail(processing, error)
            return  # else another join made the copy and shredded the pieces under this one
        facts["pieces"] = len(pieces)
        with transaction.atomic():  # two joins may run at once (each last piece queues one)
            if Processing.objects.select_for_update().filter(
                    pk=pk, state=ProcessingState.RENDERING).exists():
                work.finish_render(processing, sink, facts)
    shred_pieces(processing)


def shred_pieces(processing: Processing) -> int:
    """Crypto-shred the rendered pieces of a processing that no longer needs them."""
    now, shredded = clock.now(), 0
    with transaction.atomic():
        for piece in processing.pieces.select_for_update().filter(
                stored__isnull=False, erased_at__isnull=True).select_related("stored"):
            piece.erased_at = now
            piece.save(update_fields=["erased_at"])
            shred_unless_needed(piece.stored, besides=piece, by="system", now=now,
                                what=f"{ERASED_WHAT} {piece}", rule=ERASED_RULE)
            shredded += 1
    return shredded


def _progress(piece: ProcessingPiece) -> Any:
    """Frames done in this piece (written every 2 % of it); the processing's percentage is
    the sum over all pieces."""
    pk, total = piece.processing_id, _total_frames(piece)
    step = max(1, piece.frames // 50)
    last = {"percent": -1}

    def report(done: int, _piece_total: int) -> None:
        if done % step and done != piece.frames:
            return
        ProcessingPiece.objects.filter(pk=piece.pk).update(done_frames=done)
        done_all = (ProcessingPiece.objects.filter(processing_id=pk, stage=piece.stage)
                    .aggregate(n=Sum("done_frames"))["n"] or 0)
        percent = min(int(done_all * 100 / total), 99) if total else 0
        if percent != last["percent"]:
            last["percent"] = percent
            Processing.objects.filter(pk=pk).update(progress=percent)

    return report


def _total_frames(piece: ProcessingPiece) -> int:
    return sum(p.frames for p in ProcessingPiece.objects.filter(
        processing_id=piece.processing_id, stage=piece.stage))
