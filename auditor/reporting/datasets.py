"""Outputs that grow with the data, as partitioned Parquet datasets: a folder of part files that
pandas, Arrow, DuckDB, Spark, BigQuery and Snowflake read as one table.

- `--findings-parquet DIR`: one row per record a finding names (a finding naming none has one row
  without a record), the finding's columns repeated on each of its rows, in the findings JSON's order.
- `--normalised DIR/` (a folder: one that exists, or a path ending in a slash): the normalised records
  export, row for row and value for value the CSV's, as Parquet.

Each is written into a folder of its own inside DIR and moved in place when whole, as a fix plan is:
an earlier dataset's parts are replaced, never mixed with the new ones. A folder holding other files
is refused (a reader of the folder would read them as rows). Cells are those of the CSV and the
JSON (inert for spreadsheets, as there), so a tool that turns a part into CSV hands out nothing a
spreadsheet would run.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from auditor.api import AuditResult
from auditor.errors import AuditorError
from auditor.reporting.folders import PART_GLOB, check_dataset_dir, staging_in, swap_in
from auditor.reporting.positions import codes_per_record
from auditor.reporting.records_csv import NORMALISED_SCHEMA, normalised_chunks

# Rows per part file and per row group: a part is a few hundred megabytes at most, and a reader
# (or a Dask worker) holds one row group at a time.
PART_ROWS = 1_000_000
GROUP_ROWS = 200_000
PART_NAME = "part-{:05d}.parquet"

FINDINGS_SCHEMA = pa.schema(
    [
        pa.field("finding", pa.int64()),  # the finding's place in the findings JSON, from 0
        pa.field("rule", pa.string()),
        pa.field("kind", pa.string()),
        pa.field("severity", pa.string()),
        pa.field("message", pa.string()),
        pa.field("file", pa.string()),
        pa.field("sheet", pa.string()),
        pa.field("row", pa.int64()),
        pa.field("id", pa.string()),
        pa.field("record_type", pa.string()),
        pa.field("suggested_type", pa.string()),
        pa.field("temperature", pa.string()),
        pa.field("evidence", pa.string()),  # the JSON's `evidence` object, as JSON text
        pa.field("baseline_status", pa.string()),  # new or still_open with --baseline, else null
    ]
)


def write_findings_parquet(result: AuditResult, folder: str | Path) -> None:
    """The findings as a Parquet dataset in `folder` (made when missing)."""
    _write_dataset("--findings-parquet", folder, FINDINGS_SCHEMA, _finding_batches(result))


def write_normalised_parquet(result: AuditResult, folder: str | Path) -> None:
    """The normalised records export as a Parquet dataset in `folder` (made when missing)."""
    codes = codes_per_record(result.records, result.findings)
    batches = (
        pa.Table.from_pandas(frame, preserve_index=False).cast(NORMALISED_SCHEMA)
        for frame in normalised_chunks(result.records, codes, GROUP_ROWS)
    )
    _write_dataset("--normalised", folder, NORMALISED_SCHEMA, batches)


def _finding_batches(result: AuditResult) -> Iterator[pa.Table]:
    """The findings JSON's entries (`AuditResult.finding_dicts`, so both say the same), a row per
    record, `GROUP_ROWS` rows at a time."""
    columns: dict[str, list[object]] = {field.name: [] for field in FINDINGS_SCHEMA}
    for number, finding in enumerate(result.finding_dicts()):
        evidence = json.dumps(finding["evidence"], ensure_ascii=False)
        status = finding.get("baseline_status")
        for record in finding["records"] or [{}]:
            columns["finding"].append(number)
            for name in ("rule", "kind", "severity", "message"):
                columns[name].append(finding[name])
            for name in ("file", "sheet", "row", "id", "record_type", "suggested_type", "temperature"):
                columns[name].append(record.get(name))
            columns["evidence"].append(evidence)
            columns["baseline_status"].append(status)
        if len(columns["finding"]) >= GROUP_ROWS:
            yield pa.Table.from_pydict(columns, schema=FINDINGS_SCHEMA)
            columns = {field.name: [] for field in FINDINGS_SCHEMA}
    if columns["finding"]:
        yield pa.Table.from_pydict(columns, schema=FINDINGS_SCHEMA)


def _write_dataset(option: str, folder: str | Path, schema: pa.Schema, batches: Iterator[pa.Table]) -> None:
    """Part files of at most `PART_ROWS` rows (one, with no rows, for an empty table: a reader
    then still learns the columns), written beside the old dataset and swapped in when whole."""
    check_dataset_dir(option, folder)
    target = Path(folder)
    staging = staging_in(target, ".dataset.", f"could not write {option} {folder}")
    try:
        parts = 0
        writer: pq.ParquetWriter | None = None
        in_part = 0
        for batch in batches:
            start = 0
            while start < batch.num_rows:
                if writer is None or in_part >= PART_ROWS:
                    if writer is not None:
                        writer.close()
                    writer = pq.ParquetWriter(staging / PART_NAME.format(parts), schema, compression="zstd")
                    parts, in_part = parts + 1, 0
                take = min(batch.num_rows - start, PART_ROWS - in_part)
                writer.write_table(batch.slice(start, take), row_group_size=GROUP_ROWS)
                start, in_part = start + take, in_part + take
        if writer is None:
            pq.write_table(schema.empty_table(), staging / PART_NAME.format(0), compression="zstd")
        else:
            writer.close()
        old = [part.name for part in target.glob(PART_GLOB)]
        swap_in(staging, target, old, sorted(part.name for part in staging.glob(PART_GLOB)))
    except OSError as error:
        raise AuditorError(f"could not write {option} {folder}: {error.strerror or error}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
