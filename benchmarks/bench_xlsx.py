"""XLSX benchmark: the finding sheets' rows generated as sheet XML with Arrow kernels and spliced into
the workbook xlsxwriter wrote (auditor/reporting/xlsx_rows.py), against the same rows written cell by
cell through xlsxwriter's public API.

    python benchmarks/bench_xlsx.py                      # 250k records: benchmarks/data/250k, made if missing
    python benchmarks/bench_xlsx.py --data benchmarks/data/1m --rounds 3     # the 1.28M-record org

Audits a neglected org of `synth.py` (four fifths leads, one fifth contacts, their accounts and users)
once, then writes its XLSX report `--rounds` times with each of:
- spliced: `xlsx_report.write_xlsx` as it is;
- cell by cell: the same `write_xlsx` with `start_table` swapped, in this script only, for one that
  writes each table's rows as soon as its header is written, with `write_string`, `write_number` and
  `write_blank` and the same formats, from the same row source, in the same constant-memory
  workbook; nothing is left to splice. The values get the same treatment (`inert_text` is the
  one-value form of what the spliced rows apply; xlsxwriter escapes XML and control characters).

The variants alternate within one process (the machine is shared and noisy: only a ratio measured in
one run means much). Each write runs in a freshly forked child, as `auditor.reporting.writing` writes
reports of mid-sized audits: the child shares the audit copy-on-write, and its peak RSS above its RSS
at the fork is the writer's own memory, Arrow's buffers included (tracemalloc sees only Python's).
Then both workbooks of the last round are checked to hold the same cells: the count of cells in
every finding sheet, and the values and formats of sampled rows, read back with openpyxl.

Prints, per variant: median seconds of the whole `write_xlsx`, median peak RSS growth, cells written
in the finding sheets, µs per cell (whole write / cells), and the ratio spliced / cell by cell. A
value that differs stops the run; cell counts or formats that differ are printed after the figures,
and the run exits with status 1.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import statistics
import sys
import time
import traceback
import zipfile
from collections.abc import Callable
from itertools import zip_longest
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from auditor.api import AuditResult, audit
from auditor.config import Config
from auditor.finding_groups import collector_paused
from auditor.memory import return_free_memory
from auditor.reporting import xlsx_report, xlsx_rows
from auditor.reporting.xlsx_rows import Column, PendingRows, RowSource, inert_text

HERE = Path(__file__).resolve().parent
AS_OF = "2026-11-01"  # the date synth.py ages its records against
CHUNK_ROWS = 10_000  # rows asked of a source at a time, as the spliced rows are made
FIRST_FINDING_SHEET = 3  # sheet1 is the summary, sheet2 the inputs


def cell_by_cell_table(
    sheet: Worksheet, columns: list[Column], header_style: Format, *, rows: int, source: RowSource
) -> PendingRows:
    """The baseline: `start_table` (header, widths, frozen pane, filter), then every row written at
    once through xlsxwriter, in row order as constant-memory mode wants. The pending table it returns
    has no rows, so `splice_rows` leaves the sheet as xlsxwriter wrote it."""
    pending = xlsx_rows.start_table(sheet, columns, header_style, rows=rows, source=source)
    write_string, write_number, write_blank = sheet.write_string, sheet.write_number, sheet.write_blank
    for start in range(0, rows, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, rows)
        values = [array.to_pylist() for array in source(start, stop)]
        formats = [_formats(column, start, stop) for column in columns]
        for offset in range(stop - start):
            row = start + offset + 1  # under the header
            for number, column in enumerate(columns):
                value, style = values[number][offset], formats[number][offset]
                # As the spliced rows: blank numbers and empty texts are left out unless styled.
                if column.number:
                    if value is not None:
                        write_number(row, number, value, style)
                    elif style is not None:
                        write_blank(row, number, None, style)
                else:
                    text = inert_text("" if value is None else str(value))
                    if text:
                        write_string(row, number, text, style)
                    elif style is not None:
                        write_blank(row, number, None, style)
    return dataclasses.replace(pending, rows=0)


def _formats(column: Column, start: int, stop: int) -> list[Format | None]:
    if column.styles is None:
        return [None] * (stop - start)
    choices = column.styles.formats
    return [choices[code] if code >= 0 else None for code in column.styles.codes[start:stop].tolist()]


def write_spliced(result: AuditResult, path: Path) -> None:
    xlsx_report.write_xlsx(result, path)


def write_cell_by_cell(result: AuditResult, path: Path) -> None:
    with mock.patch.object(xlsx_report, "start_table", cell_by_cell_table):
        xlsx_report.write_xlsx(result, path)


@dataclasses.dataclass
class Run:
    seconds: float
    growth: int  # bytes of peak RSS above the RSS at the fork


def run_forked(write: Callable[[AuditResult, Path], None], result: AuditResult, path: Path) -> Run:
    """`write` in a forked child; its time as the child measured it and its peak RSS growth."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report "seconds rss-at-start" on the pipe, or fail
        status = 1
        try:
            os.close(reader)
            _reset_peak_rss()
            start_rss = _status_kib("VmRSS")
            with collector_paused():  # as write_reports runs every writer
                start = time.perf_counter()
                write(result, path)
                seconds = time.perf_counter() - start
            os.write(writer, f"{seconds} {start_rss}".encode())
            status = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(status)
    os.close(writer)
    with os.fdopen(reader) as pipe:
        said = pipe.read()
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0 or not said:
        raise SystemExit(f"the writer failed (status {status})")
    seconds, start_rss = said.split()
    # Linux gives ru_maxrss in KiB.
    return Run(float(seconds), (usage.ru_maxrss - int(start_rss)) * 1024)


