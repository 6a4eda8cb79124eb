"""Writing the data rows of big worksheets a column at a time.

xlsxwriter spends microseconds of Python on each cell, and a big audit's finding sheets hold tens of
millions (benchmarks/bench_xlsx.py: this way takes a quarter of the time). xlsxwriter still writes
each workbook: styles, the small sheets, every table's header, widths,
frozen pane and filter. The rows of the finding tables are generated here instead, as the sheet XML
Excel reads (inline strings), with Arrow's string kernels over whole columns, and spliced into the
sheet xlsxwriter wrote. Every value still goes through `cells.inert_array` first; text is
XML-escaped, and the characters XML cannot hold are written the way Excel expects (_xHHHH_).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from auditor.reporting.cells import inert, inert_array

MAX_CELL = 32_767  # Excel's limit on the characters of one cell
_CHUNK_ROWS = 10_000  # rows turned into XML at a time: bounds the memory a big sheet needs
# Characters XML 1.0 cannot carry, a carriage return (XML readers turn it into a line feed), and
# text that Excel would read as one of its own escapes.
# (RE2 for Arrow and Python's re spell the two non-characters differently.)
_NEEDS_EXCEL_ESCAPE = r"[\x00-\x08\x0b-\x1f\x{fffe}\x{ffff}]|_x[0-9A-Fa-f]{4}_"
_EXCEL_ESCAPE = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")


@dataclass
class RowStyles:
    """A format per row, as a code per row into `formats` (None for none): a sheet has a handful of
    formats, and their style indexes are known only once the workbook closes."""

    codes: np.ndarray
    formats: Sequence[Format | None]


@dataclass
class Column:
    """One column of a table: its header and width, whether it holds numbers, and its format per row."""

    header: str
    width: float
    number: bool = False
    styles: RowStyles | None = None


# Makes the values of a table's rows [start, stop), one Arrow array per column (text, or numbers with
# nulls for blanks when the column holds numbers): a big sheet's values then exist a chunk at a time,
# not all at once next to every other sheet's.
RowSource = Callable[[int, int], list[pa.Array]]


def arrays_source(arrays: list[pa.Array]) -> RowSource:
    """A table whose columns are already whole arrays."""
    return lambda start, stop: [array[start:stop] for array in arrays]


@dataclass
class PendingRows:
    """A sheet whose header xlsxwriter wrote and whose `rows` rows, made by `source`, are spliced in
    after the workbook closes."""

    sheet: Worksheet
    columns: list[Column]
    rows: int
    source: RowSource


def start_table(
    sheet: Worksheet, columns: list[Column], header_style: Format, *, rows: int, source: RowSource
) -> PendingRows:
    """Header, widths, frozen header row and a filter over every row to come."""
    for column in columns:
        for style in column.styles.formats if column.styles else ():
            _indexed(style)
    for number, column in enumerate(columns):
        sheet.set_column(number, number, column.width)
        sheet.write_string(0, number, inert_text(column.header), header_style)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(rows, 1), len(columns) - 1)
    return PendingRows(sheet, columns, rows, source)


def inert_text(value: str) -> str:
    return inert(value[:MAX_CELL])


def splice_rows(path: str | Path, pending: Sequence[PendingRows]) -> None:
    """Put each pending sheet's rows into the closed workbook at `path`."""
    by_file = {f"xl/worksheets/sheet{item.sheet.index + 1}.xml": item for item in pending if item.rows}
    if not by_file:
        return
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".crm-audit-", suffix=".xlsx")
    os.close(handle)
    try:
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(temporary, "w") as target:
            for info in source.infolist():
                if info.filename not in by_file:
                    with source.open(info) as reader, target.open(info, "w") as writer:
                        shutil.copyfileobj(reader, writer)
                    continue
                xml = source.read(info).decode("utf-8")
                item = by_file[info.filename]
                head, tail = xml.split("</sheetData>", 1)
                last = xl_col_to_name(len(item.columns) - 1) + str(item.rows + 1)
                head = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>', head, count=1)
                info.compress_type = zipfile.ZIP_DEFLATED
                _fast_compression(info)
                with target.open(info, "w", force_zip64=True) as writer:
                    writer.write(head.encode("utf-8"))
                    for chunk in _row_chunks(item):
                        writer.write(chunk)
                    writer.write(("</sheetData>" + tail).encode("utf-8"))
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def _fast_compression(info: zipfile.ZipInfo) -> None:
    """Deflate level 1: the rows are most of the file, and level 1 is about 3x faster than the
    default 6 for a slightly larger file. Python 3.13 names the setting; earlier versions keep it in
    a private attribute that `ZipFile.open` reads all the same."""
    if hasattr(zipfile.ZipInfo, "compress_level"):
        info.compress_level = 1
    else:
        info._compresslevel = 1  # type: ignore[attr-defined]


