"""The audits a server holds: a bounded queue, one worker process per running audit, and a janitor.

Why a process per audit, not a thread: an audit is mostly Python and pandas code that holds the
GIL, so threads would not run two audits at once on two cores; and a process is the unit the
operating system can kill. A workbook that blows up calamine's memory, a crash in native code, or
an audit past its time limit ends that process only: the server reports it to the one person whose
audit it was and goes on. Processes come from a fork server that has already imported the auditor,
so a job starts in milliseconds instead of re-importing pandas (and never forks the threaded server).

A thread per running audit (a bounded ThreadPoolExecutor) supervises its process: it relays
progress from the pipe, enforces the time limit and records the outcome.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import secrets
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from auditor.serve.page import server_words
from auditor.serve.settings import MEGABYTE, ServeSettings
from auditor.serve.worker import OUTPUTS, run_job
from auditor.wording import Words

FOLDER_PREFIX = "crm-audit-serve-"
PID_FILE = "server.pid"
# Deleted jobs are remembered (id, owner, why) so that a late download says why it is gone.
TOMBSTONE_SECONDS = 24 * 3600
MAX_TOMBSTONES = 10_000
# A job in these states holds files (or a reservation for an upload); a failed one holds nothing.
HOLDING_STATES = ("uploading", "queued", "running", "done")
# How often a running audit's folder is measured against the disk limit.
DISK_CHECK_SECONDS = 0.5


class Busy(Exception):
    """Every worker and queue place is taken."""


class TooManyJobs(Exception):
    """The session already keeps as many audits as it may."""


class TooManyUploads(Exception):
    """The session is already sending as many uploads as it may at once."""


class DiskFull(Exception):
    """Uploads and results already take the disk limit, or this upload would pass it."""


class JobMissing(Exception):
    """No such job for this session: unknown id, or someone else's (the same answer, on purpose)."""


class JobGone(Exception):
    """The job existed for this session and its files were deleted; `reason` says when and why."""

    def __init__(self, reason: Words) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Job:
    id: str
    owner: str
    folder: Path
    created: float
    state: str = "uploading"
    queued: float | None = None
    step: str = "queued"
    detail: str = ""
    names: list[str] = field(default_factory=list)
    started: float | None = None
    finished: float | None = None
    summary: dict[str, Any] | None = None
    skipped: list[dict[str, str]] = field(default_factory=list)
    # Why the audit failed: `Words` of the `[serve]` table, worded for whoever asks, in their language.
    error: str | None = None
    fetched: set[str] = field(default_factory=set)
    pid: int | None = None
    # What the job holds on disk: while uploading, the size it declared; then its files, as measured.
    disk_bytes: int = 0
    # The report's Content-Security-Policy, computed once from the report's own inline blocks.
    report_policy: str | None = None

    def output(self, kind: str) -> Path:
        return self.folder / "out" / OUTPUTS[kind]


@dataclass
class _Tombstone:
    owner: str
    reason: Words
    when: float


Target = Callable[..., None]


