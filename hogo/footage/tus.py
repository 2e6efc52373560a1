"""The upload endpoint: tus 1.0 (core + creation) for depot and recorder agents.

POST creates an upload (Upload-Length; Upload-Metadata with filename, sha256, recorder),
HEAD tells the offset to resume from, PATCH appends at that offset, GET reports the result.
Machine tokens only (Authorization: Bearer), never a person's session, so no CSRF cookie is
involved.

Bounded resources, because an unfinished upload may wait for days:
- Between requests an upload holds no file descriptor and no plaintext: each request opens
  the staged (encrypted) file, appends whole chunks and closes it. Bytes past the last whole
  chunk are not kept; the PATCH answers with the smaller offset and the client continues from
  there (tus allows this). `Hogo-Chunk-Size` tells clients the chunk size so they can send
  whole chunks (an upload keeps the chunk size it began with). What stays in memory is a
  checkpoint per upload (the SHA-256 state, a few hundred bytes, in a bounded table), so
  reopening does not re-read the file.
- Unfinished uploads are limited per token and overall (HOGO_UPLOAD_OPEN_PER_TOKEN,
  HOGO_UPLOAD_OPEN_TOTAL); beyond that a POST gets 429 with Retry-After. Uploads that never
  kept a whole chunk stop counting after HOGO_UPLOAD_EMPTY_MINUTES, so abandoned ones free
  their places at once; a request for a stale upload expires it (410), the hourly job the
  rest (uploads.py).
- A PATCH body is at most MAX_PATCH and stays in memory (see `hogo serve`).

Where the staged file lives: in the store's spool on the server that takes the upload's
first HEAD or PATCH, not the one that answered the POST. With several web servers, the
reverse proxy sends every request for one upload (/api/uploads/<id>) to the same server
(deploy/nginx-hogo.conf: a consistent hash of the id) while the POST may go to any; if that
server is lost, the upload answers 410 elsewhere and the agent sends the file again.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import re
import threading
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from hogo import clock
from hogo.accounts import services as accounts
from hogo.accounts.permissions import allows
from hogo.footage import ingest, objects, uploads
from hogo.footage.models import Upload, UploadState
from hogo.footage.objects import get_store
from hogo.footage.uploads import checkpoints, forget_progress, locks
from hogo.registry.services import recorder_by_serial
from hogo.storage import BlobNotFound, HashMismatch
from hogo.storage import Upload as StoreUpload

if TYPE_CHECKING:  # annotations only: a view asks accounts' services
    from hogo.accounts.models import MachineToken

TUS_VERSION = "1.0.0"
MAX_UPLOAD = 64 << 30
MAX_PATCH = 64 << 20
MAX_NAME = 500  # Upload.relative_path and Segment.original_name
RETRY_AFTER_SECONDS = 60
SHA256 = re.compile(r"^[0-9a-f]{64}$")
_admission = threading.Lock()  # counting open uploads and creating one is one step


def _error(status: int, detail: str) -> JsonResponse:
    response = JsonResponse({"detail": detail}, status=status)
    response["Tus-Resumable"] = TUS_VERSION
    return response


def _tus(response: HttpResponse, chunk_size: int | None = None) -> HttpResponse:
    """A tus answer; `chunk_size` is the upload's own (from its staged file's header), else
    the store's, which new uploads get."""
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    response["Hogo-Chunk-Size"] = str(chunk_size or get_store().chunk_size)
    return response


def _chunk_size(writer: StoreUpload) -> int:
    return writer.writer.header.chunk_size


def _token(request: HttpRequest) -> MachineToken | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    return accounts.token_for(header.removeprefix("Bearer ").strip())