def _row_chunks(item: PendingRows) -> Iterator[bytes]:
    for start in range(0, item.rows, _CHUNK_ROWS):
        stop = min(start + _CHUNK_ROWS, item.rows)
        # Data rows start on spreadsheet row 2, under the header.
        numbers = pa.array(np.arange(start + 2, stop + 2).astype(str), type=pa.string())
        made = item.source(start, stop)
        cells = [
            _cells(column, letter, numbers, values, start, stop)
            for (column, letter), values in zip(_lettered(item.columns), made, strict=True)
        ]
        rows = pc.binary_join_element_wise(
            pc.binary_join_element_wise('<row r="', numbers, '">', ""), *cells, "</row>", ""
        )
        # Arrow joins the rows and hands over UTF-8 bytes without a detour through Python strings.
        as_one_list = pa.ListArray.from_arrays(pa.array([0, len(rows)], pa.int32()), rows)
        yield pc.binary_join(as_one_list, "")[0].as_buffer().to_pybytes()


def _lettered(columns: list[Column]) -> list[tuple[Column, str]]:
    return [(column, xl_col_to_name(number)) for number, column in enumerate(columns)]


def _cells(
    column: Column, letter: str, numbers: pa.Array, values: pa.Array, start: int, stop: int
) -> pa.Array:
    styles = _style_attributes(column, start, stop)
    reference = pc.binary_join_element_wise(f'<c r="{letter}', numbers, '"', "")
    opening = pc.binary_join_element_wise(reference, styles, "")
    text = pc.fill_null(values.cast(pa.string()), "")
    if column.number:
        cell = pc.binary_join_element_wise(opening, "><v>", text, "</v></c>", "")
    else:
        text = _escaped(text)
        cell = pc.binary_join_element_wise(
            opening, ' t="inlineStr"><is><t xml:space="preserve">', text, "</t></is></c>", ""
        )
    empty = pc.equal(text, "")
    styled = pc.not_equal(styles, "")
    # An empty, unstyled cell is left out: it costs as much to write and read as a full one.
    return pc.if_else(
        pc.and_(empty, pc.invert(styled)),
        "",
        pc.if_else(pc.and_(empty, styled), pc.binary_join_element_wise(opening, "/>", ""), cell),
    )


def _style_attributes(column: Column, start: int, stop: int) -> pa.Array:
    if column.styles is None:
        return pa.array([""] * (stop - start), type=pa.string())
    attributes = pa.array([_style_attribute(style) for style in column.styles.formats], type=pa.string())
    codes = column.styles.codes[start:stop]
    return pc.fill_null(attributes.take(pa.array(codes, mask=codes < 0)), "")


def _indexed(style: Format | None) -> None:
    """xlsxwriter writes a format into the styles part only once a cell it writes has used it, and
    gives it its index then. The spliced rows' formats (severity colours, cluster bands) are used by
    no cell xlsxwriter writes, so they are indexed here, before the workbook closes: the one place
    this module asks xlsxwriter for more than its public API."""
    if style is not None:
        style._get_xf_index()


def _style_attribute(style: Format | None) -> str:
    index = style.xf_index if style is not None else None
    return f' s="{index}"' if index else ""


def _escaped(text: pa.Array) -> pa.Array:
    array = inert_array(text)
    # Bytes bound characters from above: most columns need no character count at all.
    if (pc.max(pc.binary_length(array)).as_py() or 0) > MAX_CELL:
        array = pc.utf8_slice_codeunits(array, 0, MAX_CELL)
    # One scan tells whether anything needs escaping; most columns (ids, names, dates) do not.
    if not pc.any(pc.match_substring_regex(array, "[&<>]|" + _NEEDS_EXCEL_ESCAPE)).as_py():
        return array
    array = pc.replace_substring(array, "&", "&amp;")
    array = pc.replace_substring(array, "<", "&lt;")
    array = pc.replace_substring(array, ">", "&gt;")
    odd = pc.match_substring_regex(array, _NEEDS_EXCEL_ESCAPE)
    if pc.any(odd).as_py():
        python = array.to_pylist()
        for position in np.flatnonzero(odd.to_numpy(zero_copy_only=False)):
            python[position] = _EXCEL_ESCAPE.sub(_excel_escape, python[position])
        array = pa.array(python, type=pa.string())
    return array


def _excel_escape(match: re.Match[str]) -> str:
    text = match.group(0)
    if len(text) == 1:
        return f"_x{ord(text):04X}_"
    return "_x005F" + text  # a literal "_x0041_" must not turn into "A"
