"""Workbooks built to exhaust the reader: far-apart cells, decompression bombs, damaged archives.

Each is refused before calamine reads it, with one line that names the file and the limit, and the
other files are audited. The workbooks that used to kill the process (calamine aborts when its dense
grid cannot be allocated) are read in a child process under a memory cap, so that a regression fails
a test instead of taking pytest down with it.
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.errors import InputError
from auditor.loading import limits, load_file
from auditor.loading.limits import check_workbook
from tests.conftest import FIXTURES

# --- building workbooks by hand: the hostile ones cannot be made with openpyxl ------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" Type='
    '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Leads" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type='
    '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    "</Relationships>"
)
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
_SHEET_END = "</sheetData></worksheet>"


def text_cell(reference: str | None, text: str, *, tag: str = "c") -> str:
    where = f' r="{reference}"' if reference else ""
    return f'<{tag}{where} t="inlineStr"><is><t>{text}</t></is></{tag}>'


def table_rows(rows: int = 2) -> str:
    """A small table of leads at A1, the part of every test workbook that a person would read."""
    header = f'<row r="1">{text_cell("A1", "Id")}{text_cell("B1", "Last Name")}</row>'
    body = "".join(
        f'<row r="{row}">{text_cell(f"A{row}", f"00Q{row}")}{text_cell(f"B{row}", "Lee")}</row>'
        for row in range(2, rows + 2)
    )
    return header + body


def write_package(archive: zipfile.ZipFile) -> None:
    """Everything of a workbook of one sheet, "Leads", but the sheet."""
    archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
    archive.writestr("_rels/.rels", _PACKAGE_RELS)
    archive.writestr("xl/workbook.xml", _WORKBOOK)
    archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)


def write_sheet(path: Path, sheet_xml: str) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        write_package(archive)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path


def write_xlsx(path: Path, sheet_data: str, *, dimension: str | None = None) -> Path:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return write_sheet(path, f"{_SHEET_START}{declared}<sheetData>{sheet_data}{_SHEET_END}")


def write_streamed_xlsx(path: Path, head: str, repeated: str, times: int, tail: str = "") -> Path:
    """A workbook whose sheet is `head`, then `repeated` `times` over, then `tail`, deflated as it is
    written: a bomb of any unpacked size costs the test only its compressed size on disk."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        write_package(archive)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f"{_SHEET_START}<sheetData>{head}".encode())
            block = repeated.encode() * 1000
            for _ in range(times // 1000):
                sheet.write(block)
            sheet.write(f"{tail}{_SHEET_END}".encode())
    return path


def declare_unpacked_size(path: Path, member: str, size: int) -> None:
    """Rewrite the sizes that the zip's headers declare for `member`, as a crafted archive would."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, name_length_at, header_length, size_at in (
        (b"PK\x03\x04", 26, 30, 22),
        (b"PK\x01\x02", 28, 46, 24),
    ):
        start = data.find(signature)
        while start != -1:
            name_length = struct.unpack_from("<H", data, start + name_length_at)[0]
            if data[start + header_length : start + header_length + name_length] == name:
                struct.pack_into("<I", data, start + size_at, size)
            start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))


_ODS_START = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="Leads">'
)
_ODS_END = "</table:table></office:spreadsheet></office:body></office:document-content>"
_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def ods_text(text: str) -> str:
    return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'


def write_ods(path: Path, rows: str) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        archive.writestr("content.xml", f"{_ODS_START}{rows}{_ODS_END}")
    return path


def ods_table_rows() -> str:
    header = f"<table:table-row>{ods_text('Id')}{ods_text('Last Name')}</table:table-row>"
    return header + f"<table:table-row>{ods_text('00Q1')}{ods_text('Lee')}</table:table-row>"


# --- the workbooks that killed the process ------------------------------------------------------------

_FAR_CORNER = f'<row r="1048576">{text_cell("XFD1048576", "x")}</row>'

# name -> (cells after the table, declared dimension): each puts cells so far apart that calamine's
# dense grid between them needs far more memory than any machine has.
KILLERS: dict[str, tuple[str, str | None]] = {
    "far-corner": (_FAR_CORNER, None),
    "far-corner-under-a-small-dimension": (_FAR_CORNER, "A1:B3"),
    "column-beyond-the-grid": (f'<row r="5">{text_cell("ZZZZZZ5", "x")}</row>', "A1:B5"),
    "lowercase-reference": (f'<row r="1048576">{text_cell("xfd1048576", "x")}</row>', None),
    "quoted-with-apostrophes": (
        '<row r="1048576"><c r=\'XFD1048576\' t="inlineStr"><is><t>x</t></is></c></row>',
        None,
    ),
    "reference-after-other-attributes": (
        '<row r="1048576"><c t="inlineStr" r="XFD1048576"><is><t>x</t></is></c></row>',
        None,
    ),
    "second-reference": (
        '<row r="5"><c r="A5" t="inlineStr" r="XFD1048576"><is><t>x</t></is></c></row>',
        None,
    ),
    "angle-bracket-in-a-value": (
        '<row r="5"><c r="A5" t="inlineStr" s="<" r="XFD1048576"><is><t>x</t></is></c></row>',
        None,
    ),
    "prefixed-cell": (f'<row r="1048576">{text_cell("XFD1048576", "x", tag="x:c")}</row>', None),
    "cell-with-an-empty-prefix": (f'<row r="1048576">{text_cell("XFD1048576", "x", tag=":c")}</row>', None),
    # A cell without a reference sits where its row and the cells before it put it.
    "cell-without-a-reference": (
        f'<row r="5">{text_cell("XFD5", "x")}</row><row r="1048576">{text_cell(None, "y")}</row>',
        "A1:B3",
    ),
}

# Formatted empty rows that push what follows past the first piece of the sheet that is read tag by
# tag, into the pieces that are only searched.
_EMPTY_ROWS = ('<row r="3"><c r="A3" s="1"/></row>', 9_000)


def write_shared_strings_bomb(path: Path) -> Path:
    """calamine makes room for the texts that the shared strings declare before it reads one."""
    write_xlsx(path, table_rows())
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(
            "xl/sharedStrings.xml",
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
            'uniqueCount="1000000000000"><si><t>Id</t></si></sst>',
        )
    return path


def write_killers(folder: Path) -> list[Path]:
    """Each killer twice: right after the table, and 300 KB further down the sheet."""
    paths = []
    for name, (far, dimension) in KILLERS.items():
        paths.append(write_xlsx(folder / f"{name}.xlsx", table_rows() + far, dimension=dimension))
        paths.append(
            write_streamed_xlsx(folder / f"{name}-further-down.xlsx", table_rows(), *_EMPTY_ROWS, far)
        )
    return paths


_CHILD = r"""
import json, resource, sys
from auditor.errors import InputError
from auditor.loading import load_file

with open("/proc/self/statm") as statm:
    mapped = int(statm.read().split()[0]) * resource.getpagesize()
cap = mapped + (2 << 30)  # what the imports mapped, and 2 GiB for reading
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
for path in sys.argv[1:]:
    print(json.dumps({"file": path, "started": True}), flush=True)
    try:
        outcome = {"rows": [table.rows for table in load_file(path)]}
    except InputError as error:
        outcome = {"refused": str(error)}
    print(json.dumps({"file": path, **outcome}), flush=True)
"""


def load_in_child(paths: list[Path]) -> dict[str, dict]:
    """Each file's outcome from `load_file` in a child process that may map only 2 GiB more than its
    imports; an abort there fails the test with the file it was reading, and pytest lives on."""
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parent.parent,
    )
    outcomes: dict[str, dict] = {}
    for line in child.stdout.splitlines():
        entry = json.loads(line)
        outcomes.setdefault(Path(entry.pop("file")).name, {}).update(entry)
    dying = [name for name, outcome in outcomes.items() if set(outcome) == {"started"}]
    assert child.returncode == 0, (
        f"the reader died (status {child.returncode}) on {dying}: {child.stderr[-400:]}"
    )
    return outcomes


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="the memory cap needs Linux")
def test_far_apart_cells_are_refused_and_the_process_lives(tmp_path: Path) -> None:
    ods_bomb = write_ods(
        tmp_path / "repeated-cells.ods",
        ods_table_rows()
        + '<table:table-row table:number-rows-repeated="6000"><table:table-cell office:value-type="float" '
        'office:value="1" table:number-columns-repeated="16384"/></table:table-row>',
    )
    paths = [*write_killers(tmp_path), ods_bomb, write_shared_strings_bomb(tmp_path / "texts.xlsx")]
    outcomes = load_in_child(paths)
    for path in paths:
        outcome = outcomes[path.name]
        assert "refused" in outcome, f"{path.name} was read: {outcome}"
        message = outcome["refused"]
        assert path.name in message and "\n" not in message
        assert "20,000,000" in message or "XFD1048576" in message, message


def test_each_far_cell_is_found_before_calamine_reads_the_sheet(tmp_path: Path) -> None:
    for path in write_killers(tmp_path):
        with pytest.raises(InputError) as refused, check_workbook(path, display_name=path.name) as checked:
            checked.check_sheet("Leads")
        assert path.name in str(refused.value)


def test_declared_texts_beyond_the_limit_are_refused_before_calamine_opens_the_workbook(
    tmp_path: Path,
) -> None:
    path = write_shared_strings_bomb(tmp_path / "texts.xlsx")
    with pytest.raises(
        InputError, match=r"texts\.xlsx: .*1,000,000,000,000 distinct texts.*limit of 20,000,000"
    ):
        check_workbook(path, display_name="texts.xlsx")


def test_a_panic_in_calamine_costs_only_that_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import python_calamine

    from auditor.loading import excel_reader

    class PanicException(BaseException):  # what pyo3 raises when Rust code panics
        pass

    def panic(path: str) -> None:
        raise PanicException("capacity overflow")

    fake_calamine = SimpleNamespace(
        CalamineWorkbook=SimpleNamespace(from_path=panic), CalamineError=python_calamine.CalamineError
    )
    monkeypatch.setattr(excel_reader, "calamine", fake_calamine)
    with pytest.raises(
        InputError, match=r"leads\.xlsx: the workbook cannot be read \(calamine failed: capacity"
    ):
        load_file(write_xlsx(tmp_path / "leads.xlsx", table_rows()))


def test_the_refusal_names_the_cells_and_the_limit(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "far.xlsx", table_rows() + f'<row r="40000">{text_cell("ZZ40000", "x")}</row>'
    )
    with pytest.raises(InputError) as refused:
        load_file(path)
    message = str(refused.value)
    assert "sheet 'Leads'" in message and "A1:ZZ40000" in message and "28,080,000 cells" in message
    assert "limit of 20,000,000 cells" in message and "CSV" in message


# --- what a real workbook may do: all of it is still read -----------------------------------------------


def test_a_huge_declared_dimension_over_few_cells_is_read(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "formatted.xlsx", table_rows(), dimension="A1:XFD1048576")
    (table,) = load_file(path)
    assert table.headers == ["Id", "Last Name"] and table.rows == 2


def test_empty_formatted_cells_far_away_do_not_count(tmp_path: Path) -> None:
    far_format = '<row r="1048576"><c r="XFD1048576" s="1"/></row>'
    (table,) = load_file(write_xlsx(tmp_path / "styled.xlsx", table_rows() + far_format))
    assert table.rows == 2


def test_cells_without_references_and_unusual_attribute_order_are_read(tmp_path: Path) -> None:
    rows = (
        f"<row>{text_cell(None, 'Id')}{text_cell(None, 'Last Name')}</row>"
        '<row><c t="inlineStr" s="0" r="A2"><is><t>00Q1</t></is></c>'
        f"{text_cell(None, 'Lee', tag='x:c')}</row>"
    )
    (table,) = load_file(write_xlsx(tmp_path / "generated.xlsx", rows))
    assert table.frame.values.tolist() == [["00Q1", "Lee"]]


def test_a_table_just_within_the_cell_limit_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_SHEET_CELLS", 2 * 51)
    path = write_xlsx(tmp_path / "fifty.xlsx", table_rows(50))
    assert load_file(path)[0].rows == 50
    monkeypatch.setattr(limits, "MAX_SHEET_CELLS", 2 * 51 - 1)
    with pytest.raises(InputError, match=r"A1:B51 \(102 cells.*limit of 101 cells"):
        load_file(path)


@pytest.mark.parametrize("far", ["C900001", "B900001"])
def test_a_long_sheet_is_checked_past_its_first_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, far: str
) -> None:
    """The far cell sits 17 MB into the sheet, where only the fast check looks."""
    monkeypatch.setattr(limits, "MAX_SHEET_CELLS", 1_000_000)
    monkeypatch.setattr(limits, "MAX_COMPRESSION_RATIO", 10_000)
    empty_rows = ('<row r="3"><c r="A3" s="1"/></row>', 500_000)
    path = write_streamed_xlsx(tmp_path / "long.xlsx", table_rows(), *empty_rows)
    assert load_file(path)[0].headers == ["Id", "Last Name"]
    far_row = f'<row r="900001">{text_cell(far, "x")}</row>'
    path = write_streamed_xlsx(tmp_path / "long-far.xlsx", table_rows(), *empty_rows, tail=far_row)
    cells = 900_001 * (3 if far.startswith("C") else 2)
    with pytest.raises(InputError, match=rf"A1:{far} \({cells:,} cells"):
        load_file(path)


def count_full_readings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The bytes of sheet XML read tag by tag (the slow way), piece by piece, from now on."""
    read: list[int] = []
    original = limits._CellExtent.read

    def counting(self: object, xml: bytes) -> None:
        read.append(len(xml))
        original(self, xml)

    monkeypatch.setattr(limits._CellExtent, "read", counting)
    return read


def test_a_cell_right_of_the_header_costs_a_second_search_not_a_full_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stray = f'<row r="60003">{text_cell("A60003", "00Q9")}{text_cell("D60003", "see notes")}</row>'
    path = write_streamed_xlsx(
        tmp_path / "stray.xlsx", table_rows(), '<row r="3"><c r="A3" s="1"/></row>', 60_000, stray
    )
    monkeypatch.setattr(limits, "MAX_COMPRESSION_RATIO", 10_000)  # identical filler rows
    read = count_full_readings(monkeypatch)
    (table,) = load_file(path)
    assert table.rows == 3 and table.frame.values.tolist()[-1] == ["00Q9", ""]
    assert len(read) == 2 and sum(read) < 1 << 20  # the first piece, once for each search


@pytest.mark.parametrize(("far_empty_cells", "read_whole"), [(1, False), (150, True)])
def test_empty_formatted_cells_far_down_are_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, far_empty_cells: int, read_whole: bool
) -> None:
    formatted = "".join(
        f'<row r="{1048576 - row}"><c r="XFD{1048576 - row}" s="1"/></row>'
        for row in range(far_empty_cells)[::-1]
    )
    path = write_streamed_xlsx(tmp_path / "formatted.xlsx", table_rows(), *_EMPTY_ROWS, formatted)
    read = count_full_readings(monkeypatch)
    assert load_file(path)[0].rows == 2
    sheet_size = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").file_size
    assert (sum(read) >= sheet_size) == read_whole  # past a hundred, the slow way counts them


