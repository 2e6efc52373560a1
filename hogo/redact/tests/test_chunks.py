"""Chunked masking (hogo.redact.chunks): cuts at clean keyframes only, pieces that decode to the
clip's own frames, joins with the source's frames and timestamps, a face crossing a cut counted
once and masked on every frame, worker processes giving what one process gives, and a piece
redone alone joining to the same file.

Clips: the moving square with B-frames and sound (as conftest's visitor clip), 8 s at 10 fps
with a keyframe a second, cut into 2-second pieces (the detector runs at 160 px there: it has
no faces to find, and the test stays fast); and, with the sample clips (skipped without them),
the head-pose GIF's two faces on every frame (56 frames at 12 fps, a keyframe a second) in
1-second pieces, the detector at the clip's own 480 px.
"""

from __future__ import annotations

import hashlib
import io
import json
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from hogo.redact import Analysis, Settings, Track, add_manual_box, analyse
from hogo.redact.chunks import (
    Piece,
    analyse_piece,
    cut,
    join,
    piece_analysis,
    plan,
    redact_chunked,
    render_piece,
    stitch,
)
from hogo.redact.tests.conftest import (
    FPS,
    SAMPLES,
    SIZE,
    decode,
    make_square_clip,
    visitor_box,
)
from hogo.redact.tracking import iou

FAST = Settings(preset="ultrafast", plates=False, detect_width=160)
FACES = Settings(preset="ultrafast", plates=False, detect_width=480)
FRAMES = 80  # 8 s at 10 fps
VISIT = (12, 70)  # the square is in the picture on these frames (inclusive): across 3 cuts
PIECE_SECONDS = 2.0
HEAD_POSE = "head-pose-face-detection-female-and-male.gif"
FACE_FPS = 12


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    first, last = VISIT
    return make_square_clip(tmp_path_factory.mktemp("chunks") / "visitor.mp4", audio=True,
                            frames=FRAMES, keyint=FPS, bframes=True,
                            where=lambda i: visitor_box(i, first) if first <= i <= last else None)


@pytest.fixture(scope="module")
def pieces(clip: Path) -> list[Piece]:
    return plan(clip, PIECE_SECONDS)


@pytest.fixture(scope="module")
def stitched(clip: Path, pieces: list[Piece]) -> Analysis:
    return stitch([analyse_piece(clip, p, FAST) for p in pieces], pieces)


