"""Careless and hostile CSV files (issue 14): UTF-16 without a byte-order mark, UTF-8 with lines in
a single-byte code page, header rows too long for the sample, and quotes left open. Each is read as
far as it can be, and whatever was not plain is said in the table's notes; what cannot be read is
refused in one line, and only that file is skipped."""

from __future__ import annotations

import csv
import json
import os
import struct
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.cli import main
from auditor.errors import InputError
from auditor.loading import load_file
from auditor.loading.csv_reader import HEADER_BYTES_LIMIT, MAX_COLUMNS
from tests.conftest import csv_bytes
from tests.test_loading import _WESTERN_CELL, tables

HEADER = "First Name,Last Name,Email,Lead Status"


def cells(table) -> list[list[str]]:
    return table.frame.astype(str).values.tolist()


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def read_records_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- UTF-16 without a byte-order mark ------------------------------------------------------------

# As in the issue: ASCII only, so that the bytes decode as UTF-8, NULs and all.
PEOPLE = f"{HEADER}\nAnna,Nowak,anna@acme.pl,Open\nJan,Kowalski,jan@acme.pl,Working\n"
PEOPLE_ACCENTED = f"{HEADER}\r\nAnna,Nowak,anna@acme.pl,Open\r\nŁukasz,Żółć,lukasz@acme.pl,Working\r\n"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", [PEOPLE, PEOPLE_ACCENTED], ids=["ascii", "accented"])
def test_utf16_without_bom_is_decoded(tmp_path: Path, codec: str, text: str) -> None:
    path = tmp_path / "u16.csv"
    path.write_bytes(text.encode(codec))
    (table,) = load_file(path)
    assert table.encoding == codec
    assert table.headers == HEADER.split(",")
    assert cells(table) == [line.split(",") for line in text.splitlines()[1:]]


def test_utf16_without_bom_is_mapped_through_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "u16.csv"
    path.write_bytes(PEOPLE.encode("utf-16-le"))
    code, out, _ = cli("inspect", str(path))
    assert code == 0
    assert "\x00" not in out
    assert "encoding utf-16-le" in out
    assert "First Name" in out and "-> first_name" in out and "-> email" in out


def _png() -> bytes:
    pixels = b"".join(b"\x00" + b"\x00\x00\x00\xff" * 32 for _ in range(32))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 32, 32, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    "content",
    [
        _png(),
        os.urandom(20_000),
        # Every second byte NUL, as in UTF-16 text, but the other bytes are not text.
        b"".join(struct.pack("<H", value % 256) for value in range(10_000)),
        b"".join(struct.pack(">H", value % 256) for value in range(10_000)),
        b"".join(struct.pack("<I", value) for value in range(10_000)),
    ],
    ids=["png", "random", "uint16-le", "uint16-be", "uint32"],
)
def test_binary_data_is_still_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match="not a text file"):
        load_file(path)


# Letters, digits, punctuation and spaces of every script, as names are written; not those whose low
# byte is NUL (U+0100, U+4E00 ...): a file made of them has NULs in both bytes of each pair, and
# without a byte-order mark nothing tells it from binary data.
_NAME_CHARACTERS = st.characters(categories=("L", "M", "N", "P", "Zs"), exclude_characters="\ufeff").filter(
    lambda char: ord(char) & 0xFF != 0
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.lists(st.text(_NAME_CHARACTERS, min_size=1, max_size=12), min_size=1, max_size=8),
    codec=st.sampled_from(["utf-16-le", "utf-16-be"]),
)
def test_any_utf16_table_without_bom_round_trips(tmp_path_factory, names: list[str], codec: str) -> None:
    rows = [["Id", "Name", "Email"]] + [
        [f"r{index}", name, f"person{index}@example.com"] for index, name in enumerate(names)
    ]
    path = tmp_path_factory.mktemp("u16") / "people.csv"
    path.write_bytes(csv_bytes(rows, encoding=codec))
    (table,) = load_file(path)
    assert table.encoding == codec
    assert table.headers == rows[0]
    assert cells(table) == rows[1:]


# --- UTF-8 with some lines in a single-byte code page ------------------------------------------------

