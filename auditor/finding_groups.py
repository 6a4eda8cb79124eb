"""The audit's findings as a sequence every renderer reads, held a rule at a time.

A million-record audit has hundreds of thousands of findings (300k stale leads), and a `Finding`
with its message, evidence and record reference costs a few microseconds of Python to make: more
than the rule took to decide which records break it. So every rule hands over its findings as
columns (`FindingColumns`: the records it names and the figures it measured) with the function that
writes them out, and they are written only when something reads them: the JSON and the XLSX write
them all, a chunk at a time; the HTML report only the rows it shows; the terminal summary and the
exit status none. Findings already written (made by hand, or merged from groups of one key) are
held as a list (`FindingList`).

`Findings` keeps the report order of `auditor.findings.sort_findings` (most severe first, then by
rule, then by where the first record sits) and answers counts, kinds and record positions from the
groups without writing a single finding.
"""

from __future__ import annotations

import gc
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import overload

import numpy as np
import pandas as pd

from auditor.findings import CONFIDENCES, SEVERITY_ORDER, Finding, RecordRef, sort_findings

# Findings written at a time when a whole group is read: bounds what is held at once.
_CHUNK = 10_000


@contextmanager
def collector_paused() -> Iterator[None]:
    """Findings are made by the hundred thousand, and every few hundred new objects Python's cycle
    collector walks the young ones again, for nothing: findings hold no cycles, and reference
    counting frees them (benchmarks/README.md has what the pause saves)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def record_refs(records: pd.DataFrame, positions: Iterable[int]) -> list[RecordRef]:
    """References to the records at `positions` in `records`, in the order given."""
    positions = np.asarray(
        positions if isinstance(positions, np.ndarray) else list(positions), dtype=np.int64
    )
    # Take the rows first and hand out Python str and int in one go: this runs once per finding.
    files, rows, ids, sheets = (
        records[column].take(positions).tolist()
        for column in ("source_file", "source_row", "source_id", "source_sheet")
    )
    ids = [identifier or None for identifier in ids]
    sheets = [sheet or None for sheet in sheets]
    return list(map(RecordRef, files, rows, ids, sheets, positions.tolist()))


class FindingGroup(ABC):
    """Findings of one rule (one code, kind and severity), in report order once `sorted`."""

    rule: str
    kind: str
    severity: str

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def findings(self, start: int, stop: int) -> list[Finding]:
        """Findings `start` to `stop`, written out."""

    @abstractmethod
    def sizes(self) -> np.ndarray:
        """How many records each finding names."""

    @abstractmethod
    def positions(self, records: pd.DataFrame) -> np.ndarray:
        """The positions in `records` of the records the findings name, one finding after another
        (-1 for a reference to a record the table does not hold)."""

    @abstractmethod
    def sorted(self) -> FindingGroup:
        """The same findings by where their first record sits (file, then row), ties as given."""

    @abstractmethod
    def reordered(self, order: np.ndarray) -> FindingGroup:
        """The same findings, the `order[n]`-th one n-th."""

    def measure(self, name: str) -> np.ndarray | None:
        """What the rule measured per finding under `name` ("days"), where it kept it as a column."""
        return None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.severity, self.rule, self.kind)

    def located_in(self, records: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """`positions(records)` and `sizes()`, worked out once per group: every view of an audit's
        findings (the per-kind views the XLSX sheets read, forked report writers) shares them."""
        memo = self.__dict__.get("_located")
        if memo is None or memo[0] is not records:
            memo = (records, self.positions(records), self.sizes())
            object.__setattr__(self, "_located", memo)  # a frozen dataclass: a memo, not a field
        return memo[1], memo[2]


@dataclass(frozen=True)
class FindingList(FindingGroup):
    """Findings already written: what most rules make (a handful each)."""

    rule: str
    kind: str
    severity: str
    items: list[Finding]

    def __len__(self) -> int:
        return len(self.items)

    def findings(self, start: int, stop: int) -> list[Finding]:
        return self.items[start:stop]

    def sizes(self) -> np.ndarray:
        return np.fromiter(
            (len(finding.records) for finding in self.items), dtype=np.int64, count=len(self.items)
        )

    def positions(self, records: pd.DataFrame) -> np.ndarray:
        located = locate(records, self.items)
        return np.concatenate(located) if located else np.zeros(0, dtype=np.int64)

    def sorted(self) -> FindingList:
        return replace(self, items=sort_findings(self.items))

    def reordered(self, order: np.ndarray) -> FindingList:
        return replace(self, items=[self.items[index] for index in order.tolist()])


# Writes findings from the rows of a `FindingColumns`: (records, at, sizes, columns) -> findings, one
# per entry of `sizes` (how many records each names, their positions one finding after another in
# `at`). A module-level function (with `functools.partial` for settings), so that a result can be
# pickled.
Writer = Callable[[pd.DataFrame, np.ndarray, np.ndarray, Mapping[str, np.ndarray]], list[Finding]]


def in_batches(
    write: Writer,
    size: int,
    records: pd.DataFrame,
    at: np.ndarray,
    named: np.ndarray,
    columns: Mapping[str, np.ndarray],
) -> list[Finding]:
    """`write`, `size` findings at a time (`functools.partial(in_batches, write, size)` is a writer):
    for writers that work out something per call whose memory grows with it, such as the
    explanations of every pair among a batch of duplicate findings' records."""
    findings: list[Finding] = []
    ends = np.cumsum(named)
    for start in range(0, len(named), size):
        stop = min(start + size, len(named))
        first = int(ends[start - 1]) if start else 0
        part = {name: values[start:stop] for name, values in columns.items()}
        findings += write(records, at[first : int(ends[stop - 1])], named[start:stop], part)
    return findings


