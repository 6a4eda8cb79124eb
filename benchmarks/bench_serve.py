"""Load test of `crm-audit serve` on loopback: many concurrent uploads, every result checked, nothing left behind.

    python benchmarks/bench_serve.py                      # 20 concurrent uploads of a 10k-record export
    python benchmarks/bench_serve.py --jobs 40 --concurrency 10 --workers 2 --max-queued 4

Starts the real server (`python -m auditor serve --port 0`, 127.0.0.1 only) with its private folder
inside a temporary folder of its own; writes a seeded synthetic Salesforce export (Lead.csv and
Contact.csv, 10,000 records by default, benchmarks/synth.py); then each client opens the page for a
session and token, uploads the export, follows the job, downloads the findings JSON, compares its
summary with `auditor.audit` run directly on the same files, and deletes the job. A client told the
server is busy (429) waits and tries again. At the end no job folder may remain, and once the server
is stopped (Ctrl+C, as a person would) no folder at all.

Prints jobs/min, upload MB/s, the slowest job's time and the busy replies; exits 1 on any wrong
result, failed job or leftover file. Every wait is bounded; it stops by itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2

AS_OF = dt.date(2026, 11, 1)


@dataclass
class Server:
    url: str
    folder: Path
    process: subprocess.Popen[str]


@dataclass
class JobTiming:
    seconds: float = 0.0
    upload_seconds: float = 0.0
    busy_replies: int = 0
    correct: bool = False
    problem: str = ""


@dataclass
class LoadResult:
    timings: list[JobTiming]
    wall_seconds: float
    bytes_sent: int

    @property
    def failures(self) -> list[str]:
        return [timing.problem for timing in self.timings if not timing.correct]


@contextmanager
def serve(temp: Path, *options: str, start_timeout: float = 60) -> Iterator[Server]:
    """The real server on a free loopback port; its private folder lands under `temp` (TMPDIR)."""
    env = {**os.environ, "TMPDIR": str(temp), "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "auditor", "serve", "--host", "127.0.0.1", "--port", "0", *options]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        url = folder = None
        deadline = time.monotonic() + start_timeout
        seen = []
        while (url is None or folder is None) and time.monotonic() < deadline:
            line = process.stdout.readline()  # type: ignore[union-attr]
            if not line:
                break
            seen.append(line)
            if found := re.search(r"open (http://127\.0\.0\.1:\d+/) in", line):
                url = found.group(1)
            if found := re.search(r"kept in (\S+) \(", line):
                folder = Path(found.group(1))
        if url is None or folder is None:
            raise RuntimeError("the server did not start:\n" + "".join(seen))
        yield Server(url, folder, process)
    finally:
        stop(process)


def stop(process: subprocess.Popen[str], timeout: float = 30) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def expected_summary(files: list[Path]) -> dict[str, Any]:
    import auditor

    config = auditor.Config(as_of=AS_OF)
    return auditor.audit(files, config, display_names=[path.name for path in files]).summary()


def one_job(
    url: str, files: list[Path], expected: dict[str, Any], *, timeout: float, retry_wait: float
) -> JobTiming:
    """What one person does: open the page, upload, wait, download the findings, delete the job."""
    timing = JobTiming()
    started = time.monotonic()
    deadline = started + timeout
    try:
        with httpx2.Client(base_url=url, timeout=timeout) as client:
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text).group(1)  # type: ignore[union-attr]
            parts = [("files", (path.name, path.read_bytes(), "text/csv")) for path in files]
            while True:
                sent = time.monotonic()
                response = client.post(
                    "/jobs", data={"csrf_token": token, "as_of": AS_OF.isoformat()}, files=parts
                )
                if response.status_code != 429:
                    break
                timing.busy_replies += 1
                if time.monotonic() > deadline:
                    raise TimeoutError("the server stayed busy")
                time.sleep(min(float(response.headers.get("retry-after", 1)), retry_wait))
            timing.upload_seconds = time.monotonic() - sent
            if response.status_code != 202:
                raise RuntimeError(f"upload refused: {response.status_code} {response.text}")
            job = response.json()["id"]
            while True:
                status = client.get(f"/jobs/{job}").json()
                if status["state"] in ("done", "failed"):
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"job still {status['state']} after {timeout} s")
                time.sleep(0.2)
            if status["state"] != "done":
                raise RuntimeError(f"job failed: {status['error']}")
            findings = client.get(f"/jobs/{job}/download/json").json()
            timing.seconds = time.monotonic() - started
            client.delete(f"/jobs/{job}", headers={"x-csrf-token": token}).raise_for_status()
            if findings["summary"] != expected or status["summary"] != expected:
                raise AssertionError(f"summary {findings['summary']} != direct audit {expected}")
            timing.correct = True
    except Exception as error:
        timing.problem = f"{type(error).__name__}: {error}"
        timing.seconds = timing.seconds or time.monotonic() - started
    return timing


def run_load(
    url: str,
    files: list[Path],
    *,
    jobs: int,
    concurrency: int,
    timeout: float = 600,
    retry_wait: float = 2.0,
    expected: dict[str, Any] | None = None,
) -> LoadResult:
    expected = expected or expected_summary(files)
    size = sum(path.stat().st_size for path in files)
    started = time.monotonic()
    with ThreadPoolExecutor(concurrency) as pool:
        futures = [
            pool.submit(one_job, url, files, expected, timeout=timeout, retry_wait=retry_wait)
            for _ in range(jobs)
        ]
        timings = [future.result(timeout=timeout + 60) for future in futures]
    return LoadResult(timings, time.monotonic() - started, size * jobs)


def leftovers(folder: Path) -> list[Path]:
    """Files in the server's private folder other than its pid file."""
    if not folder.exists():
        return []
    return [path for path in folder.rglob("*") if path.name != "server.pid"]


