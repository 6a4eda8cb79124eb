"""What one workbook may ask of the reader, checked before calamine reads any of it.

calamine builds a dense grid over each sheet it reads, from A1 to the sheet's last filled row and
column at 32 bytes a cell, and aborts the whole process when that allocation fails: two cells, A1
and XFD1048576, ask for 512 GiB. It also makes room for as many shared texts as a workbook declares,
and a zip container (.xlsx, .xlsm, .ods) unpacks without a cap. So before calamine opens a workbook
this module reads the zip's directory, the declared count of shared texts and, for .ods, the whole
content (calamine expands every table on opening); and before calamine reads an .xlsx sheet, it
streams that sheet's XML to find where its cells really are: the declared `<dimension>` may lie or
be missing, so it is not trusted. A workbook over a limit is refused with an InputError naming the
file and the limit; the audit skips that file and reads the others.

The limits:

- MAX_UNPACKED_BYTES, 1 GiB: all the parts of one workbook, unpacked, as its zip directory declares
  them (Python's zip reader and calamine's both stop a part at its declared size). A sheet at the
  cell limit is 0.6-1.1 GiB of XML, which the loader reads at about 40 MB a second.
- MAX_COMPRESSION_RATIO, 100 to 1, for parts over 1 MiB unpacked: spreadsheet XML deflates 5 to 25
  to 1, even a sheet of identical rows, as every row and cell carries its own reference; a zip bomb
  deflates about 1000 to 1.
- MAX_SHEET_CELLS, 20,000,000: the grid of one sheet, from A1 to its last filled row and column
  (empty formatted cells do not count), and the distinct texts a workbook declares. The loader
  holds about 120 bytes a cell at its peak, so this is about 2.4 GB, what a million-record audit
  needs. It is 1,048,576 rows (all of Excel's) by 19 columns, or 100,000 rows by 200. A cell past
  Excel's last cell, XFD1048576, is refused whatever the count, as calamine cannot place it.

.xls files are not zip containers: excel_reader reads them in a child process of bounded memory
instead. Binary .xlsb workbooks inside a zip are refused, as their sheets cannot be checked.
"""

from __future__ import annotations

import contextlib
import functools
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import IO
from xml.etree import ElementTree

import pyarrow as pa
import pyarrow.compute as pc

from auditor.errors import InputError, first_line

MAX_UNPACKED_BYTES = 1 << 30
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM_BYTES = 1 << 20
MAX_SHEET_CELLS = 20_000_000
EXCEL_LAST_ROW = 1_048_576
EXCEL_LAST_COLUMN = 16_384

# Sheet XML is streamed in pieces of this size; the first piece, which holds the header row, is read
# tag by tag to learn the table's width, the rest is searched in C for cells outside that width.
_CHUNK_BYTES = 4 << 20
_FIRST_CHUNK_BYTES = 256 << 10
# A piece is cut before a tag, so a text or a tag longer than this (no export has one) is refused
# rather than held in memory whole.
_MAX_UNBROKEN_BYTES = 64 << 20

_SPLIT_HINT = "Delete stray cells far from the table, split the sheet, or export it as CSV"
_UNREADABLE_HINT = "Open it in Excel and save it again, or export as CSV"

_OFFICE_DOCUMENT = "/officeDocument"
_WORKSHEET = "/worksheet"


def check_workbook(path: Path, *, display_name: str) -> WorkbookLimits:
    """The workbook at `path` once its zip directory (and .ods content) is within the limits; use it
    as a context manager, and call `check_sheet` before calamine reads each sheet."""
    if not zipfile.is_zipfile(path):
        return WorkbookLimits(None, display_name)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise _unreadable(display_name, error) from None
    limits = WorkbookLimits(archive, display_name)
    try:
        limits.check_package()
    except BaseException:
        archive.close()
        raise
    return limits


