"""`Features.of_pairs`: the features of only the people of some pairs, as a Dask task compares
them. Every comparison sees those pairs as it does with all the features: the same levels, and the
same term-frequency codes once put back (`evaluate_cut_pairs`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from auditor.api import combine_records, read_inputs
from auditor.config import Config
from auditor.matching.blocking import candidate_pairs
from auditor.matching.comparisons import evaluate_cut_pairs, evaluate_pairs
from auditor.matching.features import build_features
from auditor.matching.settings import default_settings
from tests.conftest import AS_OF
from tests.rules.planted import write_planted


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    written = write_planted(tmp_path_factory.mktemp("planted"), seed=11)
    config = Config(as_of=AS_OF, **written.settings)
    records = combine_records(read_inputs(written.paths, config).frames)
    settings = default_settings()
    features = build_features(records)
    candidates = candidate_pairs(
        features,
        settings.rules,
        max_block_size=settings.max_block_size,
        max_pairs_per_record=settings.max_pairs_per_record,
    )
    comparisons = list(settings.comparisons)
    whole = evaluate_pairs(comparisons, features, candidates.left, candidates.right)
    return records, comparisons, candidates, whole


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_any_part_of_the_pairs_compares_as_in_the_whole(planted: tuple, seed: int) -> None:
    records, comparisons, candidates, (levels, tf_codes) = planted
    rng = np.random.default_rng(seed)
    # Parts of every size, in any order: a part is whatever pairs a task is given.
    order = rng.permutation(len(candidates.left))
    cuts = np.sort(rng.choice(np.arange(1, len(order)), size=4, replace=False))
    for part in np.split(order, cuts):
        features = build_features(records)  # fresh: no memo of an earlier part helps
        cut = features.of_pairs(candidates.left[part], candidates.right[part])
        assert len(cut.features) < len(features)
        part_levels, part_codes = evaluate_cut_pairs(comparisons, cut)
        assert np.array_equal(part_levels, levels[part])
        assert np.array_equal(part_codes, tf_codes[part])


def test_a_cut_holds_only_its_people_and_their_values(planted: tuple) -> None:
    records, _, candidates, _ = planted
    features = build_features(records)
    left, right = candidates.left[:10], candidates.right[:10]
    cut = features.of_pairs(left, right)
    people = np.unique(np.concatenate([left, right]))
    assert np.array_equal(cut.features.positions, features.positions[people])
    assert np.array_equal(cut.features.positions[cut.left], features.positions[left])
    for name, feature in features.by_name.items():
        small = cut.features[name]
        assert small.size <= max(len(people) * feature.width, 1)
        # Each person's values read the same through the cut vocabulary.
        held = small.codes >= 0
        assert np.array_equal(held, feature.codes[people] >= 0)
        assert np.array_equal(cut.whole_codes[name][small.codes[held]], feature.codes[people][held])
    # Features that share a vocabulary (first and last names) still share it: names read crossed
    # over are compared by code.
    assert cut.features["first_name"].values is cut.features["last_name"].values


def test_a_feature_nobody_in_the_part_holds(tmp_path: Path) -> None:
    (tmp_path / "contacts.csv").write_text(
        "Email,First Name,Last Name\nanna@example.com,Anna,Nowak\nanna@example.com,Anna,Nowak\n",
        encoding="utf-8",
    )
    records = combine_records(read_inputs([tmp_path / "contacts.csv"], Config(as_of=AS_OF)).frames)
    settings = default_settings()
    comparisons = list(settings.comparisons)
    features = build_features(records)
    left, right = np.array([0]), np.array([1])
    whole = evaluate_pairs(comparisons, features, left, right)
    cut = build_features(records).of_pairs(left, right)
    assert cut.features["phone"].size == 1 and (cut.features["phone"].codes < 0).all()
    for mine, theirs in zip(evaluate_cut_pairs(comparisons, cut), whole, strict=True):
        assert np.array_equal(mine, theirs)