def test_a_sheet_written_with_a_namespace_prefix_is_searched_the_fast_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """.NET's Open XML SDK writes <x:worksheet>, <x:row>, <x:c>: the fast search follows the prefix."""

    def prefixed(xml: str) -> str:
        for tag in ("c", "row", "sheetData", "worksheet"):
            xml = xml.replace(f"<{tag} ", f"<x:{tag} ").replace(f"<{tag}>", f"<x:{tag}>")
            xml = xml.replace(f"</{tag}>", f"</x:{tag}>")
        return xml

    def write(name: str, far: str) -> Path:
        filler, times = _EMPTY_ROWS
        data = prefixed(f"{_SHEET_START}<sheetData>{table_rows()}{filler * times}") + far
        return write_sheet(tmp_path / name, data + prefixed(_SHEET_END))

    read = count_full_readings(monkeypatch)
    assert load_file(write("sdk.xlsx", ""))[0].headers == ["Id", "Last Name"]
    assert len(read) == 1
    other_prefix = _FAR_CORNER.replace("<c ", "<y:c ").replace("</c>", "</y:c>")
    for far in (prefixed(_FAR_CORNER), _FAR_CORNER, other_prefix):
        path = write("far.xlsx", far)
        with (
            pytest.raises(InputError, match="XFD1048576"),
            check_workbook(path, display_name=path.name) as checked,
        ):
            checked.check_sheet("Leads")


