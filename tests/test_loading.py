"""Loaders: every encoding, delimiter and shape of CSV and Excel export reads back exactly, as text."""

from __future__ import annotations

import datetime as dt
import hashlib
import string
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from auditor.errors import InputError, first_line
from auditor.loading import load_file
from tests.conftest import csv_bytes


def cells(table) -> list[list[str]]:
    return table.frame.astype(str).values.tolist()


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "cp1250"]
)
def test_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    text = {"cp1250": "Łódź Żółć", "cp1252": "Élodie Façade"}.get(encoding, "Łódź Élodie محمد")
    data = csv_bytes(
        [["Name", "City"], [text, "Zürich"], ["Ana", "Kraków" if encoding != "cp1252" else "Köln"]],
        encoding=encoding,
    )
    if encoding in ("utf-16-le", "utf-16-be"):  # a byte-order mark, as Excel writes "Unicode text"
        data = ("\ufeff".encode(encoding)) + data
    path = tmp_path / "people.csv"
    path.write_bytes(data)
    (table,) = load_file(path)
    assert table.headers == ["Name", "City"]
    assert cells(table)[0] == [text, "Zürich"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_are_detected(write_csv, delimiter: str) -> None:
    path = write_csv(
        "x.csv", [["Id", "Name", "Note"], ["1", "A, B; C", "x|y"], ["2", "D", ""]], delimiter=delimiter
    )
    (table,) = load_file(path)
    assert table.delimiter == delimiter
    assert cells(table) == [["1", "A, B; C", "x|y"], ["2", "D", ""]]


def test_values_stay_exactly_as_written(write_csv) -> None:
    tricky = ["N/A", "NA", "null", "None", "nan", "NaN", "0012", "", " padded ", "TRUE", "1e5", "-"]
    path = write_csv("x.csv", [["Id", *[f"c{i}" for i in range(len(tricky))]], ["r1", *tricky]])
    (table,) = load_file(path)
    assert cells(table) == [["r1", *tricky]]
    assert not table.frame.isna().any().any()


def test_quoted_newlines_and_huge_cells(write_csv) -> None:
    notes = "line one\nline two, with a comma\r\n" + "x" * 5_000_000
    path = write_csv("x.csv", [["Id", "Notes", "Email"], ["1", notes, "a@b.co"], ["2", "short", "c@d.co"]])
    (table,) = load_file(path)
    assert cells(table) == [["1", notes, "a@b.co"], ["2", "short", "c@d.co"]]
    assert table.row_numbers.tolist() == [2, 3]


def test_ragged_rows_are_kept_and_reported_with_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text(
        "Id,Name,Email\n1,Ann,a@x.co\n2,Bob\n3,Cy,c@x.co,EXTRA,MORE\n4,Di,d@x.co\n", encoding="utf-8"
    )
    (table,) = load_file(path)
    assert [(row.row, row.expected, row.found) for row in table.ragged_rows] == [(3, 3, 2), (4, 3, 5)]
    assert table.frame["Name"].tolist() == ["Ann", "Bob", "Cy", "Di"]
    assert table.frame["Email"].tolist() == ["a@x.co", "", "c@x.co", "d@x.co"]
    assert table.frame["(extra cells)"].tolist() == ["", "", "EXTRA,MORE", ""]
    assert table.row_numbers.tolist() == [2, 3, 4, 5]


def test_blank_lines_do_not_shift_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text("Id,Name\n1,Ann\n\n3,Cy\n", encoding="utf-8")
    (table,) = load_file(path)
    assert table.frame["Name"].tolist() == ["Ann", "Cy"]
    assert table.row_numbers.tolist() == [2, 4]


def test_duplicate_headers_are_kept_apart_and_reported(write_csv) -> None:
    path = write_csv("x.csv", [["Email", "Name", "Email", ""], ["a@x.co", "Ann", "b@x.co", "z"]])
    (table,) = load_file(path)
    assert table.headers == ["Email", "Name", "Email (2)", "Column 4"]
    assert table.duplicate_headers == ["Email"]
    assert cells(table) == [["a@x.co", "Ann", "b@x.co", "z"]]


def test_report_title_block_and_footer_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text(
        '"Leads by owner"\n"Filtered By: Lead Status equals Open"\n\n'
        '"Lead ID","First Name","Last Name","Lead Status"\n'
        '"00Q1","Ann","Lee","Open"\n"00Q2","Bob","Ray","Working"\n\n'
        '"Grand Totals (2 records)"\n"Confidential Information - Do Not Distribute"\n',
        encoding="utf-8",
    )
    (table,) = load_file(path)
    assert table.headers == ["Lead ID", "First Name", "Last Name", "Lead Status"]
    assert table.frame["Lead ID"].tolist() == ["00Q1", "00Q2"]
    assert table.row_numbers.tolist() == [5, 6]
    assert any("title row" in note for note in table.notes)


def test_inputs_are_only_read(write_csv) -> None:
    path = write_csv("x.csv", [["Id", "Name"], ["1", "Ann"]])
    before = hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns
    load_file(path)
    assert (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns) == before


# --- bad input: one clear reason, never a traceback --------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.csv", b"", "empty"),
        ("blank.csv", b"\xef\xbb\xbf\r\n \r\n", "empty"),
        ("junk.csv", bytes(range(256)) * 40, "not a text file"),
        ("fake.xlsx", b"Id,Name\n1,Ann\n", "not a valid .xlsx"),
        ("bad-bom.csv", b"\xef\xbb\xbfId,Name\n1,Ann\xff\xfe\n", "not UTF-8"),
    ],
)
def test_bad_inputs_raise_one_clear_error(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        load_file(path)
    message = str(caught.value)
    assert reason in message and name in message and "\n" not in message


def test_truncated_workbook_is_refused(tmp_path: Path) -> None:
    whole = tmp_path / "whole.xlsx"
    workbook = Workbook()
    workbook.active.append(["Id", "Name"])
    workbook.active.append(["1", "Ann"])
    workbook.save(whole)
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(InputError, match=r"truncated\.xlsx"):
        load_file(truncated)


def test_zip_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Lead.csv", "Id,Name\n1,Ann\n")
    with pytest.raises(InputError, match=r"export\.xlsx"):
        load_file(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_file(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="folder"):
        load_file(tmp_path)


# --- Excel --------------------------------------------------------------------------------------------


def make_workbook(path: Path) -> Path:
    workbook = Workbook()
    leads = workbook.active
    leads.title = "Leads"
    leads.append(
        ["(Do Not Modify) Lead", "(Do Not Modify) Row Checksum", "Name", "Created On", "Score", "Zip"]
    )
    leads.append(["6f1c-aa", "ck1", "Ann Lee", dt.datetime(2026, 7, 14, 10, 22), 12.0, "00123"])
    leads.append(["6f1c-bb", "ck2", "Bob Ray", dt.date(2025, 1, 2), 3.5, "04000"])
    leads.column_dimensions["A"].hidden = True
    leads.column_dimensions["B"].hidden = True
    notes = workbook.create_sheet("Notes")
    notes.append(["Owner", "Comment"])
    notes.append(["Ann", "=1+1 is not run"])
    hidden = workbook.create_sheet("hiddenSheet")
    hidden.append(["entity", "lead"])
    hidden.sheet_state = "hidden"
    workbook.create_sheet("Empty")
    workbook.save(path)
    return path


def test_workbook_sheets_hidden_columns_and_display_values(tmp_path: Path) -> None:
    tables = load_file(make_workbook(tmp_path / "book.xlsx"))
    assert [table.sheet for table in tables] == ["Leads", "Notes"]
    leads = tables[0]
    assert leads.headers[:2] == ["(Do Not Modify) Lead", "(Do Not Modify) Row Checksum"]
    assert cells(leads) == [
        ["6f1c-aa", "ck1", "Ann Lee", "2026-07-14 10:22:00", "12", "00123"],
        ["6f1c-bb", "ck2", "Bob Ray", "2025-01-02", "3.5", "04000"],
    ]
    assert leads.row_numbers.tolist() == [2, 3]


def test_sheet_option(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "book.xlsx")
    (notes,) = load_file(path, sheet="notes")
    assert notes.sheet == "Notes"
    (hidden,) = load_file(path, sheet="hiddenSheet")
    assert hidden.headers == ["entity", "lead"]
    with pytest.raises(InputError, match=r"no sheet named 'Missing'.*Leads, Notes"):
        load_file(path, sheet="Missing")


def test_workbook_title_block_and_footer(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Lead Report"])
    sheet.append(["As of 01/11/2026"])
    sheet.append([])
    sheet.append(["Lead ID", "First Name", "Last Name", "Company / Account"])
    sheet.append(["00Q1", "Ann", "Lee", "Acme"])
    sheet.append(["Grand Totals (1 records)"])
    workbook.save(path)
    (table,) = load_file(path)
    assert table.headers == ["Lead ID", "First Name", "Last Name", "Company / Account"]
    assert cells(table) == [["00Q1", "Ann", "Lee", "Acme"]]
    assert table.row_numbers.tolist() == [5]


# --- property: any table, any supported encoding and delimiter, reads back unchanged --------------------

# Words as the seed languages write them: ASCII plus the accented letters of one language per word.
_WESTERN_WORDS = st.sampled_from(
    ["é", "è", "à", "ç", "É", "ü", "ö", "ä", "ß", "ñ", "á", "í", "ó", "ú", "õ", "ã"]
).flatmap(lambda accent: st.text(string.ascii_letters + accent, min_size=1, max_size=8))
_WESTERN_CELL = st.lists(
    _WESTERN_WORDS | st.sampled_from(list(string.digits + ".,;|\t\"'-_/@+()")), max_size=4
).map(" ".join)
_UNICODE = st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\ufeff") | st.sampled_from(
    list('\n\r\t",;|')
)


@st.composite
def tables(draw: st.DrawFn, cell: st.SearchStrategy[str]) -> list[list[str]]:
    width = draw(st.integers(min_value=3, max_value=6))
    headers = [f"Col{index}" for index in range(width)]
    rows = draw(st.integers(min_value=1, max_value=8))
    body = [[f"r{row}", *draw(st.lists(cell, min_size=width - 1, max_size=width - 1))] for row in range(rows)]
    return [headers, *body]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    table=tables(st.text(_UNICODE, max_size=12)),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
)
def test_any_unicode_table_round_trips(tmp_path_factory, table, encoding, delimiter) -> None:
    path = tmp_path_factory.mktemp("prop") / "t.csv"
    path.write_bytes(csv_bytes(table, delimiter=delimiter, encoding=encoding))
    (loaded,) = load_file(path)
    assert loaded.headers == table[0]
    assert cells(loaded) == table[1:]
    assert loaded.row_numbers.tolist() == list(range(2, len(table) + 1))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    table=tables(_WESTERN_CELL),
    encoding=st.sampled_from(["cp1252", "latin-1"]),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
)
def test_any_western_table_round_trips_in_legacy_encodings(
    tmp_path_factory, table, encoding, delimiter
) -> None:
    """Single-byte code pages cannot be told apart on arbitrary bytes; on words as people write
    them (each word's accents from one language) the detector must always get it right."""
    path = tmp_path_factory.mktemp("prop") / "t.csv"
    path.write_bytes(csv_bytes(table, delimiter=delimiter, encoding=encoding))
    (loaded,) = load_file(path)
    assert cells(loaded) == table[1:]


@given(st.text(alphabet=string.ascii_letters + " .,'\n", max_size=400))
def test_a_library_error_in_our_line_is_cut_at_a_word(said: str) -> None:
    """pyarrow's "... Either the file is corrupted or this is not a parquet file." cut at 160
    characters read "or this is no)"; a cut now ends on a whole word, marked."""
    line = first_line(ValueError(said))
    whole = said.strip().splitlines()[0] if said.strip() else "ValueError"
    assert "\n" not in line and len(line) <= 161
    if len(whole) <= 160:
        assert line == whole
    else:
        assert line.endswith("…")
        kept = line[:-1]
        assert whole.startswith(kept)
        # On a word's end, unless the first 160 characters are one word.
        assert whole[len(kept)] in " ,;:." or " " not in whole[:160]
