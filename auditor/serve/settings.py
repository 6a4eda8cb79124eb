"""Every limit `crm-audit serve` keeps, in one frozen object that the app, the jobs and the server share."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

MEGABYTE = 1024 * 1024
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
WILDCARD_HOSTS = ("0.0.0.0", "::", "")
# The default disk limit, in uploads of the largest size: results are often larger than their inputs.
DISK_UPLOADS = 10


@dataclass(frozen=True)
class ServeSettings:
    host: str = "127.0.0.1"
    port: int = 8765
    # Everything one audit uploads, all files together: the audit's memory grows with the total.
    max_upload_bytes: int = 200 * MEGABYTE
    max_files: int = 20
    # Audits running at once, each in its own process; more would only share the same cores.
    workers: int = max(1, min(2, os.cpu_count() or 1))
    # Audits accepted beyond the running ones; past that the server answers 429. An upload takes its
    # place only once it has fully arrived, so a slow or stalled client never holds one.
    max_queued: int = 4
    # Audits one browser session keeps at once: arriving, waiting, running, or finished with results
    # not yet deleted. Past that a new one is refused until one is deleted or expires.
    max_jobs_per_session: int = 5
    # Uploads one browser session sends at once (the page sends one at a time).
    max_uploads_per_session: int = 2
    # Disk used by uploads and results, all sessions together; None: ten uploads of the largest size.
    # An arriving upload counts for its declared size; a new audit is refused once this is reached,
    # and an audit whose results take the total past it is stopped.
    max_disk_bytes: int | None = None
    # Results of a finished audit are deleted this long after it ends, if nobody downloaded them all.
    keep_seconds: float = 30 * 60
    # An audit that runs longer is stopped (its worker process is killed).
    job_timeout: float = 30 * 60
    sweep_interval: float = 15.0
    # An upload still arriving after this long is refused and its bytes deleted.
    upload_timeout: float = 10 * 60
    # A connection must send its request line and headers within this long of opening (or of the
    # previous response ending), and may fall silent for at most `body_timeout` while sending a body:
    # otherwise it is closed, so that clients trickling bytes (slowloris) cannot hold connections.
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    # Where the private folder of this server run is created (default: the system's temporary folder).
    temp_parent: Path | None = None
    # Host header values accepted (DNS rebinding defence); None accepts any (a wildcard bind).
    allowed_hosts: tuple[str, ...] | None = LOOPBACK_HOSTS
    # Cookies are per host, not per port: two servers on one machine must not share a cookie name.
    cookie_name: str = "crm_audit_session"

    def bound_to(self, port: int) -> ServeSettings:
        """These settings for a server listening on `host`:port: the Host headers that reach it there,
        and a cookie of its own."""
        if self.host in WILDCARD_HOSTS:
            allowed: tuple[str, ...] | None = None
        elif self.host in LOOPBACK_HOSTS:
            allowed = LOOPBACK_HOSTS
        else:
            allowed = (self.host.lower(),)
        return replace(self, port=port, allowed_hosts=allowed, cookie_name=f"crm_audit_session_{port}")

    @property
    def capacity(self) -> int:
        """Audits the server holds at once, running and waiting."""
        return self.workers + self.max_queued

    @property
    def disk_limit(self) -> int:
        """Bytes of uploads and results the server keeps at once, all sessions together."""
        if self.max_disk_bytes is not None:
            return self.max_disk_bytes
        return DISK_UPLOADS * self.max_upload_bytes
