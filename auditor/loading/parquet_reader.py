"""Reading Parquet files (warehouse unloads of CRM objects) as tables of text.

A Parquet column has a type where a CSV has text, and the audit reads every value as the text an
export would hold: numbers as the shortest text that reads back the same (no spurious ".0"), dates
as ISO dates, datetimes as ISO datetimes (UTC with a "Z" when the column has a time zone), booleans
as "true"/"false" (as Salesforce and HubSpot exports write them), nulls as "". Every column is cast
by Arrow's kernels, so a million rows cost no Python per cell; only nested values (lists, structs,
maps, rare in CRM unloads) go through Python, as JSON text.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from auditor.errors import InputError, first_line
from auditor.loading.table import RawTable, dedupe_headers, trim_records

PARQUET_SUFFIXES = (".parquet", ".parq")
PARQUET_MAGIC = b"PAR1"


def read_parquet(path: Path, *, display_name: str) -> RawTable:
    """One table: the file's columns as text, in the file's order, one record per row."""
    # Loaded only for a Parquet input: an audit of CSV and workbooks should not carry its reader.
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as error:
        raise InputError(
            f"is not a readable Parquet file ({first_line(error, opened=path, name=display_name)})",
            file=display_name,
            hint="Unload the table again, or export it as CSV",
        ) from None
    if table.num_columns == 0:
        raise InputError("the Parquet file has no columns", file=display_name, hint="Unload the table again")
    headers, repeated = dedupe_headers([str(name) for name in table.column_names])
    text = pa.table(
        [
            _as_text(column, header, display_name)
            for column, header in zip(table.columns, headers, strict=True)
        ],
        names=headers,
    )
    del table
    frame = text.to_pandas()
    # No spreadsheet shows a Parquet file: its rows are numbered as the same table exported as CSV
    # would number them (header row 1), so that a finding names the same row either way.
    row_numbers = np.arange(2, 2 + len(frame), dtype=np.int64)
    frame, row_numbers, notes = trim_records(frame, row_numbers, 0)
    return RawTable(
        file=display_name,
        frame=frame,
        headers=headers,
        row_numbers=row_numbers,
        format="parquet",
        duplicate_headers=repeated,
        notes=notes,
    )


def _as_text(column: pa.ChunkedArray, header: str, file: str) -> pa.ChunkedArray:
    kind = column.type
    if pa.types.is_dictionary(kind):  # categorical columns: their values, not their codes
        column = column.cast(kind.value_type)
        kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text = column.cast(pa.string()) if pa.types.is_large_string(kind) else column
    elif pa.types.is_timestamp(kind):
        text = _timestamps(column)
    elif pa.types.is_nested(kind):
        values = column.to_pylist()
        text = pa.chunked_array(
            [
                pa.array(
                    [None if v is None else json.dumps(v, default=str, ensure_ascii=False) for v in values]
                )
            ],
            pa.string(),
        )
    else:
        try:
            text = column.cast(pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
            raise InputError(
                f"column {header!r} ({kind}) cannot be read as text ({first_line(error)})",
                file=file,
                hint="Unload that column as a string, or leave it out",
            ) from None
    return pc.fill_null(text, "")


def _timestamps(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Midnight as a date alone, as a spreadsheet shows it; a time zone as UTC with a "Z"."""
    zoned = column.type.tz is not None
    if zoned:
        column = column.cast(pa.timestamp(column.type.unit, tz="UTC"))
    midnight = pc.and_(
        pc.equal(pc.hour(column), 0),
        pc.and_(
            pc.equal(pc.minute(column), 0),
            pc.and_(pc.equal(pc.second(column), 0), pc.equal(pc.subsecond(column), 0)),
        ),
    )
    times = pc.strftime(column, format="%Y-%m-%dT%H:%M:%SZ" if zoned else "%Y-%m-%d %H:%M:%S")
    # strftime writes seconds with their fraction ("%S" = "05.000000"): cut back to whole seconds.
    times = pc.replace_substring_regex(times, r"(:\d\d)\.\d+", r"\1")
    return pc.if_else(midnight, pc.strftime(column, format="%Y-%m-%d"), times)