class WorkbookLimits:
    """One workbook's zip archive (None for .xls, which is not one), checked part by part."""

    def __init__(self, archive: zipfile.ZipFile | None, name: str) -> None:
        self.archive = archive
        self.name = name
        self._sheet_parts: dict[str, zipfile.ZipInfo] | None = None
        self._has_xlsx_sheets = False

    def __enter__(self) -> WorkbookLimits:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self.archive is not None:
            self.archive.close()

    def check_package(self) -> None:
        """What calamine reads on opening: the zip directory's sizes, the declared count of shared
        texts, and the .ods content, whose tables it expands then."""
        assert self.archive is not None
        _check_unpacked_sizes(self.archive.infolist(), self.name)
        parts = _parts_by_name(self.archive)
        if any(name.endswith("workbook.bin") for name in parts):
            raise InputError(
                "is a binary Excel workbook (.xlsb), whose sheets cannot be checked before reading",
                file=self.name,
                hint="Save it as .xlsx in Excel, or export as CSV",
            )
        with _reading_parts(self.name):
            folder = _workbook_folder(self.archive, parts)
            self._has_xlsx_sheets = folder + "workbook.xml" in parts
            if folder + "sharedstrings.xml" in parts:
                _check_shared_strings(self.archive, parts[folder + "sharedstrings.xml"], self.name)
            if "content.xml" in parts:
                _check_ods_content(self.archive, parts["content.xml"])
            elif not self._has_xlsx_sheets:
                raise InputError(
                    "is a zip archive but not a workbook (it has no xl/workbook.xml nor content.xml)",
                    file=self.name,
                    hint="Export the records again as .xlsx or CSV",
                )

    def check_sheet(self, sheet: str) -> None:
        """Refuse `sheet` if calamine's grid for it would pass MAX_SHEET_CELLS (.xlsx and .xlsm; the
        .ods tables were checked with the package, and .xls is not checked)."""
        if self.archive is None or not self._has_xlsx_sheets:
            return
        with _reading_parts(self.name):
            if self._sheet_parts is None:
                self._sheet_parts = _sheet_parts(self.archive, self.name)
            part = self._sheet_parts.get(sheet)
            if part is not None:
                _check_sheet_cells(self.archive, part, sheet)


_DAMAGE = (
    zipfile.BadZipFile,
    zlib.error,
    ElementTree.ParseError,
    OSError,
    EOFError,
    ValueError,
    RuntimeError,  # an encrypted part
    NotImplementedError,  # a compression method zipfile does not know
)


@contextlib.contextmanager
def _reading_parts(name: str) -> Iterator[None]:
    """Turns a part over a limit, or a damaged one (a bad checksum, a broken deflate stream, bad
    XML), into one InputError that names the file."""
    try:
        yield
    except _Refusal as refusal:
        raise InputError(str(refusal), file=name, hint=_SPLIT_HINT) from None
    except _DAMAGE as error:
        raise _unreadable(name, error) from None


def _unreadable(name: str, error: BaseException) -> InputError:
    return InputError(f"the workbook cannot be read ({first_line(error)})", file=name, hint=_UNREADABLE_HINT)


# --- the zip directory -----------------------------------------------------------------------------------


def _check_unpacked_sizes(parts: list[zipfile.ZipInfo], name: str) -> None:
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_UNPACKED_BYTES:
        raise InputError(
            f"unpacks to {_size(unpacked)}, over the limit of {_size(MAX_UNPACKED_BYTES)} for one workbook",
            file=name,
            hint="Split the workbook, or export the records as CSV",
        )
    for part in parts:
        if (
            part.file_size > RATIO_CHECKED_FROM_BYTES
            and part.file_size > MAX_COMPRESSION_RATIO * part.compress_size
        ):
            ratio = part.file_size / max(part.compress_size, 1)
            raise InputError(
                f"its part {part.filename} is compressed {ratio:.0f} to 1, over the limit of "
                f"{MAX_COMPRESSION_RATIO} to 1 (spreadsheets compress less than 30 to 1)",
                file=name,
                hint=_UNREADABLE_HINT,
            )


