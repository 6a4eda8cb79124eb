"""The XLSX workbook: its sheets, and not one formula cell even when the data tries to make one."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pytest

from auditor.findings import Finding, RecordRef
from auditor.reporting.cells import FORMULA_STARTS
from auditor.reporting.xlsx_report import write_xlsx
from tests.reports.sample_result import HOSTILE, sample_result, scaled_result


@pytest.fixture(scope="module")
def hostile_workbook(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("xlsx") / "hostile.xlsx"
    write_xlsx(sample_result(hostile=True), path)
    return openpyxl.load_workbook(path)


def _cells(workbook: openpyxl.Workbook) -> list[openpyxl.cell.Cell]:
    return [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]


def test_no_cell_is_a_formula(hostile_workbook: openpyxl.Workbook) -> None:
    formulas = [
        f"{cell.parent.title}!{cell.coordinate}" for cell in _cells(hostile_workbook) if cell.data_type == "f"
    ]
    assert formulas == []


def test_formula_looking_text_is_inert(hostile_workbook: openpyxl.Workbook) -> None:
    texts = [cell.value for cell in _cells(hostile_workbook) if isinstance(cell.value, str)]
    for value in ("formula", "plus_formula", "at_formula", "minus_formula"):
        assert "'" + HOSTILE[value] in texts, value
        assert HOSTILE[value] not in texts, value
    # Nothing a spreadsheet would run is left at the start of any cell ...
    risky = [
        text for text in texts if text.startswith(FORMULA_STARTS) and not text[1:].replace(" ", "").isdigit()
    ]
    assert risky == []
    # ... while phone numbers keep their "+" (a number, not a formula).
    assert "+48 12 345 67 89" in texts


def test_control_characters_do_not_break_the_file(hostile_workbook: openpyxl.Workbook) -> None:
    """XML forbids most control characters; xlsxwriter writes them escaped, so the file still opens."""
    companies = [
        cell.value
        for cell in _cells(hostile_workbook)
        if isinstance(cell.value, str) and "Bell" in cell.value
    ]
    assert companies and all("\x07" not in value for value in companies)


def test_sheets_summary_inputs_and_one_per_kind(tmp_path: Path) -> None:
    result = sample_result()
    path = tmp_path / "audit.xlsx"
    write_xlsx(result, path)
    workbook = openpyxl.load_workbook(path)
    kinds = {finding.kind for finding in result.findings}
    assert workbook.sheetnames[:3] == ["summary", "inputs", "owners"]
    assert set(workbook.sheetnames[3:]) == kinds
    for name in workbook.sheetnames[1:]:
        sheet = workbook[name]
        assert sheet.freeze_panes == "A2", name
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:"), name
        assert sheet.column_dimensions["A"].width > 0


def test_findings_sit_next_to_their_records_key_fields(tmp_path: Path) -> None:
    path = tmp_path / "audit.xlsx"
    write_xlsx(sample_result(), path)
    sheet = openpyxl.load_workbook(path)["invalid_email"]
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, (cell.value for cell in sheet[2]), strict=True))
    assert row["Rule"] == "DQ001"
    assert row["Row"] == 5
    assert row["First name"] == "Robert" and row["Email"] == "bob.smith@globex"
    assert row["Offending fields"] == "email" and row["Offending values"] == "bob.smith@globex"


def test_duplicates_are_one_row_per_record_grouped_by_cluster(tmp_path: Path) -> None:
    path = tmp_path / "audit.xlsx"
    write_xlsx(sample_result(), path)
    sheet = openpyxl.load_workbook(path)["duplicate"]
    header = [cell.value for cell in sheet[1]]
    rows = [
        dict(zip(header, (cell.value for cell in row), strict=True)) for row in sheet.iter_rows(min_row=2)
    ]
    assert [(row["Cluster"], row["Row"], row["Keep"]) for row in rows] == [("C1", 2, "Keep"), ("C1", 3, None)]
    assert rows[0]["Matched on"] == "email, last_name, phone"


def test_finding_rows_keep_their_severity_colour_and_cluster_bands(tmp_path: Path) -> None:
    """The rows are written beside xlsxwriter (auditor/reporting/xlsx_rows.py); their formats must
    still reach the workbook's styles, or every row loses its colour."""
    path = tmp_path / "audit.xlsx"
    write_xlsx(scaled_result(400, 200), path)
    workbook = openpyxl.load_workbook(path)
    severity = workbook["invalid_email"].cell(row=2, column=1)
    assert severity.value == "warning"
    assert severity.font.b and str(severity.font.color.rgb).endswith("7A4100")
    clusters = workbook["duplicate"]
    fills = {clusters.cell(row=row, column=1).fill.fgColor.rgb for row in range(2, clusters.max_row + 1)}
    assert any(str(fill).endswith("F3F5F8") for fill in fills), fills