class JobManager:
    """Owns the private folder of one server run and every job in it. Thread-safe."""

    def __init__(self, settings: ServeSettings, *, target: Target = run_job) -> None:
        self.settings = settings
        self._target = target
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._processes: dict[str, BaseProcess] = {}
        self._tombstones: dict[str, _Tombstone] = {}
        self._closing = threading.Event()
        self._executor: ThreadPoolExecutor | None = None
        self._janitor: threading.Thread | None = None
        self.root: Path | None = None

    # -- life cycle ---------------------------------------------------------------------------

    def start(self) -> None:
        parent = self.settings.temp_parent or Path(tempfile.gettempdir())
        remove_abandoned_folders(parent)
        # mkdtemp creates the folder with mode 0700 and an unpredictable name.
        self.root = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX, dir=parent))
        (self.root / PID_FILE).write_text(str(os.getpid()), encoding="ascii")
        self._executor = ThreadPoolExecutor(self.settings.workers, thread_name_prefix="crm-audit-job")
        self._janitor = threading.Thread(target=self._sweep_forever, name="crm-audit-janitor", daemon=True)
        self._janitor.start()
        # The fork server imports and warms up the auditor (a few seconds) while the page loads,
        # rather than when the first audit is submitted.
        threading.Thread(target=_start_fork_server, name="crm-audit-fork-server", daemon=True).start()

    def close(self) -> None:
        """Stop every audit and delete every file of this server run."""
        self._closing.set()
        with self._lock:
            for process in self._processes.values():
                _kill(process)
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
        if self._janitor is not None:
            self._janitor.join(timeout=5)
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
        with self._lock:
            self._jobs.clear()

    # -- jobs -----------------------------------------------------------------------------------

    def open_job(self, owner: str, upload_bytes: int) -> Job:
        """A job for an upload of at most `upload_bytes` that is about to arrive. Raises TooManyUploads,
        TooManyJobs, DiskFull, or Busy when the queue is already full (so that a busy server does not
        store an upload only to refuse it). No queue place is taken yet: see `submit`."""
        assert self.root is not None, "JobManager.start() first"
        with self._lock:
            mine = [job for job in self._jobs.values() if job.owner == owner and job.state in HOLDING_STATES]
            if sum(1 for job in mine if job.state == "uploading") >= self.settings.max_uploads_per_session:
                raise TooManyUploads
            if len(mine) >= self.settings.max_jobs_per_session:
                raise TooManyJobs
            if self._held_bytes() + upload_bytes > self.settings.disk_limit:
                raise DiskFull
            if self._closing.is_set() or self._waiting_or_running() >= self.settings.capacity:
                raise Busy
            job_id = secrets.token_urlsafe(24)
            # The folder name is a second secret, so the job id never names a path.
            folder = self.root / secrets.token_hex(16)
            folder.mkdir(mode=0o700)
            (folder / "in").mkdir(mode=0o700)
            job = Job(
                id=job_id, owner=owner, folder=folder, created=time.monotonic(), disk_bytes=upload_bytes
            )
            self._jobs[job_id] = job
        return job

    def discard(self, job: Job) -> None:
        """Forget an upload that was refused; nothing of it stays on disk."""
        with self._lock:
            self._jobs.pop(job.id, None)
        shutil.rmtree(job.folder, ignore_errors=True)

    def submit(self, job: Job, inputs: list[Path], names: list[str], settings: dict[str, Any]) -> None:
        """Queue an upload that has fully arrived: only now does it take a queue place, so a client
        trickling its upload holds none. Busy if every place is taken (the caller discards the job)."""
        assert self._executor is not None
        # The whole folder: a previous audit's findings JSON, when given, is stored beside the exports.
        stored = _bytes_under(job.folder)
        with self._lock:
            if self._closing.is_set() or self._waiting_or_running() >= self.settings.capacity:
                raise Busy
            job.names = names
            job.state, job.queued = "queued", time.monotonic()
            job.disk_bytes = stored
        self._executor.submit(self._supervise, job, [str(path) for path in inputs], names, settings)

    def get(self, job_id: str, owner: str) -> Job:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None and job.state != "uploading" and secrets.compare_digest(job.owner, owner):
                return job
            tomb = self._tombstones.get(job_id)
            if tomb is not None and secrets.compare_digest(tomb.owner, owner):
                raise JobGone(tomb.reason)
        raise JobMissing

    def status(self, job: Job) -> dict[str, Any]:
        """What the page shows: state, step, queue place, counts, skipped files, the time left."""
        now = time.monotonic()
        with self._lock:
            ahead = 0
            if job.state == "queued" and job.queued is not None:
                ahead = sum(
                    1
                    for other in self._jobs.values()
                    if other.state == "queued" and other.queued is not None and other.queued < job.queued
                )
            expires = None
            if job.finished is not None:
                expires = max(0, round(job.finished + self.settings.keep_seconds - now))
            return {
                "id": job.id,
                "state": job.state,
                "step": job.step,
                "detail": job.detail,
                "queue_ahead": ahead,
                "elapsed": round((job.finished or now) - (job.started or now), 1),
                "files": list(job.names),
                "summary": job.summary,
                "skipped": list(job.skipped),
                "error": job.error,
                "expires_in": expires,
                "fetched": sorted(job.fetched),
            }

    def mark_fetched(self, job: Job, kind: str) -> None:
        """Once every result has been downloaded, nothing is kept any longer."""
        with self._lock:
            job.fetched.add(kind)
            done = set(OUTPUTS) <= job.fetched
        if done:
            self.delete(job, server_words("deleted_downloaded"))

    def delete(self, job: Job, reason: Words) -> None:
        """Delete a job's files now (stopping its audit if it runs) and remember why."""
        with self._lock:
            if self._jobs.pop(job.id, None) is None:
                return
            process = self._processes.pop(job.id, None)
            self._tombstones[job.id] = _Tombstone(job.owner, reason, time.monotonic())
            self._prune_tombstones()
        if process is not None:
            _kill(process)
        shutil.rmtree(job.folder, ignore_errors=True)

    def sweep(self, now: float | None = None) -> None:
        """Delete the results nobody downloaded within the time limit."""
        now = time.monotonic() if now is None else now
        keep = self.settings.keep_seconds
        with self._lock:
            expired = [
                job for job in self._jobs.values() if job.finished is not None and now - job.finished >= keep
            ]
        for job in expired:
            self.delete(job, server_words("deleted_expired", duration=_duration(keep)))

    def disk_used(self) -> int:
        """Bytes held by every job: files on disk, and the declared size of uploads still arriving."""
        with self._lock:
            return self._held_bytes()

    def jobs_on_disk(self) -> list[Path]:
        """Every job folder still present (for tests and the load test's leak check)."""
        if self.root is None or not self.root.exists():
            return []
        return sorted(path for path in self.root.iterdir() if path.is_dir())

    # -- internals ------------------------------------------------------------------------------

    def _held_bytes(self) -> int:
        return sum(job.disk_bytes for job in self._jobs.values())

    def _waiting_or_running(self) -> int:
        return sum(1 for job in self._jobs.values() if job.state in ("queued", "running"))

    def _past_disk_limit(self, job: Job) -> bool:
        """Measure a running job's folder; True if the files of every audit now pass the disk limit.
        Uploads still arriving are left out: a running audit is not stopped for what may never come."""
        size = _bytes_under(job.folder)
        with self._lock:
            job.disk_bytes = size
            stored = sum(other.disk_bytes for other in self._jobs.values() if other.state != "uploading")
        return stored > self.settings.disk_limit

    def _disk_limit_reached(self) -> Words:
        return server_words("disk_limit_reached", mb=self.settings.disk_limit / MEGABYTE)

    def _prune_tombstones(self) -> None:
        horizon = time.monotonic() - TOMBSTONE_SECONDS
        for job_id in [key for key, tomb in self._tombstones.items() if tomb.when < horizon]:
            del self._tombstones[job_id]
        while len(self._tombstones) > MAX_TOMBSTONES:
            del self._tombstones[next(iter(self._tombstones))]

    def _sweep_forever(self) -> None:
        while not self._closing.wait(self.settings.sweep_interval):
            self.sweep()

    def _supervise(self, job: Job, inputs: list[str], names: list[str], settings: dict[str, Any]) -> None:
        if self._closing.is_set() or job.id not in self._jobs:
            return
        context = _context()
        reader, writer = context.Pipe(duplex=False)
        process = context.Process(
            target=self._target,
            args=(writer, str(job.folder), inputs, names, settings),
            name=f"crm-audit-job-{job.id[:6]}",
            daemon=True,
        )
        # Started outside the lock: the first start launches the fork server, which takes a second.
        process.start()
        with self._lock:
            deleted = job.id not in self._jobs  # while it waited in the queue
            if not deleted:
                self._processes[job.id] = process
                job.state, job.started, job.pid, job.step = (
                    "running",
                    time.monotonic(),
                    process.pid,
                    "loading",
                )
        if deleted:
            _kill(process)
            writer.close()
            reader.close()
            return
        # Our copy of the writing end must close, or the pipe never reports the worker's end.
        writer.close()
        outcome: tuple[str, Any] | None = None
        stopped: Words | None = None  # why the server stopped the audit, if it did
        deadline = time.monotonic() + self.settings.job_timeout
        next_disk_check = time.monotonic()
        try:
            while outcome is None:
                now = time.monotonic()
                remaining = deadline - now
                if remaining <= 0:
                    stopped = server_words("job_timeout", duration=_duration(self.settings.job_timeout))
                    break
                if now >= next_disk_check:
                    next_disk_check = now + DISK_CHECK_SECONDS
                    if self._past_disk_limit(job):
                        stopped = self._disk_limit_reached()
                        break
                if not reader.poll(min(remaining, 0.5)):
                    if self._closing.is_set():
                        break
                    continue
                try:
                    message = reader.recv()
                except (EOFError, OSError):
                    break  # the worker ended without a word
                if message[0] == "progress":
                    with self._lock:
                        job.step, job.detail = str(message[1]), str(message[2])[:200]
                else:
                    outcome = (message[0], message[1])
            # Results written since the last measure count too: a finished audit may not keep them.
            if outcome is not None and outcome[0] == "done" and self._past_disk_limit(job):
                outcome, stopped = None, self._disk_limit_reached()
        finally:
            reader.close()
            if outcome is None and (stopped or self._closing.is_set()):
                _kill(process)
            process.join(timeout=5)
            _kill(process)
            with self._lock:
                self._processes.pop(job.id, None)
        self._finish(job, outcome, process, stopped)

    def _finish(
        self, job: Job, outcome: tuple[str, Any] | None, process: BaseProcess, stopped: Words | None
    ) -> None:
        # The uploads are never needed again once the audit ends, whatever its outcome; nor are the
        # results of a failed audit, which cannot be downloaded.
        result = outcome[1] if outcome is not None and outcome[0] == "done" else None
        shutil.rmtree(job.folder / "in", ignore_errors=True)
        if result is None:
            shutil.rmtree(job.folder / "out", ignore_errors=True)
        size = _bytes_under(job.folder)
        with self._lock:
            if job.id not in self._jobs:
                return
            job.disk_bytes = size
            if result is not None:
                job.state, job.step, job.detail = "done", "done", ""
                job.summary = result["summary"]
                job.skipped = result["skipped"]
            else:
                job.state = "failed"
                if outcome is not None:
                    # The worker's `Words` as sent; a plain text (a test's worker) as it is.
                    failure = outcome[1]
                    job.error = failure if isinstance(failure, Words) else str(failure)
                elif stopped:
                    job.error = stopped
                elif self._closing.is_set():
                    job.error = server_words("server_stopped")
                else:
                    job.error = server_words("worker_died", how=_exit_description(process))
            job.finished = time.monotonic()


