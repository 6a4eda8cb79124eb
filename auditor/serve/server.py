"""Running the app: bind the socket first (so that port 0 and "address in use" are known before anything
starts), print the address, then hand the socket to uvicorn."""

from __future__ import annotations

import errno
import socket
import webbrowser
from collections.abc import Callable
from pathlib import Path

import uvicorn

from auditor.errors import ConfigError
from auditor.serve.app import create_app
from auditor.serve.settings import WILDCARD_HOSTS, ServeSettings


def run(settings: ServeSettings, *, open_browser: bool = False, echo: Callable[[str], None] = print) -> None:
    """Serve until interrupted (Ctrl+C or SIGTERM); every uploaded file is deleted on the way out."""
    sock = bind(settings.host, settings.port)
    settings = settings.bound_to(sock.getsockname()[1])
    url = address(settings.host, settings.port)

    def started(root: Path) -> None:
        echo(f"crm-audit serve: open {url} in your browser (Ctrl+C stops the server).")
        echo(
            f"Uploads and results are kept in {root} (private; deleted after use and when the server stops)."
        )
        if settings.allowed_hosts is None:
            echo(
                "Warning: listening on every network interface, without a password: anyone who can reach "
                "this machine can upload files (they cannot see other people's results)."
            )
        if open_browser:
            webbrowser.open(url)

    app = create_app(settings, on_start=started)
    config = uvicorn.Config(
        app,
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
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:
        # uvicorn re-raises Ctrl+C after its graceful shutdown, which has already deleted every file.
        echo("crm-audit serve: stopped; every uploaded file and result was deleted.")


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