def test_headers_follow_the_language(tmp_path: Path) -> None:
    path = tmp_path / "audit.xlsx"
    write_xlsx(sample_result(lang="fr"), path)
    sheet = openpyxl.load_workbook(path)["invalid_email"]
    assert [cell.value for cell in sheet[1]][:3] == ["Gravité", "Règle", "Message"]


def test_a_finding_naming_a_record_outside_the_table_still_shows_the_reference(tmp_path: Path) -> None:
    result = sample_result()
    stray = RecordRef(file="elsewhere.csv", row=42, id="00Q000000000042AAA")
    added = Finding(
        "DQ001", "invalid_email", "warning", "Stray finding.", [stray], {"field": "email", "value": "x@"}
    )
    result = dataclasses.replace(result, findings=[*result.findings, added])
    path = tmp_path / "audit.xlsx"
    write_xlsx(result, path)
    sheet = openpyxl.load_workbook(path)["invalid_email"]
    header = [cell.value for cell in sheet[1]]
    rows = [
        dict(zip(header, (cell.value for cell in row), strict=True)) for row in sheet.iter_rows(min_row=2)
    ]
    [row] = [row for row in rows if row["Message"] == "Stray finding."]
    assert (row["File"], row["Row"], row["Id"], row["First name"]) == (
        "elsewhere.csv",
        42,
        "00Q000000000042AAA",
        None,
    )


def test_findings_without_any_records_table_still_write(tmp_path: Path) -> None:
    from auditor.api import AuditResult, _empty_records
    from auditor.config import Config

    stray = RecordRef(file="elsewhere.csv", row=7, id=None)
    result = AuditResult(
        config=Config(),
        records=_empty_records(),
        findings=[Finding("TM001", "unmapped_label", "info", "Label.", [stray], {"label": "x"})],
        inputs=[],
    )
    path = tmp_path / "audit.xlsx"
    write_xlsx(result, path)
    sheet = openpyxl.load_workbook(path)["unmapped_label"]
    header = [cell.value for cell in sheet[1]]
    [row] = [
        dict(zip(header, (cell.value for cell in row), strict=True)) for row in sheet.iter_rows(min_row=2)
    ]
    assert (row["File"], row["Row"], row["Message"]) == ("elsewhere.csv", 7, "Label.")


def test_the_owners_sheet_lists_every_owner_with_the_records_to_fix(tmp_path: Path) -> None:
    from auditor.demo import audit_samples, demo_config
    from auditor.reporting.profile import owner_profile

    result = audit_samples(demo_config())
    path = tmp_path / "audit.xlsx"
    write_xlsx(result, path, lang="fr")
    rows = list(openpyxl.load_workbook(path)["owners"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Propriétaire", "Fiches de personnes", "À corriger")
    expected = owner_profile(result, limit=None)
    assert len(rows) - 1 == expected.total_owners
    assert [row[2] for row in rows[1:]] == [load.needs_fix for load in expected.owners]
    assert sum(row[1] for row in rows[1:]) == sum(load.records for load in expected.owners)
    assert "(fichiers sans colonne propriétaire)" in [row[0] for row in rows[1:]]  # hand_kept_contacts.xlsx
