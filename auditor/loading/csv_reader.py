"""Reading delimited text exports: any encoding, `,` `;` tab or `|`, quoted newlines, huge cells.

Two paths. The fast one hands the file to Arrow's multithreaded CSV parser, every column typed as
text. If Arrow meets a row whose cell count differs from the header's (or a blank line, which would
shift row numbers), the exact path re-reads the file with Python's csv module, keeps every row, and
reports the ragged ones by spreadsheet row number. Clean exports never pay for the exact path.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from auditor.errors import InputError
from auditor.loading.encoding import detect_encoding
from auditor.loading.table import RaggedRow, RawTable, dedupe_headers, find_header_row, trim_records

SAMPLE_BYTES = 1 << 20
DELIMITERS = (",", ";", "\t", "|")
EXTRA_CELLS = "(extra cells)"
_HEADER_SEARCH_ROWS = 30

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def read_csv(path: Path, *, display_name: str) -> RawTable:
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
        whole_file = len(handle.read(1)) == 0
    if not sample.strip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n"):
        raise InputError("the file is empty", file=display_name, hint="Export the records again")
    encoding = detect_encoding(sample, file=display_name, whole_file=whole_file)
    try:
        return _read(path, display_name, sample, encoding, whole_file)
    except _NotUtf8:
        if encoding == "utf-8-sig":
            raise InputError(
                "starts with a UTF-8 byte-order mark but holds bytes that are not UTF-8",
                file=display_name,
                hint="Open it in a spreadsheet and save it again as CSV UTF-8",
            ) from None
        # The first megabyte was UTF-8 but a later byte is not: judge the whole file instead.
        encoding = detect_encoding(path.read_bytes(), file=display_name, whole_file=True)
        try:
            return _read(path, display_name, sample, encoding, whole_file)
        except _NotUtf8:
            raise InputError(
                "cannot be decoded as text in any known encoding",
                file=display_name,
                hint="Save it as CSV UTF-8",
            ) from None


class _NotUtf8(Exception):
    pass


def _undecodable(name: str, encoding: str, error: UnicodeDecodeError | None) -> InputError:
    where = f" (byte {error.start})" if error is not None else ""
    if encoding.startswith("utf-8"):
        reason = f"holds bytes that are not UTF-8{where}"
        if encoding == "utf-8-sig":
            reason = "starts with a UTF-8 byte-order mark but " + reason
    else:
        reason = f"cannot be decoded as {encoding}{where}"
    return InputError(reason, file=name, hint="Open it in a spreadsheet and save it again as CSV UTF-8")


def _read(path: Path, name: str, sample: bytes, encoding: str, whole_file: bool) -> RawTable:
    text = _decode_sample(sample, encoding, whole_file, name)
    delimiter = sniff_delimiter(text)
    head = _records(text, delimiter, _HEADER_SEARCH_ROWS)
    header_index = find_header_row(head)
    header_cells = head[header_index] if head else []
    headers, repeated = dedupe_headers(header_cells)
    lines_through_header = _physical_lines_through_record(text, delimiter, header_index)
    header_row = header_index + 1  # spreadsheet row number of the header

    ragged: list[RaggedRow] = []
    frame = _read_fast(path, encoding, delimiter, headers, lines_through_header, name)
    if frame is None:
        frame, row_numbers, ragged = _read_exact(path, encoding, delimiter, headers, header_index, name)
        if ragged:
            headers = [*headers, EXTRA_CELLS] if EXTRA_CELLS in frame.columns else headers
    else:
        row_numbers = np.arange(header_row + 1, header_row + 1 + len(frame), dtype=np.int64)

    frame, row_numbers, notes = trim_records(frame, row_numbers, header_index)
    kept = set(row_numbers.tolist()) if ragged else set()
    ragged = [row for row in ragged if row.row in kept]
    return RawTable(
        file=name,
        frame=frame,
        headers=headers,
        row_numbers=row_numbers,
        format="csv",
        encoding=encoding,
        delimiter=delimiter,
        duplicate_headers=repeated,
        ragged_rows=ragged,
        notes=notes,
    )


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the sample into the most consistent rows.

    Each candidate parses the sample; the winner has the most rows as wide as its header, then needs
    the fewest rows skipped above its header (a title block is the exception, not the rule), then
    gives the widest header. A one-column file (no delimiter at all) falls back to the comma.
    """
    best, best_key = ",", (0.0, -len(text), 1)
    for delimiter in DELIMITERS:
        rows = [row for row in _records(text, delimiter, 50) if row]
        if not rows:
            continue
        header_at = find_header_row(rows)
        width = len(rows[header_at])
        if width < 2:
            continue
        body = rows[header_at + 1 :] or [rows[header_at]]
        consistent = sum(1 for row in body if len(row) == width) / len(body)
        key = (consistent, -header_at, width)
        if key > best_key:
            best, best_key = delimiter, key
    return best


