"""`crm-audit serve` as a person starts it: a real process on a free loopback port."""

from __future__ import annotations

import re
import socket

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
    for option in ("--host", "--port", "--max-upload-mb", "--workers", "--max-queued", "--keep-minutes"):
        assert option in result.output
    assert "127.0.0.1" in result.output


def test_serve_prints_its_address_answers_there_and_cleans_up_on_ctrl_c(tmp_path) -> None:
    with running_server(tmp_path) as server:
        page = httpx2.get(server.url, timeout=10)
        assert page.status_code == 200 and "Drop CSV or Excel exports here" in page.text
        assert server.folder.is_dir() and server.folder.parent == tmp_path
        assert stop(server.process) == 0
    assert not server.folder.exists()


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
