"""Test and filler values (rules/placeholders.toml), for DQ004 placeholder and DQ003 unreachable.

Names are folded by `auditor.folding.ascii_fold_array` (lower case, no accents, punctuation to
spaces), emails compared without case. Everything runs as Arrow kernels over whole columns, once per
distinct value where values repeat, so a million names take a fraction of a second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from auditor.folding import ascii_fold_array
from auditor.resources import load_rules_toml
from auditor.text import as_arrow, per_distinct


@dataclass(frozen=True)
class _Names:
    values: pa.Array  # folded
    pattern: str  # the file's patterns as one RE2 alternation
    repeated_character_min: int
    # Names of several words ("Tidak diketahui", "No name") and the first words they start with:
    # a whole name split into first and last name is only worth re-joining when its first word is one.
    phrases: pa.Array
    first_words: pa.Array


@cache
def _names() -> _Names:
    data = load_rules_toml("placeholders.toml")["names"]
    folded = ascii_fold_array(pa.array(data["values"], pa.string()))
    phrases = [value for value in folded.to_pylist() if " " in value]
    return _Names(
        values=folded,
        pattern="|".join(f"(?:{pattern})" for pattern in data["patterns"]),
        repeated_character_min=int(data.get("repeated_character_min", 0)),
        phrases=pa.array(phrases, pa.string()),
        first_words=pa.array(sorted({phrase.split(" ")[0] for phrase in phrases}), pa.string()),
    )


@cache
def _email_pattern() -> str:
    """One case-insensitive RE2 pattern: the listed addresses, then the file's patterns."""
    data = load_rules_toml("placeholders.toml")["emails"]
    listed = "|".join(re.escape(value.lower()) for value in data["values"])
    return "(?i)" + "|".join([f"^(?:{listed})$", *(f"(?:{pattern})" for pattern in data["patterns"])])


def placeholder_names(values: pd.Series) -> np.ndarray:
    """True where a name or company field holds filler ("Test", "N/A", "Inconnu", "xxx", "asdf" ...)."""
    # Each distinct name is judged once, unless nearly all differ (company names of leads): hashing
    # them would cost more than it saves (benchmarks/README.md).
    return np.asarray(per_distinct(as_arrow(values), _filler_names, distinct_share=0.9).to_numpy())


def _filler_names(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    keys = ascii_fold_array(values)
    names = _names()
    hits = pc.or_(pc.is_in(keys, value_set=names.values), pc.match_substring_regex(keys, names.pattern))
    if names.repeated_character_min:
        hits = pc.or_(hits, _one_character_repeated(keys, names.repeated_character_min))
    return pc.and_(hits, pc.not_equal(values, ""))


def placeholder_whole_names(first: pd.Series, last: pd.Series) -> np.ndarray:
    """True where first and last name together are a filler phrase that neither is alone
    ("Tidak" + "diketahui", "No" + "name"), as a whole name split into its parts becomes."""
    names = _names()
    codes, uniques = pd.factorize(first, sort=False)
    folded = ascii_fold_array(pa.array(np.asarray(uniques, dtype=object), pa.string()))
    starts = pc.is_in(pc.replace_substring_regex(folded, " .*$", ""), value_set=names.first_words)
    candidates = np.flatnonzero(starts.to_numpy(zero_copy_only=False)[codes]) if len(uniques) else []
    result = np.zeros(len(first), dtype=bool)
    if len(candidates):
        whole = first.iloc[candidates] + " " + last.iloc[candidates]
        keys = ascii_fold_array(pa.array(whole.to_numpy(dtype=object), pa.string()))
        result[candidates] = pc.is_in(keys, value_set=names.phrases).to_numpy(zero_copy_only=False)
    return result


def placeholder_emails(values: pd.Series) -> np.ndarray:
    """True where an email address is filler ("test@test.com", "noemail@acme.com", "a@a.com" ...)."""
    return pc.match_substring_regex(_arrow(values), _email_pattern()).to_numpy(zero_copy_only=False)


def _arrow(values: pd.Series) -> pa.Array:
    """The column as one Arrow string array, without a trip through Python objects."""
    return as_arrow(values).combine_chunks().cast(pa.string())


def _one_character_repeated(keys: pa.Array, minimum: int) -> pa.Array:
    """Values like "xxx" and "aaaa": the first character repeated as often as the value is long."""
    lengths = pc.utf8_length(keys)
    first = pc.utf8_slice_codeunits(keys, 0, 1)
    return pc.and_(pc.greater_equal(lengths, minimum), pc.equal(keys, pc.binary_repeat(first, lengths)))
