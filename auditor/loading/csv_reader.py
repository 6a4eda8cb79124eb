"""Reading delimited text exports: any encoding, `,` `;` tab or `|`, quoted newlines, huge cells.

Two paths. The fast one hands the file to Arrow's multithreaded CSV parser, every column typed as
text. If Arrow meets a row whose cell count differs from the header's, or a value that may be
records swallowed by a quote left open, the exact path re-reads the file with Python's csv module,
keeps every row, reports the ragged ones by spreadsheet row number, and reads a quote left open as a
plain character so that the records after it survive (said so in the table's notes). Clean exports
never pay for the exact path.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from auditor.errors import InputError
from auditor.loading.encoding import decode_mixed, detect_encoding, holds_utf8_start, is_unicode
from auditor.loading.table import RaggedRow, RawTable, dedupe_headers, find_header_row, trim_records
from auditor.wording import Words

SAMPLE_BYTES = 1 << 20
# The header row must end within this many bytes, and hold at most this many columns. 16,384 is the
# width of an Excel sheet; the widest CRM objects stop far short of it (Salesforce about 900 fields,
# HubSpot 1,000 custom properties, Dynamics 1,024 columns). 16 MiB leaves 1 KiB for each of those
# names, where CRMs allow 40 to 100 characters. Beyond either, the file is not an export a CRM
# wrote, and reading it would cost memory and time for every column.
HEADER_BYTES_LIMIT = 1 << 24
MAX_COLUMNS = 16_384
DELIMITERS = (",", ";", "\t", "|")
EXTRA_CELLS = "(extra cells)"
_HEADER_SEARCH_ROWS = 30

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def read_csv(path: Path, *, display_name: str) -> RawTable:
    sample, whole_file = _head(path, SAMPLE_BYTES)
    if not sample.strip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n"):
        raise InputError("the file is empty", file=display_name, hint="Export the records again")
    encoding = detect_encoding(sample, file=display_name, whole_file=whole_file)
    if not is_unicode(encoding):
        return _read_not_utf8(path, display_name, sample if whole_file else None, encoding)
    try:
        return _read_within_header_limit(_Source(path, encoding), display_name, sample, whole_file)
    except _NotUtf8:
        if encoding == "utf-8-sig":
            raise InputError(
                "starts with a UTF-8 byte-order mark but holds bytes that are not UTF-8",
                file=display_name,
                hint="Open it in a spreadsheet and save it again as CSV UTF-8",
            ) from None
        # The first megabyte was UTF-8 but a later byte is not: judge the whole file instead.
        return _read_not_utf8(path, display_name, None, None)


def _head(path: Path, size: int) -> tuple[bytes, bool]:
    """The first `size` bytes, and whether they are the whole file."""
    with path.open("rb") as handle:
        head = handle.read(size)
        return head, len(handle.read(1)) == 0


class _NotUtf8(Exception):
    pass


class _HeaderPastSample(Exception):
    """The header row does not end within the bytes read to find it."""


@dataclass(frozen=True)
class _Source:
    """What the parsers read: the file as it is, or (for a file mixing encodings) its text re-encoded
    as UTF-8 in memory."""

    path: Path
    encoding: str
    utf8: bytes | None = None

    def head(self, size: int) -> tuple[bytes, bool]:
        if self.utf8 is None:
            return _head(self.path, size)
        return self.utf8[:size], len(self.utf8) <= size

    def for_arrow(self) -> Path | pa.BufferReader:
        return self.path if self.utf8 is None else pa.BufferReader(self.utf8)

    def open_text(self) -> TextIO:
        if self.utf8 is None:
            return self.path.open(encoding=self.encoding, newline="")
        return io.TextIOWrapper(io.BytesIO(self.utf8), encoding="utf-8", newline="")


def _read_not_utf8(path: Path, name: str, data: bytes | None, single_byte: str | None) -> RawTable:
    """A file that is not UTF-8 throughout: UTF-8 but for some lines (then read line by line, and
    said so in the notes), or one single-byte code page (`single_byte`, when the first megabyte has
    judged it already). `data` is the file's bytes when they have been read whole already."""
    mixed = None
    if data is not None or _may_hold_utf8(path):
        data = path.read_bytes() if data is None else data
        mixed = decode_mixed(data)
    if mixed is not None:
        del data  # the re-encoded copy is all the parsers need
        sample, whole_file = mixed.utf8[:SAMPLE_BYTES], len(mixed.utf8) <= SAMPLE_BYTES
        table = _read_within_header_limit(_Source(path, "utf-8", mixed.utf8), name, sample, whole_file)
        table.encoding = f"utf-8 and {mixed.other_encoding}"
        table.notes.insert(0, mixed.note())
        return table
    if single_byte is None:
        single_byte = detect_encoding(
            data if data is not None else path.read_bytes(), file=name, whole_file=True
        )
    del data
    sample, whole_file = _head(path, SAMPLE_BYTES)
    try:
        return _read_within_header_limit(_Source(path, single_byte), name, sample, whole_file)
    except _NotUtf8:
        raise InputError(
            "cannot be decoded as text in any known encoding", file=name, hint="Save it as CSV UTF-8"
        ) from None


