"""The normalised records export (`--normalised`): one row per input record, UTF-8, cells inert."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from auditor.api import AuditResult
from auditor.model import CONTRACT_COLUMNS
from auditor.reporting.cells import inert_column
from auditor.reporting.positions import codes_per_record

# The columns of docs/CONTRACT.md first (auditor.model), then what a migration also wants.
EXTRA_COLUMNS = (
    "source_sheet",
    "suggested_reason",
    "record_type_reason",
    "lead_state",
    "full_name",
    "email_alt",
    "email_status",
    "phone_status",
    "mobile",
    "mobile_status",
    "phone_other",
    "phone_other_status",
    "email_other",
    "email_other_status",
    "title",
    "website",
    "street",
    "city",
    "state",
    "postcode",
    "country_code",
    "owner",
    "lead_source",
    "stage_label",
    "status_label",
    "state_label",
    "type_label",
    "person_label",
    "rating_label",
    "account_id",
    "created_date",
    "last_modified_date",
    "last_activity_date",
    "became_customer_date",
    "converted_date",
)
NORMALISED_COLUMNS = CONTRACT_COLUMNS + EXTRA_COLUMNS
# Every value is text but the spreadsheet row.
NORMALISED_SCHEMA = pa.schema(
    [pa.field(name, pa.int64() if name == "source_row" else pa.string()) for name in NORMALISED_COLUMNS]
)


# Rows converted and written at a time: bounds the memory of the export (a whole million-record
# frame of inert text is most of a gigabyte, in a process forked next to the others).
_CHUNK_ROWS = 200_000


def normalised_frame(result: AuditResult) -> pd.DataFrame:
    codes = codes_per_record(result.records, result.findings)
    return _frame(result.records, codes)


def _frame(records: pd.DataFrame, codes: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame(index=records.index)
    for column in NORMALISED_COLUMNS:
        if column == "finding_codes":
            frame[column] = codes
        elif column == "source_row":
            frame[column] = records[column]
        elif column.endswith("_date"):
            frame[column] = records[column].dt.strftime("%Y-%m-%d").fillna("").astype("str")
        else:
            frame[column] = inert_column(records[column])
    return frame


def write_normalised(result: AuditResult, path: str | Path) -> None:
    """UTF-8 CSV through Arrow's writer (pandas' writer takes half a minute on a million records),
    a chunk of rows at a time. Text values are quoted, as Salesforce's Data Loader writes them; the
    header never needs quotes."""
    records = result.records
    codes = codes_per_record(records, result.findings)
    schema = NORMALISED_SCHEMA
    options = pacsv.WriteOptions(quoting_style="needed", quoting_header="none")
    with pacsv.CSVWriter(str(path), schema, write_options=options) as writer:
        for frame in normalised_chunks(records, codes, _CHUNK_ROWS):
            writer.write_table(pa.Table.from_pandas(frame, preserve_index=False).cast(schema))


def normalised_chunks(records: pd.DataFrame, codes: pd.Series, rows: int) -> Iterator[pd.DataFrame]:
    """The export's rows, `rows` at a time (one empty frame for no records): what the CSV and the
    Parquet dataset (auditor/reporting/datasets.py) both write."""
    for start in range(0, max(len(records), 1), rows):
        part = slice(start, start + rows)
        yield _frame(records.iloc[part], codes.iloc[part])
