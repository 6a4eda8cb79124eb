"""What runs inside a job's worker process: the audit, then every report written into the job's folder.

The worker talks to the server over one pipe: ("progress", step, detail) while it runs, then
("done", outcome) or ("failed", why: `Words` of the `[serve]` table, pickled whole so that the server
words it in the language of whoever asks). A worker that dies without a word (killed, out of memory,
a crash in native code) is noticed by the server as the pipe closing; see `jobs.JobManager`.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
import zipfile
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from auditor.api import audit
from auditor.config import config_from_mapping
from auditor.errors import AuditorError
from auditor.fixes import write_fixes
from auditor.reporting.formats import FORMATS
from auditor.serve.page import server_words

# The fix plan (plan.json, before/, clean/, import/ and README.md, as `crm-audit audit --fixes`
# writes them), as one ZIP archive.
FIXES = "fixes"
# The job's result files, by download name (auditor/reporting/formats.py, then the fix plan); the
# server serves exactly these.
OUTPUTS = {report.download: report.file_name.removeprefix("crm-audit-") for report in FORMATS} | {
    FIXES: "fixes.zip"
}
# The settings' entry (beside the configuration's sections) for an uploaded findings JSON of an
# earlier audit: {"path": where it is stored, "name": the name it was uploaded under}.
BASELINE_SETTING = "baseline"
# The same for an uploaded decisions file (pairs ruled not the same person, or the same).
DECISIONS_SETTING = "decisions_file"


def run_job(
    conn: Connection, folder: str, inputs: list[str], names: list[str], settings: dict[str, Any]
) -> None:
    """Audit `inputs` (shown as `names`) with the form's `settings`; write the reports into folder/out."""
    # Results hold personal data: readable by this user only, whatever the server's umask.
    os.umask(0o077)
    try:
        sections = dict(settings)
        baseline = sections.pop(BASELINE_SETTING, None)
        decisions = sections.pop(DECISIONS_SETTING, None)
        config = config_from_mapping(sections, source="the form")
        if decisions:
            # A file the server stored, never a path the form named (the form may not name files).
            config = config.with_overrides(decisions=decisions["path"])
        result = audit(
            inputs,
            config,
            progress=lambda step, detail: conn.send(("progress", step, detail)),
            display_names=names,
            baseline=baseline["path"] if baseline else None,
        )
        if result.baseline is not None and baseline:
            # The reports name the earlier audit as the person uploaded it, not by the server's path.
            result.baseline = replace(result.baseline, file=baseline["name"])
        if result.decisions is not None and decisions:
            result.decisions = replace(result.decisions, file=decisions["name"])
        out = Path(folder) / "out"
        out.mkdir(mode=0o700, exist_ok=True)
        for report in FORMATS:
            conn.send(("progress", "reports", report.download.upper()))
            report.write(result, out / OUTPUTS[report.download])
        conn.send(("progress", "reports", FIXES.upper()))
        _write_fixes_zip(result, out / OUTPUTS[FIXES], dict(zip(names, inputs, strict=True)))
        conn.send(
            (
                "done",
                {
                    "summary": result.summary(),
                    "skipped": [{"file": report.file, "error": report.error} for report in result.skipped],
                },
            )
        )
    except AuditorError as error:
        # The library words its errors (an unreadable file, a wrong setting) in English only: the
        # detail stays English inside a sentence the page shows in its own language.
        conn.send(("failed", server_words("audit_failed", detail=str(error))))
    except Exception as error:
        # The person sees one line; the operator's terminal gets the traceback to report the bug.
        traceback.print_exc(file=sys.stderr)
        conn.send(("failed", server_words("audit_crashed", error=f"{type(error).__name__}: {error}")))
    finally:
        conn.close()


def _write_fixes_zip(result: Any, target: Path, paths: dict[str, str]) -> None:
    """The fix plan of the audit, written as `--fixes` writes it (the uploads re-read from where they
    are stored, under the names they were uploaded as), then packed into one ZIP archive."""
    with tempfile.TemporaryDirectory(dir=target.parent) as folder:
        plan_folder = Path(folder) / "fixes"
        write_fixes(result, plan_folder, paths=paths)
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(plan_folder.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(plan_folder).as_posix())
