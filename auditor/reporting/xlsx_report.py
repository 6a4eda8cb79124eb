"""The XLSX workbook: a summary sheet and one sheet per kind of finding. No cell is ever a formula."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from auditor.api import AuditResult
from auditor.reporting.cells import inert


def write_xlsx(result: AuditResult, path: str | Path) -> None:
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet("Summary")
    data = result.summary()
    summary.append(["records", data["records"]])
    summary.append(["findings", data["findings"]])
    for kind, count in data["by_kind"].items():
        summary.append([kind, count])
    by_kind: dict[str, list] = {}
    for finding in result.findings:
        by_kind.setdefault(finding.kind, []).append(finding)
    for kind, findings in by_kind.items():
        sheet = workbook.create_sheet(kind[:31])
        sheet.append(["rule", "severity", "file", "row", "id", "message"])
        for finding in findings:
            for record in finding.records:
                sheet.append([finding.rule, finding.severity, inert(record.file), record.row,
                              inert(record.id or ""), inert(finding.message)])
    workbook.save(path)