@dataclass(frozen=True)
class FindingColumns(FindingGroup):
    """Findings kept as columns until read: the records each names and what the rule measured
    (days since last activity, the evidence code ...), written into findings by `write`.

    Findings name one record each unless `named` says how many; `at` then holds their positions
    one finding after another, the record a finding is sorted by first."""

    rule: str
    kind: str
    severity: str
    records: pd.DataFrame = field(repr=False)
    at: np.ndarray  # positions in `records` of the records the findings name
    columns: Mapping[str, np.ndarray]  # per finding, what the rule measured
    write: Writer = field(repr=False)
    named: np.ndarray | None = None  # per finding, how many records it names (None: one each)

    def __len__(self) -> int:
        return len(self.at) if self.named is None else len(self.named)

    def findings(self, start: int, stop: int) -> list[Finding]:
        stop = min(stop, len(self))
        if start >= stop:
            return []
        if self.named is None:
            at, sizes = self.at[start:stop], np.ones(stop - start, dtype=np.int64)
        else:
            ends = np.cumsum(self.named)
            first = int(ends[start - 1]) if start else 0
            at, sizes = self.at[first : int(ends[stop - 1])], self.named[start:stop]
        return self.write(
            self.records, at, sizes, {name: values[start:stop] for name, values in self.columns.items()}
        )

    def sizes(self) -> np.ndarray:
        return np.ones(len(self.at), dtype=np.int64) if self.named is None else self.named

    def positions(self, records: pd.DataFrame) -> np.ndarray:
        # Made by a rule from the audit's own records table: the positions are into that table.
        return self.at

    def sorted(self) -> FindingColumns:
        sizes = self.sizes()
        starts = np.cumsum(sizes) - sizes
        first = self.at[starts]
        # Taken before turned into Python strings: never the whole file column as objects.
        files = pd.factorize(self.records["source_file"].take(first), sort=True)[0]
        rows = self.records["source_row"].to_numpy()[first]
        return self.reordered(np.lexsort((rows, files)))  # stable: ties keep the rule's order

    def measure(self, name: str) -> np.ndarray | None:
        return self.columns.get(name)

    def reordered(self, order: np.ndarray) -> FindingColumns:
        sizes = self.sizes()
        starts = np.cumsum(sizes) - sizes
        if self.named is None:
            at = self.at[order]
        else:  # each finding's records moved together
            moved = sizes[order]
            at = self.at[
                np.repeat(starts[order] - (np.cumsum(moved) - moved), moved) + np.arange(moved.sum())
            ]
        return replace(
            self,
            at=at,
            columns={name: values[order] for name, values in self.columns.items()},
            named=None if self.named is None else sizes[order],
        )