def test_a_binary_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "leads.xlsb"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
    with pytest.raises(InputError, match=r"leads\.xlsb: is a binary Excel workbook.*Save it as \.xlsx"):
        load_file(path)


def test_ods_tables_are_read_and_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_ods(tmp_path / "leads.ods", ods_table_rows())
    (table,) = load_file(path)
    assert table.frame.values.tolist() == [["00Q1", "Lee"]]
    repeated = ods_table_rows() + (
        '<table:table-row table:number-rows-repeated="100">'
        f'{ods_text("x")}<table:table-cell table:number-columns-repeated="3" office:value-type="float" '
        'office:value="1"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
        'table:number-columns-repeated="1024"/></table:table-row>'  # LibreOffice's empty filler: free
    )
    path = write_ods(tmp_path / "repeated.ods", repeated)
    monkeypatch.setattr(limits, "MAX_SHEET_CELLS", 4 * 102)
    assert load_file(path)[0].rows == 101
    monkeypatch.setattr(limits, "MAX_SHEET_CELLS", 4 * 102 - 1)
    with pytest.raises(InputError, match=r"repeated\.ods.*'Leads'.*408 cells.*limit of 407 cells"):
        load_file(path)


# --- decompression bombs --------------------------------------------------------------------------------


def test_a_declared_unpacked_size_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "bomb.xlsx", table_rows())
    declare_unpacked_size(path, "xl/worksheets/sheet1.xml", 3 << 30)
    with pytest.raises(InputError) as refused:
        load_file(path)
    message = str(refused.value)
    assert "bomb.xlsx" in message and "3.0 GiB" in message and "limit of 1 GiB" in message


