"""The vectorised inert cells agree with the one-value rule, and XLSX cell text survives the trip
through the column-wise sheet writer exactly, whatever the text."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pyarrow as pa
import xlsxwriter
from hypothesis import example, given, settings
from hypothesis import strategies as st

from auditor.reporting.cells import inert, inert_array
from auditor.reporting.xlsx_rows import Column, arrays_source, splice_rows, start_table

# Text that starts like a formula, a phone or an Excel escape, among any other text.
risky_text = st.one_of(
    st.text(max_size=12),
    st.builds(
        lambda start, rest: start + rest,
        st.sampled_from(["=", "+", "-", "@", "\t", "\r", "+33 ", "-1", "_x0041_", "&", "<"]),
        st.text(max_size=12),
    ),
)


@example(["-\x1f", "+٣٣١٢٣", "+33\n", "+33\xa01 23", "-12.5", "+33 (0)1 23 45 67 89"])
@given(st.lists(risky_text, max_size=30))
def test_inert_array_agrees_with_inert(values: list[str]) -> None:
    assert inert_array(pa.array(values, pa.string())).to_pylist() == [inert(value) for value in values]


def test_only_plain_ascii_numbers_stay_unquoted() -> None:
    assert [inert(value) for value in ["+33123456789", "-12.5", "+1 (415) 555-0100"]] == [
        "+33123456789",
        "-12.5",
        "+1 (415) 555-0100",
    ]
    # Digits of other scripts, control characters and a trailing line feed are not "only digits".
    assert [inert(value) for value in ["+٣٣١٢٣", "-\x1f", "+33\n"]] == ["'+٣٣١٢٣", "'-\x1f", "'+33\n"]


def _as_excel_reads(text: str | None) -> str:
    """openpyxl leaves Excel's _xHHHH_ escapes as written; Excel decodes them, left to right."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda match: chr(int(match.group(1), 16)), text or "")


@settings(max_examples=25, deadline=None)
@example(["a\rb", "\r\n", "\x00", "_x0041_", " lead", "tail ", "=1+1", "\ufffe", "<b>&amp;"])
@given(
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=20), min_size=1, max_size=8
    )
)
def test_cell_text_round_trips_through_the_sheet_writer(tmp_path_factory, values: list[str]) -> None:
    path = Path(tmp_path_factory.mktemp("cells")) / "cells.xlsx"
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("cells")
    header = workbook.add_format({"bold": True})
    arrays = [pa.array(values, pa.string())]
    pending = [
        start_table(sheet, [Column("whole", 10)], header, rows=len(values), source=arrays_source(arrays)),
    ]
    chunked_sheet = workbook.add_worksheet("chunked")
    # Made by a source for each range of rows, as the finding sheets are.
    pending.append(
        start_table(
            chunked_sheet,
            [Column("chunked", 10)],
            header,
            rows=len(values),
            source=lambda start, stop: [pa.array(values[start:stop], pa.string())],
        )
    )
    workbook.close()
    splice_rows(path, pending)
    book = openpyxl.load_workbook(path)
    for name in ("cells", "chunked"):
        read = [row[0] for row in book[name].iter_rows(min_row=2, values_only=True)]
        read += [None] * (len(values) - len(read))
        assert [_as_excel_reads(text) for text in read] == [inert(value) for value in values]