def _size(count: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale:
            value = count / scale
            return f"{value:.0f} {unit}" if value.is_integer() else f"{value:.1f} {unit}"
    return f"{count} bytes"


def _parts_by_name(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Parts by name as calamine looks them up: lower case, with forward slashes."""
    parts: dict[str, zipfile.ZipInfo] = {}
    for part in archive.infolist():
        parts.setdefault(part.filename.replace("\\", "/").lower(), part)
    return parts


def _check_shared_strings(archive: zipfile.ZipFile, part: zipfile.ZipInfo, name: str) -> None:
    """calamine makes room for as many texts as the shared strings declare (uniqueCount) before it
    reads one, so a workbook of 2 KB that declares a trillion aborts the process. A workbook has no
    more distinct texts than cells; this checks the declared count against MAX_SHEET_CELLS."""
    with archive.open(part) as stream:
        for piece in _pieces(stream, _CHUNK_BYTES, first=_FIRST_CHUNK_BYTES):
            root = _SHARED_STRINGS_TAG.search(piece)
            if root is None:
                continue
            declared = _number(_attributes(root.group(1)).get(b"uniqueCount", b""))
            if declared is not None and declared > MAX_SHEET_CELLS:
                raise InputError(
                    f"its shared strings declare {declared:,} distinct texts, over the limit of {MAX_SHEET_CELLS:,}",
                    file=name,
                    hint=_UNREADABLE_HINT,
                )
            return


_SHARED_STRINGS_TAG = re.compile(
    rb"<(?:(?:[^\s<>/?!:][^\s<>/:]*)?:)?sst(?=[\s/>])((?:[^<>\"']++|\"[^\"]*+\"|'[^']*+')*+)>"
)


# --- which part holds which sheet, resolved as calamine resolves it ----------------------------------------


def _workbook_folder(archive: zipfile.ZipFile, parts: dict[str, zipfile.ZipInfo]) -> str:
    """The folder of the workbook part that the package relationships name ("xl/" when they name
    none): calamine reads workbook.xml, its relationships and the shared strings from there."""
    relations = parts.get("_rels/.rels")
    if relations is not None:
        for _, kind, target in _relationships(archive, relations):
            if kind.endswith(_OFFICE_DOCUMENT):
                folder = posixpath.dirname(target.lower()).removeprefix("/")
                return f"{folder}/" if folder else ""
    return "xl/"


def _sheet_parts(archive: zipfile.ZipFile, name: str) -> dict[str, zipfile.ZipInfo]:
    parts = _parts_by_name(archive)
    folder = _workbook_folder(archive, parts)
    workbook = folder + "workbook.xml"
    relations = parts.get(f"{folder}_rels/workbook.xml.rels")
    targets = {
        relation: target
        for relation, kind, target in (_relationships(archive, relations) if relations else [])
        if kind.endswith(_WORKSHEET)
    }
    sheets: dict[str, zipfile.ZipInfo] = {}
    for sheet, relation in _workbook_sheets(archive, parts[workbook]):
        if relation not in targets or sheet in sheets:
            continue
        target = targets[relation]
        part_name = (target[1:] if target.startswith("/") else folder + target).lower()
        if part_name not in parts:
            raise InputError(
                f"its sheet {sheet!r} points to a part that is not in the workbook ({target})",
                file=name,
                hint=_UNREADABLE_HINT,
            )
        sheets[sheet] = parts[part_name]
    return sheets


def _relationships(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> Iterator[tuple[str, str, str]]:
    """(Id, Type, Target) of each relationship in a .rels part."""
    with archive.open(part) as stream:
        for _, element in ElementTree.iterparse(stream):
            if _local(element.tag) == "Relationship":
                yield element.get("Id", ""), element.get("Type", ""), element.get("Target", "")
            element.clear()


def _workbook_sheets(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> Iterator[tuple[str, str]]:
    """(name, relationship id) of each sheet the workbook part lists."""
    with archive.open(part) as stream:
        for _, element in ElementTree.iterparse(stream):
            if _local(element.tag) == "sheet":
                relation = next((value for key, value in element.attrib.items() if _local(key) == "id"), "")
                yield element.get("name", ""), relation
            element.clear()


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


# --- where an .xlsx sheet's cells are ------------------------------------------------------------------


# A start or end tag of a row or a cell. calamine takes an element's name after its first colon, so
# `<c`, `<x:c` and even `<:c` open a cell; attribute values may hold '>' in quotes. A tag cut short
# (no '>' before the next '<') has an empty last group.
_XLSX_TAG = re.compile(
    rb"<(/?)(?:(?:[^\s<>/?!:][^\s<>/:]*)?:)?(row|c)(?=[\s/>])((?:[^<>\"']++|\"[^\"]*+\"|'[^']*+')*+)(>?)"
)
_ATTRIBUTE = re.compile(rb"([^\s=]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_R_ATTRIBUTE = re.compile(rb"(?:^|\s)r\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_WELL_FORMED = re.compile(rb"(?:\s+[^\s=<>/\"']+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*/?")
_REFERENCE = re.compile(rb"([A-Za-z]*)([0-9]+)")


class _Refusal(Exception):
    """A sheet over a limit, said without the file's name (added where the InputError is raised)."""


class _CellExtent:
    """Follows calamine's placing of cells through a sheet's XML, tag by tag: a cell's reference
    (r="B7") places it; a cell without one goes after the previous cell, in the row that the last
    <row r="..."> named or counted. Only cells with content (not self-closing) widen the grid; every
    cell tag counts towards the cell limit, so that reading a hostile sheet ends early."""

    def __init__(self, sheet: str) -> None:
        self.sheet = sheet
        self.last_row = 0  # 1-based; 0 while no filled cell is seen
        self.last_column = 0
        self.row = 0  # where a cell without a reference goes (0-based, as calamine counts)
        self.column = 0
        self.cell_tags = 0
        self.row_tags = 0

    def read(self, xml: bytes) -> None:
        for tag in _XLSX_TAG.finditer(xml):
            closing, element, attributes, closed = tag.groups()
            if not closed or not _WELL_FORMED.fullmatch(attributes):
                # calamine reads such attributes its own way (a key may hold a space): not guessed at
                raise _Refusal(f"sheet {self.sheet!r} has a malformed cell or row tag")
            if element == b"row":
                self._row(closing == b"/", attributes)
            elif not closing:
                self._cell(attributes)

    def _row(self, closing: bool, attributes: bytes) -> None:
        if not closing:
            self.row_tags += 1
            if self.row_tags > EXCEL_LAST_ROW:
                raise _Refusal(f"sheet {self.sheet!r} has more than {EXCEL_LAST_ROW:,} rows, Excel's limit")
            rows = [_row_and_column(reference, self.sheet)[0] for reference in _references(attributes)]
            self.row = max(rows, default=self.row)  # of two, calamine takes the first: the larger is safe
        if closing or attributes.endswith(b"/"):
            self.row += 1
            self.column = 0

    def _cell(self, attributes: bytes) -> None:
        self.cell_tags += 1
        if self.cell_tags > MAX_SHEET_CELLS:
            raise _Refusal(f"sheet {self.sheet!r} has more than {MAX_SHEET_CELLS:,} cells, the limit")
        places = [_row_and_column(reference, self.sheet) for reference in _references(attributes)]
        places = places or [(self.row, self.column)]
        self.column = places[-1][1] + 1
        if attributes.endswith(b"/"):  # empty: calamine keeps no value, only moves on to the next cell
            return
        for row, column in places:
            self.last_row = max(self.last_row, row + 1)
            self.last_column = max(self.last_column, column + 1)
        if self.last_row * self.last_column > MAX_SHEET_CELLS:
            raise _Refusal(_too_many_cells(self.sheet, self.last_row, self.last_column))


def _references(attributes: bytes) -> list[bytes]:
    """The values of the r attributes among `attributes`. One that only seems to be an attribute,
    inside another's quoted value, is taken too: it can only widen the grid, or be refused."""
    return [double or single for double, single in _R_ATTRIBUTE.findall(attributes)]


def _row_and_column(reference: bytes, sheet: str) -> tuple[int, int]:
    """0-based (row, column) of a reference such as b"B7" (a row's reference may be digits alone),
    read as calamine reads it: letters of either case, then digits."""
    match = _REFERENCE.fullmatch(reference)
    row = int(match.group(2)) if match is not None and len(match.group(2)) <= 12 else EXCEL_LAST_ROW + 1
    if match is None or row == 0:
        shown = reference[:20].decode("latin-1")
        raise _Refusal(f"sheet {sheet!r} has a cell reference that is not one ({shown!r})")
    letters = match.group(1)
    column = _column_number(letters) if len(letters) <= 3 else EXCEL_LAST_COLUMN + 1
    if row > EXCEL_LAST_ROW or column > EXCEL_LAST_COLUMN:
        shown = reference[:20].decode("latin-1")
        raise _Refusal(f"sheet {sheet!r} has a cell at {shown}, past Excel's last cell XFD1048576")
    return row - 1, column - 1


@functools.lru_cache(maxsize=1 << 14)
def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - ord("A") + 1
    return number


def _too_many_cells(sheet: str, rows: int, columns: int) -> str:
    return (
        f"sheet {sheet!r} spans at least A1:{_column_letters(columns)}{rows} ({rows * columns:,} cells from "
        f"A1 to its last filled row and column), over the limit of {MAX_SHEET_CELLS:,} cells"
    )


def _column_letters(column: int) -> str:
    letters = ""
    while column > 0:
        column, remainder = divmod(column - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


class _NeedsFullReading(Exception):
    """The fast search met a cell it cannot place, or too many empty ones, so it cannot tell."""


# A wider table found past the first piece costs another fast pass; past this many, a full reading.
_FAST_PASSES = 3
# A fast pass skips this many empty cells past the table's bounds (formatted, never filled) before
# it leaves the sheet to a full reading, which counts them at its own pace.
_EMPTY_CELLS_SKIPPED = 100


def _check_sheet_cells(archive: zipfile.ZipFile, part: zipfile.ZipInfo, sheet: str) -> None:
    """Refuse the sheet if its grid passes MAX_SHEET_CELLS: the fast way first (again, with a wider
    table, when a cell lies right of the first piece's), a full reading when the fast way cannot tell."""
    try:
        columns = 0
        for _ in range(_FAST_PASSES):
            wider = _fast_pass(archive, part, sheet, columns)
            if wider is None:
                return
            columns = wider
    except _NeedsFullReading:
        pass
    extent = _CellExtent(sheet)
    with archive.open(part) as stream:
        for piece in _pieces(stream, _CHUNK_BYTES):
            extent.read(piece)


def _fast_pass(archive: zipfile.ZipFile, part: zipfile.ZipInfo, sheet: str, columns: int) -> int | None:
    """Read the first piece tag by tag, to learn the table's width (at least `columns`), then only
    search the rest, in C, for a filled cell past that width or past the rows the width allows.
    None if there is none; the wider width if a cell is right of it (the caller searches again).
    Refuses as soon as two cells prove the grid too big; raises _NeedsFullReading at a cell written
    in a way only a full reading places (no reference, another namespace prefix, another attribute
    first), or after too many empty cells."""
    with archive.open(part) as stream:
        pieces = _pieces(stream, _CHUNK_BYTES, first=_FIRST_CHUNK_BYTES)
        first = next(pieces, b"")
        prefix = _root_prefix(first)
        extent = _CellExtent(sheet)
        extent.read(first)
        columns = max(columns, extent.last_column, 1)
        if extent.last_row * columns > MAX_SHEET_CELLS:
            raise _Refusal(_too_many_cells(sheet, extent.last_row, columns))
        rows = min(MAX_SHEET_CELLS // columns, EXCEL_LAST_ROW)
        outside = _outside(columns, rows, prefix)
        empty_cells = 0
        for piece in _read_ahead(pieces):
            for tag in _tags_found(piece, outside):
                reference = _plain_reference(tag, prefix)
                if tag.group(3).endswith(b"/"):
                    empty_cells += 1
                    if empty_cells > _EMPTY_CELLS_SKIPPED:
                        raise _NeedsFullReading
                    continue
                row, column = (place + 1 for place in _row_and_column(reference, sheet))
                if row * max(column, columns) > MAX_SHEET_CELLS:
                    raise _Refusal(_too_many_cells(sheet, row, max(column, columns)))
                if column <= columns:  # found for how it is written, not for where it is
                    raise _NeedsFullReading
                return column
    return None


def _read_ahead(pieces: Iterator[bytes]) -> Iterator[bytes]:
    """`pieces`, each unpacked in a thread while the one before is searched: zlib and RE2 both let go
    of the GIL, so the two overlap (benchmarks/README.md)."""
    with ThreadPoolExecutor(1) as pool:
        coming = pool.submit(next, pieces, None)
        while (piece := coming.result()) is not None:
            coming = pool.submit(next, pieces, None)
            yield piece


def _root_prefix(first_piece: bytes) -> str:
    """The namespace prefix of the sheet's root element ("" for none; .NET's Open XML SDK writes "x"),
    which its cells share; a sheet without a plain root has every cell read the full way."""
    root = re.search(rb"<(?:([A-Za-z_][A-Za-z0-9_.-]*):)?worksheet[\s>/]", first_piece)
    if root is None:
        raise _NeedsFullReading
    return root.group(1).decode("ascii") if root.group(1) else ""


def _tags_found(piece: bytes, pattern: str) -> Iterator[re.Match[bytes]]:
    """The cell tags in `piece` that `pattern` finds, each read whole."""
    offset = 0
    while (found := _find(piece, pattern, offset)) >= 0:
        tag = _XLSX_TAG.match(piece, found)
        if tag is None:
            raise _NeedsFullReading
        yield tag
        offset = tag.end()


def _plain_reference(tag: re.Match[bytes], prefix: str) -> bytes:
    """The reference of a cell tag written `<c r="B7"` (with the sheet's prefix), the one way the
    fast search places a cell."""
    cell = b"<" + (prefix.encode() + b":" if prefix else b"") + b'c r="'
    plain = re.match(re.escape(cell) + rb'([A-Za-z]+[0-9]+)"', tag.group(0))
    attributes = tag.group(3)
    if (
        plain is None
        or not tag.group(4)
        or not _WELL_FORMED.fullmatch(attributes)
        or len(_references(attributes)) > 1
    ):
        raise _NeedsFullReading
    return plain.group(1)


def _pieces(stream: IO[bytes], size: int, *, first: int | None = None) -> Iterator[bytes]:
    """The stream in pieces that each end just before a '<', so that no tag is cut in two."""
    carried = b""
    wanted = first or size
    while block := stream.read(wanted):
        wanted = size
        block = carried + block
        cut = block.rfind(b"<")
        if cut <= 0:
            if len(block) > _MAX_UNBROKEN_BYTES:
                raise _Refusal(f"holds a text or tag of more than {_size(_MAX_UNBROKEN_BYTES)} in one piece")
            carried = block
            continue
        yield block[:cut]
        carried = block[cut:]
    if carried:
        yield carried


def _outside(columns: int, rows: int, prefix: str) -> str:
    """A regular expression (RE2) for any cell tag but `<c r="REF"` with REF within `columns` and
    `rows` (the prefix, if the sheet has one, before the c): a cell past them, or one placed by rules
    that only a full reading follows."""
    cell = "<" + (re.escape(prefix) + ":" if prefix else "") + "c"
    # The rest of a tag, quoted values whole: calamine's attribute reader needs no space after a
    # value, and takes the last of two r attributes.
    rest = "(?:[^\"'>]|\"[^\"]*\"|'[^']*')*"
    return "|".join(
        (
            cell + r"[\t\n\r/>]",  # no attributes, or other white space before them
            cell + r' (?:[^r]|r[^=]|r=[^"])',  # another attribute first
            _other_prefixes(prefix),
            cell + r' r="(?:[^A-Z]|[A-Z]+[^A-Z1-9]|[A-Z]+[1-9][0-9]*[^0-9"])',  # not like B7
            cell + r' r="' + _above(_column_letters(columns), "ABCDEFGHIJKLMNOPQRSTUVWXYZ") + "[1-9]",
            cell + r' r="[A-Z]+' + _above(str(rows), "0123456789") + '"',
            cell + r' r="[^"]*"' + rest + "[\\s\"']r\\s*=",  # a second r
            cell + rest + "(?:\"[^\"]*|'[^']*)?\\z",  # a tag the piece cuts short, at a '<' in a quoted value
        )
    )


def _other_prefixes(prefix: str) -> str:
    """A regular expression for cell tags with a namespace prefix other than `prefix` (or none, when
    the sheet has one): calamine takes any element named c, whatever its prefix, for a cell."""
    name = r"[^\s<>/:]"
    end = r":c[\t\n\r />]"
    if not prefix:
        return f"<{name}*{end}"
    others = [f"{name}{{0,{len(prefix) - 1}}}", f"{name}{{{len(prefix) + 1},}}"]
    for position, letter in enumerate(prefix):
        others.append(
            re.escape(prefix[:position])
            + rf"[^{re.escape(letter)}\s<>/:]{name}{{{len(prefix) - position - 1}}}"
        )
    return f"<(?:{'|'.join(others)}){end}|<c[\t\n\r />]"


def _above(numeral: str, alphabet: str) -> str:
    """A regular expression for the numerals in `alphabet` that are greater than `numeral`, when a
    longer numeral is greater and numerals of one length compare digit by digit: row numbers without
    leading zeros, and column letters."""
    lowest_leading = alphabet[1] if alphabet[0] == "0" else alphabet[0]
    options = [f"[{lowest_leading}-{alphabet[-1]}][{alphabet[0]}-{alphabet[-1]}]{{{len(numeral)},}}"]
    for position, digit in enumerate(numeral):
        higher = alphabet[alphabet.index(digit) + 1 :]
        if higher:
            rest = len(numeral) - position - 1
            options.append(
                f"{numeral[:position]}[{higher[0]}-{higher[-1]}][{alphabet[0]}-{alphabet[-1]}]{{{rest}}}"
            )
    return "(?:" + "|".join(options) + ")"


def _find(piece: bytes, pattern: str, offset: int) -> int:
    """Where `pattern` first matches in `piece` from `offset` on, or -1. RE2 through Arrow: one pass
    at several hundred MB/s, five times what Python's re manages with this pattern."""
    rest = piece[offset:] if offset else piece
    found = pc.find_substring_regex(pa.array([rest], pa.binary()), pattern)[0].as_py()
    return found + offset if found >= 0 else -1


# --- .ods: calamine expands every table when it opens the file -------------------------------------------


class _OdsTable:
    """Follows calamine's expansion of one .ods table: a cell repeated across columns is held once per
    column in its row, and the grid from A1 to the last filled row and column once per repeated row.
    Empty cells are held only before a filled one; empty rows only between filled ones."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.rows = 0  # rows so far, repeats counted, as calamine caps them at Excel's height
        self.last_row = 0
        self.last_column = 0
        self.held = 0  # cells calamine holds before expanding repeated rows
        self.row_repeats = 1
        self.row_width = 0
        self.pending_empty = 0

    def start_row(self, attributes: bytes) -> None:
        repeats = _repeats(attributes, b"table:number-rows-repeated", self.name)
        self.row_repeats = min(repeats, EXCEL_LAST_ROW - self.rows)
        self.row_width = 0
        self.pending_empty = 0

    def cell(self, attributes: bytes) -> None:
        """A cell is taken as filled when it has content or any office:value... attribute (an empty
        one with office:value-type too: counting it costs nothing but a bound a little high)."""
        repeats = _repeats(attributes, b"table:number-columns-repeated", self.name)
        if not attributes.endswith(b"/") or b"office:value" in attributes:
            self.row_width = min(self.row_width + self.pending_empty + repeats, EXCEL_LAST_COLUMN)
            self.pending_empty = 0
        else:
            self.pending_empty += repeats

    def end_row(self) -> None:
        self.held += self.row_width
        self.rows += self.row_repeats
        if self.row_width:
            self.last_row = self.rows
            self.last_column = max(self.last_column, self.row_width)
        if self.held > MAX_SHEET_CELLS or self.last_row * self.last_column > MAX_SHEET_CELLS:
            raise _Refusal(_too_many_cells(self.name, self.last_row, self.last_column))


def _check_ods_content(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    table = _OdsTable("")
    cell_tags = 0
    with archive.open(part) as stream:
        for piece in _pieces(stream, _CHUNK_BYTES):
            for tag in _ODS_TAG.finditer(piece):
                closing, element, attribute_text, closed = tag.groups()
                if not closed:
                    raise _Refusal("its content.xml has a malformed tag")
                if closing:
                    if element == b"table-row":
                        table.end_row()
                elif element == b"table-cell" or element == b"covered-table-cell":
                    cell_tags += 1
                    if cell_tags > MAX_SHEET_CELLS:
                        raise _Refusal(f"has more than {MAX_SHEET_CELLS:,} cells, the limit")
                    table.cell(attribute_text)
                elif element == b"table-row":
                    table.start_row(attribute_text)
                    if attribute_text.endswith(b"/"):
                        table.end_row()
                else:
                    name = _attributes(attribute_text).get(b"table:name", b"")
                    table = _OdsTable(name.decode("utf-8", "replace"))


# calamine knows the .ods elements by their full names, prefix included.
_ODS_TAG = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])((?:[^<>\"']++|\"[^\"]*+\"|'[^']*+')*+)(>?)"
)


def _attributes(text: bytes) -> dict[bytes, bytes]:
    return {
        match.group(1): match.group(2) if match.group(2) is not None else match.group(3)
        for match in _ATTRIBUTE.finditer(text)
    }


def _number(text: bytes) -> int | None:
    """A count as calamine reads it; None if it is not one, or too long to be one (calamine's
    counts are 64-bit)."""
    digits = text.strip()
    return int(digits) if digits.isdigit() and len(digits) <= 30 else None


def _repeats(attributes: bytes, key: bytes, table: str) -> int:
    if key not in attributes:  # most cells and rows: no need to read their attributes
        return 1
    text = _attributes(attributes).get(key, b"1")
    count = _number(text)
    if count is None:
        raise _Refusal(f"sheet {table!r} repeats a cell or row {text[:20].decode('latin-1')!r} times")
    return count