def _reset_peak_rss() -> None:
    """A forked child may start with its parent's peak RSS (the audit's) as its own, which would
    hide the writer's; "5" in clear_refs resets the peak to the current RSS (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        pass


def _status_kib(key: str) -> int:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


def finding_sheets(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as book:
        names = [name for name in book.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name)]
    return sorted(
        (name for name in names if int(re.findall(r"\d+", name)[0]) >= FIRST_FINDING_SHEET),
        key=lambda name: int(re.findall(r"\d+", name)[0]),
    )


def data_cells(path: Path) -> dict[str, int]:
    """Per finding sheet, the cells under its header row, counted in the sheet XML as stored."""
    counts = {}
    with zipfile.ZipFile(path) as book:
        for name in finding_sheets(path):
            cells, carry = 0, b""
            with book.open(name) as sheet:
                while block := sheet.read(1 << 24):
                    # Two bytes carried over find a "<c " cut by the boundary, and cannot hold one.
                    text = carry + block
                    cells += text.count(b"<c ")
                    carry = text[-2:]
            with book.open(name) as sheet:
                head = sheet.read(1 << 20)
            header = re.search(rb'<row r="1"[^>]*>(.*?)</row>', head, re.S)
            counts[name] = cells - (header.group(1).count(b"<c ") if header else 0)
    return counts


def compare(spliced: Path, baseline: Path, sample: int, seed: int = 1) -> list[str]:
    """The differences between the two workbooks' finding sheets: their cell counts, then the
    cells of sampled rows (the first, the last, `sample` drawn at random) read back with openpyxl in
    read-only mode (which streams each sheet from its start). A value that differs ends the run: the
    timings would compare different work. Formats that differ are returned, to be printed."""
    from openpyxl import load_workbook

    problems = []
    counts = [data_cells(path) for path in (spliced, baseline)]
    for name in counts[1]:
        if counts[0].get(name) != counts[1][name]:
            problems.append(f"{name}: {counts[0].get(name)} cells spliced, {counts[1][name]} cell by cell")
    books = [load_workbook(path, read_only=True) for path in (spliced, baseline)]
    rng = np.random.default_rng(seed)
    checked, unformatted = 0, 0
    try:
        for name in books[0].sheetnames[FIRST_FINDING_SHEET - 1 :]:
            sheets = [book[name] for book in books]
            rows = sheets[0].max_row or 0
            if (sheets[1].max_row or 0) != rows:
                raise SystemExit(f"{name}: {rows} rows spliced, {sheets[1].max_row} cell by cell")
            drawn = rng.choice(np.arange(2, rows + 1), min(sample, max(rows - 1, 0)), replace=False)
            wanted = {*drawn.tolist(), 2, rows}
            pairs = zip(*(sheet.iter_rows(min_row=1, max_row=max(wanted)) for sheet in sheets), strict=True)
            for number, (left, right) in enumerate(pairs, start=1):
                if number not in wanted:
                    continue
                looks = [_looks(left), _looks(right)]
                values = [[cell[0] for cell in side] for side in looks]
                if _trimmed(values[0]) != _trimmed(values[1]):
                    raise SystemExit(f"{name} row {number} differs:\n{values[0]}\n{values[1]}")
                if looks[0] != looks[1]:
                    unformatted += 1
                    if unformatted == 1:  # the first cell that differs, as an example
                        at = next(i for i, pair in enumerate(zip_longest(*looks)) if pair[0] != pair[1])
                        problems.append(
                            f"{name} row {number} column {at + 1}: {looks[0][at]} against {looks[1][at]}"
                        )
                checked += 1
    finally:
        for book in books:
            book.close()
    print(f"check: {checked:,} sampled rows of {len(counts[1])} finding sheets hold the same values")
    if unformatted:
        problems.append(f"{unformatted:,} of the {checked:,} sampled rows are formatted differently")
    return problems


def _looks(row: tuple[object, ...]) -> list[tuple[object, ...]]:
    """Each cell's value, boldness, font colour, fill colour and vertical alignment (a cell without a
    format of its own and without a value is no cell)."""
    cells = []
    for cell in row:
        font, fill = getattr(cell, "font", None), getattr(cell, "fill", None)
        alignment = getattr(cell, "alignment", None)
        cells.append(
            (
                getattr(cell, "value", None),
                bool(font and font.b),
                _colour(font.color if font else None),
                _colour(fill.fgColor if fill and fill.fill_type else None),
                alignment.vertical if alignment else None,
            )
        )
    return _trimmed(cells, (None, False, None, None, None))


def _colour(colour: object) -> str | None:
    # Only explicit colours: the default font's is a theme colour, which a cell without a format of
    # its own reads as no font at all.
    return colour.rgb if colour is not None and colour.type == "rgb" else None  # type: ignore[attr-defined]


def _trimmed(cells: list, blank: object = None) -> list:
    cells = list(cells)
    while cells and cells[-1] == blank:  # a trailing blank is no cell at all
        cells.pop()
    return cells


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=250_000, help="leads and contacts of the org")
    parser.add_argument("--rounds", type=int, default=3, help="writes of each variant, alternated")
    parser.add_argument("--sample", type=int, default=500, help="rows per sheet compared cell by cell")
    parser.add_argument(
        "--data", type=Path, help="exports of synth.py to audit (default: data/<records>k, made if missing)"
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/crm-audit-bench-xlsx"))
    args = parser.parse_args()

    folder = args.data or HERE / "data" / f"{args.records // 1000}k"
    if not (folder / "User.csv").exists():
        sys.path.insert(0, str(HERE))
        from synth import generate

        generate(folder, leads=args.records * 4 // 5, contacts=args.records // 5)
    paths = [folder / name for name in ("Lead.csv", "Contact.csv", "Account.csv", "User.csv")]
    start = time.perf_counter()
    result = audit(paths, Config(as_of=pd.Timestamp(AS_OF).date()))
    audited = time.perf_counter() - start
    # What the audit freed would otherwise be reused by the first child alone (write_reports
    # hands it back before forking too).
    return_free_memory()
    print(
        f"{folder}: {len(result.records):,} records, {len(result.findings):,} findings, "
        f"audited in {audited:.1f} s"
    )

    variants = {
        "spliced": write_spliced,
        "cell by cell": write_cell_by_cell,
    }
    args.work.mkdir(parents=True, exist_ok=True)
    runs: dict[str, list[Run]] = {name: [] for name in variants}
    outputs = {name: args.work / f"{name.replace(' ', '-')}.xlsx" for name in variants}
    for round_ in range(args.rounds):
        # Alternate which goes first: neither always gets the cooler machine or the warmer caches.
        order = list(variants) if round_ % 2 == 0 else list(reversed(variants))
        for name in order:
            run = run_forked(variants[name], result, outputs[name])
            runs[name].append(run)
            print(f"  round {round_ + 1} {name:<12} {run.seconds:7.2f} s  +{run.growth / 2**20:5.0f} MiB RSS")

    problems = compare(outputs["spliced"], outputs["cell by cell"], args.sample)
    medians = {name: statistics.median(run.seconds for run in found) for name, found in runs.items()}
    growths = {name: statistics.median(run.growth for run in found) for name, found in runs.items()}
    print(f"median of {args.rounds} rounds, each write in a forked child (the whole write_xlsx):")
    for name, path in outputs.items():
        cells = sum(data_cells(path).values())
        print(
            f"  {name:<24} {medians[name]:7.2f} s  "
            f"peak RSS +{growths[name] / 2**20:4.0f} MiB  {cells:,} cells in finding sheets  "
            f"{medians[name] / cells * 1e6:5.2f} µs per cell  file {path.stat().st_size / 2**20:.0f} MiB"
        )
    print(
        f"ratio spliced / cell by cell: time {medians['spliced'] / medians['cell by cell']:.2f}, "
        f"peak RSS growth {growths['spliced'] / max(growths['cell by cell'], 1):.2f}"
    )
    if problems:
        # The figures stand (the values are the same), but the workbooks are not: say so and fail.
        print("CHECK FAILED, the workbooks differ beyond their values:\n  " + "\n  ".join(problems))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
