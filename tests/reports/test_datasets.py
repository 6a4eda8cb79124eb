"""The Parquet datasets (`--findings-parquet DIR`, `--normalised DIR/`): they say what the findings
JSON and the normalised CSV say, in parts of bounded size swapped in whole; and a JSON or XLSX the
audit outgrows is refused, with the rest written and a pointer to the datasets."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

import auditor
from auditor.cli import main
from auditor.demo import demo_config, sample_paths
from auditor.errors import ConfigError
from auditor.reporting import datasets, writing
from auditor.reporting.writing import check_outputs, write_reports
from tests.reports.sample_result import sample_result


@pytest.fixture(scope="module")
def demo() -> auditor.AuditResult:
    with sample_paths() as paths:
        return auditor.audit(paths, demo_config())


def _findings_from(folder: Path) -> list[dict]:
    """The findings JSON's entries rebuilt from the dataset's rows."""
    rows = pd.read_parquet(folder).astype(object).where(lambda frame: frame.notna(), None)
    findings = []
    for _, group in rows.groupby("finding", sort=True):
        first = group.iloc[0]
        records = []
        for _, row in group.iterrows():
            if row["file"] is None:
                continue
            record = {"file": row["file"], "row": int(row["row"]), "id": row["id"]}
            if row["sheet"] is not None:
                record["sheet"] = row["sheet"]
            for name in ("record_type", "suggested_type", "temperature"):
                if row[name] is not None:
                    record[name] = row[name]
            records.append(record)
        entry = {name: first[name] for name in ("rule", "kind", "severity", "message")}
        entry |= {"records": records, "evidence": json.loads(first["evidence"])}
        if first["baseline_status"] is not None:
            entry["baseline_status"] = first["baseline_status"]
        findings.append(entry)
    return findings


def test_the_findings_dataset_says_what_the_json_says(demo: auditor.AuditResult, tmp_path: Path) -> None:
    datasets.write_findings_parquet(demo, tmp_path / "findings")
    expected = json.loads(json.dumps(list(demo.finding_dicts()), ensure_ascii=False))
    assert len(expected) > 50
    assert _findings_from(tmp_path / "findings") == expected


def test_with_a_baseline_each_row_says_new_or_open(tmp_path: Path) -> None:
    with sample_paths() as paths:
        first = auditor.audit(paths, demo_config())
        earlier = tmp_path / "earlier.json"
        write_reports(first, json=earlier)
        again = auditor.audit(paths, demo_config(), baseline=earlier)
    datasets.write_findings_parquet(again, tmp_path / "findings")
    rows = pd.read_parquet(tmp_path / "findings")
    assert set(rows["baseline_status"]) == {"still_open"}
    assert _findings_from(tmp_path / "findings") == json.loads(json.dumps(list(again.finding_dicts())))


def test_the_records_dataset_is_the_normalised_csv_row_for_row(
    demo: auditor.AuditResult, tmp_path: Path
) -> None:
    """Hostile values too: the cells are the CSV's, inert."""
    for result in (demo, sample_result(hostile=True)):
        write_reports(result, normalised=tmp_path / "records.csv")
        write_reports(result, normalised=f"{tmp_path / 'records'}/")
        csv = pd.read_csv(tmp_path / "records.csv", dtype=str, keep_default_na=False)
        parquet = pd.read_parquet(tmp_path / "records")
        assert parquet["source_row"].dtype == "int64"
        assert list(parquet.columns) == list(csv.columns)
        assert parquet.astype(str).equals(csv)


