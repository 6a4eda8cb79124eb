"""Features from parts: the Dask engine's workers normalise and factorise the text features of the
records they read (`FeaturePart`), and the client joins the parts (`features_from_parts`). However
the records are cut, the features are `build_features`' of the whole, code for code: blocking,
comparisons and explanations then see the same people in the same order."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.api import combine_records, read_inputs
from auditor.config import Config
from auditor.matching.features import (
    Feature,
    FeaturePart,
    _factorised,
    build_features,
    features_from_parts,
)
from tests.conftest import AS_OF
from tests.rules.planted import write_planted

VALUES = st.sampled_from(["", "", "ana", "bo", "ana maria", "zoë", "bo "])


@st.composite
def cut_columns(draw: st.DrawFn) -> tuple[list[list[str]], list[int]]:
    width = draw(st.integers(1, 3))
    rows = draw(st.integers(0, 25))
    columns = [draw(st.lists(VALUES, min_size=rows, max_size=rows)) for _ in range(width)]
    cuts = sorted(draw(st.lists(st.integers(0, rows), max_size=4)))
    return columns, [0, *cuts, rows]


@settings(max_examples=300, deadline=None)
@given(cut_columns())
def test_a_feature_joined_from_parts_is_the_whole_code_for_code(case: tuple) -> None:
    columns, bounds = case
    fields = tuple(f"field{number}" for number in range(len(columns)))
    whole = Feature.from_columns("f", fields, [pd.Series(column, dtype="str") for column in columns])
    parts = [
        [_factorised(pd.Series(column[start:end], dtype="str")) for column in columns]
        for start, end in itertools.pairwise(bounds)
    ]
    joined = Feature.from_parts("f", fields, parts)
    assert joined.codes.tolist() == whole.codes.tolist()
    assert joined.values.to_pylist() == whole.values.to_pylist()


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    written = write_planted(tmp_path_factory.mktemp("planted"), seed=5)
    config = Config(as_of=AS_OF, **written.settings)
    return combine_records(read_inputs(written.paths, config).frames)


@pytest.mark.parametrize("parts", [1, 2, 7])
def test_features_joined_from_parts_are_the_whole_features(records: pd.DataFrame, parts: int) -> None:
    whole = build_features(records)
    bounds = np.linspace(0, len(records), parts + 1).astype(int)
    assert (records["object"] == "account").any()  # accounts in the parts are no people
    joined = features_from_parts(
        [FeaturePart.of(records.iloc[start:end]) for start, end in itertools.pairwise(bounds)]
    )
    assert joined.positions.tolist() == whole.positions.tolist()
    assert list(joined.by_name) == list(whole.by_name)
    for name, feature in whole.by_name.items():
        other = joined[name]
        assert other.fields == feature.fields, name
        assert other.codes.tolist() == feature.codes.tolist(), name
        values = feature.values
        assert (
            other.values.tolist() == values.tolist()
            if isinstance(values, np.ndarray)
            else other.values.to_pylist() == values.to_pylist()
        ), name
        assert (None if other.shared is None else other.shared.tolist()) == (
            None if feature.shared is None else feature.shared.tolist()
        ), name
        assert sorted(other._derived) == sorted(feature._derived), name
        for key, table in feature._derived.items():
            assert other._derived[key].tolist() == table.tolist(), (name, key)


def test_a_part_of_accounts_only_holds_nobody(records: pd.DataFrame) -> None:
    accounts = records[records["object"] == "account"]
    part = FeaturePart.of(accounts)
    assert len(part.positions) == 0
    assert all(len(codes) == 0 for _, columns in part.columns.values() for codes, _ in columns)
