"""The depot side of ingest: walk a folder or SD card and upload every recording with tus 1.0.

Framework-free (no Django), so a depot PC needs only `pip install hogo` and a machine token.
Why tus: it is an open, documented protocol for resumable uploads (POST to create, PATCH at
an offset, HEAD to ask the offset) with clients in many languages, so a recorder maker can
upload without our code; its offset model makes resuming after a cut connection trivial,
and the declared SHA-256 travels in Upload-Metadata.

Resume state lives in a small JSON file outside the card (the card may be read-only): for
each file's SHA-256 the upload URL already created, so a re-run continues at the server's
offset instead of starting again.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hogo.video.naming import SIDECAR_SUFFIXES, VIDEO_SUFFIXES

TUS_VERSION = "1.0.0"


BUSY_TRIES = 4  # a POST answered 429 is tried again this many times, after Retry-After
BUSY_WAIT_MAX = 300  # seconds: the longest Retry-After honoured


class UploadError(RuntimeError):
    """The server refused or the connection failed; the message says which and why.

    `status` is the HTTP status (None when no answer came), `retry_after` the seconds the
    server asked to wait (429)."""

    def __init__(self, message: str, status: int | None = None,
                 retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class Outcome:
    path: Path
    state: str  # ingested | duplicate | quarantined
    detail: str


def sha256_of(path: Path, progress: Callable[[int], None] | None = None) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(8 << 20):
            digest.update(block)
            if progress:
                progress(len(block))
    return digest.hexdigest()


def recordings(root: Path) -> tuple[list[Path], list[Path]]:
    """(what to send, what to skip): GPS sidecars first, so a track is there when its clip
    is ingested, then videos, by name; anything else on the card is skipped."""
    files = [p for p in sorted(root.rglob("*")) if p.is_file() and not p.name.startswith(".")]
    sidecars = [p for p in files if p.suffix.lower() in SIDECAR_SUFFIXES]
    videos = [p for p in files if p.suffix.lower() in VIDEO_SUFFIXES]
    return sidecars + videos, [p for p in files if p not in sidecars and p not in videos]


def _metadata(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


class TusClient:
    def __init__(self, base_url: str, token: str, timeout: float = 120) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise UploadError(f"the server URL must start with http:// or https://: {base_url}")
        self.base = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.chunk_size: int | None = None  # the server's, from Hogo-Chunk-Size
        self.sleep = time.sleep

    def _request(self, method: str, url: str, body: bytes | None = None,
                 headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(url, data=body, method=method, headers={  # noqa: S310
            "Authorization": f"Bearer {self.token}", "Tus-Resumable": TUS_VERSION,
            **(headers or {})})
        try:
            # The URL is the configured hogo server (http or https), never user content.
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                headers = dict(response.headers)
                with contextlib.suppress(KeyError, ValueError):
                    self.chunk_size = int(headers["Hogo-Chunk-Size"])
                return response.status, headers, response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")
            with contextlib.suppress(ValueError, AttributeError):
                detail = json.loads(detail).get("detail", detail)
            retry_after = None
            with contextlib.suppress(TypeError, ValueError):
                retry_after = int(error.headers.get("Retry-After"))
            raise UploadError(f"{method} {url}: HTTP {error.code}: {detail}", error.code,
                              retry_after) from error
        except OSError as error:
            raise UploadError(f"{method} {url}: {error}") from error

    def create(self, length: int, relative_path: str, sha256: str, recorder: str,
               say: Callable[[str], None] | None = None) -> str:
        """A new upload's URL. A busy server (429: too many unfinished uploads) is asked
        again after the Retry-After it names, a few times."""
        for attempt in range(BUSY_TRIES + 1):
            try:
                _, headers, _ = self._request("POST", f"{self.base}/api/uploads/", headers={
                    "Upload-Length": str(length),
                    "Upload-Metadata": _metadata(filename=relative_path, sha256=sha256,
                                                 recorder=recorder)})
                break
            except UploadError as error:
                if error.status != 429 or attempt == BUSY_TRIES:
                    raise
                wait = min(BUSY_WAIT_MAX, max(1, error.retry_after or 60))
                if say:
                    say(f"{relative_path}: server busy ({error}); trying again in {wait} s")
                self.sleep(wait)
        location = headers.get("Location", "")
        return location if location.startswith("http") else self.base + location

    def piece_size(self, wanted: int) -> int:
        """`wanted` rounded down to whole chunks of the server's (at least one), so that every
        byte sent is kept: the server keeps only whole chunks of a PATCH that does not end the
        upload, and answers with the offset after them."""
        chunk = self.chunk_size
        if not chunk or chunk <= 0:
            return wanted
        return max(chunk, wanted // chunk * chunk)

    def offset(self, url: str) -> int:
        _, headers, _ = self._request("HEAD", url)
        return int(headers["Upload-Offset"])

    def patch(self, url: str, offset: int, data: bytes) -> int:
        _, headers, _ = self._request("PATCH", url, body=data, headers={
            "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"})
        return int(headers["Upload-Offset"])

    def result(self, url: str) -> dict:
        _, _, body = self._request("GET", url)
        return json.loads(body)

    def known(self, sha256: str, recorder: str) -> dict | None:
        _, _, body = self._request("GET", f"{self.base}/api/uploads/known?sha256={sha256}"
                                           f"&recorder={recorder}")
        found = json.loads(body)
        return found if found.get("known") else None


class ResumeState:
    """Upload URLs by (server, recorder, SHA-256), kept in a JSON file between runs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}

    @staticmethod
    def key(base: str, recorder: str, sha256: str) -> str:
        return f"{base}|{recorder}|{sha256}"

    def get(self, key: str) -> str | None:
        return self.data.get(key)

    def put(self, key: str, url: str | None) -> None:
        if url is None:
            self.data.pop(key, None)
        else:
            self.data[key] = url
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.data, indent=1))
        os.replace(temporary, self.path)


def upload_file(client: TusClient, state: ResumeState, root: Path, path: Path, recorder: str,
                piece_size: int, progress: Callable[[int], None],
                say: Callable[[str], None]) -> Outcome:
    """Upload one file, resuming a previous attempt when the server still has it."""
    relative = path.relative_to(root).as_posix()
    sha256 = sha256_of(path)
    length = path.stat().st_size
    if (known := client.known(sha256, recorder)) is not None:
        progress(length)
        return Outcome(path, known.get("state", "duplicate"), known.get("detail", ""))
    key = ResumeState.key(client.base, recorder, sha256)
    url, offset = state.get(key), 0
    if url:
        try:
            offset = client.offset(url)
            say(f"{relative}: resuming at byte {offset:,} of {length:,}")
        except UploadError as error:  # gone (410), unknown (404): start a new upload
            say(f"{relative}: cannot resume ({error}); starting again")
            url, offset = None, 0
    if not url:
        url = client.create(length, relative, sha256, recorder, say)
        state.put(key, url)
    progress(offset)
    piece_size = client.piece_size(piece_size)
    with path.open("rb") as handle:
        while offset < length:
            handle.seek(offset)
            piece = handle.read(piece_size)
            new_offset = client.patch(url, offset, piece)
            if new_offset <= offset:
                raise UploadError(f"{relative}: the server accepted nothing at byte {offset}")
            # The server may keep less than was sent (whole chunks only): go on from its offset.
            progress(new_offset - offset)
            offset = new_offset
    if length == 0:
        client.patch(url, 0, b"")
    result = client.result(url)
    state.put(key, None)
    return Outcome(path, result["state"], result.get("detail", ""))
