"""Folding whole columns of free text (names, companies, addresses) into comparable keys, in Arrow.

`auditor.folding.fold` is the one definition of "the same label"; this is its column-at-a-time twin
for values that are mostly distinct (a million names, a million company names), where a Python call
per value would cost seconds. Both drop case, accents and punctuation, and read the letters that
do not decompose (ł, ø, ß ...) and the Arabic spelling variants alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from auditor.folding import LETTER_FOLDS, ascii_fold_array

# pandas' default string dtype ("str"): Arrow storage, NaN for missing.
STR = pd.StringDtype("pyarrow", na_value=np.nan)


def as_arrow(values: pd.Series | pa.Array | pa.ChunkedArray) -> pa.ChunkedArray:
    """A string column as an Arrow chunked array, without copying when pandas already holds Arrow."""
    if isinstance(values, pa.ChunkedArray):
        return values
    if isinstance(values, pa.Array):
        return pa.chunked_array([values])
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        array = values.array.__arrow_array__()
        return array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])
    return pa.chunked_array([pa.array(values.astype("str").to_numpy(dtype=object), type=pa.large_string())])


def fold_array(
    values: pd.Series | pa.ChunkedArray, *, join: str = "", distinct_share: float = 0.6
) -> pa.ChunkedArray:
    """Lower case, no accents, punctuation collapsed to one space, trimmed.

    Characters in `join` (e.g. "'-." for names: O'Brien, Jean-Pierre, J.P.) are removed instead of
    becoming a space, so that "O'Brien" and "OBrien" fold alike. `distinct_share` as `per_distinct`'s.
    """
    return per_distinct(as_arrow(values), lambda array: _fold(array, join), distinct_share=distinct_share)


def _fold(array: pa.ChunkedArray | pa.Array, join: str) -> pa.ChunkedArray | pa.Array:
    if join:
        array = pc.replace_substring_regex(array, "[" + re.escape(join) + "]", "")
    if pc.all(pc.string_is_ascii(array)).as_py():
        array = pc.ascii_lower(array)
    else:
        array = pc.utf8_lower(array)
        for letter, replacement in LETTER_FOLDS.items():
            array = pc.replace_substring(array, letter, replacement)
    return ascii_fold_array(array)


def per_distinct(
    array: pa.ChunkedArray,
    function: Callable[[pa.Array], pa.Array | pa.ChunkedArray],
    *,
    distinct_share: float = 0.6,
) -> pa.ChunkedArray:
    """`function` applied once per distinct value when values repeat (names, cities), else directly.

    Decided on a sample: computing per distinct value costs hashing every value, which only pays
    off when distinct values are clearly fewer than rows; past `distinct_share` of the sample being
    distinct, `function` runs on every value. The result is the same either way."""
    array = pc.fill_null(array, "")
    sample = array.slice(0, 20_000)
    if len(array) < 50_000 or len(pc.unique(sample)) > len(sample) * distinct_share:
        return function(array)
    encoded = pc.dictionary_encode(array.combine_chunks())
    return pa.chunked_array([pc.take(function(encoded.dictionary), encoded.indices)])


def to_series(array: pa.ChunkedArray, index: pd.Index | None = None) -> pd.Series:
    """An Arrow string column as a pandas str Series ("" for missing)."""
    series = pd.Series(pc.fill_null(array, ""), dtype=STR)
    if index is not None:
        series.index = index
    return series
