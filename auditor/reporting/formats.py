"""The report formats, in one place: what each is called on the command line and in the web page's
downloads, its file name there, its media type, and the function that writes it. The CLI, the
library's `write_reports` and `crm-audit serve` all read this list.

Writers are named, not imported: `crm-audit --help` must not load pandas and the renderers.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from auditor.api import AuditResult


@dataclass(frozen=True)
class ReportFormat:
    name: str  # the CLI option (--<name>) and the keyword of `write_reports`
    download: str  # its name in the web page's download links (/download/<download>)
    file_name: str  # the file the web page offers
    media_type: str
    help: str  # the CLI option's help
    writer: str  # "module:function", a function (result, path) -> None
    # Seconds it took alone on a 1.25M-record audit (450k findings): how `write_reports` shares the
    # work out between processes.
    cost: float

    @property
    def option(self) -> str:
        return f"--{self.name}"

    def write(self, result: AuditResult, path: str | Path) -> None:
        self.writer_function()(result, path)

    def writer_function(self) -> Callable[[AuditResult, str | Path], None]:
        module, function = self.writer.split(":")
        return getattr(import_module(module), function)


FORMATS: tuple[ReportFormat, ...] = (
    ReportFormat(
        name="html",
        download="html",
        file_name="crm-audit-report.html",
        media_type="text/html; charset=utf-8",
        help="Write the HTML report here.",
        writer="auditor.reporting.html_report:write_html",
        cost=0.5,
    ),
    ReportFormat(
        name="json",
        download="json",
        file_name="crm-audit-findings.json",
        media_type="application/json",
        help="Write the findings JSON here.",
        writer="auditor.reporting.json_report:write_json",
        cost=3.5,
    ),
    ReportFormat(
        name="xlsx",
        download="xlsx",
        file_name="crm-audit-findings.xlsx",
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        help="Write the XLSX workbook here.",
        writer="auditor.reporting.xlsx_report:write_xlsx",
        cost=8.8,
    ),
    ReportFormat(
        name="normalised",
        download="csv",
        file_name="crm-audit-records.csv",
        media_type="text/csv; charset=utf-8",
        help="Write the normalised records (CSV) here.",
        writer="auditor.reporting.records_csv:write_normalised",
        cost=3.9,
    ),
)
BY_NAME = {report.name: report for report in FORMATS}
BY_DOWNLOAD = {report.download: report for report in FORMATS}
