"""Slow and stalled clients on the real server: deadlines for request heads and bodies, no queue place
for an upload that has not fully arrived, and a bound on the uploads one session sends at once."""

from __future__ import annotations

import time

import pytest

from auditor.serve.settings import MEGABYTE
from tests.serve import targets
from tests.serve.conftest import (
    LEAD,
    closed_by_server,
    live_server,
    multipart,
    read_response,
    upload_head,
)


@pytest.mark.parametrize("sends", ["nothing", "headers a line at a time"])
def test_a_connection_that_does_not_finish_its_headers_in_time_is_closed(tmp_path, sends) -> None:
    with live_server(tmp_path, header_timeout=1.0) as server, server.connect() as slow:
        opened = time.monotonic()
        if sends != "nothing":
            slow.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            for _ in range(3):  # each line arrives well within the limit: the deadline is for the whole head
                time.sleep(0.1)
                slow.sendall(b"X-Padding: x\r\n")
        slow.settimeout(4)
        assert closed_by_server(slow)
        assert time.monotonic() - opened < 3


def test_an_upload_that_falls_silent_is_dropped_and_nothing_of_it_kept(tmp_path) -> None:
    with live_server(tmp_path, body_timeout=0.5) as server:
        cookie, token = server.session()
        body = multipart(token, [("Lead.csv", LEAD.read_bytes())])
        with server.connect() as stalled:
            stalled.sendall(upload_head(cookie, len(body)) + body[: len(body) // 2])
            deadline = time.monotonic() + 5
            while not server.manager.jobs_on_disk() and time.monotonic() < deadline:
                time.sleep(0.02)
            assert len(server.manager.jobs_on_disk()) == 1, "the upload had begun"
            stalled.settimeout(3)
            assert closed_by_server(stalled)
        deadline = time.monotonic() + 5
        while server.manager.jobs_on_disk() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert server.manager.jobs_on_disk() == []
        assert server.manager.disk_used() == 0


def test_an_upload_takes_a_queue_place_only_once_it_has_arrived(tmp_path) -> None:
    """Six slow uploads once held every place for ten minutes; now a slow one holds none, and one
    session cannot send more than its share at once."""
    limits = {"workers": 1, "max_queued": 0, "max_uploads_per_session": 1}
    with live_server(tmp_path, target=targets.waits, **limits) as server:
        slow_cookie, slow_token = server.session()
        body = multipart(slow_token, [("Lead.csv", LEAD.read_bytes())])
        with server.connect() as slow:
            slow.sendall(upload_head(slow_cookie, len(body)) + body[:-100])

            second = server.upload(slow_cookie, slow_token, [("Lead.csv", LEAD.read_bytes())])
            assert second.status_code == 429
            assert second.json()["error"] == (
                "This browser is already sending 1 upload(s), the most it may send at once. "
                "Wait until they have arrived, then try again."
            )

            cookie, token = server.session()
            arriving = set(server.manager.jobs_on_disk())
            other = server.upload(cookie, token, [("Lead.csv", LEAD.read_bytes())])
            assert other.status_code == 202, "the only place is free while the slow upload trickles"
            running = other.json()["id"]
            (running_folder,) = set(server.manager.jobs_on_disk()) - arriving
            targets.seen(running_folder)

            # The slow upload arrives in full, and only then finds the place taken.
            slow.sendall(body[-100:])
            status, answer = read_response(slow)
            assert status == 429 and b"The server is busy" in answer
        assert server.manager.jobs_on_disk() == [running_folder], "nothing of the refused upload is kept"
        targets.release(running_folder)
        assert server.wait(cookie, running)["error"] == "released"


def test_a_body_nobody_reads_cannot_trickle_on_after_the_answer(tmp_path) -> None:
    with (
        live_server(tmp_path, body_timeout=0.5, max_upload_bytes=MEGABYTE) as server,
        server.connect() as slow,
    ):
        cookie, _ = server.session()
        slow.sendall(upload_head(cookie, 3 * MEGABYTE))
        status, _ = read_response(slow)
        assert status == 413, "refused on its declared size, before a byte of the body is read"
        answered = time.monotonic()
        slow.settimeout(0.1)
        while time.monotonic() - answered < 3:
            try:
                slow.sendall(b"x" * 100)
                if slow.recv(1) == b"":
                    break
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
        assert time.monotonic() - answered < 2
