"""The terminal: the summary after an audit, and progress only on a terminal."""

from __future__ import annotations

import io

import pytest

from auditor.reporting import terminal
from auditor.reporting.terminal import Progress, summary_text
from tests.reports.sample_result import sample_result


def test_summary_counts_findings_by_kind_and_severity() -> None:
    text = summary_text(sample_result(), ["report.html", "audit.xlsx"])
    lines = text.splitlines()
    assert lines[0] == "Audited 10 records from 6 table(s) (as of 2026-11-01)."
    assert (
        "10 findings (1 error, 7 warning, 2 info). Health score 38.9/100"
        " (poor; 100.0% of people records with an error or a warning)."
    ) in lines
    header = next(line for line in lines if line.strip().startswith("kind"))
    assert header.split() == ["kind", "error", "warning", "info", "total", "records", "people"]
    kinds = [line.split()[0] for line in lines[lines.index(header) + 1 :][:10]]
    # What to fix first: the error, then warnings by the records they name, then the infos.
    assert kinds[0] == "lead_is_contact" and set(kinds[-2:]) == {"stale_lead", "brand_new_kind"}
    duplicate = next(line for line in lines if line.strip().startswith("duplicate "))
    assert duplicate.split() == ["duplicate", ".", "1", ".", "1", "2", "22.2%"]
    assert "  skipped broken.csv: not a CSV or Excel file (looks like a PDF)" in lines
    assert lines[-2:] == ["Wrote report.html", "Wrote audit.xlsx"]


def test_summary_without_reports_says_how_to_get_one() -> None:
    assert summary_text(sample_result(), []).splitlines()[-1].startswith("Add --html report.html")


def test_progress_is_quiet_when_stderr_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    monkeypatch.setattr(terminal.sys, "stderr", stream)
    with Progress(enabled=True) as progress:
        progress.update("loading", "Lead.csv")
    assert stream.getvalue() == ""


def test_progress_overwrites_one_line_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    monkeypatch.setattr(terminal.sys, "stderr", stream)
    with Progress(enabled=True) as progress:
        progress.update("loading", "Lead.csv")
        progress.update("rules", "10 records")
    written = stream.getvalue()
    assert "loading: Lead.csv" in written and "rules: 10 records" in written
    assert "\n" not in written and written.endswith("\r")


def test_quiet_progress_writes_nothing_even_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    monkeypatch.setattr(terminal.sys, "stderr", stream)
    with Progress(enabled=False) as progress:
        progress.update("loading", "Lead.csv")
    assert stream.getvalue() == ""
