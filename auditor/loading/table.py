"""What a loader hands on: a table of text cells plus how it was read."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from auditor.folding import fold
from auditor.resources import load_word_list
from auditor.wording import Words


@dataclass(frozen=True)
class RaggedRow:
    """A row whose number of cells differs from the header's; it is kept, padded or with extras set aside."""

    row: int
    expected: int
    found: int


@dataclass
class RawTable:
    """One table of an input file, every cell as the text the file holds.

    `frame` has one column per header (duplicate headers renamed "Email (2)" and reported); cells are
    str, "" where empty. `row_numbers[i]` is the row a spreadsheet shows for the frame's i-th record
    (header = row 1 when the file has no title block); blank lines are skipped, never renumbered.
    """

    file: str
    frame: pd.DataFrame
    headers: list[str]
    row_numbers: np.ndarray
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    duplicate_headers: list[str] = field(default_factory=list)
    ragged_rows: list[RaggedRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.frame)


def dedupe_headers(headers: list[str]) -> tuple[list[str], list[str]]:
    """Make header names unique without losing any column: the second "Email" becomes "Email (2)".

    Empty headers become "Column N" (N counted from 1, as a person counts columns).
    Returns the new names and the original names that were repeated.
    """
    seen: dict[str, int] = {}
    unique: list[str] = []
    repeated: list[str] = []
    for position, header in enumerate(headers, start=1):
        name = header.strip() or f"Column {position}"
        count = seen.get(name.casefold(), 0) + 1
        seen[name.casefold()] = count
        if count > 1:
            if name not in repeated:
                repeated.append(name)
            candidate = f"{name} ({count})"
            while candidate.casefold() in seen:
                count += 1
                candidate = f"{name} ({count})"
            seen[candidate.casefold()] = 1
            name = candidate
        unique.append(name)
    return unique, repeated


def find_header_row(rows: list[list[str]]) -> int:
    """Index of the header among the first rows, skipping the title block of a report export.

    A header is the first row that fills at least half of the widest row seen (and two cells at least):
    titles, filter descriptions and blank lines above a Salesforce report's table fill one or two.
    """
    widths = [sum(1 for cell in row if cell.strip()) for row in rows]
    if not widths:
        return 0
    widest = max(widths)
    needed = max(2, (widest + 1) // 2) if widest >= 2 else 1
    for index, width in enumerate(widths):
        if width >= needed:
            return index
    return 0


def footer_start(frame: pd.DataFrame) -> int:
    """Position from which the trailing rows are blank or a report footer; len(frame) when there are none."""
    end = len(frame)
    width = frame.shape[1]
    while end > 0:
        cells = [str(value) for value in frame.iloc[end - 1].tolist()]
        filled = [cell.strip() for cell in cells if cell.strip()]
        if not filled:
            end -= 1
            continue
        if width > 2 and len(filled) <= 2 and _reads_like_footer(filled[0]):
            end -= 1
            continue
        break
    return end


@cache
def _footer_words() -> tuple[str, ...]:
    return tuple(fold(word) for word in load_word_list("report_footers.txt"))


def _reads_like_footer(text: str) -> bool:
    words = f" {fold(text)} "
    return any(f" {word} " in words for word in _footer_words())


def trim_records(
    frame: pd.DataFrame, row_numbers: np.ndarray, header_index: int
) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """Drop a report's footer and blank records, keeping each record's row number; say what was done."""
    notes: list[str] = []
    if header_index:
        notes.append(Words("note.title_rows", {"count": header_index, "row": header_index + 1}))
    end = footer_start(frame)
    if end < len(frame):
        notes.append(Words("note.footer_rows", {"count": len(frame) - end}))
        frame, row_numbers = frame.iloc[:end], row_numbers[:end]
    frame, row_numbers = _drop_blank_records(frame, row_numbers)
    return frame.reset_index(drop=True), row_numbers, notes


def _drop_blank_records(frame: pd.DataFrame, row_numbers: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    if frame.empty or frame.shape[1] == 0:
        return frame, row_numbers
    # Column by column, stopping as soon as no record can still be blank: a clean export costs one pass.
    blank = np.ones(len(frame), dtype=bool)
    for column in frame.columns:
        blank &= frame[column].str.strip().eq("").to_numpy(dtype=bool)
        if not blank.any():
            return frame, row_numbers
    return frame.loc[~blank], row_numbers[~blank]