def report(result: LoadResult, *, workers: str) -> str:
    seconds = [timing.seconds for timing in result.timings]
    minutes = result.wall_seconds / 60
    return "\n".join(
        [
            f"jobs: {len(seconds)} ({len(result.failures)} wrong or failed), workers: {workers}",
            f"wall time: {result.wall_seconds:.1f} s; throughput: {len(seconds) / minutes:.1f} jobs/min, "
            f"{result.bytes_sent / 1e6 / result.wall_seconds:.2f} MB/s uploaded "
            f"({result.bytes_sent / 1e6:.1f} MB in all)",
            f"job time (upload to findings downloaded): median {statistics.median(seconds):.1f} s, "
            f"slowest {max(seconds):.1f} s",
            f"busy replies (429) retried: {sum(timing.busy_replies for timing in result.timings)}",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, default=20, help="uploads in all (default 20)")
    parser.add_argument("--concurrency", type=int, default=20, help="clients at once (default 20)")
    parser.add_argument("--leads", type=int, default=8000)
    parser.add_argument("--contacts", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=None, help="server's --workers (default: its own)")
    parser.add_argument("--max-queued", type=int, default=18, help="server's --max-queued (default 18)")
    parser.add_argument("--timeout", type=float, default=600, help="bound on each job, seconds")
    arguments = parser.parse_args()
    if not 1 <= arguments.jobs <= 200 or not 1 <= arguments.concurrency <= 50:
        parser.error("keep it bounded: --jobs 1..200, --concurrency 1..50")

    sys.path.insert(0, str(Path(__file__).parent))
    from synth import generate

    with tempfile.TemporaryDirectory(prefix="bench-serve-") as temp:
        written = generate(Path(temp) / "export", leads=arguments.leads, contacts=arguments.contacts)
        files = [written["lead"], written["contact"]]
        print(
            f"export: {arguments.leads + arguments.contacts:,} records, "
            f"{sum(p.stat().st_size for p in files) / 1e6:.1f} MB ({', '.join(p.name for p in files)})"
        )
        expected = expected_summary(files)
        options = ["--max-queued", str(arguments.max_queued)]
        if arguments.workers:
            options += ["--workers", str(arguments.workers)]
        private = Path(temp) / "server"
        private.mkdir()
        with serve(private, *options) as server:
            result = run_load(
                server.url,
                files,
                jobs=arguments.jobs,
                concurrency=arguments.concurrency,
                timeout=arguments.timeout,
                expected=expected,
            )
            left_running = leftovers(server.folder)
            stop(server.process)
        left_stopped = list(private.iterdir())
    print(report(result, workers=str(arguments.workers or "server default")))
    for problem in result.failures[:5]:
        print(f"  wrong: {problem}")
    print(f"files left while running: {len(left_running)}; after stopping: {len(left_stopped)}")
    return 1 if result.failures or left_running or left_stopped else 0


if __name__ == "__main__":
    sys.exit(main())