def test_a_real_bomb_is_refused_by_its_unpacked_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """96 MiB of rows in a workbook of about 100 KB, over a limit lowered to 64 MiB."""
    path = write_streamed_xlsx(
        tmp_path / "rows.xlsx", table_rows(), '<row r="3"><c r="A3"/></row>', 3_500_000
    )
    assert path.stat().st_size < 1 << 20
    monkeypatch.setattr(limits, "MAX_UNPACKED_BYTES", 64 << 20)
    monkeypatch.setattr(limits, "MAX_COMPRESSION_RATIO", 10_000)
    with pytest.raises(InputError, match=r"rows\.xlsx: .*unpacks to 9\d\.\d MiB, over the limit of 64 MiB"):
        load_file(path)


def test_a_part_compressed_like_a_bomb_is_refused(tmp_path: Path) -> None:
    path = write_streamed_xlsx(tmp_path / "dense.xlsx", table_rows(), "<row/>", 2_000_000)
    with pytest.raises(
        InputError, match=r"dense\.xlsx: .*xl/worksheets/sheet1\.xml.*compressed \d+ to 1.*limit of 100 to 1"
    ):
        load_file(path)


def test_a_part_larger_than_declared_is_refused(tmp_path: Path) -> None:
    path = write_streamed_xlsx(tmp_path / "liar.xlsx", table_rows(), '<row r="3"><c r="A3"/></row>', 20_000)
    declare_unpacked_size(path, "xl/worksheets/sheet1.xml", 2000)
    with pytest.raises(InputError, match=r"liar\.xlsx: .*cannot be read"):
        load_file(path)