def _metadata(header: str) -> dict[str, str]:
    values = {}
    for pair in filter(None, (p.strip() for p in header.split(","))):
        key, _, encoded = pair.partition(" ")
        try:
            values[key] = base64.b64decode(encoded, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as error:
            raise ValueError(f"Upload-Metadata value of {key!r} is not base64 UTF-8") from error
    return values


def text_problem(value: str, what: str, limit: int) -> str | None:
    """Why `value` cannot be stored as a name (None if it can): control characters (NUL
    among them, which PostgreSQL refuses), unpaired surrogates, or too long."""
    if len(value) > limit:
        return f"{what} is {len(value)} characters; at most {limit} are allowed"
    for position, char in enumerate(value):
        if unicodedata.category(char) in ("Cc", "Cs"):
            return f"{what} contains the control character U+{ord(char):04X} at {position}"
    return None


def _uploader(token: MachineToken) -> str:
    return f"token:{token.name}"


def _too_many(token: MachineToken) -> JsonResponse | None:
    """429 when this token, or everyone together, has as many unfinished uploads as allowed.
    Two counts and nothing else (the caller holds the admission lock): stale empty uploads
    are left out of them rather than expired here (uploads.holding_places)."""
    per_token = settings.HOGO_UPLOAD_OPEN_PER_TOKEN
    total = settings.HOGO_UPLOAD_OPEN_TOTAL
    open_uploads = uploads.holding_places()
    mine = open_uploads.filter(uploaded_by=_uploader(token)).count()
    everyone = open_uploads.count()
    if mine >= per_token:
        detail = (f"this token already has {mine} unfinished uploads (at most {per_token}); "
                  "resume or finish them, or try again later")
    elif everyone >= total:
        detail = (f"the server already has {everyone} unfinished uploads (at most {total}); "
                  "try again later")
    else:
        return None
    response = _error(429, detail)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _gone(upload: Upload) -> JsonResponse:
    """The staged data is lost (cleaned up, or a crash mid-finish): start a new upload."""
    forget_progress(str(upload.pk))
    ingest.mark_failed(upload, "spool_lost",
                       "受信途中のデータが失われました。もう一度送信してください。")
    return _error(410, "this upload can no longer be resumed; create a new one")


@contextlib.contextmanager
def _opened(upload: Upload) -> Iterator[StoreUpload]:
    """The upload's staged file, open for this request only. Raises BlobNotFound if gone."""
    key = str(upload.pk)
    if not upload.spool_id:  # its first HEAD or PATCH: stage it on this server
        writer = get_store().begin_upload(upload.length)
        upload.spool_id, upload.wrapped_key = writer.upload_id, writer.wrapped_key.to_text()
        upload.save(update_fields=["spool_id", "wrapped_key"])
    else:
        writer = get_store().resume_upload(upload.spool_id, upload.wrapped_key,
                                           checkpoints.take(key))
    try:
        yield writer
    finally:
        checkpoints.keep(key, writer.close())  # None once finish_upload closed it


@csrf_exempt
def collection(request: HttpRequest) -> HttpResponse:
    if request.method == "OPTIONS":
        response = _tus(HttpResponse(status=204))
        response["Tus-Version"] = TUS_VERSION
        response["Tus-Extension"] = "creation"
        response["Tus-Max-Size"] = str(MAX_UPLOAD)
        return response
    token = _token(request)
    if token is None:
        return _error(401, "Unauthorized")
    if request.method != "POST":
        return _error(405, "use POST to create an upload")
    try:
        length = int(request.headers["Upload-Length"])
        meta = _metadata(request.headers.get("Upload-Metadata", ""))
    except (KeyError, ValueError) as error:
        return _error(400, f"Upload-Length and Upload-Metadata are required: {error}")
    sha256 = meta.get("sha256", "").lower()
    name, serial = meta.get("filename", ""), meta.get("recorder", "")
    problem = text_problem(name, "filename", MAX_NAME) or text_problem(serial, "recorder", 100)
    if problem:
        return _error(400, problem)
    name = name.strip()
    if not SHA256.match(sha256) or not name or not 0 <= length <= MAX_UPLOAD:
        return _error(400, "metadata needs filename and a hex sha256; length up to "
                           f"{MAX_UPLOAD} bytes")
    recorder = recorder_by_serial(serial)
    if recorder is None or not allows(token, "footage.upload", recorder):
        return _error(403, f"this token may not upload for recorder {serial!r}")
    with _admission:
        if (refusal := _too_many(token)) is not None:
            return refusal
        now = clock.now()  # staged by its first HEAD or PATCH (see the module docstring)
        upload = Upload.objects.create(
            recorder=recorder, relative_path=name, length=length, declared_sha256=sha256,
            uploaded_by=_uploader(token), created_at=now, updated_at=now)
    response = _tus(HttpResponse(status=201))
    response["Location"] = f"/api/uploads/{upload.pk}"
    response["Upload-Offset"] = "0"
    return response


@csrf_exempt
def resource(request: HttpRequest, pk: str) -> HttpResponse:
    token = _token(request)
    if token is None:
        return _error(401, "Unauthorized")
    upload = Upload.objects.filter(pk=pk).select_related("recorder__vehicle__department",
                                                         "segment").first()
    if upload is None or not allows(token, "footage.upload", upload.recorder):
        return _error(404, "no such upload")
    if request.method == "GET":
        return _tus(JsonResponse(_result(upload)))
    if request.method not in ("HEAD", "PATCH"):
        return _error(405, "use HEAD, PATCH or GET")
    with locks.hold(str(upload.pk)):
        upload.refresh_from_db()
        if upload.state == UploadState.RECEIVING and uploads.is_stale(upload):
            uploads.expire(upload)  # it no longer counted against the limits: not revived
        if upload.state == UploadState.FAILED:
            return _error(410, "this upload failed; create a new one")
        if request.method == "PATCH":
            return _patch(request, upload)
        offset, chunk_size = upload.length, None
        if upload.state == UploadState.RECEIVING:
            try:
                with _opened(upload) as writer:
                    offset, chunk_size = writer.durable_offset, _chunk_size(writer)
            except BlobNotFound:
                return _gone(upload)
            _save_offset(upload, offset)
        response = _tus(HttpResponse(status=200), chunk_size)
        response["Upload-Length"] = str(upload.length)
        response["Upload-Offset"] = str(offset)
        return response


def _save_offset(upload: Upload, offset: int) -> None:
    if upload.offset != offset:
        upload.offset, upload.updated_at = offset, clock.now()
        upload.save(update_fields=["offset", "updated_at"])


def _patch(request: HttpRequest, upload: Upload) -> HttpResponse:
    if upload.state != UploadState.RECEIVING:
        return _error(409, "this upload is already finished")
    if request.content_type != "application/offset+octet-stream":
        return _tus(HttpResponse(status=415))
    try:
        offset = int(request.headers["Upload-Offset"])
        declared = int(request.headers.get("Content-Length") or 0)
    except (KeyError, ValueError):
        return _error(400, "Upload-Offset is required")
    try:
        with _opened(upload) as writer:
            chunk = _chunk_size(writer)  # its own, though the setting may have changed since
            if offset != writer.durable_offset:
                return _error(409, f"offset {offset} does not match the upload's "
                                   f"{writer.durable_offset}")
            if declared > MAX_PATCH or offset + declared > upload.length:
                return _error(413, f"a PATCH carries at most {MAX_PATCH} bytes and never more "
                                   "than the declared length")
            # offset (the durable one) is a whole number of chunks
            if 0 < declared < chunk and offset + declared < upload.length:
                return _error(400, f"a PATCH must carry at least one whole chunk ({chunk} "
                                   "bytes) or the rest of the upload: bytes past the last "
                                   "whole chunk are not kept")
            try:
                while piece := request.read(1 << 20):
                    writer.append(piece)
            except ValueError:  # a body longer than it said: keep the whole chunks only
                return _error(413, "the body is longer than the declared length allows")
            upload.updated_at = clock.now()
            upload.offset = writer.durable_offset
            upload.save(update_fields=["offset", "updated_at"])
            if writer.offset == upload.length:
                _complete(upload, writer)
    except BlobNotFound:
        return _gone(upload)
    response = _tus(HttpResponse(status=204), chunk)
    response["Upload-Offset"] = str(upload.offset if upload.state == UploadState.RECEIVING
                                    else upload.length)
    return response


def _complete(upload: Upload, writer: StoreUpload) -> None:
    forget_progress(str(upload.pk))
    objects.forget_orphan(upload.declared_sha256)
    try:
        stored = get_store().finish_upload(writer, expected_sha256=upload.declared_sha256)
    except HashMismatch as error:
        ingest.mark_failed(upload, "hash_mismatch",
                           "受信したデータのSHA-256が申告値と一致しません。転送中に壊れた"
                           "可能性があります。もう一度送信してください。", str(error))
        return
    ingest.ingest(upload, stored)


def _result(upload: Upload) -> dict:
    detail = upload.quarantine_reason
    if upload.segment_id:
        detail = f"segment {upload.segment_id}"
    return {"id": str(upload.pk), "state": upload.state, "offset": upload.offset,
            "length": upload.length, "detail": detail, "code": upload.quarantine_code,
            "segment": upload.segment_id}


@csrf_exempt
def known(request: HttpRequest) -> HttpResponse:
    """Whether the server already holds this file for this recorder (so it is not re-sent)."""
    token = _token(request)
    if token is None:
        return _error(401, "Unauthorized")
    sha256 = request.GET.get("sha256", "").lower()
    serial = request.GET.get("recorder", "")
    if not SHA256.match(sha256) or text_problem(serial, "recorder", 100):
        return _error(400, "sha256 must be a hex SHA-256 and recorder a serial number")
    recorder = recorder_by_serial(serial)
    if recorder is None or not allows(token, "footage.upload", recorder):
        return _error(403, "this token may not upload for that recorder")
    return JsonResponse(ingest.already_received(recorder, sha256))
