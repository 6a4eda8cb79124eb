"""Parquet inputs (warehouse unloads): every value read as the text an export would hold, and a table
unloaded as Parquet audited exactly as the same table exported as CSV."""

from __future__ import annotations

import datetime as dt
import decimal
from importlib.resources import as_file
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import auditor
from auditor.api import expand_folders
from auditor.config import Config
from auditor.demo import demo_config
from auditor.errors import InputError
from auditor.loading import load_file
from auditor.resources import samples_dir


def test_typed_columns_are_read_as_the_text_an_export_holds(tmp_path: Path) -> None:
    path = tmp_path / "Lead.parquet"
    pq.write_table(
        pa.table(
            {
                "Id": ["00Q1", None],
                "Score": [1.0, 2.5],
                "Employees": pa.array([1200, None], pa.int32()),
                "IsConverted": [True, False],
                "CreatedDate": pa.array(
                    [dt.datetime(2021, 4, 15, 10, 3, 5, 120000), dt.datetime(2021, 4, 15)], pa.timestamp("ms")
                ),
                "LastModifiedDate": pa.array(
                    [dt.datetime(2021, 4, 15, 10, 3), None], pa.timestamp("us", tz="UTC")
                ),
                "Birthdate": [dt.date(1980, 1, 2), None],
                "Revenue": [decimal.Decimal("12.50"), None],
                "Rating": pa.array(["Hot", "Cold"]).dictionary_encode(),
                "Tags": [["a", "b"], None],
                "Email": ["a@example.com", "b@example.com"],
                "Email ": ["", ""],  # repeated once stripped: kept apart, as in a CSV
            }
        ),
        path,
    )
    (table,) = load_file(path)
    assert table.format == "parquet"
    assert table.frame.to_dict("records") == [
        {
            "Id": "00Q1",
            "Score": "1",
            "Employees": "1200",
            "IsConverted": "true",
            "CreatedDate": "2021-04-15 10:03:05",
            "LastModifiedDate": "2021-04-15T10:03:00Z",
            "Birthdate": "1980-01-02",
            "Revenue": "12.50",
            "Rating": "Hot",
            "Tags": '["a", "b"]',
            "Email": "a@example.com",
            "Email (2)": "",
        },
        {
            "Id": "",
            "Score": "2.5",
            "Employees": "",
            "IsConverted": "false",
            "CreatedDate": "2021-04-15",
            "LastModifiedDate": "",
            "Birthdate": "",
            "Revenue": "",
            "Rating": "Cold",
            "Tags": "",
            "Email": "b@example.com",
            "Email (2)": "",
        },
    ]
    assert table.duplicate_headers == ["Email"]
    assert table.row_numbers.tolist() == [2, 3]


def test_a_table_unloaded_as_parquet_is_audited_as_its_csv(tmp_path: Path) -> None:
    with as_file(samples_dir("salesforce_Lead.csv")) as sample:
        csv_path = tmp_path / "Lead.csv"
        csv_path.write_bytes(Path(sample).read_bytes())
    (table,) = load_file(csv_path)
    # A unload skips nothing: the CSV's rows are its records, so row numbers agree once the CSV has
    # no title block or blank line (the sample has none).
    assert table.row_numbers.tolist() == list(range(2, 2 + table.rows))
    folder = tmp_path / "unload"
    folder.mkdir()
    pq.write_table(pa.Table.from_pandas(table.frame, preserve_index=False), folder / "Lead.parquet")
    config = demo_config()
    from_csv = auditor.audit([csv_path], config)
    from_parquet = auditor.audit([folder], config)
    assert [report.format for report in from_parquet.inputs] == ["parquet"]
    assert from_parquet.inputs[0].object == from_csv.inputs[0].object == "lead"

    def said(result: auditor.AuditResult) -> list[tuple]:
        return [
            (
                finding.rule,
                finding.kind,
                finding.severity,
                tuple((ref.row, ref.id) for ref in finding.records),
            )
            for finding in result.findings
        ]

    assert len(from_csv.findings) > 10
    assert said(from_parquet) == said(from_csv)


def test_a_folder_stands_for_its_parquet_files_too(tmp_path: Path) -> None:
    pq.write_table(pa.table({"Email": ["a@example.com"]}), tmp_path / "Contact.parquet")
    (tmp_path / "notes.md").write_text("not an export")
    assert expand_folders([tmp_path]) == [tmp_path / "Contact.parquet"]


@pytest.mark.parametrize("content", [b"PAR1 and then nothing a Parquet reader can use", b"PAR1"])
def test_a_damaged_parquet_file_is_refused_in_one_line(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "Lead.parquet"
    path.write_bytes(content)
    with pytest.raises(InputError) as raised:
        load_file(path)
    assert str(raised.value).startswith(f"{path}: is not a readable Parquet file")
    assert "\n" not in str(raised.value)
    result = auditor.audit([path], Config(as_of=dt.date(2026, 11, 1)))
    assert result.skipped and result.exit_status() == 2
