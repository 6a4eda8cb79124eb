"""Step 7: reporting. Renderers of one list of findings: terminal, JSON, CSV, XLSX, HTML."""

from auditor.reporting.html_report import render_html, write_html
from auditor.reporting.json_report import write_json
from auditor.reporting.records_csv import normalised_frame, write_normalised
from auditor.reporting.writing import write_reports
from auditor.reporting.xlsx_report import write_xlsx

__all__ = [
    "normalised_frame",
    "render_html",
    "write_html",
    "write_json",
    "write_normalised",
    "write_reports",
    "write_xlsx",
]
