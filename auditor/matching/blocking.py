"""Blocking: which pairs of people are worth comparing at all, without comparing all pairs.

Each rule names features (rules/matching.toml, `[[blocking.rules]]`); two people become a
candidate pair when they share a value of every feature of at least one rule. Many rules, each
on a different field, mean a pair is still found when one field is missing or mistyped. A block
(all people sharing one key) larger than `max_block_size` is skipped for that rule: a key that
common ("smith|john", a switchboard) cannot single anyone out, and the pair, if it is one, shares
something rarer that another rule blocks on. Pairs are built with numpy; no Python per pair.
"""

from __future__ import annotations

from collections.abc import Sequence
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
    codes_all, bits_all, reports = [], [], []
    for index, rule in enumerate(rules):
        per_record = min(max_pairs_per_record, rule.max_pairs_per_record or max_pairs_per_record)
        budget = int(per_record * max(size, 1))
        report = RuleReport(rule.name)
        people, keys = _key_rows(features, rule.keys)
        left, right = _pairs_within_blocks(people, keys, max_block_size, budget, report, features, rule)
        codes = left.astype(np.int64) * size + right
        codes_all.append(codes)
        bits_all.append(np.full(len(codes), np.uint64(1) << np.uint64(index), dtype=np.uint64))
        reports.append(report)
    codes = np.concatenate(codes_all) if codes_all else np.zeros(0, dtype=np.int64)
    bits = np.concatenate(bits_all) if bits_all else np.zeros(0, dtype=np.uint64)
    if not len(codes):
        return Candidates(codes, codes, bits, reports)
    # Equal codes meet whatever their order: their bits are or-ed together.
    order = np.argsort(codes)
    codes, bits = codes[order], bits[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    unique_codes = codes[starts]
    rule_bits = np.bitwise_or.reduceat(bits, starts)
    # A pair counts as new for the first rule (in settings order) that found it.
    lowest = rule_bits & (~rule_bits + np.uint64(1))
    for index, report in enumerate(reports):
        mask = np.uint64(1) << np.uint64(index)
        report.pairs = int(((rule_bits & mask) != 0).sum())
        report.new_pairs = int((lowest == mask).sum())
    return Candidates(unique_codes // size, unique_codes % size, rule_bits, reports)


def _key_rows(features: Features, keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(person, key) rows: one per combination of the person's values of the rule's features."""
    people = np.arange(len(features), dtype=np.int64)
    combined = np.zeros(len(features), dtype=np.int64)
    # Keys are numbered 0 .. `below` - 1; they are re-numbered (in order of first appearance, which
    # depends only on which rows hold equal keys) at the end, and before a feature whose values
    # would make them overflow: once per rule, not once per feature.
    below = 1
    for name in keys:
        codes = features[name].codes
        span = np.int64(features[name].size + 1)
        if below * int(span) >= 2**62:
            combined = pd.factorize(combined, sort=False)[0].astype(np.int64)
            below = int(combined.max(initial=0)) + 1
        next_people, next_keys = [], []
        for column in range(codes.shape[1]):
            values = codes[people, column]
            present = values >= 0
            next_people.append(people[present])
            next_keys.append(combined[present] * span + values[present])
        people = np.concatenate(next_people)
        combined = np.concatenate(next_keys)
        below *= int(span)
    combined = pd.factorize(combined, sort=False)[0].astype(np.int64)
    if len(people) > len(features):
        # Several columns (phone and mobile) can give one person the same key twice.
        unique = pd.unique(combined * len(features) + people)
        people, combined = unique % len(features), unique // len(features)
    return people, combined


def _pairs_within_blocks(
    people: np.ndarray,
    keys: np.ndarray,
    max_block_size: int,
    budget: int,
    report: RuleReport,
    features: Features,
    rule: BlockingRule,
) -> tuple[np.ndarray, np.ndarray]:
    empty = np.zeros(0, dtype=np.int64)
    # Most keys are held by one person only (an email, a phone): drop them before sorting.
    shared = np.bincount(keys)[keys] >= 2 if len(keys) else np.zeros(0, dtype=bool)
    people, keys = people[shared], keys[shared]
    if not len(people):
        return empty, empty
    order = stable_order(keys)
    keys, people = keys[order], people[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = np.diff(np.r_[starts, len(keys)])
    pairs_per_block = sizes * (sizes - 1) // 2
    kept = (sizes >= 2) & (sizes <= max_block_size)
    # Over budget: drop the largest blocks first, they are the least telling.
    # Counted from the smallest, so that the blocks past the budget are the largest.
    if pairs_per_block[kept].sum() > budget:
        by_size = np.argsort(sizes, kind="stable")
        running = np.cumsum(pairs_per_block[by_size] * kept[by_size])
        kept[by_size[running > budget]] = False
    skipped = (sizes >= 2) & ~kept
    report.blocks = int(kept.sum())
    report.skipped_blocks = int(skipped.sum())
    report.skipped_records = int(sizes[skipped].sum())
    if skipped.any():
        largest = starts[np.flatnonzero(skipped)[np.argmax(sizes[skipped])]]
        person = people[largest]
        shown = " + ".join(str(_value_of(features, key, person)) for key in rule.keys)
        report.largest_skipped = f"{shown} ({int(sizes[skipped].max())} records)"
    block_starts, block_sizes = starts[kept], sizes[kept]
    if not len(block_starts):
        return empty, empty
    left_index, right_index = pairs_within(block_starts, block_sizes)
    left, right = people[left_index], people[right_index]
    low, high = np.minimum(left, right), np.maximum(left, right)
    different = low != high
    return low[different], high[different]


def _value_of(features: Features, name: str, person: int) -> str:
    feature = features[name]
    codes = feature.codes[person]
    present = codes[codes >= 0]
    return str(feature.take(present[:1])[0]) if len(present) else ""
