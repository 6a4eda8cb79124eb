"""Reading Excel workbooks (.xlsx, .xlsm, .xls, .ods) with calamine.

calamine (Rust) reads a 100k-row Dynamics export in 0.9 s where openpyxl's read-only mode took 13 s
when the reader was chosen. Cells come back as Python values; this module turns each into
the text a person reads in the sheet: numbers without a spurious ".0", dates as ISO dates, booleans
as TRUE/FALSE. Hidden columns are read like any other (Dynamics 365 keeps record ids in them);
hidden sheets are skipped unless named with --sheet, as Dynamics adds one for its own bookkeeping.
Before calamine opens a workbook, and before it reads each sheet, `limits` checks that the workbook
is within what the reader can hold (auditor/loading/limits.py states the limits). A legacy .xls is
no zip to look into, so it is read in a child process of bounded memory (`_read_apart`).
"""

from __future__ import annotations

import datetime as dt
import faulthandler
import multiprocessing
import os
import resource
import zipfile
from multiprocessing.connection import Connection
from pathlib import Path

import numpy as np
import pandas as pd
import python_calamine as calamine

from auditor.errors import InputError, first_line
from auditor.loading.limits import WorkbookLimits, check_workbook
from auditor.loading.table import RawTable, dedupe_headers, find_header_row, trim_records

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_ZIP_FORMATS = (".xlsx", ".xlsm", ".ods")
_HEADER_SEARCH_ROWS = 30


def read_workbook(path: Path, *, display_name: str, sheet: str | None = None) -> list[RawTable]:
    """One table per sheet that holds records (or just `sheet`)."""
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise InputError("the file is empty", file=display_name, hint="Export the records again")
    if suffix in _ZIP_FORMATS and not zipfile.is_zipfile(path):
        raise InputError(
            f"is not a valid {suffix} workbook (not a zip archive; truncated or another format renamed)",
            file=display_name,
            hint="Open it in Excel and save it again, or export as CSV",
        )
    # A daemon process (a Dask worker started by `dask worker`) may not start children: there the
    # .xls is read in the process itself, and a crafted one costs the worker, not only the file.
    if (
        suffix == ".xls"
        and "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
    ):
        return _read_apart(path, display_name, sheet)
    return _read(path, display_name, sheet)


# What the child reading a legacy .xls may take beyond what it was forked with: the largest .xls
# (65,536 rows by 256 columns) needs about 2 GiB as text.
XLS_MEMORY_BYTES = 3 << 30
_TOO_BIG = (
    "refused",
    f"reading it needs more than {XLS_MEMORY_BYTES >> 30} GiB, more than any .xls can hold "
    "(a damaged or crafted file)",
    "Open it in Excel and save it as .xlsx or CSV",
)


