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
from auditor.matching.compared import Kept, PairsInMemory, capped_evidence, kept_pairs, lifted_by_floors
from auditor.matching.estimating import Model


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
