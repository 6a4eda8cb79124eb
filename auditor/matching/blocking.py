"""Blocking: which pairs of people are worth comparing at all, without comparing all pairs.

Each rule names features (rules/matching.toml, `[[blocking.rules]]`); two people become a
candidate pair when they share a value of every feature of at least one rule. Many rules, each
on a different field, mean a pair is still found when one field is missing or mistyped. A block
(all people sharing one key) larger than `max_block_size` is skipped for that rule: a key that
common ("smith|john", a switchboard) cannot single anyone out, and the pair, if it is one, shares
something rarer that another rule blocks on. Pairs are built with numpy; no Python per pair.

Each step takes a part of the data and says what the whole needs from it, so that an engine can
run it on the workers of a cluster (auditor/engines): `key_rows` over a slice of the people; the
rows sent by their key's bucket (`buckets_of`), so that every block lands whole in one bucket;
`blocks_of` per bucket; the too-common guard decided over every bucket's block counts
(`budget_cut`); `rule_pairs` per bucket; the pairs sent by the range of their first person and
`merged` per range. `candidate_pairs` runs them in this process, on one slice, bucket and range.
Every step keeps the order the whole would have (a block's place is its first row's `rank`), so
that the pairs and the reports do not depend on how the work was cut.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from auditor.matching.features import Features
from auditor.matching.runs import pairs_within, stable_order


@dataclass(frozen=True)
class BlockingRule:
    name: str
    keys: tuple[str, ...]
    # Whether EM learns m from this rule's pairs (rules/matching.toml says why only strong keys do).
    train: bool = False
    # This rule's own safety net, below `[blocking] max_pairs_per_record` (None: that one).
    max_pairs_per_record: float | None = None

    def fields(self, features: Features) -> set[str]:
        """The record fields the rule reads (so EM knows which comparisons it cannot train)."""
        return {name for key in self.keys for name in features[key].fields}


@dataclass
class RuleReport:
    """What one rule did: pairs it made, blocks it skipped as too common (with an example key)."""

    name: str
    pairs: int = 0
    new_pairs: int = 0
    blocks: int = 0
    skipped_blocks: int = 0
    skipped_records: int = 0
    largest_skipped: str = ""

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass
class Candidates:
    """Candidate pairs (person indices, left < right) and a bit per rule that found each pair."""

    left: np.ndarray
    right: np.ndarray
    rules: np.ndarray
    reports: list[RuleReport] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.left)

    def found_by(self, rule_index: int) -> np.ndarray:
        return (self.rules >> np.uint64(rule_index)) & np.uint64(1) == 1


def candidate_pairs(
    features: Features, rules: Sequence[BlockingRule], *, max_block_size: int, max_pairs_per_record: float
) -> Candidates:
    size = len(features)
    reports, parts = [], []
    for index, rule in enumerate(rules):
        rows = key_rows(rule_codes(features, rule), first=0, people=size)
        blocks = blocks_of([rows])
        cut = budget_cut(
            block_counts(blocks, max_block_size),
            rule_budget(rule, size, max_pairs_per_record),
            blocks.ranks_of,
        )
        codes, skipped = rule_pairs(blocks, cut, max_block_size, size)
        parts.append((codes, np.full(len(codes), np.uint64(1) << np.uint64(index), dtype=np.uint64)))
        reports.append(skipped.report(rule, features))
    return candidates_of(*merged(parts), size, reports)


def candidates_of(codes: np.ndarray, bits: np.ndarray, size: int, reports: list[RuleReport]) -> Candidates:
    """The candidates from the merged pairs (sorted codes left * size + right, each with its rules'
    bits), and each rule's count of pairs and of pairs no earlier rule found."""
    # A pair counts as new for the first rule (in settings order) that found it.
    lowest = bits & (~bits + np.uint64(1))
    for index, report in enumerate(reports):
        mask = np.uint64(1) << np.uint64(index)
        report.pairs = int(((bits & mask) != 0).sum())
        report.new_pairs = int((lowest == mask).sum())
    if not len(codes):
        return Candidates(codes, codes, bits, reports)
    return Candidates(codes // size, codes % size, bits, reports)


def rule_budget(rule: BlockingRule, people: int, max_pairs_per_record: float) -> int:
    per_record = min(max_pairs_per_record, rule.max_pairs_per_record or max_pairs_per_record)
    return int(per_record * max(people, 1))


# The feature codes of a rule for a slice of the people: per feature, its codes[person, column]
# and how many distinct values it has (what numbers a key).
KeyCodes = list[tuple[np.ndarray, int]]


def rule_codes(features: Features, rule: BlockingRule, start: int = 0, stop: int | None = None) -> KeyCodes:
    return [(features[name].codes[start:stop], features[name].size) for name in rule.keys]


def key_fits(features: Features, rule: BlockingRule) -> bool:
    """Whether the rule's key is one number for every slice: its features' values, combined, fit
    in 62 bits. Otherwise only `candidate_pairs`, over all the people at once, can number them."""
    span = 1
    for name in rule.keys:
        span *= features[name].size + 1
    return span < 2**62


@dataclass
class KeyRows:
    """A rule's (person, key) rows for a slice of the people, one per combination of the person's
    values of the rule's features. `ranks` orders the rows as the whole people's rows would be:
    by each feature's column, last feature first, then by person."""

    people: np.ndarray
    keys: np.ndarray
    ranks: np.ndarray

    @staticmethod
    def joined(parts: Sequence[KeyRows]) -> KeyRows:
        return KeyRows(
            np.concatenate([part.people for part in parts]),
            np.concatenate([part.keys for part in parts]),
            np.concatenate([part.ranks for part in parts]),
        )

    def take(self, chosen: np.ndarray) -> KeyRows:
        return KeyRows(self.people[chosen], self.keys[chosen], self.ranks[chosen])


def key_rows(codes: KeyCodes, *, first: int, people: int) -> KeyRows:
    """The rows of the people `first`, `first` + 1, ... (one per row of each feature's codes) among
    `people` in all. A key is a number built from the features' codes (the same for the same
    values in any slice) where they fit in 62 bits (`key_fits`); past that, with one slice only,
    they are renumbered as they go."""
    count = len(codes[0][0]) if codes else 0
    rows = np.arange(count, dtype=np.int64)
    combined = np.zeros(count, dtype=np.int64)
    ranks = rows + first
    rank_span = max(people, 1)
    below = 1
    for feature_codes, distinct in codes:
        span = np.int64(distinct + 1)
        if below * int(span) >= 2**62:
            if first or count != people:
                raise ValueError("a key past 62 bits is numbered over all the people at once")
            combined = pd.factorize(combined, sort=False)[0].astype(np.int64)
            below = int(combined.max(initial=0)) + 1
        next_rows, next_keys, next_ranks = [], [], []
        for column in range(feature_codes.shape[1]):
            values = feature_codes[rows, column]
            present = values >= 0
            next_rows.append(rows[present])
            next_keys.append(combined[present] * span + values[present])
            next_ranks.append(ranks[present] + column * rank_span)
        rows = np.concatenate(next_rows)
        combined = np.concatenate(next_keys)
        ranks = np.concatenate(next_ranks)
        below *= int(span)
        rank_span *= feature_codes.shape[1]
    if any(feature_codes.shape[1] > 1 for feature_codes, _ in codes):
        # Several columns (phone and mobile) can give one person the same key twice: the person
        # counts once in the block, from its first row.
        first_rows = ~pd.DataFrame({"key": combined, "row": rows}).duplicated().to_numpy()
        rows, combined, ranks = rows[first_rows], combined[first_rows], ranks[first_rows]
    return KeyRows(rows + first, combined, ranks)


def buckets_of(rows: KeyRows, buckets: int) -> list[KeyRows]:
    """The rows sent to `buckets` buckets by their key: every row of one key in the same bucket."""
    if buckets == 1:
        return [rows]
    mixed = (rows.keys.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(33)
    bucket = (mixed % np.uint64(buckets)).astype(np.int64)
    return [rows.take(np.flatnonzero(bucket == number)) for number in range(buckets)]


@dataclass
class Blocks:
    """The blocks of one rule in one bucket (every person sharing a key, two at least): members
    block by block, each block's in rank order; `ranks` is each block's first rank, the blocks'
    order among all of the rule's blocks."""

    people: np.ndarray
    starts: np.ndarray
    sizes: np.ndarray
    ranks: np.ndarray

    def ranks_of(self, size: int) -> np.ndarray:
        return self.ranks[self.sizes == size]


def blocks_of(parts: Sequence[KeyRows]) -> Blocks:
    """The blocks of the rows of one bucket, sent from any number of slices."""
    rows = parts[0] if len(parts) == 1 else KeyRows.joined(parts)
    if len(parts) > 1 and len(rows.ranks) > 1 and (np.diff(rows.ranks) < 0).any():
        rows = rows.take(np.argsort(rows.ranks, kind="stable"))
    empty = np.zeros(0, dtype=np.int64)
    if not len(rows.keys):
        return Blocks(empty, empty, empty, empty)
    # Numbered by first appearance in rank order: the order of the blocks in the whole.
    numbers = pd.factorize(rows.keys, sort=False)[0].astype(np.int64)
    # Most keys are held by one person only (an email, a phone): drop them before sorting.
    shared = np.bincount(numbers)[numbers] >= 2
    numbers, rows = numbers[shared], rows.take(np.flatnonzero(shared))
    if not len(numbers):
        return Blocks(empty, empty, empty, empty)
    order = stable_order(numbers)
    numbers, people, ranks = numbers[order], rows.people[order], rows.ranks[order]
    starts = np.flatnonzero(np.r_[True, numbers[1:] != numbers[:-1]])
    sizes = np.diff(np.r_[starts, len(numbers)])
    return Blocks(people, starts, sizes, ranks[starts])


def block_counts(blocks: Blocks, max_block_size: int) -> np.ndarray:
    """How many blocks of each size 0 .. `max_block_size` (what the guard weighs over every bucket)."""
    return np.bincount(blocks.sizes[blocks.sizes <= max_block_size], minlength=max_block_size + 1)


@dataclass(frozen=True)
class Cut:
    """The blocks a rule keeps: of fewer than `size` members, and of `size` members those whose
    first rank is below `rank`. Over the pair budget the largest blocks go first, being the least
    telling; among blocks of one size, the later ones."""

    size: int
    rank: int = 0


def budget_cut(counts: np.ndarray, budget: int, ranks_of: Callable[[int], np.ndarray]) -> Cut:
    """The cut over every bucket's `block_counts` (summed); `ranks_of(size)` gives the first ranks
    of the blocks of one size, asked only when the budget falls among them."""
    sizes = np.arange(len(counts), dtype=np.int64)
    per_block = sizes * (sizes - 1) // 2
    running = np.cumsum(counts * per_block)
    if not len(running) or running[-1] <= budget:
        return Cut(len(counts))
    size = int(np.argmax(running > budget))
    fitting = int((budget - (running[size] - counts[size] * per_block[size])) // per_block[size])
    ranks = np.sort(ranks_of(size))
    return Cut(size, int(ranks[fitting]) if fitting < len(ranks) else np.iinfo(np.int64).max)


@dataclass
class Skipped:
    """What a rule's guard did in some buckets: blocks kept, blocks skipped and their records, and
    the largest skipped (size, first rank, first person; the earliest among equals)."""

    blocks: int = 0
    skipped_blocks: int = 0
    skipped_records: int = 0
    largest: tuple[int, int, int] | None = None

    def add(self, other: Skipped) -> Skipped:
        largest = [item for item in (self.largest, other.largest) if item is not None]
        return Skipped(
            self.blocks + other.blocks,
            self.skipped_blocks + other.skipped_blocks,
            self.skipped_records + other.skipped_records,
            min(largest, key=lambda item: (-item[0], item[1])) if largest else None,
        )

    def report(self, rule: BlockingRule, features: Features) -> RuleReport:
        report = RuleReport(
            rule.name,
            blocks=self.blocks,
            skipped_blocks=self.skipped_blocks,
            skipped_records=self.skipped_records,
        )
        if self.largest is not None:
            size, _, person = self.largest
            shown = " + ".join(str(_value_of(features, key, person)) for key in rule.keys)
            report.largest_skipped = f"{shown} ({size} records)"
        return report


def rule_pairs(blocks: Blocks, cut: Cut, max_block_size: int, people: int) -> tuple[np.ndarray, Skipped]:
    """The pairs (codes left * people + right, left < right) of the blocks the cut keeps."""
    sizes = blocks.sizes
    kept = (sizes <= max_block_size) & (
        (sizes < cut.size) | ((sizes == cut.size) & (blocks.ranks < cut.rank))
    )
    skipped = Skipped(int(kept.sum()), int((~kept).sum()), int(sizes[~kept].sum()))
    if skipped.skipped_blocks:
        largest = int(sizes[~kept].max())
        first = np.flatnonzero(~kept & (sizes == largest))
        first = first[np.argmin(blocks.ranks[first])]
        skipped.largest = (largest, int(blocks.ranks[first]), int(blocks.people[blocks.starts[first]]))
    if not kept.any():
        return np.zeros(0, dtype=np.int64), skipped
    left_index, right_index = pairs_within(blocks.starts[kept], sizes[kept])
    left, right = blocks.people[left_index], blocks.people[right_index]
    low, high = np.minimum(left, right), np.maximum(left, right)
    return low * people + high, skipped


def ranges_of(codes: np.ndarray, bits: np.ndarray, bounds: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """The pairs sent by the range of codes they fall in (`bounds`: the first code of each range
    after the first), so that a pair found by several rules meets itself in one range."""
    if not len(bounds):
        return [(codes, bits)]
    where = np.searchsorted(bounds, codes, side="right")
    order = np.argsort(where, kind="stable")
    cuts = np.searchsorted(where[order], np.arange(1, len(bounds) + 1))
    return list(zip(np.split(codes[order], cuts), np.split(bits[order], cuts), strict=True))


def merged(parts: Sequence[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of several rules and buckets, each once, sorted, with the bits of every rule
    that found it or-ed together."""
    codes = np.concatenate([part[0] for part in parts]) if parts else np.zeros(0, dtype=np.int64)
    bits = np.concatenate([part[1] for part in parts]) if parts else np.zeros(0, dtype=np.uint64)
    if not len(codes):
        return codes, bits
    # Equal codes meet whatever their order: their bits are or-ed together.
    order = np.argsort(codes)
    codes, bits = codes[order], bits[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    return codes[starts], np.bitwise_or.reduceat(bits, starts)


def _value_of(features: Features, name: str, person: int) -> str:
    feature = features[name]
    codes = feature.codes[person]
    present = codes[codes >= 0]
    return str(feature.take(present[:1])[0]) if len(present) else ""