def locate(records: pd.DataFrame, findings: Sequence[Finding]) -> list[np.ndarray]:
    """For each finding, the positions in `records` of the records it names (in its order).

    References made from the records table carry their position; any other (a finding built by
    hand) is looked up by file, sheet and row."""
    if not findings:
        return []
    sizes = np.fromiter((len(finding.records) for finding in findings), dtype=np.int64, count=len(findings))
    flat = np.fromiter(
        (ref.position for finding in findings for ref in finding.records),
        dtype=np.int64,
        count=int(sizes.sum()),
    )
    carried = (flat >= 0) & (flat < len(records))
    if not carried.all():
        flat = _looked_up(records, findings)
    return np.split(flat, np.cumsum(sizes)[:-1])


def _looked_up(records: pd.DataFrame, findings: Sequence[Finding]) -> np.ndarray:
    index = pd.MultiIndex.from_arrays(
        [
            records["source_file"].to_numpy(),
            records["source_sheet"].to_numpy(),
            records["source_row"].to_numpy(),
        ]
    )
    refs = [ref for finding in findings for ref in finding.records]
    wanted = pd.MultiIndex.from_arrays(
        [[ref.file for ref in refs], [ref.sheet or "" for ref in refs], [ref.row for ref in refs]]
    )
    return index.get_indexer(wanted).astype(np.int64)


class Findings(Sequence[Finding]):
    """The findings of an audit in report order, a group per rule (see the module's docstring).

    Reads like a list of `Finding`; counts, kinds, severities and record positions come from the
    groups without writing the findings out."""

    def __init__(
        self, groups: Iterable[FindingGroup], records: pd.DataFrame, *, ordered: bool = False
    ) -> None:
        self.records = records
        groups = [group for group in groups if len(group)]
        if not ordered:
            groups = sorted(
                (group.sorted() for group in _merged(groups)),
                key=lambda group: (-SEVERITY_ORDER.get(group.severity, 0), group.rule, group.kind),
            )
        self.groups: list[FindingGroup] = groups
        self._ends = np.cumsum([len(group) for group in groups], dtype=np.int64)
        self._positions: tuple[np.ndarray, np.ndarray] | None = None
        self._chunk: tuple[int, int, list[Finding]] | None = None  # (group, start, findings)

    @classmethod
    def of(cls, findings: Iterable[Finding], records: pd.DataFrame) -> Findings:
        """Findings from a list of them (made by hand, or by an older caller), sorted."""
        if isinstance(findings, Findings):
            return findings
        grouped: dict[tuple[str, str, str], list[Finding]] = {}
        for finding in findings:
            grouped.setdefault((finding.rule, finding.kind, finding.severity), []).append(finding)
        return cls((FindingList(*key, items) for key, items in grouped.items()), records)

    def __len__(self) -> int:
        return int(self._ends[-1]) if len(self._ends) else 0

    @overload
    def __getitem__(self, index: int) -> Finding: ...
    @overload
    def __getitem__(self, index: slice) -> list[Finding]: ...
    def __getitem__(self, index: int | slice) -> Finding | list[Finding]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return [self[number] for number in range(start, stop, step)]
            return list(self._between(start, stop))
        number = index + len(self) if index < 0 else index
        if not 0 <= number < len(self):
            raise IndexError("finding index out of range")
        group = int(np.searchsorted(self._ends, number, side="right"))
        local = number - (int(self._ends[group - 1]) if group else 0)
        # The chunk around it is written and kept: reading findings one index after another (a
        # caller's loop) then writes each chunk once, not each finding with a writer's overhead.
        start = local - local % _CHUNK
        if self._chunk is None or self._chunk[:2] != (group, start):
            part = self.groups[group]
            with collector_paused():
                self._chunk = (group, start, part.findings(start, min(start + _CHUNK, len(part))))
        return self._chunk[2][local - start]

    def __iter__(self) -> Iterator[Finding]:
        return self._between(0, len(self))

    def _between(self, start: int, stop: int) -> Iterator[Finding]:
        offset = 0
        for group in self.groups:
            low, high = max(start - offset, 0), min(stop - offset, len(group))
            for chunk in range(low, high, _CHUNK):
                with collector_paused():
                    written = group.findings(chunk, min(chunk + _CHUNK, high))
                yield from written
            offset += len(group)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Findings | list):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Findings({len(self)} findings, {len(self.groups)} rules)"

    # --- read without writing findings out ------------------------------------------------------

    def counts(self) -> Counter[tuple[str, str]]:
        """How many findings of each (kind, severity)."""
        counts: Counter[tuple[str, str]] = Counter()
        for group in self.groups:
            counts[(group.kind, group.severity)] += len(group)
        return counts

    def tally(self, attribute: str) -> Counter[str]:
        """How many findings per value of a group attribute ("kind", "severity" or "rule")."""
        tally: Counter[str] = Counter()
        for group in self.groups:
            tally[getattr(group, attribute)] += len(group)
        return tally

    def ranked(self) -> Findings:
        """The same findings, within each group what matters first: the surest matches (sure, then
        likely, then to review, the highest score first), then hot leads, then warm, then cold (by
        the temperature of the record a finding names first), then the largest "days" the rule
        measured (the longest untouched), then report order. For pages that show only the first few
        hundred of a kind."""
        temperatures = self.records["temperature"]
        ranked = []
        for group in self.groups:
            positions, sizes = group.located_in(self.records)
            first = positions[np.cumsum(sizes) - sizes]
            # Only the first records' temperatures: the whole column as objects costs 30 ms a million.
            found = temperatures.take(np.maximum(first, 0)).to_numpy(dtype=object)
            temperature = np.where(first >= 0, found, "")
            warmth = np.select(
                [temperature == "hot", temperature == "warm", temperature == "cold"], [0, 1, 2], 3
            )
            certainty = _ranks(group.measure("confidence"), CONFIDENCES, len(group))
            score = -_numbers(group.measure("score"), len(group))
            longest = -_numbers(group.measure("days"), len(group))
            order = np.lexsort((np.arange(len(group)), longest, warmth, score, certainty))
            ranked.append(group if np.array_equal(order, np.arange(len(group))) else group.reordered(order))
        return Findings(ranked, self.records, ordered=True)

    def by_kind(self) -> dict[str, Findings]:
        """The findings of each kind (in report order within a kind), kinds in order of appearance."""
        kinds: dict[str, list[FindingGroup]] = {}
        for group in self.groups:
            kinds.setdefault(group.kind, []).append(group)
        return {kind: Findings(groups, self.records, ordered=True) for kind, groups in kinds.items()}

    def per_finding(self, attribute: str) -> np.ndarray:
        """A group attribute ("rule", "kind", "severity") repeated for each finding."""
        return np.repeat(
            np.array([getattr(group, attribute) for group in self.groups], dtype=object),
            [len(group) for group in self.groups],
        )

    def located(self) -> tuple[np.ndarray, np.ndarray]:
        """The positions in `records` of the records each finding names, all in one array (-1 for
        a record the table does not hold), and how many each finding names."""
        if self._positions is None:
            located = [group.located_in(self.records) for group in self.groups]
            flat = [positions for positions, _ in located]
            sizes = [sizes for _, sizes in located]
            empty = np.zeros(0, dtype=np.int64)
            self._positions = (
                np.concatenate(flat).astype(np.int64) if flat else empty,
                np.concatenate(sizes).astype(np.int64) if sizes else empty,
            )
        return self._positions

    def positions(self) -> list[np.ndarray]:
        """`located`, split per finding."""
        flat, sizes = self.located()
        return np.split(flat, np.cumsum(sizes)[:-1]) if len(sizes) else []