MIXED = (
    f"{HEADER}\nZoë,Żółć,z@acme.pl,Open\n".encode()
    + "Renée,Müller,r@acme.pl,Open\n".encode("cp1252")
    + "Łukasz,Ćma,l@acme.pl,Open\n".encode()
)


def test_lines_in_another_encoding_are_read_in_theirs_and_noted(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(MIXED)
    (table,) = load_file(path)
    assert cells(table) == [
        ["Zoë", "Żółć", "z@acme.pl", "Open"],
        ["Renée", "Müller", "r@acme.pl", "Open"],
        ["Łukasz", "Ćma", "l@acme.pl", "Open"],
    ]
    assert table.encoding == "utf-8 and cp1252"
    (note,) = table.notes
    assert "mixes encodings" in note and "line 3 " in note and "cp1252" in note


def test_a_line_in_another_encoding_after_the_first_megabyte(tmp_path: Path) -> None:
    """The first megabyte is UTF-8 and Arrow meets the odd line later: the line is still read in its
    own encoding, and named by its number."""
    body = "".join(f"Zoë{index},Żółć,z{index}@acme.pl,Open\n" for index in range(60_000)).encode()
    path = tmp_path / "mixed.csv"
    path.write_bytes(f"{HEADER}\n".encode() + body + "Renée,Müller,r@acme.pl,Open\n".encode("cp1252"))
    (table,) = load_file(path)
    assert table.rows == 60_001
    assert cells(table)[-1] == ["Renée", "Müller", "r@acme.pl", "Open"]
    assert cells(table)[0] == ["Zoë0", "Żółć", "z0@acme.pl", "Open"]
    assert any("line 60002 " in note for note in table.notes)


def test_many_lines_in_another_encoding_are_counted(tmp_path: Path) -> None:
    lines = [HEADER.encode()]
    for index in range(20):
        text = f"Zoë{index},Żółć,z{index}@acme.pl,Open"
        lines.append(
            text.replace("Zoë", "Renée").encode("cp1252", errors="replace") if index % 2 else text.encode()
        )
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    (table,) = load_file(path)
    assert [row[0] for row in cells(table)][:4] == ["Zoë0", "Renée1", "Zoë2", "Renée3"]
    (note,) = table.notes
    assert "10 lines (3, 5, 7, 9, 11 and 5 more)" in note


def test_a_single_byte_export_followed_by_utf8_lines(tmp_path: Path) -> None:
    """Two exports pasted together, the first megabyte and more in cp1252: the UTF-8 lines after it
    are found all the same."""
    old = "".join(f"Renée{index},Müller,r{index}@acme.pl,Open\n" for index in range(40_000)).encode("cp1252")
    new = "Łukasz,Ćma,l@acme.pl,Open\nZoë,Żółć,z@acme.pl,Open\n".encode()
    path = tmp_path / "pasted.csv"
    path.write_bytes(f"{HEADER}\n".encode() + old + new)
    (table,) = load_file(path)
    assert table.rows == 40_002
    assert cells(table)[0][:2] == ["Renée0", "Müller"]
    assert cells(table)[-2:] == [["Łukasz", "Ćma", "l@acme.pl", "Open"], ["Zoë", "Żółć", "z@acme.pl", "Open"]]
    assert "40000 lines (2, 3, 4, 5, 6 and 39995 more)" in table.notes[0]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    table=tables(_WESTERN_CELL),
    in_cp1252=st.lists(st.booleans(), min_size=8, max_size=8),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
)
def test_any_mix_of_utf8_and_cp1252_rows_reads_back(tmp_path_factory, table, in_cp1252, delimiter) -> None:
    # An accented name on every row, so that every row's encoding shows.
    rows = [[f"Müller {row[0]}", *row[1:]] for row in table[1:]]
    data = csv_bytes(table[:1], delimiter=delimiter)
    for row, single_byte in zip(rows, in_cp1252, strict=False):
        data += csv_bytes([row], delimiter=delimiter, encoding="cp1252" if single_byte else "utf-8")
    path = tmp_path_factory.mktemp("mixed") / "people.csv"
    path.write_bytes(data)
    (loaded,) = load_file(path)
    assert cells(loaded) == rows


