"""A result counts as downloaded only once its whole body has been sent: HEAD requests and downloads
the client abandons do not bring the deletion of the results nearer."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import anyio
import httpx2

from auditor.serve.worker import OUTPUTS
from tests.serve import targets
from tests.serve.conftest import LEAD, fixture_bytes, live_server

KINDS = tuple(OUTPUTS)


def test_head_requests_do_not_count_as_downloads(serve) -> None:
    with serve(target=targets.writes_results) as app:
        job_id = app.wait(app.upload([fixture_bytes(LEAD)]).json()["id"])["id"]
        for kind in KINDS:
            head = app.client.head(f"/jobs/{job_id}/download/{kind}")
            assert head.status_code == 200 and head.content == b""
            assert head.headers["content-length"] == str(targets.RESULT_SIZES[kind])
        status = app.client.get(f"/jobs/{job_id}")
        assert status.status_code == 200 and status.json()["fetched"] == []
        for kind in KINDS:
            assert (
                len(app.client.get(f"/jobs/{job_id}/download/{kind}").content) == targets.RESULT_SIZES[kind]
            )
        assert app.client.get(f"/jobs/{job_id}").status_code == 410, (
            "whole downloads of every result delete them"
        )


def test_downloads_the_client_abandons_do_not_count(serve) -> None:
    """At the ASGI level: the client goes away after the first chunk of each download."""
    with serve(target=targets.writes_results) as app:
        job_id = app.wait(app.upload([fixture_bytes(LEAD)]).json()["id"])["id"]
        cookie = f"crm_audit_session={app.client.cookies['crm_audit_session']}"
        for kind in KINDS:
            received = abandon_download(app.client.app, f"/jobs/{job_id}/download/{kind}", cookie)
            assert 0 < received < targets.RESULT_SIZES[kind], "left part way"
        status = app.client.get(f"/jobs/{job_id}")
        assert status.status_code == 200 and status.json()["fetched"] == []


def test_a_download_abandoned_on_the_real_server_does_not_count(tmp_path) -> None:
    with live_server(tmp_path, target=targets.writes_results) as server:
        cookie, token = server.session()
        job_id = server.upload(cookie, token, [fixture_bytes(LEAD)]).json()["id"]
        server.wait(cookie, job_id)
        with server.connect() as client:
            client.sendall(
                f"GET /jobs/{job_id}/download/csv HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n\r\n".encode()
            )
            assert client.recv(65536).startswith(b"HTTP/1.1 200")
        # The server finds out as it writes on (the client's end answers with a reset): well within this.
        time.sleep(0.5)
        status = httpx2.get(f"{server.url}jobs/{job_id}", headers={"cookie": cookie}, timeout=10).json()
        assert status["fetched"] == []


def abandon_download(app, path: str, cookie: str) -> int:
    """GET `path` and leave after the first chunk of the body; the body bytes received."""
    received: list[bytes] = []

    async def run() -> None:
        left = anyio.Event()
        requested = False

        async def receive() -> dict:
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await left.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            if message["type"] == "http.response.body" and message.get("body"):
                received.append(message["body"])
                left.set()

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"testserver"), (b"cookie", cookie.encode())],
            "client": ("127.0.0.1", 5000),
            "server": ("testserver", 80),
        }
        await app(scope, receive, send)

    # A thread of its own: a session-wide Playwright may hold this thread's event loop.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(anyio.run, run).result(timeout=30)
    return sum(len(chunk) for chunk in received)
