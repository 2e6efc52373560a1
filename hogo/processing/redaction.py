"""The processing app's one door to hogo.redact: settings from a request, analysis as JSON in
the database, the reviewer's edits applied, and what the review screen shows of the tracks.

Keeping every call to the framework-free pipeline here means services.py and work.py speak
only of requests, approvals and copies, and a change in the pipeline's API touches one file.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, BinaryIO

from hogo.redact import Analysis, Settings, add_manual_box, chunks
from hogo.redact import analyse as run_analyse
from hogo.redact import render as run_render

KIND_LABELS = {"face": "顔", "plate": "ナンバープレート"}


def settings_for(*, mask: str, plates: bool, keep_audio: bool) -> Settings:
    return Settings(mask=mask, plates=plates, audio="copy" if keep_audio else "drop")


def describe(settings: Settings, *, faces: bool) -> dict[str, Any]:
    return {**settings.describe(), "faces": faces}


def analyse(source: BinaryIO, settings: Settings, progress: Any) -> tuple[dict, tuple[int, int]]:
    """Detections and tracks as JSON-ready data, and the (people, plates) counts."""
    analysis = run_analyse(source, settings, progress)
    return analysis.to_dict(), (analysis.people_count, analysis.plate_count)


def apply_review(source: BinaryIO, data: dict, removed: list[str],
                 added: list[dict[str, Any]], requester: list[str] = ()) -> Analysis:
    """The analysis as the reviewer left it: removed tracks out, added boxes followed; the
    requester's own tracks (a person's own footage, R-607) are left unmasked like removed
    ones."""
    analysis = Analysis.from_dict(data)
    for track_id in [*removed, *requester]:
        analysis.remove_track(int(track_id))
    for box in added:
        add_manual_box(source, analysis, int(box["frame"]), tuple(int(v) for v in box["box"]),
                       box.get("kind", "face"))
    return analysis


def render(source: BinaryIO, sink: BinaryIO, analysis: Analysis, settings: Settings,
           progress: Any, *, faces: bool = True) -> dict[str, Any]:
    """Render the processed copy; with faces off, only plates and added boxes are masked
    (faces were still found and counted)."""
    return run_render(source, sink, _for_render(analysis, faces), settings,
                      progress).to_dict()


def track_ids(data: dict | None) -> list[str]:
    return [str(track["id"]) for track in (data or {}).get("tracks", [])]


def frame_count(data: dict | None) -> int:
    return int((data or {}).get("frame_count", 0))


def box_problem(data: dict | None, box: Any) -> str | None:
    """Why a reviewer's added box cannot be used, in Japanese; None when it can."""
    try:
        frame = int(box["frame"])
        x0, y0, x1, y1 = (int(v) for v in box["box"])
    except (KeyError, TypeError, ValueError):
        return "追加した枠の形式が正しくありません。"
    data = data or {}
    if not 0 <= frame < frame_count(data):
        return f"フレーム {frame} はこの複製データにありません。"
    if not (0 <= x0 < x1 <= int(data.get("width", 0)) and
            0 <= y0 < y1 <= int(data.get("height", 0))):
        return "追加した枠が画面の外にはみ出しています。"
    return None


def others_count(data: dict | None, requester: list[str]) -> tuple[int, int]:
    """The (people, plates) counted as the detection counts them, leaving out the requester's
    own tracks: in a person's own footage the count is of everyone else, who is masked."""
    if not data:
        return 0, 0
    analysis = Analysis.from_dict(data)
    for track_id in requester:
        analysis.remove_track(int(track_id))
    return analysis.people_count, analysis.plate_count


def requester_note(requester: list[str]) -> str:
    """What the count of a person's own footage leaves out (for the copy's count note)."""
    return (f"請求者本人として確認者が印を付けた検出（{'、'.join(requester)}）を除いた、"
            "加工した他の人の延べ人数")


COUNT_NOTE = ("顔の自動検出・追跡による延べ人数（同じ人が画面から出て再び映ると重ねて数え、"
              "横向き・隠れた・極端に小さい顔は漏れることがある）")


def track_rows(data: dict) -> list[dict[str, Any]]:
    """Each detection for the review table: its kind in words, the frames it masks and the
    frame it is seen best on (the strip's scrubber jumps there, its thumbnail shows it)."""
    rows = []
    for track in data.get("tracks", []):
        best = max(track.get("keyframes") or [[track["first"], 0, 0, 0, 0, 0]],
                   key=lambda k: k[5])
        rows.append({"id": str(track["id"]),
                     "kind_label": KIND_LABELS.get(track["kind"], track["kind"]),
                     "first": track["first"], "last": track["last"], "frame": int(best[0]),
                     "manual": track.get("source") == "manual"})
    return rows


