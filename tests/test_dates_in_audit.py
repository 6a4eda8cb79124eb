"""Dates pandas cannot hold (Salesforce's 4000-12-31, 9999-12-31, 0001-01-01) in CSV and XLSX exports:
the audit runs, those dates are no date for the rules, their text is kept, the rest is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from auditor.cli import main
from auditor.normalising import unread_date_reasons
from tests.conftest import findings_of

HEADER = ["Id", "FirstName", "LastName", "Email", "Status", "LastActivityDate", "CreatedDate"]
OPEN = "Open - Not Contacted"


def leads(far: list[object], *, created: object = "") -> list[list[object]]:
    """One open lead per far date, then one untouched since 2024-01-05 (stale on 2026-11-01)."""
    rows: list[list[object]] = [
        [f"00Q00000000000{index}AAA", f"Ana{index}", "Ruiz", f"ana{index}@acme.example", OPEN, value, created]
        for index, value in enumerate(far)
    ]
    rows.append(
        ["00Q000000000009AAA", "Bo", "Li", "bo@acme.example", OPEN, "2024-01-05", "2023-01-01T10:22:31.000Z"]
    )
    return rows


def test_far_dates_in_a_csv_export(write_csv: Callable[..., Path], run_audit) -> None:
    path = write_csv(
        "Lead.csv",
        [HEADER, *leads(["4000-12-31", "9999-12-31", "0001-01-01"], created="4000-12-31T00:00:00.000Z")],
    )
    result = run_audit([path])
    records = result.records
    assert records["last_activity_at"].tolist() == ["4000-12-31", "9999-12-31", "0001-01-01", "2024-01-05"]
    assert records["last_activity_date"].isna().tolist() == [True, True, True, False]
    assert records["created_date"].isna().tolist() == [True, True, True, False]
    reasons = unread_date_reasons(records["last_activity_at"], records["last_activity_date"])
    assert reasons.tolist() == ["out_of_range", "out_of_range", "out_of_range", ""]
    assert [finding.records[0].row for finding in findings_of(result, "CL006")] == [5]


def test_far_dates_in_xlsx_date_cells(tmp_path: Path, run_audit) -> None:
    """The loader writes date cells as ISO text; Excel holds no date before 1900, so 0001-01-01 is text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Leads"
    sheet.append(HEADER)
    far = [dt.date(4000, 12, 31), dt.datetime(9999, 12, 31, 23, 59, 59), "0001-01-01"]
    for row in leads(far, created=dt.datetime(4000, 12, 31)):
        sheet.append(row)
    path = tmp_path / "Lead.xlsx"
    workbook.save(path)
    result = run_audit([path])
    records = result.records
    assert records["last_activity_at"].tolist() == [
        "4000-12-31",
        "9999-12-31 23:59:59",
        "0001-01-01",
        "2024-01-05",
    ]
    assert records["last_activity_date"].isna().tolist() == [True, True, True, False]
    assert records["created_date"].isna().tolist() == [True, True, True, False]
    assert [finding.records[0].row for finding in findings_of(result, "CL006")] == [5]


@pytest.mark.parametrize("far", ["4000-12-31", "9999-12-31T00:00:00.000Z", "0001-01-01"])
def test_the_command_line_audits_such_files(write_csv: Callable[..., Path], tmp_path: Path, far: str) -> None:
    path = write_csv("Lead.csv", [HEADER, *leads([far])])
    result = CliRunner().invoke(main, ["audit", str(path), "--as-of", "2026-11-01", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    assert "unexpected error" not in result.output
