"""What each rule could check, and what it could not: a blind spot must never be silent.

A rule that cannot run on some records (an unreadable date, a phone with no country to read it by,
no accounts to compare a lead's company with) says so. Each rule declares its reach: the records it
applies to, and among them the records it could not check, by reason (`Reach`). The engine counts
them per rule and input file (`Coverage`), with an example value per reason, and every report shows
them: the JSON's `coverage` list, the terminal and the HTML report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

# A share of unchecked records from which the reports call a blind spot out, not just list it.
LARGE_SHARE = 0.2


@dataclass(frozen=True)
class Blind:
    """Records a rule applies to but could not check, and why. `example` holds, per record, the
    value that could not be read (an unreadable date), or None when there is no such value."""

    reason: str
    mask: np.ndarray
    example: np.ndarray | pd.Series | None = None


@dataclass(frozen=True)
class Reach:
    """The records a rule applies to (`applies`), and those of them it could not check."""

    applies: np.ndarray
    blind: tuple[Blind, ...] = ()


@dataclass
class Coverage:
    """One rule over one input table: records it applies to that it checked, and those it could not
    check, per reason with an example value."""

    rule: str
    kind: str
    file: str
    sheet: str | None
    checked: int
    not_checked: int
    reasons: list[dict[str, Any]] = field(default_factory=list)

    @property
    def applies(self) -> int:
        return self.checked + self.not_checked

    @property
    def share_not_checked(self) -> float:
        return self.not_checked / self.applies if self.applies else 0.0

    @property
    def large(self) -> bool:
        """A blind spot the reports call out: a large share of the records, or all of them."""
        return self.not_checked > 0 and self.share_not_checked >= LARGE_SHARE

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule": self.rule,
            "kind": self.kind,
            "file": self.file,
            "checked": self.checked,
            "not_checked": self.not_checked,
            "reasons": self.reasons,
        }
        if self.sheet:
            data["sheet"] = self.sheet
        return data


class Tables(NamedTuple):
    """Which input table (file and sheet) each record comes from: a number per record, and the
    tables' names in the order the records first name them."""

    codes: np.ndarray
    names: list[tuple[str, str]]

    @classmethod
    def of(cls, records: pd.DataFrame) -> Tables:
        # Each column factorized alone and the codes combined: a MultiIndex of a million rows
        # costs seconds to factorize, two columns of a few distinct values milliseconds.
        files, file_names = pd.factorize(records["source_file"], sort=False, use_na_sentinel=False)
        sheets, sheet_names = pd.factorize(records["source_sheet"], sort=False, use_na_sentinel=False)
        span = len(sheet_names)
        pairs, first = pd.factorize(files.astype(np.int64) * span + sheets, sort=False)
        names = [(str(file_names[code // span]), str(sheet_names[code % span])) for code in first]
        return cls(pairs, names)


def measure(rule: str, kind: str, reach: Reach, tables: Tables) -> list[Coverage]:
    """A rule's reach counted per input table (file and sheet), in the order of the records."""
    tables, names = tables
    size = len(names)
    applies = reach.applies.astype(bool)
    not_checked = np.zeros(len(tables), dtype=bool)
    per_reason = []
    for blind in reach.blind:
        # A record is counted under the first reason it has: the counts add up to not_checked.
        mask = blind.mask.astype(bool) & applies & ~not_checked
        not_checked |= mask
        per_reason.append((blind, mask))
    applying = np.bincount(tables[applies], minlength=size)
    blind_counts = np.bincount(tables[not_checked], minlength=size)
    coverage = []
    for table, (file, sheet) in enumerate(names):
        if not applying[table]:
            continue
        reasons = []
        for blind, mask in per_reason:
            in_table = np.flatnonzero(mask & (tables == table))
            if not len(in_table):
                continue
            reasons.append(
                {"reason": blind.reason, "records": len(in_table), "example": _example(blind, in_table)}
            )
        coverage.append(
            Coverage(
                rule=rule,
                kind=kind,
                file=file,
                sheet=sheet or None,
                checked=int(applying[table] - blind_counts[table]),
                not_checked=int(blind_counts[table]),
                reasons=reasons,
            )
        )
    return coverage


def _example(blind: Blind, positions: np.ndarray) -> str | None:
    if blind.example is None:
        return None
    values = blind.example
    value = values.iat[positions[0]] if isinstance(values, pd.Series) else values[positions[0]]
    return str(value) if value is not None and str(value) != "" else None