def _read_apart(path: Path, display_name: str, sheet: str | None) -> list[RawTable]:
    """`_read` in a forked child whose address space is capped. calamine lays an .xls sheet's cells
    in a dense grid as it opens the file, sized by the farthest cell record: a crafted 5 KB file asks
    for 128 GiB and aborts the process. Here that ends only the child, and costs only this file."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_read_in_child, args=(path, display_name, sheet, sender), daemon=True)
    child.start()
    sender.close()
    try:
        outcome = receiver.recv()
    except EOFError:  # the child died: calamine aborted on an allocation over the cap
        outcome = _TOO_BIG
    finally:
        receiver.close()
        child.join()
    if outcome[0] == "tables":
        return outcome[1]
    raise InputError(outcome[1], file=display_name, hint=outcome[2])


def _read_in_child(path: Path, display_name: str, sheet: str | None, sender: Connection) -> None:
    # calamine's last words when it aborts (a Rust backtrace) are not the user's to read: the parent
    # says what happened in one line.
    faulthandler.disable()
    with open(os.devnull, "wb") as nowhere:
        os.dup2(nowhere.fileno(), 2)
    try:
        with open("/proc/self/statm") as statm:  # pages of address space held now
            held = int(statm.read().split()[0]) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (held + XLS_MEMORY_BYTES, resource.RLIM_INFINITY))
    except (OSError, ValueError):  # no /proc: the cap is a safeguard, not a condition of reading
        pass
    try:
        sender.send(("tables", _read(path, display_name, sheet)))
    except InputError as error:
        sender.send(("refused", error.reason, error.hint))
    except MemoryError:
        sender.send(_TOO_BIG)
    finally:
        sender.close()


def _read(path: Path, display_name: str, sheet: str | None) -> list[RawTable]:
    try:
        with check_workbook(path, display_name=display_name) as limits:
            workbook = calamine.CalamineWorkbook.from_path(str(path))
            return _tables(workbook, display_name, sheet, limits)
    except InputError:
        raise
    except (calamine.CalamineError, zipfile.BadZipFile, OSError, ValueError) as error:
        raise InputError(
            f"the workbook cannot be read ({first_line(error, opened=path, name=display_name)})",
            file=display_name,
            hint="Open it in Excel and save it again, or export as CSV",
        ) from None
    except Exception as error:  # calamine raises bare exceptions for some damaged archives
        if type(error).__module__.startswith("python_calamine") or "zip" in str(error).lower():
            raise InputError(
                f"the workbook cannot be read ({first_line(error, opened=path, name=display_name)})",
                file=display_name,
                hint="Export it again",
            ) from None
        raise
    except BaseException as error:
        # A panic in calamine's Rust code reaches Python as pyo3's PanicException, a BaseException:
        # it is about this one workbook, and must not end the audit of the others.
        if type(error).__name__ == "PanicException":
            raise InputError(
                f"the workbook cannot be read (calamine failed: {first_line(error, opened=path, name=display_name)})",
                file=display_name,
                hint="Open it in Excel and save it again, or export as CSV",
            ) from None
        raise


def _tables(
    workbook: calamine.CalamineWorkbook, name: str, wanted: str | None, limits: WorkbookLimits
) -> list[RawTable]:
    sheets = [meta for meta in workbook.sheets_metadata if meta.typ == calamine.SheetTypeEnum.WorkSheet]
    if wanted is not None:
        chosen = [meta for meta in sheets if meta.name == wanted] or [
            meta for meta in sheets if meta.name.casefold() == wanted.casefold()
        ]
        if not chosen:
            available = ", ".join(meta.name for meta in sheets)
            raise InputError(f"has no sheet named {wanted!r}", file=name, hint=f"Its sheets are: {available}")
    else:
        chosen = [meta for meta in sheets if meta.visible == calamine.SheetVisibleEnum.Visible]
    tables = []
    for meta in chosen:
        limits.check_sheet(meta.name)  # calamine aborts the process on a sheet too large to hold
        rows = workbook.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        table = _table_from_rows(rows, name, meta.name)
        if table is not None and (table.rows or wanted is not None):
            tables.append(table)
    if not tables:
        raise InputError(
            "no sheet holds a table of records",
            file=name,
            hint="Check the workbook, or name a sheet with --sheet",
        )
    return tables


def _table_from_rows(rows: list[list[object]], name: str, sheet: str) -> RawTable | None:
    if not rows:
        return None
    head = [[cell_text(value) for value in row] for row in rows[:_HEADER_SEARCH_ROWS]]
    header_index = find_header_row(head)
    header_cells = head[header_index]
    # Trailing empty header cells are the used range's padding, not columns.
    while header_cells and not header_cells[-1].strip():
        header_cells = header_cells[:-1]
    if len(header_cells) < 1:
        return None
    headers, repeated = dedupe_headers(header_cells)
    width = len(headers)
    body = rows[header_index + 1 :]
    columns = [
        [cell_text(row[position]) if position < len(row) else "" for row in body] for position in range(width)
    ]
    frame = pd.DataFrame(
        {header: pd.array(column, dtype="str") for header, column in zip(headers, columns, strict=True)}
    )
    row_numbers = np.arange(header_index + 2, header_index + 2 + len(frame), dtype=np.int64)
    frame, row_numbers, notes = trim_records(frame, row_numbers, header_index)
    return RawTable(
        file=name,
        frame=frame,
        headers=headers,
        row_numbers=row_numbers,
        format="xlsx",
        sheet=sheet,
        duplicate_headers=repeated,
        notes=notes,
    )


def cell_text(value: object) -> str:
    """The text a person sees in the cell, for the value calamine returns."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds" if value.microsecond == 0 else "milliseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)
