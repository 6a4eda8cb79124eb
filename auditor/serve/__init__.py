"""`crm-audit serve`: a local web page where a person uploads exports, watches the audit and reads the report.

The package is a shell over `auditor.audit` and the report writers, like the CLI:

- `settings`: every limit the server keeps (upload size, workers, queue, audits per session, disk,
  how long results are kept, how long a client may take to send a request);
- `uploads`: receiving a multipart upload straight into a private folder, checking each file by content;
- `jobs`: the bounded queue of audits, each run in its own worker process, and the janitor;
- `worker`: what runs inside that process (audit, then write the reports);
- `security`: the session and CSRF token, Host and Origin checks, Content-Security-Policy and headers;
- `app`: the routes; `server`: binding the socket and running uvicorn, with deadlines for slow clients.

This module imports nothing from the web stack, so the CLI can say what to install when it is missing.
"""

from __future__ import annotations

from importlib.util import find_spec

# Import names of the optional `serve` dependencies (the extra in pyproject.toml).
REQUIRED_MODULES = ("starlette", "uvicorn", "python_multipart")
INSTALL_HINT = "crm-audit serve needs the web extra: pip install 'crm-audit[serve]'"


def missing_dependencies() -> list[str]:
    """Import names of the web dependencies that are not installed."""
    return [name for name in REQUIRED_MODULES if find_spec(name) is None]
