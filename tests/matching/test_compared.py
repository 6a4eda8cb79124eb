"""`auditor.matching.compared`: what matching asks of the compared candidates gives the same
answer over parts of them, cut anywhere, as over all of them (the Dask engine asks each part
where a worker holds it), and keeps every pair that may match, go to review or that a person
decided."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor import matching
from auditor.api import combine_records, read_inputs
from auditor.demo import demo_config, sample_paths
from auditor.matching import compared
from auditor.matching.compared import (
    Kept,
    PairsInMemory,
    capped_evidence,
    kept_pairs,
    lifted_by_floors,
    patterns_found,
)
from auditor.matching.estimating import Model, joined_patterns


@pytest.fixture(scope="module")
def weighed() -> tuple[Model, PairsInMemory, float]:
    """The demo samples matched (they hold pairs for review), with the compared candidates
    matching weighed."""
    config = demo_config()
    with sample_paths() as paths:
        records = combine_records(read_inputs(paths, config).frames)
    held: list[PairsInMemory] = []

    def compare(*arguments: object) -> PairsInMemory:
        held.append(matching._in_memory(*arguments))  # type: ignore[arg-type]
        return held[0]

    result = matching.match_people(records, config, compare=compare)
    assert result.model is not None
    settings = matching.default_settings().model
    threshold = float(np.log2(settings.match_probability / (1.0 - settings.match_probability)))
    return result.model, held[0], threshold


def _cuts(size: int, points: list[int]) -> list[tuple[int, int]]:
    edges = sorted({0, size, *(point % (size + 1) for point in points)})
    return list(itertools.pairwise(edges))


@settings(max_examples=25, deadline=None)
@given(points=st.lists(st.integers(min_value=0), max_size=6), wanted_share=st.floats(0, 0.05))
def test_parts_give_what_the_whole_gives(weighed: tuple, points: list[int], wanted_share: float) -> None:
    model, pairs, threshold = weighed
    size = len(pairs)
    rng = np.random.default_rng(len(points))
    wanted = np.sort(rng.choice(size, int(size * wanted_share), replace=False))
    whole = kept_pairs(model, pairs.levels, pairs.evidence, threshold, wanted)
    parts = []
    lifted: dict[str, int] = {}
    capped = []
    for start, stop in _cuts(size, points):
        levels, evidence = pairs.levels[start:stop], pairs.evidence[start:stop]
        low, high = np.searchsorted(wanted, [start, stop])
        parts.append((start, kept_pairs(model, levels, evidence, threshold, wanted[low:high] - start)))
        for name, count in lifted_by_floors(model, levels, evidence, threshold).items():
            lifted[name] = lifted.get(name, 0) + count
        capped.append(capped_evidence(model, levels, evidence))
    joined = Kept.joined(parts[::-1])  # in any order they come back
    for name in ("rows", "weight", "unvetoed", "review"):
        assert np.array_equal(getattr(joined, name), getattr(whole, name)), name
    assert joined.matching == whole.matching
    assert lifted == pairs.lifted(model, threshold)
    assert np.array_equal(np.concatenate(capped), capped_evidence(model, pairs.levels, pairs.evidence))


def test_kept_are_the_pairs_that_may_match_go_to_review_or_were_decided(weighed: tuple) -> None:
    model, pairs, threshold = weighed
    weight = model.match_weight(pairs.levels, evidence=pairs.evidence)
    unvetoed = model.match_weight(pairs.levels, vetoes=False, evidence=pairs.evidence)
    review = model.for_review(pairs.levels) & (unvetoed >= threshold)
    below = np.flatnonzero((weight < threshold) & ~review)
    assert len(below) > 10 and (weight >= threshold).sum() > 10 and review.any()
    wanted = below[:3]
    kept = pairs.kept(model, threshold, wanted)
    expected = np.union1d(np.flatnonzero((weight >= threshold) | review), wanted)
    assert np.array_equal(kept.rows, expected)
    assert np.array_equal(kept.weight, weight[expected]) and np.array_equal(kept.unvetoed, unvetoed[expected])
    assert np.array_equal(kept.review, review[expected])
    assert kept.matching == int((weight >= threshold).sum())
    # A few per cent of the candidates: what the Dask engine sends back instead of every level.
    assert len(kept.rows) < 0.5 * len(pairs)


@settings(max_examples=25, deadline=None)
@given(
    points=st.lists(st.integers(min_value=0), max_size=6), rules=st.integers(1, 9), seed=st.integers(0, 2**16)
)
def test_level_patterns_counted_over_parts_are_those_of_every_pair(
    weighed: tuple, points: list[int], rules: int, seed: int
) -> None:
    """EM's counts, each part's joined in any order, are those of every pair its rule found, row
    by row: the same arrays to the bit, so EM gives the same model whatever the cut."""
    _, pairs, _ = weighed
    size = len(pairs)
    rng = np.random.default_rng(seed)
    dtype = np.uint8 if rules <= 8 else np.uint16
    found = rng.integers(0, 2**rules, size).astype(dtype)
    whole = pairs.patterns(found, rules)
    parts = [
        patterns_found(pairs.levels[start:stop], found[start:stop], rules)
        for start, stop in _cuts(size, points)
    ]
    for rule in range(rules):
        joined = joined_patterns([part[rule] for part in parts[::-1]], pairs.levels.shape[1])
        assert np.array_equal(joined[0], whole[rule][0]) and np.array_equal(joined[1], whole[rule][1])
        rows = pairs.levels[(found >> dtype(rule)) & 1 == 1]
        expected: dict[tuple[int, ...], int] = {}
        for row in map(tuple, rows.tolist()):
            expected[row] = expected.get(row, 0) + 1
        patterns, counts = whole[rule]
        assert dict(zip(map(tuple, patterns.tolist()), counts.astype(int).tolist(), strict=True)) == expected


def test_patterns_held_in_memory_are_counted_a_slice_at_a_time(
    weighed: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The local engine counts 250k candidates at a time (a slice's packed patterns stay
    small); slices of a few pairs give the counts of the whole."""
    _, pairs, _ = weighed
    found = np.random.default_rng(3).integers(0, 8, len(pairs)).astype(np.uint8)
    whole = pairs.patterns(found, 3)
    monkeypatch.setattr(compared, "_PATTERNS_AT_A_TIME", 7)
    sliced = pairs.patterns(found, 3)
    for (patterns, counts), (expected_patterns, expected_counts) in zip(sliced, whole, strict=True):
        assert np.array_equal(patterns, expected_patterns) and np.array_equal(counts, expected_counts)
    assert sum(counts.sum() for _, counts in whole) == sum(
        int(((found >> bit) & 1).sum()) for bit in range(3)
    )
