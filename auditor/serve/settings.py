"""Every limit `crm-audit serve` keeps, in one frozen object that the app, the jobs and the server share."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

MEGABYTE = 1024 * 1024
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


@dataclass(frozen=True)
class ServeSettings:
    host: str = "127.0.0.1"
    port: int = 8765
    # Everything one audit uploads, all files together: the audit's memory grows with the total.
    max_upload_bytes: int = 200 * MEGABYTE
    max_files: int = 20
    # Audits running at once, each in its own process; more would only share the same cores.
    workers: int = max(1, min(2, os.cpu_count() or 1))
    # Audits accepted beyond the running ones; past that the server answers 429.
    max_queued: int = 4
    # Results of a finished audit are deleted this long after it ends, if nobody downloaded them all.
    keep_seconds: float = 30 * 60
    # An audit that runs longer is stopped (its worker process is killed).
    job_timeout: float = 30 * 60
    sweep_interval: float = 15.0
    # An upload still arriving after this long gives its place back (a stalled client holds a queue place).
    upload_timeout: float = 10 * 60
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
