"""Step 1 of the pipeline: read input files into tables of text, whatever their format and encoding."""

from __future__ import annotations

import os
import re
import stat
import zipfile
from pathlib import Path

from auditor import TOOL
from auditor.errors import InputError
from auditor.loading.csv_reader import read_csv
from auditor.loading.excel_reader import EXCEL_SUFFIXES, read_workbook
from auditor.loading.parquet_reader import PARQUET_MAGIC, PARQUET_SUFFIXES, read_parquet
from auditor.loading.table import RaggedRow, RawTable
from auditor.model import CONTRACT_COLUMNS
from auditor.wording import Words

__all__ = ["RaggedRow", "RawTable", "file_identity", "load_file", "written_by_crm_audit"]

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def load_file(
    path: str | Path, *, sheet: str | None = None, display_name: str | None = None
) -> list[RawTable]:
    """Read one export into one table (CSV, Parquet) or one per sheet holding records (workbooks).

    The file is opened for reading only. Its kind is judged by content first, then by name, so a
    workbook saved as ".csv" is still read as a workbook and junk named ".xlsx" is refused clearly.
    """
    path = Path(path)
    # The file as the user gave it, for the messages: a Dask worker opens an absolute path, or
    # a fetched copy of a URL.
    name = display_name or str(path)
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
    if magic.startswith(PARQUET_MAGIC) or path.suffix.lower() in PARQUET_SUFFIXES:
        return [read_parquet(path, display_name=name)]
    return [read_csv(path, display_name=name)]


# How the normalised records begin (their first columns, docs/CONTRACT.md), and the author the
# XLSX report names in its document properties.
_NORMALISED_HEADER = ",".join(CONTRACT_COLUMNS[:7]).encode() + b","
_OUR_WORKBOOK = re.compile(rb"<dc:creator>" + TOOL.encode() + rb"</dc:creator>")


def written_by_crm_audit(path: str | Path) -> str | None:
    """Why the file is one of crm-audit's own reports (a normalised export, an XLSX report), or
    None. A folder audited twice holds the reports of the first run: read as exports, they would
    make every record its own duplicate."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            start = handle.read(len(_NORMALISED_HEADER) + 3)
        if start.removeprefix(b"\xef\xbb\xbf").startswith(_NORMALISED_HEADER):
            return Words("input_reason.our_records")
        if start.startswith(_ZIP_MAGIC) and zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                if "docProps/core.xml" in archive.namelist():
                    properties = archive.open("docProps/core.xml").read(4096)
                    if _OUR_WORKBOOK.search(properties):
                        return Words("input_reason.our_workbook")
    except (OSError, zipfile.BadZipFile, KeyError):
        return None  # the loader says what is wrong with it
    return None


def file_identity(path: str | Path) -> tuple[int, int] | None:
    """The regular file's device and inode, what every name of one file shares (a hard link, a
    symlink, another spelling of its path); None when there is no such file."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_dev, found.st_ino) if stat.S_ISREG(found.st_mode) else None
