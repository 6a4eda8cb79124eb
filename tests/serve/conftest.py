"""Helpers for the web app's tests: an app on the framework's test client, with its own private folder."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from auditor.serve import INSTALL_HINT, missing_dependencies

if missing_dependencies():
    # CI installs the extra (.[test] pulls in [serve]): there a missing web stack is a failure, not a skip.
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"CI is set, but {INSTALL_HINT}")
    pytest.skip(INSTALL_HINT, allow_module_level=True)

import httpx2
from starlette.testclient import TestClient

from auditor.serve.app import create_app
from auditor.serve.jobs import JobManager
from auditor.serve.server import AnnouncingServer, bind, uvicorn_config
from auditor.serve.settings import ServeSettings
from tests.conftest import FIXTURES

LEAD = FIXTURES / "salesforce" / "Lead.csv"
CONTACT = FIXTURES / "salesforce" / "Contact.csv"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)


@dataclass
class Served:
    client: TestClient
    manager: JobManager
    token: str

    def upload(self, files: list[tuple[str, bytes]], *, token: str | None = None, **fields: str) -> Any:
        """POST /jobs as the page does: the token first, then the options, then the files."""
        data = {"csrf_token": self.token if token is None else token, **fields}
        if token == "":
            del data["csrf_token"]
        parts = [("files", (name, content, "application/octet-stream")) for name, content in files]
        return self.client.post("/jobs", data=data, files=parts)

    def wait(self, job_id: str, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.client.get(f"/jobs/{job_id}").json()
            if status["state"] in ("done", "failed"):
                return status
            time.sleep(0.05)
        raise AssertionError(f"job {job_id} did not finish in {timeout} s: {status}")

    def folder_of(self, job_id: str) -> Path:
        session = self.client.cookies["crm_audit_session"].partition(".")[0]
        return self.manager.get(job_id, session).folder

    def job_folders(self) -> list[Path]:
        return self.manager.jobs_on_disk()


def page_token(client: TestClient) -> str:
    page = client.get("/")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, "the page carries the CSRF token"
    return match.group(1)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """serve(workers=1, target=..., ...) -> a context manager yielding a Served app with a session."""

    @contextmanager
    def start(target: Callable[..., None] | None = None, **limits: Any) -> Iterator[Served]:
        settings = ServeSettings(allowed_hosts=("testserver",), temp_parent=tmp_path, **limits)
        app = create_app(settings, **({"target": target} if target else {}))
        with TestClient(app) as client:
            yield Served(client, app.state.manager, page_token(client))

    yield start


def fixture_bytes(path: Path) -> tuple[str, bytes]:
    return path.name, path.read_bytes()


@dataclass
class Server:
    url: str
    folder: Path
    process: subprocess.Popen[str]


@contextmanager
def running_server(temp: Path, *args: str, timeout: float = 60) -> Iterator[Server]:
    """`crm-audit serve --port 0` in a real process (uvicorn, loopback), its private folder under `temp`.
    Stopped with SIGINT, as Ctrl+C does; the caller may stop it earlier and check what it left."""
    env = {**os.environ, "TMPDIR": str(temp), "PYTHONUNBUFFERED": "1"}
    # No --host: the default address is part of what is tested (the URL must be 127.0.0.1).
    command = [sys.executable, "-m", "auditor", "serve", "--port", "0", *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        lines: list[str] = []
        deadline = time.monotonic() + timeout
        url = folder = None
        while (url is None or folder is None) and time.monotonic() < deadline:
            line = process.stdout.readline()  # type: ignore[union-attr]
            if not line:
                break
            lines.append(line)
            if found := re.search(r"open (http://127\.0\.0\.1:\d+/) in", line):
                url = found.group(1)
            if found := re.search(r"kept in (\S+) \(", line):
                folder = Path(found.group(1))
        assert url and folder, "the server did not start:\n" + "".join(lines)
        yield Server(url, folder, process)
    finally:
        stop(process)


def stop(process: subprocess.Popen[str], timeout: float = 20) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


@dataclass
class Live:
    """The app on uvicorn, configured as `crm-audit serve` runs it, for what the test client cannot
    show: connections, sockets and time."""

    port: int
    manager: JobManager
    cookie_name: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def session(self) -> tuple[str, str]:
        """A new browser session: its Cookie header and its CSRF token."""
        page = httpx2.get(self.url, timeout=10)
        cookie = page.cookies[self.cookie_name]
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token, "the page carries the CSRF token"
        return f"{self.cookie_name}={cookie}", token.group(1)

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=5)

    def upload(self, cookie: str, token: str, files: list[tuple[str, bytes]]) -> httpx2.Response:
        return httpx2.post(
            f"{self.url}jobs",
            headers={"cookie": cookie},
            data={"csrf_token": token},
            files=[("files", (name, content, "text/csv")) for name, content in files],
            timeout=10,
        )

    def wait(self, cookie: str, job_id: str, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = httpx2.get(f"{self.url}jobs/{job_id}", headers={"cookie": cookie}, timeout=10).json()
            if status["state"] in ("done", "failed"):
                return status
            time.sleep(0.05)
        raise AssertionError(f"job {job_id} did not finish in {timeout} s: {status}")


@contextmanager
def live_server(temp: Path, target: Callable[..., None] | None = None, **limits: Any) -> Iterator[Live]:
    """The app on uvicorn in a thread of this process, on a free loopback port."""
    sock = bind("127.0.0.1", 0)
    settings = ServeSettings(temp_parent=temp, **limits).bound_to(sock.getsockname()[1])
    app = create_app(settings, **({"target": target} if target else {}))
    listening = threading.Event()
    server = AnnouncingServer(uvicorn_config(app, settings), on_listening=listening.set)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        assert listening.wait(30), "the server did not start"
        yield Live(settings.port, app.state.manager, settings.cookie_name)
    finally:
        server.should_exit = True
        thread.join(30)


def multipart(token: str, files: list[tuple[str, bytes]], boundary: str = "B") -> bytes:
    """A body as the page sends it: the token first, then the files."""
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'.encode()]
    for name, content in files:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n\r\n'
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)


def upload_head(cookie: str, length: int, boundary: str = "B") -> bytes:
    """The request line and headers of an upload of `length` bytes."""
    return (
        f"POST /jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def read_response(sock: socket.socket) -> tuple[int, bytes]:
    response = http.client.HTTPResponse(sock)
    response.begin()
    return response.status, response.read()


def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server closed this connection; False if it is still open when the socket times out."""
    try:
        while sock.recv(65536):
            pass
    except TimeoutError:
        return False
    except ConnectionResetError:
        pass
    return True
