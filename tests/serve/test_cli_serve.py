"""`crm-audit serve` as a person starts it: a real process on a free loopback port."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time

import httpx2
from click.testing import CliRunner

import auditor.serve
from auditor.cli import main
from tests.serve.conftest import running_server, stop


def test_without_the_web_extra_serve_says_what_to_install(monkeypatch) -> None:
    monkeypatch.setattr(auditor.serve, "missing_dependencies", lambda: ["starlette"])
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 2
    assert result.output == "crm-audit: crm-audit serve needs the web extra: pip install 'crm-audit[serve]'\n"


def test_serve_documents_its_options() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    for option in (
        "--host",
        "--port",
        "--max-upload-mb",
        "--workers",
        "--max-queued",
        "--keep-minutes",
        "--max-disk-mb",
    ):
        assert option in result.output
    assert "127.0.0.1" in result.output


def test_serve_prints_its_address_answers_there_and_cleans_up_on_ctrl_c(tmp_path) -> None:
    with running_server(tmp_path) as server:
        page = httpx2.get(server.url, timeout=10)
        assert page.status_code == 200 and "Drop CSV or Excel exports here" in page.text
        assert server.folder.is_dir() and server.folder.parent == tmp_path
        assert stop(server.process) == 0
    assert not server.folder.exists()
    assert list(tmp_path.iterdir()) == [], "nor anything else, multiprocessing's pymp-* folder included"


def test_a_port_in_use_is_one_line_and_status_2(tmp_path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port)])
    assert result.exit_code == 2
    assert re.fullmatch(
        rf"crm-audit: port {port} is already in use\. Choose another with --port, or --port 0 for any free one\n",
        result.output,
    )


def test_sigterm_stops_the_server_as_ctrl_c_does_and_leaves_nothing_behind(tmp_path) -> None:
    """Not even multiprocessing's own folder (pymp-*), which the signal's default action left behind."""
    with running_server(tmp_path) as server:
        deadline = time.monotonic() + 20
        while not list(tmp_path.glob("pymp-*")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list(tmp_path.glob("pymp-*")), "the fork server has started, in a folder of its own"
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(20) == 0
        assert "stopped; every uploaded file and result was deleted" in server.process.stdout.readline()
    assert list(tmp_path.iterdir()) == []


# Runs the server with an `echo` and a browser that each try the address the moment they are given it.
ANNOUNCE = """
import os, signal, socket, webbrowser
from auditor.serve.server import run
from auditor.serve.settings import ServeSettings

def answer(url):
    host, port = url.removeprefix("http://").rstrip("/").rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as error:
        return f"refused ({error})"
    return "accepted"

def open_page(url, *args, **kwargs):
    print("browser opened:", answer(url), flush=True)
    os.kill(os.getpid(), signal.SIGINT)
    return True

def echo(line):
    print(line, flush=True)
    if " open http" in line:
        print("address printed:", answer(line.split()[3]), flush=True)

webbrowser.open = open_page
run(ServeSettings(port=0), open_browser=True, echo=echo)
"""


def test_the_address_is_printed_and_the_browser_opened_only_once_the_server_listens(tmp_path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", ANNOUNCE],
        env={**os.environ, "TMPDIR": str(tmp_path)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # Line by line, not to the end: the fork server, still warming up, holds the pipe open a while.
        lines = []
        for line in process.stdout:  # type: ignore[union-attr]
            lines.append(line)
            if "stopped;" in line:
                break
        output = "".join(lines)
        assert "address printed: accepted" in output, output
        assert "browser opened: accepted" in output, output
        assert process.wait(20) == 0
    finally:
        stop(process)
