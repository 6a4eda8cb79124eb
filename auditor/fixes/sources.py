"""The input tables a fix plan writes about, read again with the loader: a plan names original
headers and holds original values (what the import files and the restore file need), which the
record model has mapped and normalised away."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from auditor.api import AuditResult, InputReport
from auditor.errors import AuditorError, InputError
from auditor.findings import RecordRef
from auditor.loading import RawTable, load_file


@dataclass
class Table:
    """One audited table as read again: its original headers and cells, what each header maps to."""

    report: InputReport
    raw: RawTable
    _index_of_row: dict[int, int]
    # Rows taken ahead (`prefetch`): spreadsheet row -> its cells in header order.
    _taken: dict[int, list[str]] = field(default_factory=dict)

    @cached_property
    def headers(self) -> list[str]:
        return [str(header) for header in self.raw.frame.columns]

    def field_of(self, header: str) -> str | None:
        return self.report.columns.get(header)

    @cached_property
    def _by_field(self) -> dict[str, list[str]]:
        headers: dict[str, list[str]] = defaultdict(list)
        for header in self.headers:
            if header in self.report.columns:
                headers[self.report.columns[header]].append(header)
        return headers

    def headers_of(self, name: str) -> list[str]:
        """The headers mapped to field `name`, in the file's order."""
        return self._by_field.get(name, [])

    def cells(self, row: int) -> dict[str, str]:
        """The record at spreadsheet row `row`, every header with its text as exported."""
        if row in self._taken:
            return dict(zip(self.headers, self._taken[row], strict=True))
        index = self._index_of_row.get(row)
        if index is None:
            raise AuditorError(
                f"row {row} is no longer a record: the file changed since the audit",
                file=self.report.file,
                hint="Audit it again before planning fixes",
            )
        return {header: str(value) for header, value in self.raw.frame.iloc[index].items()}

    def take(self, rows: list[int]) -> None:
        """Read these rows' cells at once (the rows no longer in the file are left to `cells`)."""
        found = sorted({row for row in rows if row in self._index_of_row and row not in self._taken})
        if not found:
            return
        taken = self.raw.frame.iloc[[self._index_of_row[row] for row in found]]
        values = taken.astype("str").to_numpy(dtype=object).tolist()
        self._taken.update(zip(found, values, strict=True))


class Sources:
    """The audited tables, each read again the first time a plan needs it. `paths` maps an input's
    name in the result (its `file`) to where it is now; by default the name is the path."""

    def __init__(self, result: AuditResult, paths: Mapping[str, str | Path] | None = None) -> None:
        self._result = result
        self._paths = dict(paths or {})
        self._tables: dict[tuple[str, str | None], Table] = {}
        self._reports = {
            (report.file, report.sheet): report
            for report in result.inputs
            if report.role == "audited" and not report.error
        }
        self._position: dict[tuple[str, str | None, int], int] | None = None

    def position(self, ref: RecordRef) -> int:
        """The record's row in the audit's records table."""
        if ref.position >= 0:
            return ref.position
        if self._position is None:  # only for findings made by hand: the audit's know their records
            records = self._result.records
            keys = zip(
                records["source_file"].tolist(),
                [sheet or None for sheet in records["source_sheet"].tolist()],
                records["source_row"].tolist(),
                strict=True,
            )
            self._position = {key: position for position, key in enumerate(keys)}
        return self._position[(ref.file, ref.sheet or None, ref.row)]

    def table(self, file: str, sheet: str | None) -> Table:
        key = (file, sheet or None)
        if key not in self._tables:
            report = self._reports.get(key)
            if report is None:
                raise AuditorError(f"{file} was not audited as a table of people", file=file)
            path = Path(self._paths.get(file, file))
            try:
                tables = load_file(path, sheet=report.sheet)
            except InputError as error:
                raise AuditorError(
                    f"cannot be read again to plan fixes ({error.describe()})", file=file
                ) from None
            raw = next((table for table in tables if (table.sheet or None) == key[1]), None)
            if raw is None:
                raise AuditorError(
                    f"the sheet {sheet!r} is gone: the file changed since the audit", file=file
                )
            rows = np.asarray(raw.row_numbers).tolist()
            self._tables[key] = Table(report, raw, {int(row): index for index, row in enumerate(rows)})
        return self._tables[key]

    def prefetch(self, refs: list[RecordRef]) -> None:
        """Take the rows of these records from their tables at once."""
        by_table: dict[tuple[str, str | None], list[int]] = defaultdict(list)
        for ref in refs:
            by_table[(ref.file, ref.sheet or None)].append(ref.row)
        for (file, sheet), rows in by_table.items():
            self.table(file, sheet).take(rows)

    def cells(self, ref: RecordRef) -> dict[str, str]:
        """A record's original cells, checked against the audit: the same id where it has one."""
        table = self.table(ref.file, ref.sheet)
        cells = table.cells(ref.row)
        for header in table.headers_of("source_id"):
            if ref.id and cells[header].strip() != ref.id:
                raise AuditorError(
                    f"row {ref.row} holds {cells[header].strip()!r}, not the audited record {ref.id!r}: "
                    "the file changed since the audit",
                    file=ref.file,
                    hint="Audit it again before planning fixes",
                )
        return cells
