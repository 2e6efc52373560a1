"""`hogo redact IN OUT` on plain files: no database, a clear error, never a partial OUT."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hogo.redact.tests.conftest import FRAMES, make_square_clip
from hogo.video.probe import probe


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return make_square_clip(tmp_path_factory.mktemp("cli") / "in.mp4", audio=True)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("redact", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_redacts_a_plain_file_and_prints_the_count_and_the_facts(clip, tmp_path):
    target, tracks = tmp_path / "out.mp4", tmp_path / "tracks.json"
    out, err = run(clip, target, "--preset", "ultrafast", "--keep-audio", "--mask", "solid",
                   "--analysis", tracks)
    assert "people (延べ人数): 0" in out
    assert f"{FRAMES} frames at 10 fps, 3.000 s, 320×240 h264, audio copied (aac)" in out
    assert "100%" in err  # the progress bar
    made = probe(target)
    assert made.frame_count == FRAMES and made.audio_codec == "aac"
    assert json.loads(tracks.read_text())["frame_count"] == FRAMES
    assert [p.name for p in tmp_path.iterdir() if ".partial" in p.name] == []


def test_a_bad_input_is_a_clear_error_and_leaves_no_output(tmp_path):
    bad = tmp_path / "notes.mp4"
    bad.write_text("meeting notes, not a video\n" * 50)
    target = tmp_path / "out.mp4"
    with pytest.raises(CommandError, match="not a readable video file"):
        run(bad, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.mp4"]


def test_missing_input_and_existing_output_are_refused(clip, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "missing.mp4", tmp_path / "out.mp4")
    existing = tmp_path / "exists.mp4"
    existing.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="--force"):
        run(clip, existing)
    assert existing.read_bytes() == b"keep me"


def test_bad_settings_are_a_clear_error(clip, tmp_path):
    with pytest.raises(CommandError, match="detect_every"):
        run(clip, tmp_path / "out.mp4", "--every", "0")