def _decode_sample(sample: bytes, encoding: str, whole_file: bool, name: str) -> str:
    try:
        text = sample.decode(encoding, errors="strict" if whole_file else "ignore")
    except UnicodeDecodeError as error:
        raise _undecodable(name, encoding, error) from None
    if not whole_file:
        cut = max(text.rfind("\n"), text.rfind("\r"))
        text = text[: cut + 1] if cut > 0 else text
    return text.lstrip("\ufeff")


def _records(text: str, delimiter: str, limit: int) -> list[list[str]]:
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            rows.append(row)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass  # a sample cut inside a quoted cell; the rows before it are enough
    return rows


def _physical_lines_through_record(text: str, delimiter: str, record_index: int) -> int:
    """How many physical lines the records up to and including `record_index` take."""
    buffer = io.StringIO(text, newline="")
    reader = csv.reader(buffer, delimiter=delimiter)
    for _ in range(record_index + 1):
        next(reader, None)
    consumed = text[: buffer.tell()]
    return consumed.count("\n") + consumed.count("\r") - consumed.count("\r\n")


def _read_fast(
    path: Path, encoding: str, delimiter: str, headers: list[str], skip: int, name: str
) -> pd.DataFrame | None:
    """Arrow's parser; None when a row is ragged or blank, so that the exact path takes over."""
    irregular: list[int] = []

    def on_invalid_row(row: pacsv.InvalidRow) -> str:
        irregular.append(1)
        return "skip"

    arrow_encoding = "utf8" if encoding in ("utf-8", "utf-8-sig") else encoding
    block_size = 1 << 23
    while True:
        try:
            table = pacsv.read_csv(
                path,
                read_options=pacsv.ReadOptions(
                    encoding=arrow_encoding, skip_rows=skip, column_names=headers, block_size=block_size
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=delimiter,
                    newlines_in_values=True,
                    ignore_empty_lines=False,
                    invalid_row_handler=on_invalid_row,
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={header: pa.string() for header in headers},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                    null_values=[],
                ),
            )
            break
        except pa.ArrowInvalid as error:
            message = str(error)
            if "straddle" in message and block_size < (1 << 31) // 2:
                block_size *= 4  # a cell larger than a block: several MB of notes in one cell
                continue
            if "UTF8" in message or "utf8" in message or "UTF-8" in message:
                if arrow_encoding == "utf8":
                    raise _NotUtf8 from None
                raise _undecodable(name, encoding, None) from None
            return None  # anything else Arrow finds odd, the exact path reads or explains
        except UnicodeDecodeError as error:
            raise _undecodable(name, encoding, error) from None
    if irregular:
        return None
    return table.to_pandas()


def _read_exact(
    path: Path, encoding: str, delimiter: str, headers: list[str], header_index: int, name: str
) -> tuple[pd.DataFrame, np.ndarray, list[RaggedRow]]:
    """Every record, with its spreadsheet row number; short rows padded, long rows' surplus kept apart."""
    width = len(headers)
    columns: list[list[str]] = [[] for _ in range(width)]
    extras: list[str] = []
    row_numbers: list[int] = []
    ragged: list[RaggedRow] = []
    try:
        with path.open(encoding=encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=delimiter)
            for index, row in enumerate(reader):
                if index <= header_index:
                    continue
                if not row or (len(row) == 1 and not row[0].strip() and width > 1):
                    continue  # a blank line: no record, but the rows after it keep their numbers
                if len(row) != width:
                    ragged.append(RaggedRow(row=index + 1, expected=width, found=len(row)))
                for position in range(width):
                    columns[position].append(row[position] if position < len(row) else "")
                extras.append(delimiter.join(row[width:]))
                row_numbers.append(index + 1)
    except UnicodeDecodeError as error:
        raise _undecodable(name, encoding, error) from None
    except csv.Error as error:
        raise InputError(
            f"is not a readable CSV file ({error})", file=name, hint="Check the quoting"
        ) from None
    data = {header: pd.array(column, dtype="str") for header, column in zip(headers, columns, strict=True)}
    if any(extras):
        data[EXTRA_CELLS] = pd.array(extras, dtype="str")
    frame = pd.DataFrame(data)
    return frame, np.asarray(row_numbers, dtype=np.int64), ragged
