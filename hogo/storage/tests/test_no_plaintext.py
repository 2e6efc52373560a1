"""No file under the storage root, and no object in the bucket, holds plaintext video."""

import io

MP4_HEAD = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"


def test_no_stored_byte_contains_an_mp4_ftyp_box(rig):
    clips = [MP4_HEAD + bytes(range(256)) * 9, MP4_HEAD * 40, MP4_HEAD]
    for clip in clips:
        rig.store.put(io.BytesIO(clip))
    upload = rig.store.begin_upload(len(clips[1]) + 1)
    upload.append(clips[1] + b"!")  # resumable uploads too, finished or not
    unfinished = rig.store.begin_upload(len(clips[0]))
    unfinished.append(clips[0][:1500])
    rig.store.finish_upload(upload)
    stored = rig.every_stored_byte()
    if rig.kind == "s3":  # the local spool lies under the storage root, already listed
        stored += [(str(path), path.read_bytes()) for path in rig.backend.spool_dir.iterdir()]
    assert len(stored) >= 5
    for name, data in stored:
        assert b"ftyp" not in data, name
