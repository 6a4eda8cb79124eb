"""Step 7: reporting. Renderers of one list of findings: terminal, JSON, CSV, XLSX, HTML.

The renderers load on first use: the CLI reads the list of report formats (formats.py) to build its
options, and `crm-audit --help` must not load pandas for that.
"""

from importlib import import_module
from typing import Any

_WHERE = {
    "normalised_frame": "auditor.reporting.records_csv",
    "render_html": "auditor.reporting.html_report",
    "write_html": "auditor.reporting.html_report",
    "write_json": "auditor.reporting.json_report",
    "write_normalised": "auditor.reporting.records_csv",
    "write_reports": "auditor.reporting.writing",
    "write_xlsx": "auditor.reporting.xlsx_report",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'auditor.reporting' has no attribute {name!r}")