@pytest.fixture(scope="module")
def rendered(clip: Path, pieces: list[Piece], stitched: Analysis,
             tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return render_all(clip, pieces, stitched, tmp_path_factory.mktemp("rendered"))


@pytest.fixture(scope="module")
def faces_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two real faces on every frame: the head-pose GIF as H.264 with a keyframe every
    second, so every cut falls while both faces are there."""
    if not SAMPLES.is_dir():
        pytest.skip(f"sample clips not present at {SAMPLES} (only in the dev setup)")
    with av.open(str(SAMPLES / HEAD_POSE)) as gif:
        pictures = [frame.to_ndarray(format="yuv420p") for frame in gif.decode(video=0)]
    height, width = pictures[0].shape[0] * 2 // 3, pictures[0].shape[1]
    target = tmp_path_factory.mktemp("chunk-faces") / "head-pose-there-and-back.mp4"
    with av.open(str(target), "w", format="mp4") as output:
        stream = output.add_stream("libx264", rate=FACE_FPS)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "veryfast", "crf": "18", "g": str(FACE_FPS)}
        for index, picture in enumerate(pictures):
            frame = av.VideoFrame.from_ndarray(picture, format="yuv420p")
            frame.pts, frame.time_base = index, Fraction(1, FACE_FPS)
            output.mux(stream.encode(frame))
        output.mux(stream.encode(None))
    return target


@pytest.fixture(scope="module")
def faces_analysed(faces_clip: Path) -> tuple[Analysis, list[Piece], list[Analysis], Analysis]:
    """(the whole clip in one go, its pieces, each piece's analysis, the stitched analysis)."""
    whole = analyse(faces_clip, FACES)
    parts = plan(faces_clip, 1.0)
    found = [analyse_piece(faces_clip, piece, FACES) for piece in parts]
    return whole, parts, found, stitch(found, parts)


def packets(path: Path | str) -> list[tuple[int, bool]]:
    """(pts, keyframe) of the video packets in decoding order."""
    with av.open(str(path)) as container:
        return [(p.pts, p.is_keyframe) for p in container.demux(video=0) if p.size]


def seconds(path: Path | str) -> list[Fraction]:
    """The presentation times of the decoded frames, in seconds."""
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        return [frame.pts * video.time_base for frame in container.decode(video)]


def video_digest(path: Path | io.BytesIO) -> str:
    if isinstance(path, io.BytesIO):
        path.seek(0)
    with av.open(path if isinstance(path, io.BytesIO) else str(path)) as container:
        return hashlib.sha256(b"".join(bytes(p) for p in container.demux(video=0)
                                       if p.size)).hexdigest()


def render_all(source: Path, parts: list[Piece], analysis: Analysis, folder: Path) -> list[Path]:
    return [Path(render_piece(source, piece, analysis, FAST, folder / f"{piece.index}.mp4")
                 ["path"]) for piece in parts]


# -- plan, cut ---------------------------------------------------------------------------------


def test_pieces_start_at_keyframes_follow_each_other_and_cover_the_clip(clip, pieces):
    keyframes = {pts for pts, key in packets(clip) if key}
    assert len(pieces) == 4  # 8 s in pieces of about 2 s
    assert [p.index for p in pieces] == list(range(4))
    assert all(p.start_pts in keyframes for p in pieces)
    assert [p.start_pts for p in pieces[1:]] == [p.end_pts for p in pieces[:-1]]
    assert [p.first for p in pieces] == [sum(q.frames for q in pieces[:k]) for k in range(4)]
    assert sum(p.frames for p in pieces) == FRAMES
    assert all(abs(p.frames - PIECE_SECONDS * FPS) <= FPS for p in pieces)
    again = [Piece.from_dict(json.loads(json.dumps(p.to_dict()))) for p in pieces]
    assert again == pieces


def test_a_clip_shorter_than_one_and_a_half_pieces_is_one_piece(clip):
    assert len(plan(clip, FRAMES / FPS / 1.4)) == 1
    assert len(plan(clip, FRAMES / FPS / 1.6)) == 2


@pytest.mark.parametrize("open_gop", [False, True], ids=["closed", "open"])
def test_a_keyframe_with_frames_shown_before_it_but_decoded_after_is_no_cut(tmp_path, open_gop):
    """x264's open groups of pictures: each keyframe after the first is followed (in decoding
    order) by B-frames shown before it, which need the group before: no cut goes there, so
    such a clip stays one piece; the same clip in closed groups is cut."""
    path = tmp_path / "gop.mp4"
    with av.open(str(path), "w", format="mp4") as output:
        stream = output.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        params = "b-pyramid=none:b-adapt=0:scenecut=0" + (":open-gop=1" if open_gop else "")
        stream.options = {"preset": "ultrafast", "g": "12", "bf": "2", "x264-params": params}
        for index in range(FRAMES):
            image = np.full((120, 160, 3), 90, np.uint8)
            image[40:70, index:index + 30] = 230
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            frame.pts, frame.time_base = index, Fraction(1, FPS)
            output.mux(stream.encode(frame))
        output.mux(stream.encode(None))
    order = packets(path)
    keyframes = [i for i, (_, key) in enumerate(order) if key]
    assert len(keyframes) >= 6
    leading = [i for i in keyframes[1:] if order[i + 1][0] < order[i][0]]
    assert bool(leading) == open_gop
    parts = plan(path, PIECE_SECONDS)
    assert (len(parts) == 1) == open_gop  # closed: 3 pieces of 2.4, 2.4 and 3.2 s
    assert sum(p.frames for p in parts) == FRAMES


@pytest.mark.parametrize("as_file", [False, True], ids=["path", "file object"])
def test_a_cut_piece_decodes_to_the_clip_s_own_frames(clip, pieces, as_file):
    everything = decode(clip)
    source = io.BytesIO(clip.read_bytes()) if as_file else clip
    for piece in pieces:
        own = io.BytesIO()
        assert cut(source, piece, own) == piece.frames
        own.seek(0)
        frames = decode(own)
        assert len(frames) == piece.frames
        for offset, picture in enumerate(frames):
            assert np.array_equal(picture, everything[piece.first + offset]), (piece, offset)


# -- join --------------------------------------------------------------------------------------


def test_joined_pieces_have_the_source_s_frames_and_timestamps(clip, rendered, tmp_path):
    assert all(packets(f)[0][1] for f in rendered)  # every piece starts with a keyframe
    out = tmp_path / "joined.mp4"
    facts = join(rendered, out, clip)
    assert facts["frames"] == FRAMES and facts["audio"] == "dropped"
    assert json.loads(json.dumps(facts))["frame_rate"] == str(FPS)  # a database row holds it
    assert seconds(out) == seconds(clip)
    assert facts["duration"] == pytest.approx(FRAMES / FPS)
    with av.open(str(out)) as joined:
        assert not joined.streams.audio
    alone = tmp_path / "alone.mp4"  # without the source: each piece follows the one before
    join(rendered, alone)
    assert seconds(alone) == seconds(clip)


def test_a_track_across_the_cuts_masks_every_frame_of_each_piece(clip, pieces, stitched,
                                                                    tmp_path):
    """A reviewer's box followed through the whole clip: rendered piece by piece, the square is
    masked on every frame it is there, the frames either side of each cut included."""
    reviewed = Analysis.from_json(stitched.to_json())
    first, last = VISIT
    middle = (first + last) // 2
    track = add_manual_box(clip, reviewed, middle, visitor_box(middle, first))
    assert track.first <= first and track.last >= last
    out = tmp_path / "masked.mp4"
    join(render_all(clip, pieces, reviewed, tmp_path), out, clip)
    source, masked = decode(clip), decode(out)
    cuts = {p.first for p in pieces[1:]}
    assert all(first < c <= last for c in cuts)
    for frame in range(first, last + 1):
        x0, y0, x1, y1 = visitor_box(frame, first)
        inside = (slice(y0 + 2, y1 - 2), slice(x0 + 2, x1 - 2))
        change = np.abs(masked[frame][inside].astype(int) - source[frame][inside]).mean()
        assert change > 20, (frame, frame in cuts or frame + 1 in cuts)


def test_the_sound_is_copied_once_over_the_whole_length(clip, rendered, tmp_path):
    out = tmp_path / "joined.mp4"
    facts = join(rendered, out, clip, "copy")
    assert facts["audio"] == "copied (aac)" and facts["frames"] == FRAMES
    with av.open(str(clip)) as a, av.open(str(out)) as b:
        heard = [bytes(p) for p in a.demux(audio=0) if p.size]
        copied = [bytes(p) for p in b.demux(audio=0) if p.size]
    assert len(heard) > 50 and copied == heard
    assert seconds(out) == seconds(clip)


def test_a_piece_rendered_again_alone_joins_to_the_same_file(clip, pieces, stitched, tmp_path):
    files = render_all(clip, pieces, stitched, tmp_path)
    join(files, tmp_path / "first.mp4", clip)
    files[2].unlink()  # lost with its worker
    render_piece(clip, pieces[2], stitched, FAST, files[2])
    join(files, tmp_path / "again.mp4", clip)
    assert video_digest(tmp_path / "again.mp4") == video_digest(tmp_path / "first.mp4")
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def test_pieces_kept_as_file_objects_join_to_the_same_file(clip, pieces, stitched, rendered,
                                                          tmp_path):
    """As the Django side keeps them: each piece rendered into a file object (then stored
    encrypted), joined from readers into a file object."""
    kept = []
    for piece in pieces:
        sink = io.BytesIO()
        made = render_piece(io.BytesIO(clip.read_bytes()), piece, stitched, FAST, sink)
        assert made["frames"] == piece.frames and made["path"] is None
        kept.append(io.BytesIO(sink.getvalue()))
    out = io.BytesIO()
    facts = join(kept, out, io.BytesIO(clip.read_bytes()), "copy")
    assert facts["frames"] == FRAMES and facts["audio"] == "copied (aac)"
    join(rendered, tmp_path / "paths.mp4", clip, "copy")
    assert video_digest(out) == video_digest(tmp_path / "paths.mp4")


# -- stitch ------------------------------------------------------------------------------------


def _piece_analysis(frames: int, tracks: list[Track]) -> Analysis:
    width, height = SIZE
    return Analysis(frame_count=frames, width=width, height=height, frame_rate=Fraction(FPS),
                    duration=frames / FPS, settings=FAST, tracks=tracks)


def _track(frames: range, box: tuple[float, float, float, float]) -> Track:
    return Track(0, keyframes=[(f, box, 0.9) for f in frames], first=frames[0],
                 last=frames[-1])


def test_stitch_joins_what_continues_at_the_cut_and_nothing_else():
    """Two pieces of 30 frames: a face at the same place on both sides of the cut is one track,
    masked on every frame, the cut's included (detections at 28 and 32: frame 30 is
    interpolated across the cut, in the second piece too); one that ends far from the cut, or
    starts elsewhere, stays a track of its own."""
    parts = [Piece(0, 0, 30, 0, 30, Fraction(1, FPS)), Piece(1, 30, 30, 30, 60, Fraction(1, FPS))]
    here, there = (100.0, 100.0, 140.0, 140.0), (250.0, 20.0, 290.0, 60.0)
    moved = (104.0, 100.0, 144.0, 140.0)
    before = _piece_analysis(30, [_track(range(0, 30, 4), here), _track(range(0, 10, 3), there)])
    after = _piece_analysis(30, [_track(range(32, 60, 4), moved),
                                 _track(range(45, 60, 3), there)])
    stitched = stitch([before, after], parts)
    assert stitched.frame_count == 60 and stitched.people_count == 3
    joined = next(t for t in stitched.tracks if t.keyframes[0][1] == here)
    assert (joined.keyframes[0][0], joined.keyframes[-1][0]) == (0, 56)
    assert all(joined.box_at(f) is not None for f in range(0, 60))
    assert joined.box_at(30) == (102.0, 100.0, 142.0, 140.0)  # halfway from 28 to 32
    second = piece_analysis(stitched, parts[1])
    assert [box for _, box in second.boxes_at(0)] == [box for _, box in stitched.boxes_at(30)]
    late = next(t for t in stitched.tracks if t.keyframes[0][0] == 45)
    assert late.first == 45 - FAST.persist  # its lead runs back from its first detection


# -- real faces --------------------------------------------------------------------------------


def test_a_face_crossing_the_cuts_is_counted_once(faces_analysed):
    whole, parts, found, stitched = faces_analysed
    assert len(parts) >= 4 and whole.people_count == 2
    assert sum(a.people_count for a in found) == 2 * len(parts)  # each piece sees both again
    assert stitched.people_count == whole.people_count
    assert stitched.frame_count == whole.frame_count


def test_no_frame_between_two_detections_of_a_face_is_unmasked_at_a_cut(faces_analysed):
    whole, parts, _, stitched = faces_analysed
    for track in (t for t in stitched.tracks if t.kind == "face"):
        start, end = track.keyframes[0][0], track.keyframes[-1][0]
        assert [f for f in range(start, end + 1) if track.box_at(f) is None] == []
    for frame in range(whole.frame_count):  # where one go masks a face, so do the pieces
        ours = [box for _, box in stitched.boxes_at(frame)]
        for _, box in whole.boxes_at(frame):
            assert max((iou(box, b) for b in ours), default=0) >= 0.5, frame
    for piece in parts:  # a piece is rendered with the stitched boxes, not its own guesses
        local = piece_analysis(stitched, piece)
        for offset in (0, 1, piece.frames - 2, piece.frames - 1):
            assert ([box for _, box in local.boxes_at(offset)]
                    == [box for _, box in stitched.boxes_at(piece.first + offset)])


# -- all steps, in processes -------------------------------------------------------------------


def test_two_workers_give_what_one_process_gives(clip, tmp_path):
    done: list[tuple[int, int]] = []
    results = {}
    for jobs in (1, 2):
        out = tmp_path / f"jobs-{jobs}.mp4"
        results[jobs] = redact_chunked(clip, out, FAST, jobs=jobs, seconds=PIECE_SECONDS,
                                       progress=lambda d, t: done.append((d, t)), work=tmp_path)
        assert seconds(out) == seconds(clip)
        assert done[-1] == (2 * FRAMES, 2 * FRAMES)
        assert all(a[0] <= b[0] for a, b in zip(done, done[1:], strict=False))
        done.clear()
    assert results[1].frame_count == results[2].frame_count == FRAMES
    assert results[1].people_count == results[2].people_count
    chunked = results[2].settings["chunked"]
    assert (chunked["jobs"], chunked["pieces"], chunked["worker_threads"]) == (2, 4, 1)
    assert list(chunked["seconds"]) == ["plan", "analyse", "stitch", "render", "join"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jobs-1.mp4", "jobs-2.mp4"]


def test_two_workers_count_the_faces_one_go_counts(faces_clip, faces_analysed, tmp_path):
    whole, _, _, stitched = faces_analysed
    out = tmp_path / "jobs-2.mp4"
    chunked = redact_chunked(faces_clip, out, FACES, jobs=2, seconds=1.0)
    assert chunked.people_count == stitched.people_count == whole.people_count == 2
    assert chunked.frame_count == whole.frame_count
    assert chunked.masked_frames == whole.frame_count  # both faces are on every frame
    assert seconds(out) == seconds(faces_clip)