def _may_hold_utf8(path: Path) -> bool:
    """Whether any line of the file may be UTF-8, judged a block at a time: a single-byte export
    is never held whole in memory to find out that it is one."""
    with path.open("rb") as handle:
        carried = b""  # the end of the block before: a character may be cut between the two
        while block := handle.read(_SCAN_BYTES):
            if holds_utf8_start(carried + block[:3]) or holds_utf8_start(block):
                return True
            carried = block[-3:]
    return False


_SCAN_BYTES = 1 << 24


def _read_within_header_limit(source: _Source, name: str, sample: bytes, whole_file: bool) -> RawTable:
    """Read with the header found in the first megabyte, or, for a header longer than that, in the
    first HEADER_BYTES_LIMIT; a header longer still is refused, never cut."""
    try:
        return _read(source, name, sample, whole_file)
    except _HeaderPastSample:
        pass
    sample, whole_file = source.head(HEADER_BYTES_LIMIT)
    try:
        return _read(source, name, sample, whole_file)
    except _HeaderPastSample:
        raise InputError(
            f"its header row does not end within the first {HEADER_BYTES_LIMIT >> 20} MiB"
            f" (the most this auditor reads for a header of up to {MAX_COLUMNS:,} columns)",
            file=name,
            hint="Check that it is a CSV export with one record per line, or export fewer columns",
        ) from None


def _undecodable(name: str, encoding: str, error: UnicodeDecodeError | None) -> InputError:
    where = f" (byte {error.start})" if error is not None else ""
    if encoding.startswith("utf-8"):
        reason = f"holds bytes that are not UTF-8{where}"
        if encoding == "utf-8-sig":
            reason = "starts with a UTF-8 byte-order mark but " + reason
    else:
        reason = f"cannot be decoded as {encoding}{where}"
    return InputError(reason, file=name, hint="Open it in a spreadsheet and save it again as CSV UTF-8")


def _read(source: _Source, name: str, sample: bytes, whole_file: bool) -> RawTable:
    text, complete = _decode_sample(sample, source.encoding, whole_file, name)
    delimiter = sniff_delimiter(text[:complete] or text)
    head = _records(text, delimiter, _HEADER_SEARCH_ROWS)
    header_index = find_header_row(head)
    header_end = _end_of_record(text, delimiter, header_index)
    if header_end > complete:
        raise _HeaderPastSample
    header_cells = head[header_index] if head else []
    if len(header_cells) > MAX_COLUMNS:
        raise InputError(
            f"its header row has {len(header_cells):,} columns, more than the {MAX_COLUMNS:,}"
            " a spreadsheet or a CRM export holds",
            file=name,
            hint="Export only the columns of the records to audit",
        )
    headers, repeated = dedupe_headers(header_cells)
    lines_through_header = _line_breaks(text[:header_end])
    header_row = header_index + 1  # spreadsheet row number of the header

    ragged: list[RaggedRow] = []
    quote_notes: list[str] = []
    frame = _read_fast(source, delimiter, headers, lines_through_header, name)
    if frame is None:
        frame, row_numbers, ragged, quote_notes = _read_exact(source, delimiter, headers, header_index, name)
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
        encoding=source.encoding,
        delimiter=delimiter,
        duplicate_headers=repeated,
        ragged_rows=ragged,
        notes=[*quote_notes, *notes],
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


def _decode_sample(sample: bytes, encoding: str, whole_file: bool, name: str) -> tuple[str, int]:
    """The sample as text, and how much of it is whole lines (all of it when it is the whole file;
    a sample cut mid-file ends in part of a line)."""
    try:
        text = sample.decode(encoding, errors="strict" if whole_file else "ignore")
    except UnicodeDecodeError as error:
        raise _undecodable(name, encoding, error) from None
    text = text.lstrip("\ufeff")
    if whole_file:
        return text, len(text)
    return text, max(text.rfind("\n"), text.rfind("\r")) + 1


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


