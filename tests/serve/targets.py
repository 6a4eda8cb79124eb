"""Worker targets that misbehave on purpose, run by the real job machinery in real worker processes.

They live in a module of their own (not a test file) so that the fork server can import them by name.
"""

from __future__ import annotations

import json
import os
import signal
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

RELEASE = "release"
SEEN = "seen.json"


def raises(
    conn: Connection, folder: str, inputs: list[str], names: list[str], settings: dict[str, Any]
) -> None:
    """A bug in the audit: the real worker's own handler is bypassed, so the exception ends the process."""
    conn.send(("progress", "loading", names[0]))
    raise RuntimeError("boom")


def killed(
    conn: Connection, folder: str, inputs: list[str], names: list[str], settings: dict[str, Any]
) -> None:
    """The kernel's OOM killer, as the server sees it: the worker vanishes mid-audit without a word."""
    conn.send(("progress", "matching people", "8000 records"))
    os.kill(os.getpid(), signal.SIGKILL)


def waits(
    conn: Connection, folder: str, inputs: list[str], names: list[str], settings: dict[str, Any]
) -> None:
    """Holds its worker until the test creates folder/release (or 20 s pass), then fails politely.
    First writes what it was given to folder/seen.json, for the test to check while the job runs."""
    seen = {
        "modes": [oct(Path(path).stat().st_mode & 0o777) for path in inputs],
        "inputs": [Path(path).name for path in inputs],
        "names": names,
        "settings": settings,
    }
    (Path(folder) / "seen.tmp").write_text(json.dumps(seen), encoding="utf-8")
    (Path(folder) / "seen.tmp").rename(Path(folder) / SEEN)
    conn.send(("progress", "loading", "waiting"))
    deadline = time.monotonic() + 20
    while not (Path(folder) / RELEASE).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    conn.send(("failed", "released"))
    conn.close()


def seen(folder: Path, timeout: float = 20) -> dict[str, Any]:
    """What `waits` was given, once it has started."""
    deadline = time.monotonic() + timeout
    while not (folder / SEEN).exists():
        assert time.monotonic() < deadline, "the worker never started"
        time.sleep(0.02)
    return json.loads((folder / SEEN).read_text(encoding="utf-8"))


def release(folder: Path) -> None:
    (folder / RELEASE).touch()


# Sizes of what `writes_results` writes: each more than one chunk of a download, and the CSV larger
# than any socket buffer, so that a download of it the client abandons is still being sent when it goes.
RESULT_SIZES = {
    "html": 512 * 1024,
    "xlsx": 512 * 1024,
    "json": 512 * 1024,
    "csv": 24 * 1024 * 1024,
    "fixes": 512 * 1024,
}


def writes_results(
    conn: Connection, folder: str, inputs: list[str], names: list[str], settings: dict[str, Any]
) -> None:
    """A finished audit with results of known sizes (RESULT_SIZES), quickly."""
    from auditor.serve.worker import OUTPUTS

    out = Path(folder) / "out"
    out.mkdir(mode=0o700, exist_ok=True)
    for kind, size in RESULT_SIZES.items():
        (out / OUTPUTS[kind]).write_bytes(b"x" * size)
    conn.send(("done", {"summary": {"records": 0}, "skipped": []}))
    conn.close()


def fills_disk(
    conn: Connection, folder: str, inputs: list[str], names: list[str], settings: dict[str, Any]
) -> None:
    """An audit whose results grow and grow (an 834-byte workbook can make a 262 MB CSV), up to 64 MB."""
    out = Path(folder) / "out"
    out.mkdir(mode=0o700, exist_ok=True)
    conn.send(("progress", "reports", "CSV"))
    with (out / "records.csv").open("wb") as records:
        for _ in range(256):
            records.write(b"x" * 256 * 1024)
            records.flush()
            time.sleep(0.005)
    conn.send(("done", {"summary": {"records": 0}, "skipped": []}))
    conn.close()