def best_view(data: dict | None, track_id: str) -> tuple[int, tuple[int, int, int, int]] | None:
    """The frame a detection is seen best on and its box there; None for an unknown id."""
    for track in (data or {}).get("tracks", []):
        if str(track["id"]) == str(track_id) and track.get("keyframes"):
            frame, x0, y0, x1, y1, _ = max(track["keyframes"], key=lambda k: k[5])
            return int(frame), (int(x0), int(y0), int(x1), int(y1))
    return None


def around(box: tuple[int, int, int, int], width: int, height: int) -> tuple[int, int, int, int]:
    """The box with half its size again on each side, inside the picture: a thumbnail shows
    the face or plate with a little of what is around it."""
    x0, y0, x1, y1 = box
    dx, dy = max(8, (x1 - x0) // 2), max(8, (y1 - y0) // 2)
    return max(0, x0 - dx), max(0, y0 - dy), min(width, x1 + dx), min(height, y1 + dy)


def strip_frames(data: dict | None, wanted: int) -> list[int]:
    """Frames for the review strip, evenly spaced over the whole clip from its first frame to
    its last (a clip of 1800 frames is sampled up to frame 1799, not only its beginning)."""
    total = frame_count(data)
    if total <= 0 or wanted <= 0:
        return []
    if wanted == 1 or total == 1:
        return [0]
    return sorted({round(i * (total - 1) / (wanted - 1)) for i in range(wanted)})


def frame_rate(data: dict | None) -> float:
    """Frames per second of the analysed copy (stored as a fraction such as "30000/1001")."""
    value = (data or {}).get("frame_rate")
    try:
        return float(Fraction(str(value))) if value else 0.0
    except (ValueError, ZeroDivisionError):
        return 0.0


def boxes_at(data: dict, index: int, *, removed: list[str], added: list[dict[str, Any]],
             requester: list[str] = ()) -> list[tuple[tuple[int, int, int, int], str]]:
    """What the strip draws on one frame: detections (not removed) and the reviewer's boxes;
    a requester's own track is labelled OK (left unmasked: the frame's font is ASCII only)."""
    analysis = Analysis.from_dict(data)
    gone = {int(track_id) for track_id in removed}
    own = {int(track_id) for track_id in requester}
    drawn = [((int(x0), int(y0), int(x1), int(y1)),
              f"{KIND_LABELS.get(track.kind, track.kind)} {track.id}"
              + (" OK" if track.id in own else ""))
             for track, (x0, y0, x1, y1) in analysis.boxes_at(index) if track.id not in gone]
    drawn += [(tuple(int(v) for v in box["box"]), "追加") for box in added
              if int(box.get("frame", -1)) == index]
    return drawn


# -- pieces: a long copy masked by several workers (hogo.redact.chunks) -----------------------


def plan_pieces(source: BinaryIO, seconds: float) -> list[dict[str, Any]]:
    """The copy's pieces (cut at keyframes, about `seconds` each) as JSON-ready data; one
    piece for a short copy."""
    return [piece.to_dict() for piece in chunks.plan(source, seconds)]


def analyse_piece(source: BinaryIO, piece: dict[str, Any], settings: Settings,
                  progress: Any) -> dict[str, Any]:
    """The detections of one piece, in the whole copy's frame numbers."""
    return chunks.analyse_piece(source, chunks.Piece.from_dict(piece), settings,
                                progress).to_dict()


def stitch(analyses: list[dict[str, Any]], pieces: list[dict[str, Any]]
           ) -> tuple[dict, tuple[int, int]]:
    """The pieces' detections as one analysis (a person crossing a cut is one track), and
    the (people, plates) counts."""
    analysis = chunks.stitch([Analysis.from_dict(a) for a in analyses],
                             [chunks.Piece.from_dict(p) for p in pieces])
    return analysis.to_dict(), (analysis.people_count, analysis.plate_count)


def render_piece(source: BinaryIO, sink: BinaryIO, piece: dict[str, Any], analysis: Analysis,
                 settings: Settings, progress: Any, *, faces: bool = True) -> dict[str, Any]:
    """Render one piece of the reviewed analysis (as `render` does for the whole copy)."""
    return chunks.render_piece(source, chunks.Piece.from_dict(piece),
                               _for_render(analysis, faces), settings, sink, progress)


def join_pieces(pieces: list[BinaryIO], sink: BinaryIO, source: BinaryIO,
                settings: Settings) -> dict[str, Any]:
    """The rendered pieces joined into one MP4 without re-encoding (the copy's sound kept
    once over the whole length when asked)."""
    return chunks.join(pieces, sink, source=source, audio=settings.audio)


def _for_render(analysis: Analysis, faces: bool) -> Analysis:
    """With faces off, only plates and added boxes are masked (faces were still counted)."""
    if not faces:
        for track in analysis.tracks:
            if track.kind == "face" and track.source != "manual":
                track.removed = True
    return analysis