def _context() -> BaseContext:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # Imported (and warmed up) once in the fork server, not once per audit.
    context.set_forkserver_preload(["auditor.serve.preload"])
    return context


def _start_fork_server() -> None:
    if _context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _kill(process: BaseProcess) -> None:
    if process.is_alive():
        process.kill()
        process.join(timeout=5)


def _exit_description(process: BaseProcess) -> Words:
    code = process.exitcode
    if code is not None and code < 0:
        with contextlib.suppress(ValueError):
            return server_words("ended_by_signal", signal=signal.Signals(-code).name)
    return server_words("exited_with", code=str(code))


def _bytes_under(folder: Path) -> int:
    total = 0
    for parent, _, names in os.walk(folder):
        for name in names:
            # A file may be deleted while it is counted (a download finishing, the janitor).
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(parent, name)).st_size
    return total


def _duration(seconds: float) -> Words:
    if seconds >= 120:
        return server_words("minutes", count=seconds / 60)
    return server_words("seconds", count=seconds)


def remove_abandoned_folders(parent: Path) -> None:
    """Delete the private folders of earlier server runs that did not end cleanly (killed, power cut):
    ours by owner, and whose server process no longer exists."""
    if os.name != "posix" or not parent.is_dir():
        return
    for folder in parent.glob(f"{FOLDER_PREFIX}*"):
        try:
            if folder.stat().st_uid != os.getuid():
                continue
            pid = int((folder / PID_FILE).read_text(encoding="ascii"))
        except (OSError, ValueError):
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            continue
