"""Privacy masking of footage: faces (and plates, when a detector is installed) found, tracked,
counted and masked, on a CPU, keeping the source's frames and timing (R-304, R-607, R-808).

Stages, one module each: `faces` (CenterFace through onnxruntime), `tracking` (detections to
tracks: interpolation, backward fill, persistence, counting, following a reviewer's box),
`masking` (blur, mosaic, solid), `pipeline` (decode → detect → track → mask → encode, in two
passes so a reviewer can edit the tracks between them). Framework-free: imports no Django.
"""

from hogo.redact.pipeline import (
    Analysis,
    FrameError,
    RedactError,
    Result,
    Settings,
    add_manual_box,
    analyse,
    frame_at,
    redact,
    render,
    thumbnails,
)
from hogo.redact.tracking import Track

__all__ = ["Analysis", "FrameError", "RedactError", "Result", "Settings", "Track", "add_manual_box",
           "analyse", "frame_at", "redact", "render", "thumbnails"]
