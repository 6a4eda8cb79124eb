"""The HTML report: one self-contained file, every data value escaped by jinja2's autoescape."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, select_autoescape

from auditor.api import AuditResult
from auditor.resources import reports_dir

MAX_FINDINGS_SHOWN = 2000


def _environment() -> Environment:
    return Environment(autoescape=select_autoescape(default=True, default_for_string=True), keep_trailing_newline=True)


def render_html(result: AuditResult) -> str:
    template = _environment().from_string(reports_dir("templates", "report.html.j2").read_text(encoding="utf-8"))
    return template.render(
        lang=result.config.lang,
        as_of=result.config.as_of.isoformat(),
        summary=result.summary(),
        inputs=result.inputs,
        findings=result.findings[:MAX_FINDINGS_SHOWN],
        hidden=max(0, len(result.findings) - MAX_FINDINGS_SHOWN),
    )


def write_html(result: AuditResult, path: str | Path) -> None:
    Path(path).write_text(render_html(result), encoding="utf-8")
