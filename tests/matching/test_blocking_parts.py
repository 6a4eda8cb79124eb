"""Blocking cut into parts gives the pairs and reports of blocking the whole at once.

The steps an engine runs on its workers (key rows per slice of the people, rows sent by key to
buckets, blocks per bucket, the guard decided over every bucket, pairs sent by range and merged)
are composed here in one process, cut every way hypothesis finds, against `candidate_pairs`. The
guards are made to bite: small blocks allowed, budgets of a fraction of a pair per record, ties
among blocks of one size, people holding one key twice (phone and mobile alike)."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.matching.blocking import (
    BlockingRule,
    Skipped,
    _value_of,
    block_counts,
    blocks_of,
    buckets_of,
    budget_cut,
    candidate_pairs,
    candidates_of,
    key_rows,
    merged,
    ranges_of,
    rule_budget,
    rule_codes,
    rule_pairs,
)
from auditor.matching.features import Feature, Features


def _features(columns: dict[str, np.ndarray]) -> Features:
    size = len(next(iter(columns.values())))
    by_name = {name: Feature.from_keys(name, (name,), keys) for name, keys in columns.items()}
    return Features(positions=np.arange(size), by_name=by_name)


def in_parts(
    features: Features,
    rules: list[BlockingRule],
    slices: int,
    buckets: int,
    ranges: int,
    max_block_size: int,
    max_pairs_per_record: float,
):
    people = len(features)
    bounds = np.linspace(0, people, slices + 1).astype(np.int64)
    code_bounds = np.linspace(0, people * people, ranges + 1).astype(np.int64)[1:-1]
    reports, by_range = [], [[] for _ in range(ranges)]
    for index, rule in enumerate(rules):
        sent = [
            buckets_of(
                key_rows(rule_codes(features, rule, start, stop), first=int(start), people=people), buckets
            )
            for start, stop in itertools.pairwise(bounds)
        ]
        blocks = [blocks_of([rows[bucket] for rows in sent]) for bucket in range(buckets)]
        counts = sum(block_counts(part, max_block_size) for part in blocks)
        cut = budget_cut(counts, rule_budget(rule, people, max_pairs_per_record), _ranks_in(blocks))
        skipped = Skipped()
        for part in blocks:
            codes, said = rule_pairs(part, cut, max_block_size, people)
            skipped = skipped.add(said)
            bits = np.full(len(codes), np.uint64(1) << np.uint64(index), dtype=np.uint64)
            for number, piece in enumerate(ranges_of(codes, bits, code_bounds)):
                by_range[number].append(piece)
        reports.append(skipped.report(rule, features))
    pieces = [merged(parts) for parts in by_range]
    codes = np.concatenate([piece[0] for piece in pieces])
    bits = np.concatenate([piece[1] for piece in pieces])
    return candidates_of(codes, bits, people, reports)


def reference(
    features: Features, rules: list[BlockingRule], max_block_size: int, max_pairs_per_record: float
):
    """Blocking as the rules say it, person by person in plain Python: each rule's blocks in the
    order their first row comes (rows by column, last feature first, then by person); over the
    budget, the largest blocks dropped first, among blocks of one size the later ones."""
    people = len(features)
    found: dict[tuple[int, int], int] = {}
    reports = []
    for index, rule in enumerate(rules):
        widths = [features[name].codes.shape[1] for name in rule.keys]
        members: dict[tuple[int, ...], list[int]] = {}
        for columns in itertools.product(*(range(width) for width in reversed(widths))):
            for person in range(people):
                key = tuple(
                    int(features[name].codes[person, column])
                    for name, column in zip(rule.keys, reversed(columns), strict=True)
                )
                if min(key) >= 0 and person not in members.setdefault(key, []):
                    members[key].append(person)
        blocks = [block for block in members.values() if len(block) >= 2]
        kept = [block for block in blocks if len(block) <= max_block_size]
        budget = rule_budget(rule, people, max_pairs_per_record)
        if sum(len(block) * (len(block) - 1) // 2 for block in kept) > budget:
            running, within = 0, []
            for block in sorted(kept, key=len):  # stable: among one size, in block order
                running += len(block) * (len(block) - 1) // 2
                if running <= budget:
                    within.append(block)
            kept = [block for block in kept if any(block is chosen for chosen in within)]
        skipped = [block for block in blocks if not any(block is chosen for chosen in kept)]
        report = {
            "name": rule.name,
            "blocks": len(kept),
            "skipped_blocks": len(skipped),
            "skipped_records": sum(len(block) for block in skipped),
            "largest_skipped": "",
        }
        if skipped:
            largest = max(skipped, key=len)  # the first of the largest
            shown = " + ".join(str(_value_of(features, name, largest[0])) for name in rule.keys)
            report["largest_skipped"] = f"{shown} ({len(largest)} records)"
        reports.append(report)
        for block in kept:
            for left, right in itertools.combinations(sorted(block), 2):
                found[(left, right)] = found.get((left, right), 0) | 1 << index
    return sorted(found.items()), reports


def _ranks_in(blocks):
    return lambda size: np.concatenate([part.ranks_of(size) for part in blocks])


@st.composite
def _audits(draw):
    people = draw(st.integers(2, 60))
    values = st.integers(-1, draw(st.integers(0, 8)))
    columns = {
        "city": np.array(draw(st.lists(values, min_size=people, max_size=people)), dtype=np.int64),
        "initial": np.array(draw(st.lists(values, min_size=people, max_size=people)), dtype=np.int64),
        # Two columns: a person may hold one phone twice, or two phones.
        "phone": np.array(
            draw(st.lists(st.tuples(values, values), min_size=people, max_size=people)), dtype=np.int64
        ).reshape(people, 2),
    }
    rules = [
        BlockingRule("phone", ("phone",)),
        BlockingRule("city", ("city",), max_pairs_per_record=draw(st.sampled_from([0.1, 0.5, 1.0, None]))),
        BlockingRule("initial and city", ("initial", "city")),
        BlockingRule("phone and initial", ("phone", "initial"), max_pairs_per_record=0.3),
    ]
    return _features(columns), rules


@settings(max_examples=150, deadline=None)
@given(
    _audits(),
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(2, 8),
    st.sampled_from([0.2, 1.0, 5.0]),
)
def test_any_cut_of_the_work_gives_the_whole_ones_pairs_and_reports(
    audit, slices, buckets, ranges, max_block_size, max_pairs_per_record
) -> None:
    features, rules = audit
    whole = candidate_pairs(
        features, rules, max_block_size=max_block_size, max_pairs_per_record=max_pairs_per_record
    )
    parts = in_parts(features, rules, slices, buckets, ranges, max_block_size, max_pairs_per_record)
    assert parts.left.tolist() == whole.left.tolist()
    assert parts.right.tolist() == whole.right.tolist()
    assert parts.rules.tolist() == whole.rules.tolist()
    assert [report.to_dict() for report in parts.reports] == [report.to_dict() for report in whole.reports]
    pairs, reports = reference(features, rules, max_block_size, max_pairs_per_record)
    assert [
        ((left, right), bits)
        for left, right, bits in zip(
            whole.left.tolist(), whole.right.tolist(), whole.rules.tolist(), strict=True
        )
    ] == pairs
    for said, expected in zip(whole.reports, reports, strict=True):
        assert {key: said.to_dict()[key] for key in expected} == expected


def test_a_person_holding_one_key_twice_is_one_member_of_its_block() -> None:
    """Phone and mobile alike: the person is not a block of two on their own."""
    features = _features({"phone": np.array([[7, 7], [8, -1], [8, 9]], dtype=np.int64)})
    candidates = candidate_pairs(
        features, [BlockingRule("phone", ("phone",))], max_block_size=10, max_pairs_per_record=10
    )
    assert list(zip(candidates.left.tolist(), candidates.right.tolist(), strict=True)) == [(1, 2)]
    (report,) = candidates.reports
    assert report.blocks == 1