def test_a_single_byte_export_is_not_taken_for_a_mixed_one(tmp_path: Path) -> None:
    path = tmp_path / "cp1252.csv"
    path.write_bytes(
        f"{HEADER}\nRenée,Müller,r@acme.pl,Open\nFrançois,Öztürk,f@acme.fr,Open\n".encode("cp1252")
    )
    (table,) = load_file(path)
    assert table.encoding == "cp1252"
    assert table.notes == []
    assert cells(table)[1][:2] == ["François", "Öztürk"]


def test_mixed_encodings_end_to_end(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(MIXED)
    out = tmp_path / "records.csv"
    code, stdout, _ = cli("audit", str(path), "--normalised", str(out), "--fail-on", "never")
    assert code == 0
    records = read_records_csv(out)
    assert [(row["first_name"], row["last_name"]) for row in records] == [
        ("Zoë", "Żółć"),
        ("Renée", "Müller"),
        ("Łukasz", "Ćma"),
    ]
    assert "mixes encodings" in stdout


# --- header rows longer than the sample ----------------------------------------------------------


def test_a_header_wider_than_any_export_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"Field {index}" for index in range(200_000)) + "\n" + "x," * 199_999 + "x\n")
    with pytest.raises(InputError) as caught:
        load_file(path)
    message = str(caught.value)
    assert "200,000 columns" in message and f"{MAX_COLUMNS:,}" in message and "\n" not in message


def test_a_wide_header_costs_only_its_own_file(tmp_path: Path, run_audit) -> None:
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"Field {index}" for index in range(200_000)) + "\n")
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE, encoding="utf-8")
    result = run_audit([wide, people])
    assert [report.file for report in result.skipped] == [str(wide)]
    assert "200,000 columns" in result.skipped[0].error
    assert len(result.records) == 2


@pytest.mark.parametrize("codec", ["utf-8", "utf-16-le"])
def test_a_header_longer_than_the_sample_is_read_whole(tmp_path: Path, codec: str) -> None:
    labels = [
        f"Custom field with a long label that goes on and on and on number {index:05d}"
        for index in range(15_000)
    ]
    header = ",".join(["Email", *labels])
    assert len(header.encode(codec)) > 1 << 20
    text = f"Leads report\nFiltered by: all\n{header}\n" + ",".join(["a@x.co", *("v" for _ in labels)]) + "\n"
    path = tmp_path / "long-header.csv"
    path.write_bytes(text.encode(codec))
    (table,) = load_file(path)
    assert table.headers == ["Email", *labels]
    assert table.duplicate_headers == []
    assert cells(table) == [["a@x.co", *("v" for _ in labels)]]
    assert table.row_numbers.tolist() == [4]


