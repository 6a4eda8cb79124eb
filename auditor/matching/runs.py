"""Pairs inside runs: the arithmetic blocking, clustering and shared-value detection have in common.

A sorted array of keys falls into runs of equal keys; every two members of a run make a pair.
Generated with numpy repeats and cumulative sums: a million pairs cost milliseconds.
"""

from __future__ import annotations

import numpy as np


def pairs_within(starts: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of positions inside each run [start, start + size) of a sorted array: each member
    pairs with the members after it. Vectorised; pairs come out run by run."""
    members = np.repeat(starts, sizes) + ranges(sizes)
    partners = np.repeat(starts + sizes, sizes) - members - 1
    left = np.repeat(members, partners)
    return left, left + 1 + ranges(partners)


def ranges(lengths: np.ndarray) -> np.ndarray:
    """Concatenated 0..length-1 for each length: ranges([2, 3]) -> [0, 1, 0, 1, 2]."""
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.arange(total, dtype=np.int64) - offsets


def stable_order(keys: np.ndarray) -> np.ndarray:
    """`np.argsort(keys, kind="stable")` for non-negative integer keys; below 2**32 (numbered keys,
    as blocking's) as two stable sorts of 16 bits, which numpy does by radix, three times faster."""
    if not len(keys) or int(keys.max()) >= 2**32:
        return np.argsort(keys, kind="stable")
    order = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    return order[np.argsort((keys[order] >> 16).astype(np.uint16), kind="stable")]