# --- damaged archives: one line, never a traceback -------------------------------------------------------


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm", ".ods"])
def test_junk_named_as_a_workbook_is_refused(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"junk{suffix}"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    with pytest.raises(InputError) as refused:
        load_file(path)
    assert f"junk{suffix}" in str(refused.value) and "\n" not in str(refused.value)


def test_a_zip_that_is_not_a_workbook_says_so(tmp_path: Path) -> None:
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("holiday.txt", "sun")
    with pytest.raises(InputError, match=r"photos\.xlsx: .*not a workbook"):
        load_file(path)


def test_a_damaged_sheet_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "damaged.xlsx", table_rows(200))
    data = bytearray(path.read_bytes())
    sheet_at = data.find(b"xl/worksheets/sheet1.xml") + 100
    data[sheet_at : sheet_at + 50] = bytes(50)
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match=r"damaged\.xlsx"):
        load_file(path)


# --- through the command line: the bomb is skipped, the rest audited -------------------------------------


def test_the_audit_skips_the_bomb_and_audits_the_rest(tmp_path: Path) -> None:
    leads = tmp_path / "Lead.csv"
    shutil.copy(FIXTURES / "salesforce" / "Lead.csv", leads)
    bomb = write_xlsx(tmp_path / "bomb.xlsx", table_rows())
    declare_unpacked_size(bomb, "xl/worksheets/sheet1.xml", 3 << 30)
    out = tmp_path / "findings.json"
    result = CliRunner().invoke(main, ["audit", str(leads), str(bomb), "--json", str(out), "--quiet"])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "bomb.xlsx" in line and "limit of 1 GiB" in line
    data = json.loads(out.read_text(encoding="utf-8"))
    (skipped,) = [entry for entry in data["inputs"] if entry["error"]]
    assert skipped["file"] == str(bomb) and "limit of 1 GiB" in skipped["error"]
    assert data["summary"]["records"] > 0


LEGACY = Path(__file__).parent / "fixtures" / "hostile"


def test_a_legacy_xls_is_read_apart_and_its_far_cell_costs_only_itself(tmp_path: Path) -> None:
    # In a process of its own: were the .xls read in-process again, calamine's abort must fail this
    # test, not end the test run.
    import subprocess
    import sys

    good = tmp_path / "people.csv"
    good.write_text("First Name,Last Name,Email\nAnna,Nowak,anna@acme.pl\n", encoding="utf-8")
    files = [str(LEGACY / "far_cell.xls"), str(LEGACY / "legacy.xls"), str(good)]
    result = subprocess.run(
        [sys.executable, "-m", "auditor", "audit", *files, "--fail-on", "never"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr[-2000:]
    (line,) = [line for line in result.stderr.splitlines() if line.strip()]
    assert "far_cell.xls" in line and "more than 3 GiB" in line and "backtrace" not in result.stderr
    assert "legacy.xls [S]" in result.stdout and "people.csv" in result.stdout
