"""deploy/'s nginx configuration, run by nginx in front of two tiny HTTP servers that say who
they are: most requests are spread over both, one upload's requests all reach one server, and
one person's export requests (export, hand-over, download) all reach one server."""

from __future__ import annotations

import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from hogo.testing.proxy import Proxy


def _named(name: str) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(name)))
            self.end_headers()
            self.wfile.write(name.encode())

        do_GET = do_POST = do_HEAD = do_PATCH = _answer  # noqa: N815

        def log_message(self, *args) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def proxy(tmp_path):
    servers = [_named("a"), _named("b")]
    front = Proxy(tmp_path / "nginx", [s.server_address[1] for s in servers])
    yield front
    front.stop()
    for server in servers:
        server.shutdown()


def _who(proxy, path: str, session: str | None = None) -> str:
    cookies = {"sessionid": session} if session else {}
    return requests.get(f"{proxy.url}{path}", cookies=cookies, timeout=10).text


def test_ordinary_requests_reach_both_servers(proxy):
    assert {_who(proxy, "/copies/") for _ in range(40)} == {"a", "b"}


def test_one_upload_stays_on_one_server_and_uploads_use_both(proxy):
    first = {_who(proxy, f"/api/uploads/{uuid.uuid4()}") for _ in range(40)}
    assert first == {"a", "b"}
    upload = f"/api/uploads/{uuid.uuid4()}"
    assert len({_who(proxy, upload) for _ in range(20)}) == 1


def test_one_persons_exports_stay_on_one_server(proxy):
    for session in ("s" * 32, "t" * 32, "u" * 32):
        paths = ["/copies/copies/7/export/", "/copies/exports/tok123/",
                 "/provision/4/hand-over/"] * 5
        assert len({_who(proxy, path, session) for path in paths}) == 1, session