def _merged(groups: list[FindingGroup]) -> list[FindingGroup]:
    """One group per key: lists of the same rule joined; a rule that reported twice in columns (a
    rare case) written out and joined too, so that the order across them stays the report's."""
    by_key: dict[tuple[str, str, str], list[FindingGroup]] = {}
    for group in groups:
        by_key.setdefault(group.key, []).append(group)
    merged: list[FindingGroup] = []
    for (severity, rule, kind), same in by_key.items():
        if len(same) == 1:
            merged.append(same[0])
        else:
            items = list(chain.from_iterable(group.findings(0, len(group)) for group in same))
            merged.append(FindingList(rule, kind, severity, items))
    return merged


def _numbers(values: np.ndarray | None, size: int) -> np.ndarray:
    """A measure as floats, 0 where a finding has none (or the rule measured nothing)."""
    if values is None:
        return np.zeros(size)
    return np.nan_to_num(pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float), nan=0.0)


def _ranks(values: np.ndarray | None, order: tuple[str, ...], size: int) -> np.ndarray:
    """Each value's place in `order`, after the last for any other value (or no measure at all)."""
    if values is None:
        return np.zeros(size, dtype=np.int64)
    place = {value: rank for rank, value in enumerate(order)}
    return np.fromiter((place.get(value, len(order)) for value in values), dtype=np.int64, count=size)