def _end_of_record(text: str, delimiter: str, record_index: int) -> int:
    """Offset in `text` just after the record `record_index` (and its line break)."""
    buffer = io.StringIO(text, newline="")
    reader = csv.reader(buffer, delimiter=delimiter)
    try:
        for _ in range(record_index + 1):
            next(reader, None)
    except csv.Error:
        return len(text)  # unreadable as far as the sample goes: taken as running past it
    return buffer.tell()


def _line_breaks(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _read_fast(
    source: _Source, delimiter: str, headers: list[str], skip: int, name: str
) -> pd.DataFrame | None:
    """Arrow's parser; None when a row is ragged, or a value may hide a quote left open, so that the
    exact path takes over."""
    encoding = source.encoding
    arrow_encoding = "utf8" if encoding in ("utf-8", "utf-8-sig") else encoding
    block_size = 1 << 23
    while True:
        try:
            table = pacsv.read_csv(
                source.for_arrow(),
                read_options=pacsv.ReadOptions(
                    encoding=arrow_encoding, skip_rows=skip, column_names=headers, block_size=block_size
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=delimiter,
                    newlines_in_values=True,
                    ignore_empty_lines=False,
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
            if message.startswith("CSV parse error"):
                # A row with more or fewer cells than the header. (No invalid-row handler: Arrow would
                # decode the row for it, and a row that is not UTF-8 would print a traceback.)
                return None
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
    if _may_hide_open_quote(table, delimiter):
        return None
    return table.to_pandas()


def _may_hide_open_quote(table: pa.Table, delimiter: str) -> bool:
    """Whether a value Arrow read may be records swallowed by a quote left open (see
    `_swallows_records`), or the last value may run on to the end of the file from a quote never
    closed. Only values with line breaks can; a clean export has none, and finding that out costs
    one byte search per column chunk."""
    width = table.num_columns
    for position, column in enumerate(table.columns):
        for chunk in column.chunks:
            data = chunk.buffers()[2]
            if data is None:
                continue
            raw = data.to_pybytes()
            if b"\n" not in raw and b"\r" not in raw:
                continue
            # Two line breaks at least (a whole line inside); one is an address's second line.
            lines_inside = pc.or_(
                pc.greater_equal(pc.count_substring(chunk, "\n"), 2),
                pc.greater_equal(pc.count_substring(chunk, "\r"), 2),
            )
            for cell in chunk.filter(lines_inside).to_pylist():
                if _swallows_records(cell, position, width, delimiter):
                    return True
    if table.num_rows == 0:
        return False
    last_record = table.slice(table.num_rows - 1).to_pylist()[0].values()
    return any(cell.endswith(("\n", "\r")) for cell in last_record)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Below three columns, lines of notes (one or two commas) would look like records too often.
_MIN_WIDTH_TO_JUDGE_SHAPE = 3


def _swallows_records(cell: str, position: int, width: int, delimiter: str) -> bool:
    """Whether a value spanning lines is rather a quote left open that swallowed the records after it.

    Lines inside a quoted value hold no quote (the first one closes the value), so they are split by
    the delimiter alone. A value is taken as swallowed records when the line its quote opens on would
    be a whole record without that quote, and most of the whole lines inside it have as many cells as
    the header. A multi-line address or description has neither.
    """
    if width < _MIN_WIDTH_TO_JUDGE_SHAPE or cell.count("\n") + cell.count("\r") < 2:
        return False
    pieces = _LINE_BREAK.split(cell)
    if len(pieces) < 3 or position + pieces[0].count(delimiter) + 1 != width:
        return False
    inside = [piece for piece in pieces[1:-1] if piece.strip()]
    like_records = sum(1 for piece in inside if piece.count(delimiter) == width - 1)
    return like_records * 2 > len(inside)


def _read_exact(
    source: _Source, delimiter: str, headers: list[str], header_index: int, name: str
) -> tuple[pd.DataFrame, np.ndarray, list[RaggedRow], list[str]]:
    """Every record, with its spreadsheet row number; short rows padded, long rows' surplus kept apart;
    quotes left open read as plain characters, and said so in the notes returned."""
    width = len(headers)
    columns: list[list[str]] = [[] for _ in range(width)]
    extras: list[str] = []
    row_numbers: list[int] = []
    ragged: list[RaggedRow] = []
    open_quotes = _OpenQuotes()
    try:
        with source.open_text() as handle:
            records = _records_reading_open_quotes_plainly(handle, delimiter, width, open_quotes)
            for index, row in enumerate(records):
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
        if source.encoding == "utf-8":
            raise _NotUtf8 from None  # Arrow stopped at a ragged row before the first byte not UTF-8
        raise _undecodable(name, source.encoding, error) from None
    except csv.Error as error:
        raise InputError(
            f"is not a readable CSV file ({error})", file=name, hint="Check the quoting"
        ) from None
    data = {header: pd.array(column, dtype="str") for header, column in zip(headers, columns, strict=True)}
    if any(extras):
        data[EXTRA_CELLS] = pd.array(extras, dtype="str")
    frame = pd.DataFrame(data)
    return frame, np.asarray(row_numbers, dtype=np.int64), ragged, open_quotes.notes()


# --- quotes left open -----------------------------------------------------------------------------

# Each quote read plainly has the lines it swallowed read again, up to the next quote: a file is read
# about twice at most. Should that ever not hold, re-reading stops at twice the lines read, plus this.
_REREAD_SLACK_LINES = 10_000
_OPEN_QUOTES_DESCRIBED = 5
# Stand-ins for a quote read as a plain character, from Unicode's private use area; one the record
# does not hold already is put in place of the quote, and turned back into a quote in the cells.
_STAND_INS = tuple(chr(code) for code in range(0xE000, 0xE100))


@dataclass
class _OpenQuote:
    line: int  # where the quote is
    last_line: int  # the last line it swallowed
    closes: bool  # closes on last_line (rather than never)
    read_plainly: bool  # read as a plain character (rather than left as read, past the re-read budget)


@dataclass
class _OpenQuotes:
    """The quotes left open that a file holds, for its notes, and the lines read again so far."""

    found: list[_OpenQuote] = field(default_factory=list)
    lines_read_again: int = 0

    def lines_to_read_again(
        self, row: list[str], lines: _Lines, first: int, delimiter: str, width: int
    ) -> list[str] | None:
        """The record's lines with the quote that swallowed records made plain, to be read again;
        None when the record is what it seems, or when re-reading is past its budget."""
        quote = _open_quote(row, lines.record, lines.hit_end, delimiter, width)
        if quote is None:
            return None
        offset, closes = quote
        line_index, column = _line_and_column(lines.record, offset)
        last_line = first + len(lines.record) - 1
        again = None
        if self.lines_read_again + len(lines.record) <= 2 * last_line + _REREAD_SLACK_LINES:
            again = _with_quote_made_plain(lines, first, line_index, column)
        self.found.append(_OpenQuote(first + line_index, last_line, closes, read_plainly=again is not None))
        if again is not None:
            self.lines_read_again += len(again)
        return again

    def notes(self) -> list[str]:
        notes = [_describe(quote) for quote in self.found[:_OPEN_QUOTES_DESCRIBED]]
        rest = self.found[_OPEN_QUOTES_DESCRIBED:]
        if rest:
            notes.append(
                Words(
                    "note.more_open_quotes",
                    {"count": len(rest), "first": rest[0].line, "last": rest[-1].line},
                )
            )
        return notes


def _describe(quote: _OpenQuote) -> str:
    """What a quote left open did, said in the notes (templates [note] of reports/i18n)."""
    closes = "closes" if quote.closes else "never_closed"
    outcome = "read_plainly" if quote.read_plainly else "one_value"
    values = {"line": quote.line, "last": quote.last_line, "lines": quote.last_line - quote.line + 1}
    return Words(f"note.quote_{closes}_{outcome}", values)


class _Lines:
    """The physical lines the csv reader reads, keeping those of the record being read so that the
    record can be read again with a quote made plain."""

    def __init__(self, handle: Iterable[str]) -> None:
        self._handle = iter(handle)
        self.record: list[str] = []
        self.hit_end = False  # the file ran out while the record was being read
        self.stand_ins: dict[int, str] = {}  # line number -> stand-in of the quote made plain on it

    def feed(self, again: list[str]) -> Iterator[str]:
        """Lines for a csv reader: `again` first, then the rest of the file."""
        keep = self.record.append
        for line in again:
            keep(line)
            yield line
        for line in self._handle:
            keep(line)
            yield line
        self.hit_end = True


def _records_reading_open_quotes_plainly(
    handle: Iterable[str], delimiter: str, width: int, found: _OpenQuotes
) -> Iterator[list[str]]:
    """csv.reader's records, except that a quote which swallows the records after it (it never
    closes, or the lines inside its value look like records: `_swallows_records`) is read as a plain
    character, and the lines it swallowed are read again as the records they are.

    A record of one or two lines costs a length test: only a value with whole lines inside, or one
    cut by the end of the file, is looked at.
    """
    lines = _Lines(handle)
    record = lines.record
    lines_before_reader = 0  # the file's lines before the current reader's first
    reader = csv.reader(lines.feed([]), delimiter=delimiter)
    while True:
        for row in reader:
            if lines.stand_ins or lines.hit_end or len(record) >= 3:
                first = lines_before_reader + reader.line_num - len(record) + 1
                if lines.stand_ins:
                    row = _restore_quotes(row, lines, first)
                again = found.lines_to_read_again(row, lines, first, delimiter, width)
                if again is not None:
                    lines_before_reader = first - 1
                    record.clear()
                    lines.hit_end = False
                    reader = csv.reader(lines.feed(again), delimiter=delimiter)
                    break
            record.clear()
            yield row
        else:
            return


def _open_quote(
    row: list[str], record: list[str], hit_end: bool, delimiter: str, width: int
) -> tuple[int, bool] | None:
    """Offset in the record's text of a quote that swallows the records after it, and whether it
    closes at all; None when the record is what it seems.

    A quote that closes counts only if its value looks like swallowed records and it closes the way
    a stray quote does, with more text after it in the same field (the quote it meets opens a field
    of a later record): a value a CSV writer quoted closes right before a delimiter or a line break,
    whatever it holds.
    """
    text = None
    if hit_end:
        text = "".join(record)
        _, never_closed = _scan_quotes(text, delimiter)
        if never_closed is not None:
            return never_closed, False
    for position, cell in enumerate(row):
        if _swallows_records(cell, position, width, delimiter):
            quoted, _ = _scan_quotes(text if text is not None else "".join(record), delimiter)
            if position in quoted and not quoted[position][1]:
                return quoted[position][0], True
    return None


def _scan_quotes(text: str, delimiter: str) -> tuple[dict[int, tuple[int, bool]], int | None]:
    """For the text of one record: by field index, where each quoted field's opening quote is and
    whether its closing quote is followed by a delimiter, a line break or the end; and where the
    quote is that never closes, if one does not.

    Follows csv.reader's reading: a quote opens a value only at the start of a field, two quotes
    inside it are one, and anything after the closing quote up to the delimiter is kept as it is.
    """
    field_end = _field_end(delimiter)
    quoted: dict[int, tuple[int, bool]] = {}
    field_index, position = 0, 0
    while position < len(text):
        if text[position] == '"':
            closing = _closing_quote(text, position + 1)
            if closing < 0:
                return quoted, position
            after = text[closing + 1 : closing + 2]
            quoted[field_index] = (position, after in ("", delimiter, "\r", "\n"))
            position = closing + 1
        stop = field_end.search(text, position)
        if stop is None or stop.group() != delimiter:
            break  # the record's line break, or its end
        field_index += 1
        position = stop.end()
    return quoted, None


def _closing_quote(text: str, start: int) -> int:
    while (quote := text.find('"', start)) >= 0:
        if not text.startswith('"', quote + 1):
            return quote
        start = quote + 2
    return -1


_FIELD_ENDS: dict[str, re.Pattern[str]] = {}


def _field_end(delimiter: str) -> re.Pattern[str]:
    if delimiter not in _FIELD_ENDS:
        _FIELD_ENDS[delimiter] = re.compile(f"[{re.escape(delimiter)}\r\n]")
    return _FIELD_ENDS[delimiter]


def _line_and_column(record: list[str], offset: int) -> tuple[int, int]:
    for index, line in enumerate(record):
        if offset < len(line):
            return index, offset
        offset -= len(line)
    raise ValueError("offset past the record's text")


def _with_quote_made_plain(lines: _Lines, first: int, line_index: int, column: int) -> list[str] | None:
    """The record's lines with the quote at (line_index, column) replaced by a stand-in; None in the
    unlikely case that the record holds every stand-in already."""
    record = list(lines.record)
    number = first + line_index
    stand_in = lines.stand_ins.get(number) or next(
        (char for char in _STAND_INS if not any(char in line for line in record)), None
    )
    if stand_in is None:
        return None
    lines.stand_ins[number] = stand_in
    line = record[line_index]
    record[line_index] = line[:column] + stand_in + line[column + 1 :]
    return record


def _restore_quotes(row: list[str], lines: _Lines, first: int) -> list[str]:
    """The record's cells with the quotes made plain on its lines put back."""
    end = first + len(lines.record)
    for number in [number for number in lines.stand_ins if number < first]:
        del lines.stand_ins[number]  # lines behind the reader are never read again
    for number, stand_in in lines.stand_ins.items():
        if number < end:
            row = [cell.replace(stand_in, '"') for cell in row]
    return row
