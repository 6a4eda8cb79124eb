"""Decisions a person made about pairs of records (`--decisions decisions.csv`), kept across audits.

The file is a CSV with the header `file_a,id_a,file_b,id_b,decision`; `decision` is `not_same_person`
(the two are never reported nor planned as one person again) or `same_person` (they are joined even
where the matcher would not join them). A record is known as the baseline knows it (auditor/baseline.py):
by its file's name, not its folder, and its platform id; where the export has no id, by its row,
written `row:12`. A decision naming a record this audit does not hold is ignored and counted: a
decision that silently stopped applying would bring back the very pair a person ruled out.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from auditor.baseline import _file_name
from auditor.errors import ConfigError
from auditor.model import people

HEADER = ("file_a", "id_a", "file_b", "id_b", "decision")
DECISIONS = ("not_same_person", "same_person")
_HINT = "A decisions file is a CSV with the header file_a,id_a,file_b,id_b,decision (see docs/CONTRACT.md)"


@dataclass(frozen=True)
class Decision:
    """One line of a decisions file: two records (file name, id or `row:N`) and what a person decided."""

    line: int
    file_a: str
    id_a: str
    file_b: str
    id_b: str
    decision: str

    @property
    def keys(self) -> tuple[tuple[str, str], tuple[str, str]]:
        return (_file_name(self.file_a), self.id_a), (_file_name(self.file_b), self.id_b)


@dataclass
class Decisions:
    """A decisions file read, and once applied to an audit's records, what it did."""

    file: str
    decisions: list[Decision]
    applied: int = 0
    # The decisions ignored because a record they name is not in this audit (by line), and how many
    # distinct records they name that were not found.
    not_found_lines: list[int] = field(default_factory=list)
    records_not_found: int = 0
    # Per line: the record positions each side names (applied), or the records not found (ignored).
    found: dict[int, tuple[list[int], list[int]]] = field(default_factory=dict)
    missing: dict[int, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The findings JSON's top-level `decisions` object."""
        return {
            "file": self.file,
            "decisions": len(self.decisions),
            "applied": self.applied,
            "not_found": len(self.not_found_lines),
            "records_not_found": self.records_not_found,
            "not_found_lines": self.not_found_lines,
        }

    def resolve(self, records: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The decided pairs as record positions: (apart left, apart right, together left, together
        right). Counts the decisions applied and those naming a record not in `records`, or not a
        person (an account: nobody to match); a record key held by several records (one file name
        in two folders) names them all."""
        where = _positions_by_key(records)
        apart: list[tuple[int, int]] = []
        together: list[tuple[int, int]] = []
        self.applied, self.not_found_lines, self.found, self.missing = 0, [], {}, {}
        missing: set[tuple[str, str]] = set()
        for decision in self.decisions:
            key_a, key_b = decision.keys
            found_a, found_b = where.get(key_a, []), where.get(key_b, [])
            if not found_a or not found_b:
                gone = [key for key, found in ((key_a, found_a), (key_b, found_b)) if not found]
                missing.update(gone)
                self.missing[decision.line] = [f"{name} {identity}" for name, identity in gone]
                self.not_found_lines.append(decision.line)
                continue
            self.applied += 1
            self.found[decision.line] = (found_a, found_b)
            chosen = apart if decision.decision == "not_same_person" else together
            chosen.extend((a, b) for a in found_a for b in found_b if a != b)
        self.records_not_found = len(missing)

        def arrays(pairs: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
            if not pairs:
                return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
            both = np.asarray(pairs, dtype=np.int64)
            return both[:, 0], both[:, 1]

        return (*arrays(apart), *arrays(together))


@dataclass(frozen=True)
class Outcome:
    """What one decision did in an audit: whether it applied, the duplicate cluster that holds both
    its records afterwards ("" for none: a pair kept apart should have none), the records it names
    that the audit does not hold, and the positions of those it does."""

    decision: Decision
    applied: bool
    cluster: str = ""
    missing: tuple[str, ...] = ()
    # The record positions each side names, when applied.
    positions: tuple[list[int], list[int]] = ([], [])


def outcomes(decisions: Decisions, records: pd.DataFrame) -> list[Outcome]:
    """Each decision of an applied decisions file, with what it did to `records` (the audit's
    records table, whose positions `Decisions.resolve` recorded), in file order."""
    clusters = records["duplicate_cluster"].to_numpy(dtype=object) if "duplicate_cluster" in records else None
    done = []
    for decision in decisions.decisions:
        found = decisions.found.get(decision.line)
        if found is None:
            done.append(Outcome(decision, False, missing=tuple(decisions.missing.get(decision.line, []))))
            continue
        shared = (
            set() if clusters is None else {clusters[a] for a in found[0]} & {clusters[b] for b in found[1]}
        )
        shared = {name for name in shared if isinstance(name, str) and name}
        done.append(Outcome(decision, True, cluster=", ".join(sorted(shared)), positions=found))
    return done


def _positions_by_key(records: pd.DataFrame) -> dict[tuple[str, str], list[int]]:
    files = [_file_name(str(name)) for name in records["source_file"].tolist()]
    ids = records["source_id"].tolist()
    rows = records["source_row"].tolist()
    where: dict[tuple[str, str], list[int]] = defaultdict(list)
    person = people(records)
    for position, (name, identity, row) in enumerate(zip(files, ids, rows, strict=True)):
        if not person[position]:
            continue
        identity = "" if identity is None or pd.isna(identity) else str(identity)
        where[(name, identity or f"row:{row}")].append(position)
    return where


def read_decisions(path: str | Path) -> Decisions:
    """A decisions file; a one-line error naming the file and the line when it is not one."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError("no such file", file=name, hint=_HINT) from None
    except OSError as error:
        raise ConfigError(f"cannot be read ({error.strerror})", file=name, hint=_HINT) from None
    except UnicodeDecodeError:
        raise ConfigError("is not UTF-8 text", file=name, hint=_HINT) from None
    try:
        rows = list(csv.reader(text.splitlines()))
    except csv.Error as error:
        raise ConfigError(f"is not a CSV ({error})", file=name, hint=_HINT) from None
    if not rows or tuple(cell.strip().lower() for cell in rows[0]) != HEADER:
        raise ConfigError(
            "line 1: the header is not file_a,id_a,file_b,id_b,decision",
            file=name,
            hint="See docs/CONTRACT.md",
        )
    decisions = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(HEADER):
            raise ConfigError(f"line {line}: {len(row)} values, not 5", file=name, hint=_HINT)
        file_a, id_a, file_b, id_b, decision = (cell.strip() for cell in row)
        for column, value in (("file_a", file_a), ("id_a", id_a), ("file_b", file_b), ("id_b", id_b)):
            if not value:
                raise ConfigError(f"line {line}: {column} is empty", file=name, hint=_HINT)
        for column, value in (("id_a", id_a), ("id_b", id_b)):
            if value.startswith("row:") and not value[4:].isdigit():
                raise ConfigError(
                    f"line {line}: {column} {value!r} is not row:<number>", file=name, hint=_HINT
                )
        if decision not in DECISIONS:
            raise ConfigError(
                f"line {line}: decision must be not_same_person or same_person, not {decision!r}",
                file=name,
            )
        if (_file_name(file_a), id_a) == (_file_name(file_b), id_b):
            raise ConfigError(f"line {line}: both sides name the same record", file=name, hint=_HINT)
        decisions.append(Decision(line, file_a, id_a, file_b, id_b, decision))
    return Decisions(name, decisions)