def test_a_header_that_does_not_end_within_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "endless.csv"
    path.write_bytes(b"Name," * (HEADER_BYTES_LIMIT // 5 + 1000) + b"Email\nAnn,a@x.co\n")
    with pytest.raises(InputError, match="header row does not end within the first 16 MiB"):
        load_file(path)


def test_a_huge_first_record_is_not_taken_for_a_long_header(tmp_path: Path) -> None:
    notes = "x" * (3 << 20)
    path = tmp_path / "notes.csv"
    path.write_text(f"Id,Notes,Email\n1,{notes},a@b.co\n2,short,c@d.co\n", encoding="utf-8")
    (table,) = load_file(path)
    assert cells(table) == [["1", notes, "a@b.co"], ["2", "short", "c@d.co"]]


# --- quotes left open ------------------------------------------------------------------------------


def people_with(line_4: str, records: int = 21) -> str:
    """A header and `records` records, one per line; the record on line 4 replaced by `line_4`."""
    lines = [HEADER] + [f"P{index},L{index},p{index}@acme.pl,Open" for index in range(records)]
    lines[3] = line_4
    return "\n".join(lines) + "\n"


def test_a_quote_never_closed_is_read_as_a_plain_character(tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_text(people_with('P2,"L2,p2@acme.pl,Open'), encoding="utf-8")
    (table,) = load_file(path)
    assert table.rows == 21
    assert table.ragged_rows == []
    assert cells(table)[2] == ["P2", '"L2', "p2@acme.pl", "Open"]
    assert cells(table)[3] == ["P3", "L3", "p3@acme.pl", "Open"]
    assert table.row_numbers.tolist() == list(range(2, 23))
    (note,) = table.notes
    assert "line 4" in note and "never closed" in note and "lines 4-22 (19 lines)" in note


def test_a_quote_never_closed_in_the_last_column(tmp_path: Path) -> None:
    """Arrow reads the swallowed records as one last cell without complaint: the row is as wide as
    the header."""
    path = tmp_path / "quote.csv"
    path.write_text(people_with('P2,L2,p2@acme.pl,"Open'), encoding="utf-8")
    (table,) = load_file(path)
    assert table.rows == 21
    assert cells(table)[2] == ["P2", "L2", "p2@acme.pl", '"Open']
    assert "never closed" in table.notes[0]


def test_a_stray_quote_closed_by_a_quoted_value_lines_later(tmp_path: Path) -> None:
    text = people_with('P2,"L2,p2@acme.pl,Open').replace("P9,L9,", 'P9,"L,9",')
    path = tmp_path / "quote.csv"
    path.write_text(text, encoding="utf-8")
    (table,) = load_file(path)
    assert table.rows == 21
    assert cells(table)[2] == ["P2", '"L2', "p2@acme.pl", "Open"]
    assert cells(table)[9] == ["P9", "L,9", "p9@acme.pl", "Open"]
    (note,) = table.notes
    assert "line 4" in note and "closes only on line 11" in note


def test_multi_line_values_are_still_one_value(tmp_path: Path) -> None:
    """Addresses, notes with lines of commas, a value of CSV pasted into a note, and a last record
    whose value ends with a line break: quoted as a CSV writer quotes them, each stays one value."""
    pasted = "Imported:\nA1,Ann,a@x.co,Open\nB2,Bob,b@x.co,Open\nC3,Cy,c@x.co,Open\n"
    rows = [
        ["Name", "Street", "Email", "Notes"],
        [
            "Ann",
            "12 Main St\nFlat 3\nBuilding B",
            "a@x.co",
            "Called, no answer\nCalled again, spoke, will buy\n",
        ],
        ["Bob", "1 Rue de Paris", "b@x.co", pasted],
        ["Cy", "Line 1\nLine 2", "c@x.co", "\n".join(f"step {index}, done, ok" for index in range(50))],
        ["Di", "Ulica 5", "d@x.co", "Last note\nends with a break\n"],
    ]
    for delimiter in (",", ";"):
        path = tmp_path / "multiline.csv"
        path.write_bytes(csv_bytes(rows, delimiter=delimiter))
        (table,) = load_file(path)
        assert cells(table) == rows[1:]
        assert table.notes == []
        assert table.row_numbers.tolist() == [2, 3, 4, 5]


def test_many_quotes_left_open_are_each_read_plainly(tmp_path: Path) -> None:
    """A stray quote every third line: each would swallow the two records after it, up to the next
    one. Every one is read plainly, the file is read about twice at most, and the notes stay short."""
    lines = ["Id,Name,Email"]
    for index in range(30_000):
        lines.append(f'{index},"N{index},x@y.co' if index % 3 == 0 else f"{index},N{index},x@y.co")
    path = tmp_path / "quotes.csv"
    path.write_text("\n".join(lines) + "\n")
    (table,) = load_file(path)
    assert table.rows == 30_000
    assert table.ragged_rows == []
    assert table.frame["Name"].tolist()[:4] == ['"N0', "N1", "N2", '"N3']
    assert table.frame["Name"].tolist()[-3:] == ['"N29997', "N29998", "N29999"]
    assert len(table.notes) == 6
    assert "closes only on line 5" in table.notes[0]
    assert table.notes[-1].startswith("9995 more quotes left open, between lines 17 and 29999")


def test_a_quote_never_closed_end_to_end(tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_text(people_with('P2,"L2,p2@acme.pl,Open'), encoding="utf-8")
    out = tmp_path / "findings.json"
    code, stdout, _ = cli("audit", str(path), "--json", str(out), "--fail-on", "never")
    assert code == 0
    (report,) = json.loads(out.read_text(encoding="utf-8"))["inputs"]
    assert report["rows"] == 21
    assert report["ragged_rows"] == []
    assert any("line 4" in note and "never closed" in note for note in report["notes"])
    assert "never closed" in stdout
