"""People's names made comparable: folded keys, nickname and transliteration groups, and a coarse
consonant skeleton that survives vowel spellings (Mohammed, Muhammad, Mohamed -> "mhmd").

The groups come from rules/nicknames.csv (Bob/Robert, Kasia/Katarzyna, Paco/Francisco, ...).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from auditor.resources import rules_dir
from auditor.text import as_arrow, fold_array, per_distinct, to_series

# Apostrophes, backticks and dots join the letters around them (O'Brien, J.P.); hyphens and spaces
# separate words (Jean-Pierre, García López).
_JOINERS = "'’`."


def fold_names(names: pd.Series) -> pd.Series:
    """Lower case, no accents, no punctuation: "José-María O'Neil" -> "jose maria oneil".

    Always folded once per distinct name: a million people share a few hundred thousand names, even
    where the first twenty thousand rows are nearly all different (and the sample says otherwise)."""
    return to_series(fold_array(names, join=_JOINERS, distinct_share=1.0), names.index)


def fold_name(name: str) -> str:
    return str(fold_names(pd.Series([name], dtype="str")).iat[0])


@cache
def name_groups() -> dict[str, frozenset[str]]:
    """Folded given name -> the formal names (groups) it is a form of. A formal name is in its own group."""
    text = rules_dir("nicknames.csv").read_text(encoding="utf-8")
    rows = list(
        csv.DictReader(line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    )
    names = fold_names(pd.Series([row["name"] for row in rows], dtype="str"))
    groups = fold_names(pd.Series([row["group"] for row in rows], dtype="str"))
    found: dict[str, set[str]] = defaultdict(set)
    for name, group in zip(names, groups, strict=True):
        found[name].add(group)
        found[group].add(group)
    return {name: frozenset(members) for name, members in found.items()}


def group_columns(names: pd.Series, width: int = 3) -> list[pd.Series]:
    """The formal names each name is a form of, as `width` columns for blocking ("bob" -> robert;
    "alex" -> alejandro, alexander, alexandra); a name in no group stands for itself."""
    groups = {name: sorted(members)[:width] for name, members in name_groups().items()}
    columns = []
    for column in range(width):
        lookup = {name: members[column] for name, members in groups.items() if column < len(members)}
        mapped = names.map(lookup)
        fallback = names if column == 0 else ""
        columns.append(mapped.where(mapped.notna(), fallback).astype("str"))
    return columns


def share_group(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """True where two folded names are forms of one name (both listed in one group).

    Works on distinct pairs through a join on (name, group) rows: no Python per pair.
    """
    groups = name_groups()
    membership = pd.DataFrame(
        [(name, group) for name, members in groups.items() for group in members], columns=["name", "group"]
    )
    pairs = pd.DataFrame({"left": left, "right": right, "pair": np.arange(len(left))})
    left_groups = pairs.merge(membership, left_on="left", right_on="name")[["pair", "right", "group"]]
    both = left_groups.merge(membership, left_on=["right", "group"], right_on=["name", "group"])
    result = np.zeros(len(left), dtype=bool)
    result[both["pair"].to_numpy()] = True
    return result & (left != right)


# A consonant skeleton: spelling variants of one sound map to one letter, vowels (after the first
# letter) and doubled letters go. Coarse on purpose: it is one level among many, weighed by the data.
_SOUNDS = (
    (r"ph", "f"),
    (r"[ckq]+h?|x", "k"),
    (r"([bdgkprt])h", r"\1"),
    (r"[sz]+", "s"),
    (r"w", "v"),
    (r"dj", "j"),
)


def _skeleton_array(array: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    words = pc.replace_substring(array, " ", "")
    for pattern, replacement in _SOUNDS:
        words = pc.replace_substring_regex(words, pattern, replacement)
    head = pc.utf8_slice_codeunits(words, 0, 1)
    tail = pc.replace_substring_regex(pc.utf8_slice_codeunits(words, 1), r"[aeiouy]+", "")
    joined = pc.binary_join_element_wise(head, tail, pa.scalar("", head.type))
    # RE2 has no back-references: collapse each doubled letter on its own.
    for letter in "bdfgjklmnprstv":
        joined = pc.replace_substring_regex(joined, letter + "{2,}", letter)
    return joined


def skeletons(names: pd.Series) -> pd.Series:
    """The consonant skeleton of each (folded) name, computed once per distinct name.

    >>> skeletons(pd.Series(["mohammed", "muhammad", "mohamed"], dtype="str")).nunique()
    1
    """
    return to_series(per_distinct(as_arrow(names), _skeleton_array), names.index)


def skeleton(name: str) -> str:
    return str(skeletons(pd.Series([name], dtype="str")).iat[0])
