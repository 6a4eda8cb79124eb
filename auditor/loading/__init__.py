"""Step 1 of the pipeline: read input files into tables of text, whatever their format and encoding."""

from __future__ import annotations

from pathlib import Path

from auditor.errors import InputError
from auditor.loading.csv_reader import read_csv
from auditor.loading.excel_reader import EXCEL_SUFFIXES, read_workbook
from auditor.loading.table import RaggedRow, RawTable

__all__ = ["RaggedRow", "RawTable", "load_file"]

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def load_file(path: str | Path, *, sheet: str | None = None) -> list[RawTable]:
    """Read one export into one table (CSV) or one per sheet holding records (workbooks).

    The file is opened for reading only. Its kind is judged by content first, then by name, so a
    workbook saved as ".csv" is still read as a workbook and junk named ".xlsx" is refused clearly.
    """
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise InputError("no such file", file=name, hint="Check the path")
    if path.is_dir():
        raise InputError(
            "is a folder with no CSV or Excel export in it", file=name, hint="Name the export files"
        )
    try:
        with path.open("rb") as handle:
            magic = handle.read(8)
    except PermissionError:
        raise InputError(
            "cannot be opened (permission denied)", file=name, hint="Check the file's permissions"
        ) from None
    if magic.startswith((_ZIP_MAGIC, _OLE_MAGIC)) or path.suffix.lower() in EXCEL_SUFFIXES:
        return read_workbook(path, display_name=name, sheet=sheet)
    return [read_csv(path, display_name=name)]
