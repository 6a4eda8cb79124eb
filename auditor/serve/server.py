"""Running the app: bind the socket first (so that port 0 and "address in use" are known before anything
starts), hand it to uvicorn, and print the address once the socket listens."""

from __future__ import annotations

import asyncio
import errno
import signal
import socket
import threading
import webbrowser
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import h11
import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.h11_impl import H11Protocol

from auditor.errors import ConfigError
from auditor.serve.app import create_app
from auditor.serve.settings import WILDCARD_HOSTS, ServeSettings


def run(settings: ServeSettings, *, open_browser: bool = False, echo: Callable[[str], None] = print) -> None:
    """Serve until interrupted (Ctrl+C or SIGTERM); every uploaded file is deleted on the way out."""
    sock = bind(settings.host, settings.port)
    settings = settings.bound_to(sock.getsockname()[1])
    url = address(settings.host, settings.port)
    app = create_app(settings)

    def listening() -> None:
        echo(f"crm-audit serve: open {url} in your browser (Ctrl+C stops the server).")
        echo(
            f"Uploads and results are kept in {app.state.manager.root} (private; deleted after use and "
            "when the server stops)."
        )
        if settings.allowed_hosts is None:
            echo(
                "Warning: listening on every network interface, without a password: anyone who can reach "
                "this machine can upload files (they cannot see other people's results)."
            )
        if open_browser:
            webbrowser.open(url)

    server = AnnouncingServer(uvicorn_config(app, settings), on_listening=listening)
    try:
        with _sigterm_as_ctrl_c():
            server.run(sockets=[sock])
    except KeyboardInterrupt:
        # uvicorn re-raises the signal after its graceful shutdown, which has already deleted every file.
        echo("crm-audit serve: stopped; every uploaded file and result was deleted.")


def uvicorn_config(app: ASGIApp, settings: ServeSettings) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        http=slow_client_guard(settings),
        log_level="warning",
        access_log=False,
        # Not behind a proxy: X-Forwarded-* from any local process must not change what a request says.
        proxy_headers=False,
        server_header=False,
        date_header=False,
        # A backstop on open connections; the job queue is the real bound on work.
        limit_concurrency=256,
        timeout_graceful_shutdown=5,
    )


class AnnouncingServer(uvicorn.Server):
    """uvicorn's server, calling `on_listening` once its socket accepts connections: an address printed
    (or a browser opened) any earlier would be refused."""

    def __init__(self, config: uvicorn.Config, on_listening: Callable[[], None]) -> None:
        super().__init__(config)
        self.on_listening = on_listening

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self.on_listening()


def slow_client_guard(settings: ServeSettings) -> type[H11Protocol]:
    """uvicorn's h11 protocol with the deadlines it lacks: a connection whose request line and headers
    are not complete within `header_timeout`, or that falls silent for `body_timeout` while sending a
    body, is closed. Without them a client trickling a byte now and then (slowloris) holds a
    connection, and an upload, for as long as it likes. (h11 always: httptools, which uvicorn prefers
    when installed, lacks the deadlines too.)"""

    class SlowClientGuard(H11Protocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            self._deadline: asyncio.TimerHandle | None = None
            self._deadline_for: object | None = None  # the h11 state the deadline is for
            super().connection_made(transport)
            self._watch(arrived=False)

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            self._watch(arrived=True)

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._watch(arrived=False)

        def connection_lost(self, exc: Exception | None) -> None:
            self._cancel_deadline()
            super().connection_lost(exc)

        def _watch(self, *, arrived: bool) -> None:
            state = self.conn.their_state
            if state is h11.IDLE:
                # One deadline for the whole request head, however its bytes are spread out.
                if self._deadline_for is not h11.IDLE:
                    self._set_deadline(settings.header_timeout, h11.IDLE)
            elif state is h11.SEND_BODY:
                # Once the request is answered (a refusal before reading), the rest of its body is read
                # only to be dropped: it gets one last deadline, however it trickles.
                answered = self.conn.our_state is h11.DONE
                if self._deadline_for is not h11.SEND_BODY or (arrived and not answered):
                    self._set_deadline(settings.body_timeout, h11.SEND_BODY)
            else:
                self._cancel_deadline()

        def _set_deadline(self, seconds: float, state: object) -> None:
            self._cancel_deadline()
            self._deadline = self.loop.call_later(seconds, self._too_slow)
            self._deadline_for = state

        def _cancel_deadline(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
            self._deadline, self._deadline_for = None, None

        def _too_slow(self) -> None:
            waiting_for = self._deadline_for
            self._deadline, self._deadline_for = None, None
            if waiting_for is h11.SEND_BODY and self.flow.read_paused:
                # The silence is ours: the app has not taken what arrived yet, so reading is paused.
                self._set_deadline(settings.body_timeout, h11.SEND_BODY)
            elif not self.transport.is_closing():
                self.transport.close()

    return SlowClientGuard


@contextmanager
def _sigterm_as_ctrl_c() -> Iterator[None]:
    """SIGTERM ends the server as Ctrl+C does: through Python's own exit, whose handlers delete the
    folder multiprocessing keeps for its fork server (pymp-*); the signal's default action would kill
    the process before they run. (uvicorn catches both signals while it serves, shuts down, then
    raises the signal again with the handler it found, this one.)"""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread; whoever runs us elsewhere handles them
        return
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def bind(host: str, port: int) -> socket.socket:
    try:
        family, kind, proto, _, where = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as error:
        raise ConfigError(f"cannot listen on {host!r} ({error.strerror})", hint="Check --host") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(where)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise ConfigError(
                f"port {port} is already in use",
                hint="Choose another with --port, or --port 0 for any free one",
            ) from None
        raise ConfigError(f"cannot listen on {host}:{port} ({error.strerror})", hint="Check --host") from None
    sock.set_inheritable(True)
    return sock


def address(host: str, port: int) -> str:
    if host in WILDCARD_HOSTS:
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"
