"""The upload endpoint: tus 1.0 (core + creation) for depot and recorder agents.

POST creates an upload (Upload-Length; Upload-Metadata with filename, sha256, recorder),
HEAD tells the offset to resume from, PATCH appends at that offset, GET reports the result.
Machine tokens only (Authorization: Bearer), never a person's session, so no CSRF cookie is
involved. Bytes are encrypted chunk by chunk as they arrive; the partial chunk at the end of
a request stays in memory, never on disk in plaintext. PATCH bodies are limited so the web
server keeps them in memory too.
"""

from __future__ import annotations

import base64
import binascii
import re
import threading

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from hogo import clock
from hogo.accounts import services as accounts
from hogo.accounts.models import MachineToken
from hogo.accounts.permissions import allows
from hogo.footage import ingest
from hogo.footage.models import Upload, UploadState
from hogo.footage.storage import get_store
from hogo.registry.models import Recorder
from hogo.storage import BlobNotFound, HashMismatch
from hogo.storage import Upload as StoreUpload

TUS_VERSION = "1.0.0"
MAX_UPLOAD = 64 << 30
MAX_PATCH = 64 << 20
SHA256 = re.compile(r"^[0-9a-f]{64}$")
_open: dict[str, StoreUpload] = {}
_locks: dict[str, threading.Lock] = {}
_registry_lock = threading.Lock()


def _error(status: int, detail: str) -> JsonResponse:
    response = JsonResponse({"detail": detail}, status=status)
    response["Tus-Resumable"] = TUS_VERSION
    return response


def _tus(response: HttpResponse) -> HttpResponse:
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    return response


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


def _lock(upload_id: str) -> threading.Lock:
    with _registry_lock:
        return _locks.setdefault(upload_id, threading.Lock())


def _writer(upload: Upload) -> StoreUpload:
    """The open encrypted writer of an upload; reopened from disk after a restart.

    Callers hold the upload's lock. Raises BlobNotFound when the staged data is gone.
    """
    key = str(upload.pk)
    if key not in _open:
        _open[key] = get_store().resume_upload(upload.spool_id, upload.wrapped_key)
    return _open[key]


def forget_writer(upload_id: str) -> StoreUpload | None:
    with _registry_lock:
        _locks.pop(upload_id, None)
        return _open.pop(upload_id, None)


def _gone(upload: Upload) -> JsonResponse:
    """The staged data is lost (cleaned up, or a crash mid-finish): start a new upload."""
    ingest.mark_failed(upload, "spool_lost",
                       "受信途中のデータが失われました。もう一度送信してください。")
    return _error(410, "this upload can no longer be resumed; create a new one")


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
    name = meta.get("filename", "").strip()
    if not SHA256.match(sha256) or not name or not 0 <= length <= MAX_UPLOAD:
        return _error(400, "metadata needs filename and a hex sha256; length up to "
                           f"{MAX_UPLOAD} bytes")
    recorder = Recorder.objects.filter(serial=meta.get("recorder", "")).select_related(
        "vehicle__department").first()
    if recorder is None or not allows(token, "footage.upload", recorder):
        return _error(403, f"this token may not upload for recorder {meta.get('recorder')!r}")
    writer = get_store().begin_upload(length)
    now = clock.now()
    upload = Upload.objects.create(
        recorder=recorder, relative_path=name[:500], length=length, declared_sha256=sha256,
        spool_id=writer.upload_id, wrapped_key=writer.wrapped_key.to_text(),
        uploaded_by=f"token:{token.name}", created_at=now, updated_at=now)
    _open[str(upload.pk)] = writer
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
    with _lock(str(upload.pk)):
        upload.refresh_from_db()
        if upload.state == UploadState.FAILED:
            return _error(410, "this upload failed; create a new one")
        if request.method == "PATCH":
            return _patch(request, upload)
        offset = upload.length
        if upload.state == UploadState.RECEIVING:
            try:
                offset = _writer(upload).offset
            except BlobNotFound:
                return _gone(upload)
        response = _tus(HttpResponse(status=200))
        response["Upload-Length"] = str(upload.length)
        response["Upload-Offset"] = str(offset)
        return response


def _patch(request: HttpRequest, upload: Upload) -> HttpResponse:
    if upload.state != UploadState.RECEIVING:
        return _error(409, "this upload is already finished")
    if request.content_type != "application/offset+octet-stream":
        return _tus(HttpResponse(status=415))
    try:
        writer = _writer(upload)
    except BlobNotFound:
        return _gone(upload)
    try:
        offset = int(request.headers["Upload-Offset"])
        declared = int(request.headers.get("Content-Length") or 0)
    except (KeyError, ValueError):
        return _error(400, "Upload-Offset is required")
    if offset != writer.offset:
        return _error(409, f"offset {offset} does not match the upload's {writer.offset}")
    if declared > MAX_PATCH or offset + declared > upload.length:
        return _error(413, f"a PATCH carries at most {MAX_PATCH} bytes and never more than "
                           "the declared length")
    while piece := request.read(1 << 20):
        writer.append(piece)
    upload.offset, upload.updated_at = writer.durable_offset, clock.now()
    upload.save(update_fields=["offset", "updated_at"])
    if writer.offset == upload.length:
        _complete(upload, writer)
    response = _tus(HttpResponse(status=204))
    response["Upload-Offset"] = str(writer.offset if upload.state == UploadState.RECEIVING
                                    else upload.length)
    return response


def _complete(upload: Upload, writer: StoreUpload) -> None:
    forget_writer(str(upload.pk))
    ingest.forget_orphan(upload.declared_sha256)
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
    recorder = Recorder.objects.filter(serial=request.GET.get("recorder", "")).first()
    if recorder is None or not allows(token, "footage.upload", recorder):
        return _error(403, "this token may not upload for that recorder")
    return JsonResponse(ingest.already_received(recorder, sha256))
