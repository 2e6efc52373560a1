"""Nothing under the storage directory holds plaintext video (no MP4 `ftyp` box anywhere)."""

from pathlib import Path

from django.conf import settings

from hogo.footage.ingest import ingest_file
from hogo.footage.models import Segment


def test_storage_holds_no_plaintext_video(recorder, clips):
    for clip in clips:
        ingest_file(recorder, clip, clip.name, by="test")
    assert Segment.objects.filter(recorder=recorder, erased_at__isnull=True).count() >= 4
    assert b"ftyp" in clips[0].read_bytes()[:64]
    root = Path(settings.HOGO_STORAGE["root"])
    files = [p for p in root.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert b"ftyp" not in path.read_bytes(), f"plaintext video in {path}"