def test_parts_are_bounded_and_a_new_dataset_replaces_the_old(
    demo: auditor.AuditResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "records"
    monkeypatch.setattr(datasets, "PART_ROWS", 40)
    monkeypatch.setattr(datasets, "GROUP_ROWS", 15)
    datasets.write_normalised_parquet(demo, folder)
    parts = sorted(folder.glob("part-*.parquet"))
    assert len(parts) == -(-len(demo.records) // 40) > 2
    assert [pq.ParquetFile(part).metadata.num_rows for part in parts[:-1]] == [40] * (len(parts) - 1)
    assert pq.ParquetFile(parts[0]).metadata.num_row_groups == 3  # 15, 15, 10
    assert pd.read_parquet(folder)["source_row"].tolist() == demo.records["source_row"].tolist()
    monkeypatch.setattr(datasets, "PART_ROWS", 1_000)
    datasets.write_normalised_parquet(demo, folder)
    assert sorted(path.name for path in folder.iterdir()) == ["part-00000.parquet"]
    assert len(pd.read_parquet(folder)) == len(demo.records)


def test_an_audit_without_findings_leaves_a_dataset_with_its_columns(tmp_path: Path) -> None:
    empty = auditor.audit([], demo_config())
    datasets.write_findings_parquet(empty, tmp_path / "findings")
    table = pq.read_table(tmp_path / "findings")
    assert table.num_rows == 0 and table.schema.names[:3] == ["finding", "rule", "kind"]


def test_dataset_folders_are_checked_before_the_audit(tmp_path: Path) -> None:
    (tmp_path / "taken.parquet").write_text("a file")
    with pytest.raises(ConfigError, match=r"--findings-parquet .*taken.parquet is a file, not a folder"):
        check_outputs({"findings_parquet": tmp_path / "taken.parquet"}, [])
    with pytest.raises(ConfigError, match=r"--normalised .*does not exist"):
        check_outputs({"normalised": f"{tmp_path}/missing/records/"}, [])
    with pytest.raises(ConfigError, match=r"--findings-parquet and --normalised name the same path"):
        check_outputs({"normalised": tmp_path / "out", "findings_parquet": tmp_path / "out"}, [])
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("kept")
    with pytest.raises(ConfigError, match=r"holds files that are not a dataset's parts \(notes.txt\)"):
        check_outputs({"normalised": tmp_path / "mine"}, [])


def _audit_samples(*options: str) -> Result:
    """`crm-audit audit` of the demo samples with its config and `options`."""
    with sample_paths() as paths:
        config = str(Path(auditor.__file__).parent / "samples" / "demo.toml")
        return CliRunner().invoke(main, ["audit", *map(str, paths), "--config", config, *options])


def test_the_cli_writes_both_datasets(demo: auditor.AuditResult, tmp_path: Path) -> None:
    outcome = _audit_samples(
        "--findings-parquet", str(tmp_path / "findings"), "--normalised", f"{tmp_path / 'records'}/"
    )
    assert outcome.exit_code == demo.exit_status(), outcome.output
    assert str(tmp_path / "findings") in outcome.output and str(tmp_path / "records") in outcome.output
    assert len(pd.read_parquet(tmp_path / "records")) == len(demo.records)


def test_the_fix_plan_and_a_dataset_on_one_folder_are_refused_before_the_audit(tmp_path: Path) -> None:
    outcome = _audit_samples("--findings-parquet", str(tmp_path / "out"), "--fixes", str(tmp_path / "out"))
    assert outcome.exit_code == 2
    assert "--fixes and --findings-parquet name the same path" in outcome.output
    assert not (tmp_path / "out").exists()


def test_a_json_and_xlsx_too_large_are_refused_and_the_rest_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writing, "JSON_RECORDS", 10)
    monkeypatch.setattr(writing, "XLSX_SHEET_ROWS", 5)
    outcome = _audit_samples(
        *("--json", str(tmp_path / "f.json"), "--xlsx", str(tmp_path / "f.xlsx")),
        *("--html", str(tmp_path / "r.html"), "--findings-parquet", str(tmp_path / "findings")),
    )
    assert outcome.exit_code == 2
    assert not (tmp_path / "f.json").exists() and not (tmp_path / "f.xlsx").exists()
    assert (tmp_path / "r.html").exists() and list((tmp_path / "findings").glob("part-*.parquet"))
    error = outcome.output.strip().splitlines()[-1]
    assert error.startswith("crm-audit: --json ") and "more than a findings JSON is kept to (10)" in error
    assert "--xlsx " in error and "an Excel sheet holds 5" in error
    assert error.endswith(
        "Write the findings with --findings-parquet DIR and the records with --normalised DIR/"
    )
    assert "r.html" in outcome.output.split(error)[0]  # the summary lists what was written


def test_the_limits_count_what_each_format_would_hold(demo: auditor.AuditResult) -> None:
    named = int(demo.findings.located()[1].sum())
    assert writing.too_large(demo, ["json", "xlsx"]) == {}
    sheets = {}
    for group in demo.findings.groups:
        sheets[group.kind] = sheets.get(group.kind, 0) + sum(max(size, 1) for size in group.sizes())
    largest = max(sheets.values())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(writing, "JSON_RECORDS", named)
        patch.setattr(writing, "XLSX_SHEET_ROWS", largest)
        assert writing.too_large(demo, ["json", "xlsx"]) == {}
        patch.setattr(writing, "JSON_RECORDS", named - 1)
        patch.setattr(writing, "XLSX_SHEET_ROWS", largest - 1)
        assert set(writing.too_large(demo, ["json", "xlsx"])) == {"json", "xlsx"}
